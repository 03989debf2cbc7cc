// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: removing a domain from its names alone. No BPF object is
 * opened or loaded: the pins go as files, the ports as links.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/emu.h"
#include "lib/fs.h"
#include "lib/log.h"
#include "lib/netns.h"

struct port_list {
	uint32_t *ifindex;
	size_t n, cap;
};

static int port_list_cb(const struct nl_link *l, void *ctx)
{
	struct port_list *pl = ctx;
	long long id;
	char tail;

	if (sscanf(l->name, EMU_PORT_PREFIX "%lld%c", &id, &tail) != 1)
		return 0;
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 64;
		uint32_t *p = realloc(pl->ifindex, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		pl->ifindex = p;
		pl->cap = cap;
	}
	pl->ifindex[pl->n++] = l->ifindex;
	return 0;
}

/*
 * Deletes the bridge ports, and with each its SNIC's container end, now:
 * a deleted netns lets go of its links only when the kernel's namespace
 * cleanup gets to it, after the last reference is gone.
 */
static int ports_remove(const char *bridge_netns)
{
	struct port_list pl = {};
	struct nl *nl = NULL;
	int fd = -1, err;

	err = netns_open(bridge_netns, &fd);
	if (!err)
		err = nl__open(fd, &nl);
	if (!err)
		err = nl__link_dump(nl, port_list_cb, &pl);
	for (size_t i = 0; !err && i < pl.n; i++) {
		err = nl__link_del(nl, pl.ifindex[i]);
		if (err == -ENODEV)
			err = 0;
	}
	free(pl.ifindex);
	nl__close(nl);
	if (fd >= 0)
		close(fd);
	return err;
}

int emu_purge(const struct hyp_domain_cfg *cfg)
{
	struct emu_names nm;
	int err;

	err = emu_names(cfg->instance, &nm);
	if (err)
		return err;
	{
		struct errmsg em = {};

		/* before the netns goes: a veth uplink would go with it */
		if (emu_uplink_giveback(&nm, &em))
			pr_warn("instance %s: %s\n", cfg->instance, em.msg);
	}
	if (netns_exists_named(nm.netns)) {
		err = ports_remove(nm.netns);
		if (err)
			pr_warn("instance %s: cannot delete the bridge ports now (%s); they go "
				"with the bridge netns\n",
				cfg->instance, strerror(-err));
	}
	/* unpinned, the maps and the (now defunct) links are freed */
	fs_rm_tree(nm.pin_root);
	/* the shared parent goes with the last instance (rmdir fails while others live) */
	rmdir(EMU_PIN_BASE);
	/* the NIC netns takes whatever is left in it */
	return netns_delete_named(nm.netns);
}
