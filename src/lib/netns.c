// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/nsfs.h>

#include "lib/netns.h"
#include "lib/log.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int netns_resolve(const char *spec, char *path, size_t len)
{
	int n;

	if (!spec || !*spec)
		return -EINVAL;
	if (spec[0] == '/')
		n = snprintf(path, len, "%s", spec);
	else if (strchr(spec, '/') || !strcmp(spec, ".") || !strcmp(spec, ".."))
		return -EINVAL;
	else
		n = snprintf(path, len, "%s/%s", NETNS_RUN_DIR, spec);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * The file is first opened O_PATH: that opens nothing (a FIFO cannot block
 * the daemon, a device's open has no side effect) and follows symlinks, so
 * /proc/PID/ns/net works. Only a file on nsfs is then opened for real,
 * through the O_PATH descriptor (the same file, whatever the path names by
 * then), and asked which kind of namespace it is.
 */
int netns_open(const char *spec, int *fd)
{
	char path[512], self[64];
	struct statfs sfs;
	int err = 0, p, f = -1, type;

	err = netns_resolve(spec, path, sizeof(path));
	if (err)
		return err;
	p = open(path, O_PATH | O_CLOEXEC);
	if (p < 0)
		return -errno;
	if (fstatfs(p, &sfs)) {
		err = -errno;
		goto out;
	}
	if (sfs.f_type != NSFS_MAGIC) {
		err = -ENOTSUP; /* a FIFO, a regular file, a device, a directory */
		goto out;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", p);
	f = open(self, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (f < 0) {
		err = -errno;
		goto out;
	}
	type = ioctl(f, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		err = -ENOTSUP; /* a mount, PID, user... namespace */
		goto out;
	}
	*fd = f;
	f = -1;
out:
	if (f >= 0)
		close(f);
	close(p);
	return err;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* 1 when st is the netns of a bridge entry of NETNS_RUN_DIR; its name in name */
static int is_bridge(const struct stat *st, netns_bridge_fn bridge, char *name, size_t len)
{
	struct dirent *de;
	struct stat o;
	DIR *dir = opendir(NETNS_RUN_DIR);
	int found = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!found && (de = readdir(dir))) {
		/* stat, not open: whatever the entry is, nothing is opened */
		if (fstatat(dirfd(dir), de->d_name, &o, 0) || !same_file(st, &o) ||
		    !bridge(de->d_name))
			continue;
		snprintf(name, len, "%s", de->d_name);
		found = 1;
	}
	closedir(dir);
	return found;
}

int netns_check_target(int fd, netns_bridge_fn bridge, char *why, size_t len)
{
	struct stat st, o;
	char name[256];
	int err;

	if (fstat(fd, &st))
		return -errno;
	/* hyperiond runs in the host netns; PID 1's is the host's too (when we may look) */
	if (stat("/proc/self/ns/net", &o))
		return -errno;
	if (same_file(&st, &o)) {
		snprintf(why, len, "the host's network namespace (hyperiond's own)");
		return -EPERM;
	}
	if (!stat("/proc/1/ns/net", &o) && same_file(&st, &o)) {
		snprintf(why, len, "the host's network namespace (PID 1's)");
		return -EPERM;
	}
	err = is_bridge(&st, bridge, name, sizeof(name));
	if (err > 0) {
		snprintf(why, len, "a secure bridge's network namespace (%s/%s)", NETNS_RUN_DIR,
			 name);
		return -EPERM;
	}
	return err;
}

int netns_open_target(const char *spec, netns_bridge_fn bridge, int *fd, char *why, size_t len)
{
	int err, f;

	snprintf(why, len, "%s", "");
	err = netns_open(spec, &f);
	if (err == -ENOTSUP)
		snprintf(why, len, "not a network namespace");
	if (err)
		return err;
	err = netns_check_target(f, bridge, why, len);
	if (err) {
		close(f);
		return err;
	}
	*fd = f;
	return 0;
}

int netns_identity(int fd, uint64_t *dev, uint64_t *ino)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

int netns_enter(int fd, int *saved)
{
	int s = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (s < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		int err = -errno;

		close(s);
		return err;
	}
	*saved = s;
	return 0;
}

void netns_restore(int saved)
{
	if (saved < 0)
		return;
	if (setns(saved, CLONE_NEWNET))
		pr_warn("netns: cannot return to the original namespace: %s\n", strerror(errno));
	close(saved);
}

int netns_cookie(int fd, uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int saved, sk, err = 0;

	err = netns_enter(fd, &saved);
	if (err)
		return err;
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	netns_restore(saved);
	if (sk < 0)
		return -errno;
	if (getsockopt(sk, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len))
		err = -errno;
	close(sk);
	return err;
}

/* Same dance as `ip netns add`: a shared /run/netns, a bind-mounted netns file. */
static int prepare_run_dir(void)
{
	if (mkdir(NETNS_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	if (!mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL))
		return 0;
	if (errno != EINVAL)
		return -errno;
	if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL))
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL))
		return -errno;
	return 0;
}

int netns_exists_named(const char *name)
{
	char path[512];
	int fd;

	if (netns_resolve(name, path, sizeof(path)))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int netns_create_named(const char *name)
{
	char path[512];
	int err, fd, saved;

	err = netns_resolve(name, path, sizeof(path));
	if (err)
		return err;
	err = prepare_run_dir();
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		err = -errno;
		goto err_unlink;
	}
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		close(saved);
		goto err_unlink;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL))
		err = -errno;
	netns_restore(saved);
	if (err)
		goto err_unlink;
	return 0;
err_unlink:
	unlink(path);
	return err;
}

int netns_pin_named(const char *name, int fd)
{
	char path[512], src[64];
	int err, f;

	err = netns_resolve(name, path, sizeof(path));
	if (!err)
		err = prepare_run_dir();
	if (err)
		return err;
	f = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (f < 0)
		return -errno;
	close(f);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, path, "none", MS_BIND, NULL)) {
		err = -errno;
		unlink(path);
	}
	return err;
}

int netns_delete_named(const char *name)
{
	char path[512];
	int err;

	err = netns_resolve(name, path, sizeof(path));
	if (err)
		return err;
	if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int netns_sysctl_write(int fd, const char *path, const char *val)
{
	int saved, f, err = 0;
	ssize_t n;

	err = netns_enter(fd, &saved);
	if (err)
		return err;
	f = open(path, O_WRONLY | O_CLOEXEC);
	if (f < 0) {
		err = -errno;
		goto out;
	}
	n = write(f, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(f);
out:
	netns_restore(saved);
	return err;
}
