/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local control API: one JSON object per line over a Unix stream
 * socket, one request and one reply per connection.
 *   request: {"cmd": "snic.add", "args": {...}}
 *   reply:   {"ok": true, "result": ...} | {"ok": false, "errno": N, "error": "..."}
 */
#ifndef HYP_API_H
#define HYP_API_H

#include <json-c/json.h>

#define API_MAX_MSG (1 << 20)

int api_listen(const char *path);
int api_read(int fd, json_object **msg);
int api_write(int fd, json_object *msg);
/* Client: sends req (not consumed) and returns the reply. */
int api_call(const char *path, json_object *req, json_object **reply);

json_object *api_ok(json_object *result);
json_object *api_err(int err, const char *msg);

#endif
