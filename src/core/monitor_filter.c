// SPDX-License-Identifier: GPL-2.0-only
/* The filters of `hyperctl monitor`, applied in the daemon (core/monitor.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyperion/abi.h"
#include "core/monitor.h"
#include "lib/keys.h"
#include "lib/labels.h"

static const char *const type_names[__HYP_EV_MAX] = {
    [HYP_EV_FLOW] = "flow",	    [HYP_EV_DROP] = "drop", [HYP_EV_ALERT] = "alert",
    [HYP_EV_BLOCK] = "block",	    [HYP_EV_NAT] = "nat",   [HYP_EV_SNIC_ADD] = "snic-add",
    [HYP_EV_SNIC_DEL] = "snic-del",
};

static const char *const verdict_names[__MON_V_MAX] = {
    [MON_V_NONE] = "-",		 [MON_V_ALLOWED] = "allowed", [MON_V_DENIED] = "denied",
    [MON_V_DROPPED] = "dropped", [MON_V_BLOCKED] = "blocked", [MON_V_ALERTED] = "alerted",
};

const char *mon_type_name(uint8_t type)
{
	return type < __HYP_EV_MAX && type_names[type] ? type_names[type] : "?";
}

int mon_type_from_name(const char *s)
{
	for (int i = 1; i < __HYP_EV_MAX; i++)
		if (type_names[i] && !strcmp(s, type_names[i]))
			return i;
	return -EINVAL;
}

const char *mon_verdict_name(uint8_t v)
{
	return v < __MON_V_MAX ? verdict_names[v] : "?";
}

int mon_verdict_from_name(const char *s)
{
	for (int i = 1; i < __MON_V_MAX; i++)
		if (!strcmp(s, verdict_names[i]))
			return i;
	return -EINVAL;
}

uint8_t mon_drop_verdict(uint32_t reason)
{
	if (reason == HYP_DROP_POLICY_EGRESS || reason == HYP_DROP_POLICY_INGRESS ||
	    reason == HYP_DROP_POLICY_REVOKED)
		return MON_V_DENIED;
	if (reason >= HYP_DROP_INSPECT_MATCH && reason <= HYP_DROP_INSPECT_BUSY)
		return MON_V_BLOCKED;
	return MON_V_DROPPED;
}

static int sel_parse(const char *s, struct mon_sel *out, const char *what, struct errmsg *em)
{
	struct labels ls = {};
	char *copy, *tok, *save = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return 0;
	if (strlen(s) >= sizeof(out->text))
		return em_set(em, -EINVAL, "--%s: selector too long", what);
	snprintf(out->text, sizeof(out->text), "%s", s);
	if (strchr(s, '=')) {
		copy = strdup(s);
		if (!copy)
			return -ENOMEM;
		for (tok = strtok_r(copy, ",", &save); tok && !err;
		     tok = strtok_r(NULL, ",", &save))
			err = labels__add_kv(&ls, tok);
		free(copy);
		if (err)
			return em_set(em, -EINVAL, "--%s %s: not a label selector k=v[,k=v]", what,
				      s);
		out->kind = MON_SEL_LABELS;
		return 0;
	}
	if (ip_is_v6(s)) {
		if (!strchr(s, '/') && !ipv6_parse(s, out->net6.addr))
			out->net6.prefix = 128;
		else if (cidr6_parse(s, &out->net6))
			return em_set(em, -EINVAL, "--%s %s: not an IPv6 address or CIDR", what, s);
		out->v6 = true;
		out->kind = MON_SEL_CIDR;
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9') {
		if (!strchr(s, '/') && !ipv4_parse(s, &out->net.addr))
			out->net.prefix = 32;
		else if (cidr4_parse(s, &out->net))
			return em_set(em, -EINVAL, "--%s %s: not an IPv4 address or CIDR", what, s);
		out->kind = MON_SEL_CIDR;
		return 0;
	}
	if (validate_object_name(s))
		return em_set(em, -EINVAL,
			      "--%s %s: neither a SNIC name, an IP address/CIDR nor labels k=v",
			      what, s);
	out->kind = MON_SEL_SNIC;
	return 0;
}

/* A list of names, as an array or "a,b"; *mask gets 1 << each value. */
static int names_parse(json_object *v, int (*from)(const char *), uint32_t *mask, const char *what,
		       struct errmsg *em)
{
	char buf[256], *tok, *save = NULL;
	int x;

