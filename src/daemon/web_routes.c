// SPDX-License-Identifier: GPL-2.0-only
/*
 * What hyperiond --web answers (web.c serves it):
 *   /             the page (web/index.html, built in: no other asset, no CDN)
 *   /metrics      the Prometheus exposition (core/node_metrics.c)
 *   /api/graph    {endpoints, edges} [?namespace=NS]
 *   /api/events   recent events [?from=SEL&to=SEL&last=N&namespace=NS]
 *   /api/trace    the policy trace of a flow ?src=A&dst=B[&proto=P&port=N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "lib/addr.h"
#include "lib/keys.h"

/* web/index.html, linked in by web_page.S */
extern const char hyp_web_page[];
extern const char hyp_web_page_end[];

#define Q_MAX 256

static int hexval(char c)
{
	return hex_digit(c);
}

/* The value of key in query, %-decoded ("" absent); false when too long or bad. */
static bool query_get(const char *query, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = query;

	out[0] = '\0';
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t n = 0;

		if (!strncmp(p, key, kl) && p[kl] == '=') {
			for (const char *s = p + kl + 1; *s && s != amp; s++) {
				char c = *s;

				if (c == '%' && s[1] && s[2] && hexval(s[1]) >= 0 &&
				    hexval(s[2]) >= 0) {
					c = (char)(hexval(s[1]) << 4 | hexval(s[2]));
					s += 2;
				} else if (c == '+') {
					c = ' ';
				}
				if (n + 1 >= len || !c)
					return false;
				out[n++] = c;
			}
			out[n] = '\0';
			return true;
		}
		p = amp ? amp + 1 : NULL;
	}
	return true;
}

static int json_body(json_object *o, const char **type, char **body, size_t *len)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	*type = "application/json";
	*body = strdup(s);
	*len = *body ? strlen(*body) : 0;
	json_object_put(o);
	return *body ? 200 : 500;
}

static int text_body(int status, const char *msg, const char **type, char **body, size_t *len)
{
	*type = "text/plain; charset=utf-8";
	*body = strdup(msg);
	*len = *body ? strlen(*body) : 0;
	return status;
}

static int daemon_metrics(struct daemon *d, char **body, size_t *len)
{
	size_t nlen = 0;
	char *node = node__metrics_text(d->node, d->metrics_endpoints, &nlen), *all = NULL;
	int n;

	if (!node)
		return 500;
	n = asprintf(&all,
		     "%s# HELP hyperion_daemon_start_time_seconds When hyperiond started, "
		     "seconds since the epoch.\n# TYPE hyperion_daemon_start_time_seconds gauge\n"
		     "hyperion_daemon_start_time_seconds %lld\n"
		     "# HELP hyperion_api_refused_total API clients refused for their "
		     "credentials.\n# TYPE hyperion_api_refused_total counter\n"
		     "hyperion_api_refused_total %llu\n"
		     "# HELP hyperion_api_timed_out_total API clients dropped at their "
		     "deadline.\n# TYPE hyperion_api_timed_out_total counter\n"
		     "hyperion_api_timed_out_total %llu\n",
		     node, (long long)d->started, (unsigned long long)d->api_refused,
		     (unsigned long long)d->api_timed_out);
	free(node);
	if (n < 0)
		return 500;
	*body = all;
	*len = (size_t)n;
	return 200;
}

static int events_route(struct daemon *d, const char *query, const char **type, char **body,
			size_t *len)
{
	char from[Q_MAX], to[Q_MAX], ns[Q_MAX], last[16];
	json_object *args = json_object_new_object(), *res;
	struct mon_filter *f = calloc(1, sizeof(*f));
	struct errmsg em = {};
	long n = 20;
	int err = -EINVAL;

	if (!f || !query_get(query, "from", from, sizeof(from)) ||
	    !query_get(query, "to", to, sizeof(to)) ||
	    !query_get(query, "namespace", ns, sizeof(ns)) ||
	    !query_get(query, "last", last, sizeof(last)))
		goto out;
	if (last[0])
		n = strtol(last, NULL, 10);
	if (n < 1 || n > MON_HISTORY)
		goto out;
	json_object_object_add(args, KEY_MON_FROM, json_object_new_string(from));
	json_object_object_add(args, KEY_MON_TO, json_object_new_string(to));
	json_object_object_add(args, KEY_MON_NAMESPACE, json_object_new_string(ns));
	err = mon_filter_parse(args, f, &em);
out:
	json_object_put(args);
	if (err) {
		free(f);
		return text_body(400, em.msg[0] ? em.msg : "bad query\n", type, body, len);
	}
	node__monitor_poll(d->node);
	res = node__monitor_json(d->node, f, 0, (size_t)n, NULL);
	free(f);
	return json_body(res, type, body, len);
}

static int trace_route(struct daemon *d, const char *query, const char **type, char **body,
		       size_t *len)
{
	char src[Q_MAX], dst[Q_MAX], proto[16], port[16];
	struct errmsg em = {};
	json_object *out = NULL;
	int err;

	if (!query_get(query, "src", src, sizeof(src)) ||
	    !query_get(query, "dst", dst, sizeof(dst)) ||
	    !query_get(query, "proto", proto, sizeof(proto)) ||
	    !query_get(query, "port", port, sizeof(port)) || !src[0] || !dst[0])
		return text_body(400, "want src and dst\n", type, body, len);
	err = node__policy_trace(d->node, src, dst, proto[0] ? proto : NULL, port[0] ? port : NULL,
				 &out, &em);
	if (err)
		return text_body(400, em.msg[0] ? em.msg : "trace failed\n", type, body, len);
	return json_body(out, type, body, len);
}

int web_route(struct daemon *d, const char *path, const char *query, const char **type, char **body,
	      size_t *len)
{
	char ns[Q_MAX];

	if (!strcmp(path, "/") || !strcmp(path, "/index.html")) {
		*len = (size_t)(hyp_web_page_end - hyp_web_page);
		*body = malloc(*len ? *len : 1);
		if (!*body)
			return 500;
		memcpy(*body, hyp_web_page, *len);
		*type = "text/html; charset=utf-8";
		return 200;
	}
	if (!strcmp(path, "/metrics")) {
		*type = "text/plain; version=0.0.4; charset=utf-8";
		return daemon_metrics(d, body, len);
	}
	if (!strcmp(path, "/api/graph")) {
		if (!query_get(query, "namespace", ns, sizeof(ns)))
			return text_body(400, "bad namespace\n", type, body, len);
		return json_body(node__monitor_graph_json(d->node, ns), type, body, len);
	}
	if (!strcmp(path, "/api/events"))
		return events_route(d, query, type, body, len);
	if (!strcmp(path, "/api/trace"))
		return trace_route(d, query, type, body, len);
	return text_body(404, "not found\n", type, body, len);
}
