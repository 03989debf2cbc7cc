// SPDX-License-Identifier: GPL-2.0-only
/* emu backend: the pinned tcx links that attach its programs to interfaces. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backend/emu.h"
#include "lib/netns.h"

int emu_link_pin_path(const struct emu *e, const char *kind, int64_t id, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/links/%s-%lld", e->names.pin_root, kind, (long long)id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int emu_link_attach_flags(int netns_fd, int prog_fd, uint32_t ifindex, int attach_type,
			  uint32_t flags, const char *pin)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = flags);
	int saved, fd, err;

	err = netns_enter(netns_fd, &saved);
	if (err)
		return err;
	fd = bpf_link_create(prog_fd, (int)ifindex, attach_type, &o);
	err = fd < 0 ? -errno : 0;
	netns_restore(saved);
	if (err)
		return err;
	unlink(pin);
	if (bpf_obj_pin(fd, pin))
		err = -errno;
	close(fd);
	return err;
}

int emu_link_attach(struct emu *e, int netns_fd, int prog_fd, uint32_t ifindex, int attach_type,
		    const char *pin)
{
	return emu_link_attach_flags(netns_fd, prog_fd, ifindex, attach_type, 0, pin);
}

/* bpf_link_info as of Linux 6.6 (tcx); Debian 12's uapi header predates it. */
struct tcx_link_info {
	__u32 type;
	__u32 id;
	__u32 prog_id;
	__u32 pad0; /* the union that follows is 8-byte aligned */
	__u32 ifindex;
	__u32 attach_type;
	__u32 pad[16];
};

int emu_link_ok(const char *pin, uint32_t ifindex)
{
	struct tcx_link_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(pin);
	int ok;

	if (fd < 0)
		return 0;
	ok = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.ifindex == ifindex;
	close(fd);
	return ok;
}

int emu_link_update(const char *pin, int prog_fd)
{
	int fd = bpf_obj_get(pin), err = 0;

	if (fd < 0)
		return -errno;
	if (bpf_link_update(fd, prog_fd, NULL))
		err = -errno;
	close(fd);
	return err;
}

void emu_link_remove(const char *pin)
{
	int fd = bpf_obj_get(pin);

	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
	unlink(pin);
}