	if (!v)
		return 0;
	if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(v, i));

			x = s ? from(s) : -EINVAL;
			if (x < 0)
				return em_set(em, -EINVAL, "--%s: unknown value '%s'", what,
					      s ? s : "");
			*mask |= 1u << x;
		}
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", json_object_get_string(v));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		x = from(tok);
		if (x < 0)
			return em_set(em, -EINVAL, "--%s: unknown value '%s'", what, tok);
		*mask |= 1u << x;
	}
	return 0;
}

static int verdict_from(const char *s)
{
	return mon_verdict_from_name(s);
}

static int type_from(const char *s)
{
	return mon_type_from_name(s);
}

static const char *arg_str(json_object *args, const char *key)
{
	json_object *v;

	if (!args || !json_object_object_get_ex(args, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int mon_filter_parse(json_object *args, struct mon_filter *f, struct errmsg *em)
{
	json_object *v = NULL;
	const char *ns;
	int err;

	memset(f, 0, sizeof(*f));
	f->port = -1;
	err = sel_parse(arg_str(args, KEY_MON_FROM), &f->from, "from", em);
	if (!err)
		err = sel_parse(arg_str(args, KEY_MON_TO), &f->to, "to", em);
	if (!err && args && json_object_object_get_ex(args, KEY_MON_TYPE, &v))
		err = names_parse(v, type_from, &f->types, "type", em);
	if (!err && args && json_object_object_get_ex(args, KEY_MON_VERDICT, &v))
		err = names_parse(v, verdict_from, &f->verdicts, "verdict", em);
	if (err)
		return err;
	/* dropped: every drop, whatever dropped it */
	if (f->verdicts & (1u << MON_V_DROPPED))
		f->verdicts |= 1u << MON_V_DENIED | 1u << MON_V_BLOCKED;
	if (args && json_object_object_get_ex(args, KEY_MON_PORT, &v)) {
		int64_t p = json_object_get_int64(v);

		if (!json_object_is_type(v, json_type_int) || p < 0 || p > 65535)
			return em_set(em, -EINVAL, "--port: a number from 0 to 65535");
		f->port = (int)p;
	}
	ns = arg_str(args, KEY_MON_NAMESPACE);
	if (ns && strlen(ns) >= sizeof(f->ns))
		return em_set(em, -EINVAL, "--namespace: too long");
	if (ns)
		snprintf(f->ns, sizeof(f->ns), "%s", ns);
	return 0;
}

/* Every k=v of want is a k=v of have (both canonical "k=v,k=v"). */
static bool labels_have(const char *have, const char *want)
{
	size_t n;

	while (*want) {
		const char *p = have, *end = strchr(want, ',');
		bool found = false;

		n = end ? (size_t)(end - want) : strlen(want);
		while (p && *p && !found) {
			const char *q = strchr(p, ',');
			size_t m = q ? (size_t)(q - p) : strlen(p);

			found = m == n && !strncmp(p, want, n);
			p = q ? q + 1 : NULL;
		}
		if (!found)
			return false;
		want += n + (end ? 1 : 0);
	}
	return true;
}

static bool sel_match(const struct mon_sel *s, const struct mon_end *e, mon_labels_fn labels,
		      void *ctx)
{
	switch (s->kind) {
	case MON_SEL_NONE:
		return true;
	case MON_SEL_SNIC:
		return !strcmp(s->text, e->snic);
	case MON_SEL_CIDR:
		if (s->v6)
			return e->v6 && cidr6_contains(&s->net6, e->ip6);
		return !e->v6 && e->ip && cidr4_contains(&s->net, e->ip);
	case MON_SEL_LABELS:
		return e->identity && labels && labels_have(labels(e->identity, ctx), s->text);
	}
	return false;
}

bool mon_filter_match(const struct mon_filter *f, const struct mon_event *e, mon_labels_fn labels,
		      void *ctx)
{
	if (f->types && !(f->types & (1u << e->type)))
		return false;
	if (f->verdicts && !(f->verdicts & (1u << e->verdict)))
		return false;
	if (f->port >= 0 && e->src.port != f->port && e->dst.port != f->port)
		return false;
	if (f->ns[0] && strcmp(f->ns, e->src.ns) && strcmp(f->ns, e->dst.ns))
		return false;
	return sel_match(&f->from, &e->src, labels, ctx) && sel_match(&f->to, &e->dst, labels, ctx);
}
