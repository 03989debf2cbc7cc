/* SPDX-License-Identifier: GPL-2.0-only */
/* Network namespaces: open by name or path, enter and return, create named. */
#ifndef HYP_NETNS_H
#define HYP_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETNS_RUN_DIR "/run/netns"

/* NAME under /run/netns, or an absolute path to a netns file. */
int netns_resolve(const char *spec, char *path, size_t len);
/* Opens and checks that it is a network namespace (nsfs, NS_GET_NSTYPE); never
 * blocks and opens nothing else (a FIFO, a device). -ENOTSUP: not a netns. */
int netns_open(const char *spec, int *fd);
/* Says whether the entry NETNS_RUN_DIR/name is a secure bridge's netns. */
typedef bool (*netns_bridge_fn)(const char *name);
/* -EPERM when fd is the host's netns (the caller's or PID 1's) or a bridge's
 * (an entry of NETNS_RUN_DIR that is_bridge accepts); why says which. */
int netns_check_target(int fd, netns_bridge_fn is_bridge, char *why, size_t len);
/* netns_open + netns_check_target: a netns a container interface may go into.
 * On -ENOTSUP or -EPERM, why says what the file is. */
int netns_open_target(const char *spec, netns_bridge_fn is_bridge, int *fd, char *why, size_t len);
int netns_identity(int fd, uint64_t *dev, uint64_t *ino);
/* Switches the calling thread into fd; *saved receives the way back. */
int netns_enter(int fd, int *saved);
void netns_restore(int saved);
int netns_cookie(int fd, uint64_t *cookie);
int netns_create_named(const char *name);
int netns_delete_named(const char *name);
/* Names the network namespace of fd NAME again (its /run/netns entry was removed). */
int netns_pin_named(const char *name, int fd);
int netns_exists_named(const char *name);
/* Writes a sysctl file under /proc/sys/net in the namespace fd. */
int netns_sysctl_write(int fd, const char *path, const char *val);

#endif
