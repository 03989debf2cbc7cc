// SPDX-License-Identifier: GPL-2.0-only
/*
 * etcd v3 over its JSON gateway with libcurl: unary calls (kv, txn,
 * lease). The watch stream is in etcd_watch.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "cluster/etcd_priv.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int etcd__open(const char *endpoints, int timeout_ms, struct etcd **out)
{
	struct etcd *e;
	char *dup, *save = NULL, *tok;
	int err = -EINVAL;

	pthread_once(&curl_once, curl_init_once);
	e = calloc(1, sizeof(*e));
	dup = strdup(endpoints ? endpoints : "");
	if (!e || !dup) {
		err = -ENOMEM;
		goto fail;
	}
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(tok);

		if (e->n == ETCD_MAX_ENDPOINTS || !l || l >= sizeof(e->ep[0]) ||
		    (strncmp(tok, "http://", 7) && strncmp(tok, "https://", 8)))
			goto fail;
		while (l && tok[l - 1] == '/')
			tok[--l] = 0;
		snprintf(e->ep[e->n++], sizeof(e->ep[0]), "%s", tok);
	}
	if (!e->n)
		goto fail;
	e->timeout_ms = timeout_ms > 0 ? timeout_ms : 3000;
	e->h = curl_easy_init();
	if (!e->h) {
		err = -ENOMEM;
		goto fail;
	}
	free(dup);
	*out = e;
	return 0;
fail:
	free(dup);
	free(e);
	return err;
}

void etcd__close(struct etcd *e)
{
	if (!e)
		return;
	if (e->h)
		curl_easy_cleanup(e->h);
	free(e);
}

const char *etcd__endpoint(const struct etcd *e)
{
	return e->ep[e->cur];
}

static size_t buf_write(char *p, size_t sz, size_t nm, void *arg)
{
	struct etcd_buf *b = arg;
	size_t n = sz * nm;

	if (b->len + n + 1 > ETCD_MAX_REPLY)
		return 0;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *nb = realloc(b->data, cap);

		if (!nb)
			return 0;
		b->data = nb;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return n;
}

int etcd_curl_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
		return -EHOSTUNREACH;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return -ECONNRESET;
	case CURLE_WRITE_ERROR:
		return -EMSGSIZE;
	default:
		return -EIO;
	}
}

void etcd_curl_setup(CURL *h, const char *url, const char *body, struct curl_slist *hdr)
{
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 2L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
}

/* One POST to one endpoint; *rep the parsed JSON reply. */
static int call_one(struct etcd *e, int i, const char *path, const char *body, json_object **rep)
{
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	struct etcd_buf b = {};
	char url[ETCD_URL_MAX + 64];
	long code = 0;
	CURLcode rc;
	int err = 0;

	snprintf(url, sizeof(url), "%s%s", e->ep[i], path);
	etcd_curl_setup(e->h, url, body, hdr);
	curl_easy_setopt(e->h, CURLOPT_TIMEOUT_MS, (long)e->timeout_ms);
	curl_easy_setopt(e->h, CURLOPT_CONNECTTIMEOUT_MS, (long)e->timeout_ms);
	curl_easy_setopt(e->h, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(e->h, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(e->h);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		err = etcd_curl_errno(rc);
		goto out;
	}
	curl_easy_getinfo(e->h, CURLINFO_RESPONSE_CODE, &code);
	*rep = b.data ? json_tokener_parse(b.data) : NULL;
	if (!*rep) {
		err = -EPROTO;
		goto out;
	}
	if (code != 200) {
		json_object_put(*rep);
		*rep = NULL;
		err = code == 404 ? -ENOTSUP : -EPROTO;
	}
out:
	free(b.data);
	return err;
}

/* POSTs req (consumed) to path, trying each endpoint from the last good one. */
int etcd_call(struct etcd *e, const char *path, json_object *req, json_object **rep)
{
	const char *body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	int err = -ECONNREFUSED;

	*rep = NULL;
	for (int k = 0; k < e->n; k++) {
		int i = (e->cur + k) % e->n;

		err = call_one(e, i, path, body, rep);
		if (err != -ECONNREFUSED && err != -ETIMEDOUT && err != -EHOSTUNREACH &&
		    err != -ECONNRESET) {
			e->cur = i;
			break;
		}
	}
	json_object_put(req);
	return err;
}

const char *etcd_json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int64_t etcd_json_i64(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_string))
		return strtoll(json_object_get_string(v), NULL, 10);
	return json_object_get_int64(v);
}

json_object *etcd_b64_str(const void *p, size_t n)
{
	char *s = malloc(4 * ((n + 2) / 3) + 1);
	json_object *o;

	if (!s)
		return NULL;
	b64_encode(p, n, s);
	o = json_object_new_string(s);
	free(s);
	return o;
}

/* The prefix's range end: the prefix with its last byte incremented. */
json_object *etcd_range_end(const char *prefix)
{
	size_t n = strlen(prefix);
	char *s = strdup(prefix);
	json_object *o;

	if (!s)
		return NULL;
	while (n && (unsigned char)s[n - 1] == 0xff)
		n--;
	if (!n) {
		free(s);
		return etcd_b64_str("\0", 1);
	}
	s[n - 1]++;
	o = etcd_b64_str(s, n);
	free(s);
	return o;
}

/* kv JSON of the gateway -> etcd_kv (malloc'd strings). */
int etcd_kv_parse(json_object *o, struct etcd_kv *kv)
{
	const char *k = etcd_json_str(o, "key"), *v = etcd_json_str(o, "value");
	size_t n = 0;

	memset(kv, 0, sizeof(*kv));
	if (!k || (!v && json_object_object_get_ex(o, "value", NULL)))
		return -EPROTO;
	kv->key = calloc(1, strlen(k) + 1);
	if (!kv->key || b64_decode(k, kv->key, &n))
		goto bad;
	kv->key[n] = 0;
	n = 0;
	if (v) {
		kv->value = calloc(1, strlen(v) + 1);
		if (!kv->value || b64_decode(v, kv->value, &n))
			goto bad;
	} else {
		kv->value = calloc(1, 1);
		if (!kv->value)
			goto bad;
	}
	kv->value[n] = 0;
	kv->value_len = n;
	kv->mod_revision = etcd_json_i64(o, "mod_revision");
	kv->create_revision = etcd_json_i64(o, "create_revision");
	kv->lease = etcd_json_i64(o, "lease");
	return 0;
bad:
	free(kv->key);
	free(kv->value);
	memset(kv, 0, sizeof(*kv));
	return -EPROTO;
}

void etcd_kvs_free(struct etcd_kv *kvs, size_t n)
{
	for (size_t i = 0; kvs && i < n; i++) {
		free(kvs[i].key);
		free(kvs[i].value);
	}
	free(kvs);
}
