/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The uplink program next to the fixture's bridge program (fixture.h):
 * loaded once, its maps the fixture's own (unpinned), so both programs
 * see the same tables. Test runs enter on lo (FX_PORT): the uplink is lo.
 */
#ifndef HYP_TESTS_BPF_UPLINK_FIXTURE_H
#define HYP_TESTS_BPF_UPLINK_FIXTURE_H

#include "fixture.h"
#include "bpf/uplink.skel.h"

static inline int fx_uplink_open(struct fixture *f, struct uplink_bpf **out)
{
	struct uplink_bpf *up = uplink_bpf__open();
	struct bpf_map *m, *twin;

	if (!up)
		return -1;
	*out = up;
	bpf_object__for_each_map(m, up->obj)
	{
		bpf_map__set_pin_path(m, NULL);
		twin = bpf_object__find_map_by_name(f->port->obj, bpf_map__name(m));
		if (twin && bpf_map__reuse_fd(m, bpf_map__fd(twin)))
			return -1;
	}
	return uplink_bpf__load(up);
}

#endif /* HYP_TESTS_BPF_UPLINK_FIXTURE_H */
