/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside the etcd client (etcd*.c). */
#ifndef HYP_ETCD_PRIV_H
#define HYP_ETCD_PRIV_H

#include <pthread.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "cluster/etcd.h"

#define ETCD_URL_MAX   128
#define ETCD_MAX_REPLY (16 * 1024 * 1024)

struct etcd {
	char ep[ETCD_MAX_ENDPOINTS][ETCD_URL_MAX];
	int n, cur;
	int timeout_ms;
	CURL *h;
};

struct etcd_buf {
	char *data;
	size_t len, cap;
};

int etcd_call(struct etcd *e, const char *path, json_object *req, json_object **rep);
int etcd_curl_errno(CURLcode rc);
void etcd_curl_setup(CURL *h, const char *url, const char *body, struct curl_slist *hdr);
int64_t etcd_json_i64(json_object *o, const char *key);
json_object *etcd_b64_str(const void *p, size_t n);
json_object *etcd_range_end(const char *prefix);
int etcd_kv_parse(json_object *o, struct etcd_kv *kv);

/* The watch stream's parser (etcd_watch.c): bytes as they arrive, any split. */
struct etcd_watch_stream {
	json_tokener *tok;
	etcd_watch_cb cb;
	void *arg;
	int64_t last_rev;
	int err;      /* why the stream was ended from here */
	bool created; /* the server confirmed the watch */
};
/* 0, or the error that ends the stream (kept in w->err). */
int etcd_watch_feed(struct etcd_watch_stream *w, const char *p, size_t n);

#endif
