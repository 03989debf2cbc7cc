/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local control API: one JSON object per line over a Unix stream
 * socket, one request and one reply per connection.
 *   request: {"cmd": "snic.add", "args": {...}}
 *   reply:   {"ok": true, "result": ...} | {"ok": false, "errno": N, "error": "..."}
 */
#ifndef HYP_API_H
#define HYP_API_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <json-c/json.h>

#define API_MAX_MSG (1 << 20)

/* Listens on path, mode 0600: root only. */
int api_listen(const char *path);
/* Opens the socket at path to group gid too: mode 0660 (hyperiond --api-group). */
int api_allow_group(const char *path, gid_t gid);
/* Blocking: one request (or reply) line, one reply line. */
int api_read(int fd, json_object **msg);
int api_write(int fd, json_object *msg);
/* Client: sends req (not consumed) and returns the reply. */
int api_call(const char *path, json_object *req, json_object **reply);
/* The same, waiting up to secs for the reply (api_call: 120 s). */
int api_call_timeout(const char *path, json_object *req, json_object **reply, int secs);

/* The same framing for a server that never waits on one peer (non-blocking fds). */
struct api_rx {
	char *buf;
	size_t len, cap;
	bool done; /* a newline or the end of the stream was seen */
};
/* One read(). 1: the request is complete; 0: bytes read, more to come;
 * -EAGAIN: nothing to read now; -EMSGSIZE: API_MAX_MSG reached; -errno. */
int api_rx_feed(struct api_rx *rx, int fd);
/* The complete request as an object: -ENODATA (empty), -EBADMSG. */
int api_rx_parse(const struct api_rx *rx, json_object **msg);
void api_rx_free(struct api_rx *rx);

struct api_tx {
	char *buf; /* the reply line, its newline included */
	size_t len, off;
};
int api_tx_set(struct api_tx *tx, json_object *msg);
/* Sends what the socket takes now. 1: all sent; 0: the rest must wait for
 * POLLOUT; -errno (-EPIPE when the peer is gone; never SIGPIPE). */
int api_tx_flush(struct api_tx *tx, int fd);
void api_tx_free(struct api_tx *tx);

json_object *api_ok(json_object *result);
json_object *api_err(int err, const char *msg);

#endif
