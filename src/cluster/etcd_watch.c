// SPDX-License-Identifier: GPL-2.0-only
/*
 * etcd watch over the JSON gateway: one POST /v3/watch with a
 * create_request, answered by a stream of JSON objects
 * {"result": {"header": {...}, "events": [...]}} (one per gRPC message),
 * which a json_tokener takes apart as the bytes arrive. The first message
 * confirms the watch ("created"); a compacted start revision cancels it
 * with "compact_revision".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/etcd_priv.h"

struct watch {
	struct etcd_watch_stream s;
	volatile bool *stop;
};

static int watch_events(struct etcd_watch_stream *w, json_object *events)
{
	size_t n = json_object_array_length(events);

	for (size_t i = 0; i < n; i++) {
		json_object *ev = json_object_array_get_idx(events, i), *kv;
		const char *t;
		struct etcd_event e = {};
		int rc;

		if (!json_object_object_get_ex(ev, "kv", &kv) || etcd_kv_parse(kv, &e.kv))
			return -EPROTO;
		t = etcd_json_str(ev, "type");
		e.deleted = t && !strcmp(t, "DELETE");
		if (e.kv.mod_revision > w->last_rev)
			w->last_rev = e.kv.mod_revision;
		rc = w->cb(&e, w->arg);
		free(e.kv.key);
		free(e.kv.value);
		if (rc)
			return rc > 0 ? -ECANCELED : rc;
	}
	return 0;
}

/* One message of the stream. */
static int watch_message(struct etcd_watch_stream *w, json_object *m)
{
	json_object *res, *x;

	if (json_object_object_get_ex(m, "error", &x))
		return -ECONNRESET;
	if (!json_object_object_get_ex(m, "result", &res))
		return -EPROTO;
	if (etcd_json_i64(res, "compact_revision"))
		return -ESTALE;
	if (json_object_object_get_ex(res, "canceled", &x) && json_object_get_boolean(x))
		return -ECONNRESET;
	if (json_object_object_get_ex(res, "created", &x) && json_object_get_boolean(x))
		w->created = true;
	if (json_object_object_get_ex(res, "events", &x))
		return json_object_is_type(x, json_type_array) ? watch_events(w, x) : -EPROTO;
	return 0;
}

int etcd_watch_feed(struct etcd_watch_stream *w, const char *p, size_t n)
{
	size_t off = 0;

	while (off < n && !w->err) {
		json_object *m;
		enum json_tokener_error je;

		if (json_tokener_get_parse_end(w->tok) == 0 && isspace((unsigned char)p[off])) {
			off++;
			continue;
		}
		m = json_tokener_parse_ex(w->tok, p + off, (int)(n - off));
		je = json_tokener_get_error(w->tok);
		if (je == json_tokener_continue)
			return 0; /* the rest of this object comes later */
		if (!m) {
			w->err = -EPROTO;
			break;
		}
		off += json_tokener_get_parse_end(w->tok);
		json_tokener_reset(w->tok);
		w->err = watch_message(w, m);
		json_object_put(m);
	}
	return w->err;
}

static size_t watch_write(char *p, size_t sz, size_t nm, void *arg)
{
	struct watch *w = arg;
	size_t n = sz * nm;

	return etcd_watch_feed(&w->s, p, n) ? 0 : n;
}

static int watch_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct watch *w = arg;

	if (w->stop && *w->stop) {
		w->s.err = -ECANCELED;
		return 1;
	}
	return 0;
}

static char *watch_body(const char *prefix, int64_t start_rev)
{
	json_object *req = json_object_new_object(), *c = json_object_new_object();
	char rev[24];
	char *s;

	json_object_object_add(c, "key", etcd_b64_str(prefix, strlen(prefix)));
	json_object_object_add(c, "range_end", etcd_range_end(prefix));
	if (start_rev > 0) {
		snprintf(rev, sizeof(rev), "%" PRId64, start_rev);
		json_object_object_add(c, "start_revision", json_object_new_string(rev));
	}
	json_object_object_add(req, "create_request", c);
	s = strdup(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	json_object_put(req);
	return s;
}

int etcd__watch(struct etcd *e, const char *prefix, int64_t start_rev, etcd_watch_cb cb, void *arg,
		volatile bool *stop, int64_t *last_rev)
{
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	struct watch w = {.s = {.cb = cb, .arg = arg, .last_rev = start_rev - 1}, .stop = stop};
	char url[ETCD_URL_MAX + 16];
	char *body = watch_body(prefix, start_rev);
	CURL *h = curl_easy_init();
	CURLcode rc;
	int err;

	w.s.tok = json_tokener_new();
	if (!h || !body || !w.s.tok || !hdr) {
		err = -ENOMEM;
		goto out;
	}
	snprintf(url, sizeof(url), "%s/v3/watch", e->ep[e->cur]);
	etcd_curl_setup(h, url, body, hdr);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)e->timeout_ms);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, watch_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &w);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, watch_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &w);
	rc = curl_easy_perform(h);
	if (w.s.err)
		err = w.s.err;
	else if (rc == CURLE_OK)
		err = -ECONNRESET; /* the server ended the stream */
	else
		err = etcd_curl_errno(rc);
	if (err == -ECONNREFUSED || err == -ETIMEDOUT || err == -ECONNRESET)
		e->cur = (e->cur + 1) % e->n; /* the next try goes to the next endpoint */
out:
	if (last_rev)
		*last_rev = w.s.last_rev;
	if (w.s.tok)
		json_tokener_free(w.s.tok);
	if (h)
		curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	free(body);
	return err;
}
