/* SPDX-License-Identifier: GPL-2.0-only */
/* Network namespaces: open by name or path, enter and return, create named. */
#ifndef HYP_NETNS_H
#define HYP_NETNS_H

#include <stddef.h>
#include <stdint.h>

#define NETNS_RUN_DIR "/run/netns"

/* NAME under /run/netns, or an absolute path to a netns file. */
int netns_resolve(const char *spec, char *path, size_t len);
/* Opens and checks that it is a network namespace. */
int netns_open(const char *spec, int *fd);
int netns_identity(int fd, uint64_t *dev, uint64_t *ino);
/* Switches the calling thread into fd; *saved receives the way back. */
int netns_enter(int fd, int *saved);
void netns_restore(int saved);
int netns_cookie(int fd, uint64_t *cookie);
int netns_create_named(const char *name);
int netns_delete_named(const char *name);
int netns_exists_named(const char *name);
/* Writes a sysctl file under /proc/sys/net in the namespace fd. */
int netns_sysctl_write(int fd, const char *path, const char *val);

#endif
