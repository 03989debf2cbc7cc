/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small etcd v3 client: libcurl on etcd's JSON gateway (etcd 3.4 serves
 * it at /v3/...; keys and values are base64 in the JSON). Key/value calls,
 * a create-if-absent transaction, leases with keepalive, and watches as
 * one streaming POST /v3/watch whose events arrive as JSON objects.
 *
 * One handle per thread: a handle is not shared between threads.
 * Every call returns 0 or a negative errno: -ECONNREFUSED / -ETIMEDOUT /
 * -EHOSTUNREACH when no endpoint answered, -EPROTO for an answer that is
 * not what the gateway sends, -ENOENT for a missing key.
 */
#ifndef HYP_ETCD_H
#define HYP_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define ETCD_MAX_ENDPOINTS 8
#define ETCD_MAX_VALUE	   (64 * 1024)

struct etcd;

struct etcd_kv {
	char *key;
	char *value;
	size_t value_len;
	int64_t mod_revision;
	int64_t create_revision;
	int64_t lease;
};

/* A watch event: put (kv set) or delete (kv.value empty). */
struct etcd_event {
	bool deleted;
	struct etcd_kv kv;
};

/* endpoints: "http://127.0.0.1:2379[,http://...]"; timeout of each unary call */
int etcd__open(const char *endpoints, int timeout_ms, struct etcd **out);
void etcd__close(struct etcd *e);
/* The endpoint last used (for messages). */
const char *etcd__endpoint(const struct etcd *e);

int etcd__put(struct etcd *e, const char *key, const char *val, int64_t lease);
/* *val is malloc'd, NUL-terminated; -ENOENT when absent. rev: its mod revision (may be NULL). */
int etcd__get(struct etcd *e, const char *key, char **val, int64_t *rev);
int etcd__del(struct etcd *e, const char *key);
/* Creates key = val only if it does not exist: 1 created, 0 it existed. */
int etcd__create(struct etcd *e, const char *key, const char *val, int64_t lease);
/* Deletes key only if its value is val: 1 deleted, 0 not. */
int etcd__del_if(struct etcd *e, const char *key, const char *val);

/* Every key under prefix; *kvs malloc'd (etcd_kvs_free). rev: the store revision read. */
int etcd__list(struct etcd *e, const char *prefix, struct etcd_kv **kvs, size_t *n, int64_t *rev);
void etcd_kvs_free(struct etcd_kv *kvs, size_t n);

int etcd__lease_grant(struct etcd *e, int64_t ttl, int64_t *id);
/* Refreshes a lease: its remaining TTL, 0 when it has expired (or never existed). */
int etcd__lease_keepalive(struct etcd *e, int64_t id, int64_t *ttl);
int etcd__lease_revoke(struct etcd *e, int64_t id);
/* Compacts the history up to rev (watches from before it get -ESTALE). */
int etcd__compact(struct etcd *e, int64_t rev);

/*
 * Watches every key under prefix from revision start_rev (0: now). Calls
 * cb for each event, in revision order, until cb returns non-zero or
 * *stop becomes true (checked at least every second), or the stream
 * ends. Returns the last revision seen in *last_rev (so the caller can
 * resume from last_rev + 1), and -ECONNRESET when the stream broke,
 * -ESTALE when start_rev was compacted away (resync with etcd__list).
 */
typedef int (*etcd_watch_cb)(const struct etcd_event *ev, void *arg);
int etcd__watch(struct etcd *e, const char *prefix, int64_t start_rev, etcd_watch_cb cb, void *arg,
		volatile bool *stop, int64_t *last_rev);

/* base64 (RFC 4648, with padding): out has 4 * ((n + 2) / 3) + 1 bytes. */
void b64_encode(const void *in, size_t n, char *out);
/*
 * The string member key of o; NULL when o is not an object, or the member
 * is missing or not a string (what etcd holds is read as untrusted).
 */
const char *etcd_json_str(json_object *o, const char *key);
/* -EINVAL for bad input; out has at least 3 * (strlen(in) / 4) bytes; *n: bytes written */
int b64_decode(const char *in, void *out, size_t *n);

#endif
