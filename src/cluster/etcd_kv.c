// SPDX-License-Identifier: GPL-2.0-only
/* etcd key/value calls, the create-if-absent transaction, leases. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/etcd_priv.h"

static json_object *i64_str(int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRId64, v);
	return json_object_new_string(s);
}

static json_object *put_req(const char *key, const char *val, int64_t lease)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "key", etcd_b64_str(key, strlen(key)));
	json_object_object_add(r, "value", etcd_b64_str(val, strlen(val)));
	if (lease)
		json_object_object_add(r, "lease", i64_str(lease));
	return r;
}

int etcd__put(struct etcd *e, const char *key, const char *val, int64_t lease)
{
	json_object *rep;
	int err = etcd_call(e, "/v3/kv/put", put_req(key, val, lease), &rep);

	json_object_put(rep);
	return err;
}

int etcd__get(struct etcd *e, const char *key, char **val, int64_t *rev)
{
	json_object *req = json_object_new_object(), *rep, *kvs;
	struct etcd_kv kv;
	int err;

	json_object_object_add(req, "key", etcd_b64_str(key, strlen(key)));
	err = etcd_call(e, "/v3/kv/range", req, &rep);
	if (err)
		return err;
	if (!json_object_object_get_ex(rep, "kvs", &kvs) || !json_object_array_length(kvs)) {
		err = -ENOENT;
		goto out;
	}
	err = etcd_kv_parse(json_object_array_get_idx(kvs, 0), &kv);
	if (err)
		goto out;
	free(kv.key);
	*val = kv.value;
	if (rev)
		*rev = kv.mod_revision;
out:
	json_object_put(rep);
	return err;
}

int etcd__del(struct etcd *e, const char *key)
{
	json_object *req = json_object_new_object(), *rep;
	int err;

	json_object_object_add(req, "key", etcd_b64_str(key, strlen(key)));
	err = etcd_call(e, "/v3/kv/deleterange", req, &rep);
	json_object_put(rep);
	return err;
}

/* A transaction with one comparison and one request on success: 1 it succeeded, 0 not. */
static int txn1(struct etcd *e, json_object *cmp, const char *op, json_object *oreq)
{
	json_object *req = json_object_new_object(), *rep, *a, *s, *ok;
	int err;

	a = json_object_new_array();
	json_object_array_add(a, cmp);
	json_object_object_add(req, "compare", a);
	s = json_object_new_object();
	json_object_object_add(s, op, oreq);
	a = json_object_new_array();
	json_object_array_add(a, s);
	json_object_object_add(req, "success", a);
	err = etcd_call(e, "/v3/kv/txn", req, &rep);
	if (err)
		return err;
	err = json_object_object_get_ex(rep, "succeeded", &ok) && json_object_get_boolean(ok);
	json_object_put(rep);
	return err;
}

int etcd__create(struct etcd *e, const char *key, const char *val, int64_t lease)
{
	json_object *cmp = json_object_new_object();

	json_object_object_add(cmp, "key", etcd_b64_str(key, strlen(key)));
	json_object_object_add(cmp, "target", json_object_new_string("CREATE"));
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	json_object_object_add(cmp, "create_revision", json_object_new_string("0"));
	return txn1(e, cmp, "request_put", put_req(key, val, lease));
}

int etcd__del_if(struct etcd *e, const char *key, const char *val)
{
	json_object *cmp = json_object_new_object(), *del = json_object_new_object();

	json_object_object_add(cmp, "key", etcd_b64_str(key, strlen(key)));
	json_object_object_add(cmp, "target", json_object_new_string("VALUE"));
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	json_object_object_add(cmp, "value", etcd_b64_str(val, strlen(val)));
	json_object_object_add(del, "key", etcd_b64_str(key, strlen(key)));
	return txn1(e, cmp, "request_delete_range", del);
}

int etcd__list(struct etcd *e, const char *prefix, struct etcd_kv **kvs, size_t *n, int64_t *rev)
{
	json_object *req = json_object_new_object(), *rep, *arr, *hdr;
	struct etcd_kv *out = NULL;
	size_t len = 0;
	int err;

	json_object_object_add(req, "key", etcd_b64_str(prefix, strlen(prefix)));
	json_object_object_add(req, "range_end", etcd_range_end(prefix));
	err = etcd_call(e, "/v3/kv/range", req, &rep);
	if (err)
		return err;
	if (json_object_object_get_ex(rep, "kvs", &arr))
		len = json_object_array_length(arr);
	out = calloc(len ? len : 1, sizeof(*out));
	if (!out) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		err = etcd_kv_parse(json_object_array_get_idx(arr, i), &out[i]);
		if (err) {
			etcd_kvs_free(out, i);
			goto out;
		}
	}
	if (rev)
		*rev = json_object_object_get_ex(rep, "header", &hdr) ? etcd_json_i64(hdr, "revision")
								      : 0;
	*kvs = out;
	*n = len;
out:
	json_object_put(rep);
	return err;
}

int etcd__lease_grant(struct etcd *e, int64_t ttl, int64_t *id)
{
	json_object *req = json_object_new_object(), *rep;
	int err;

	json_object_object_add(req, "TTL", i64_str(ttl));
	err = etcd_call(e, "/v3/lease/grant", req, &rep);
	if (err)
		return err;
	*id = etcd_json_i64(rep, "ID");
	json_object_put(rep);
	return *id ? 0 : -EPROTO;
}

/* The keepalive is a stream in gRPC; on the gateway one request gets one
 * {"result": {"ID", "TTL"}} and the call ends. TTL absent or 0: expired. */
int etcd__lease_keepalive(struct etcd *e, int64_t id, int64_t *ttl)
{
	json_object *req = json_object_new_object(), *rep, *res;
	int err;

	json_object_object_add(req, "ID", i64_str(id));
	err = etcd_call(e, "/v3/lease/keepalive", req, &rep);
	if (err)
		return err;
	if (!json_object_object_get_ex(rep, "result", &res))
		res = rep;
	*ttl = etcd_json_i64(res, "TTL");
	json_object_put(rep);
	return 0;
}

int etcd__lease_revoke(struct etcd *e, int64_t id)
{
	json_object *req = json_object_new_object(), *rep;
	int err;

	json_object_object_add(req, "ID", i64_str(id));
	err = etcd_call(e, "/v3/lease/revoke", req, &rep);
	json_object_put(rep);
	return err;
}

int etcd__compact(struct etcd *e, int64_t rev)
{
	json_object *req = json_object_new_object(), *rep;
	int err;

	json_object_object_add(req, "revision", i64_str(rev));
	json_object_object_add(req, "physical", json_object_new_boolean(1));
	err = etcd_call(e, "/v3/kv/compaction", req, &rep);
	json_object_put(rep);
	return err;
}
