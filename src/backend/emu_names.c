// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the names of an instance's domain, and whether it is
 * there. Reads names only and links nothing beyond libc, for the CNI
 * plugin's presence check (present.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/emu.h"
#include "lib/netns.h"

int emu_names(const char *instance, struct emu_names *out)
{
	int a, b, c;

	if (!instance || !*instance || validate_instance_name(instance))
		return -EINVAL;
	a = snprintf(out->netns, sizeof(out->netns), EMU_NETNS_PREFIX "%s", instance);
	b = snprintf(out->pin_root, sizeof(out->pin_root), EMU_PIN_BASE "/%s", instance);
	c = snprintf(out->uplink_rec, sizeof(out->uplink_rec), EMU_REC_DIR "/%s.uplink", instance);
	if (a < 0 || (size_t)a >= sizeof(out->netns) || b < 0 ||
	    (size_t)b >= sizeof(out->pin_root) || c < 0 || (size_t)c >= sizeof(out->uplink_rec))
		return -ENAMETOOLONG;
	return 0;
}

bool emu_present(const struct hyp_domain_cfg *cfg)
{
	struct emu_names nm;
	char path[128];

	if (emu_names(cfg->instance, &nm))
		return false;
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, nm.netns);
	return access(path, F_OK) == 0 && access(nm.pin_root, F_OK) == 0;
}

bool emu_remnant(const struct hyp_domain_cfg *cfg)
{
	struct emu_names nm;
	char path[128];

	if (emu_names(cfg->instance, &nm))
		return false;
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, nm.netns);
	return access(path, F_OK) == 0 || access(nm.pin_root, F_OK) == 0;
}

/* hyp-I of an instance I that is there: not hyp-audit-* and the like */
bool emu_netns_is_domain(const char *name)
{
	struct hyp_domain_cfg cfg = {};
	size_t plen = strlen(EMU_NETNS_PREFIX);

	if (strncmp(name, EMU_NETNS_PREFIX, plen) || strlen(name + plen) >= sizeof(cfg.instance))
		return false;
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", name + plen);
	return emu_present(&cfg);
}
