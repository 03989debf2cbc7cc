// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the pinned maps of an instance against this build's. A
 * table whose size, key, value or type differs (the instance was created
 * by a build with other table sizes, e.g. 4 096 endpoints before 16 384)
 * cannot be reused: libbpf would refuse it with a bare EINVAL. This check
 * names the map and both shapes and says what to do; it changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backend/emu.h"

static int map_check(const struct emu *e, const struct bpf_map *m, struct errmsg *em)
{
	const char *path = bpf_map__pin_path(m);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	if (!path)
		return 0; /* not pinned */
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0; /* not pinned yet: created at load */
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return 0; /* libbpf's own check decides */
	if (info.type == bpf_map__type(m) && info.key_size == bpf_map__key_size(m) &&
	    info.value_size == bpf_map__value_size(m) &&
	    info.max_entries == bpf_map__max_entries(m))
		return 0;
	return em_set(em, -EEXIST,
		      "instance %s was created by another build: its table %s holds %u entries "
		      "(key %u, value %u bytes), this build's %u (key %u, value %u); stop its "
		      "daemon and run `hyperctl --instance %s teardown`, then start again",
		      e->cfg.instance, bpf_map__name(m), info.max_entries, info.key_size,
		      info.value_size, bpf_map__max_entries(m), bpf_map__key_size(m),
		      bpf_map__value_size(m), e->cfg.instance);
}

int emu_pin_check(const struct emu *e, const struct bpf_object *obj, struct errmsg *em)
{
	const struct bpf_map *m;
	int err;

	bpf_object__for_each_map(m, obj)
	{
		err = map_check(e, m, em);
		if (err)
			return err;
	}
	return 0;
}
