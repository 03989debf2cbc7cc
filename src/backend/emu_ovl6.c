// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cluster overlay's IPv6 tables on the emulated NIC: remote endpoints'
 * IPv6 addresses (hyp_ovl_eps6), as etcd publishes them, with the identity
 * and node the sending side's policy and overlay route use.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backend/emu.h"
#include "bpf/overlay.skel.h"

static int eps6_fd(struct emu *e)
{
	return e->ovl ? bpf_map__fd(e->ovl->maps.hyp_ovl_eps6) : -ENOTCONN;
}

int emu_ovl_ep6_set(void *priv, const struct hyp_ep6_key *ip, const struct hyp_ovl_ep *v)
{
	int fd = eps6_fd(priv);

	if (fd < 0)
		return fd;
	return bpf_map_update_elem(fd, ip, v, BPF_ANY) ? -errno : 0;
}

int emu_ovl_ep6_del(void *priv, const struct hyp_ep6_key *ip)
{
	int fd = eps6_fd(priv);

	if (fd < 0)
		return fd;
	if (bpf_map_delete_elem(fd, ip) && errno != ENOENT)
		return -errno;
	return 0;
}

static int key6_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct hyp_ep6_key));
}

/* Writes every entry, then removes the ones not in ip[] (a sorted copy is
 * searched, so a large table is not walked n times). */
int emu_ovl_eps6_replace(void *priv, const struct hyp_ep6_key *ip, const struct hyp_ovl_ep *v,
			 size_t n)
{
	struct hyp_ep6_key key, next, *sorted = NULL;
	int fd = eps6_fd(priv), err = 0;
	bool have = false;

	if (fd < 0)
		return fd;
	if (n) {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, ip, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), key6_cmp);
	}
	for (size_t i = 0; i < n && !err; i++)
		err = emu_ovl_ep6_set(priv, &ip[i], &v[i]);
	if (err)
		goto out;
	/* a stray goes once the walk is past it: deleting the key the walk
	 * stands on would send it back to the start once per stray */
	while (!bpf_map_get_next_key(fd, have ? &key : NULL, &next)) {
		if (have && !(n && bsearch(&key, sorted, n, sizeof(*sorted), key6_cmp)))
			bpf_map_delete_elem(fd, &key);
		key = next;
		have = true;
	}
	if (have && !(n && bsearch(&key, sorted, n, sizeof(*sorted), key6_cmp)))
		bpf_map_delete_elem(fd, &key);
out:
	free(sorted);
	return err;
}
