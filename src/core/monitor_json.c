// SPDX-License-Identifier: GPL-2.0-only
/* A kept flow event as JSON (core/monitor.h). */
#include <stdio.h>
#include <string.h>

#include "hyperion/abi.h"
#include "core/monitor.h"
#include "lib/keys.h"
#include "lib/reasons.h"

static json_object *labels_json(const char *canon)
{
	json_object *o = json_object_new_object();
	char buf[2048], *tok, *save = NULL, *eq;

	snprintf(buf, sizeof(buf), "%s", canon ? canon : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = '\0';
		json_object_object_add(o, tok, json_object_new_string(eq + 1));
	}
	return o;
}

static json_object *end_json(const struct mon_end *e, mon_labels_fn labels, void *ctx)
{
	json_object *o = json_object_new_object();
	char ip[IP6_STRLEN];

	if (e->v6)
		ipv6_format(e->ip6, ip, sizeof(ip));
	else
		ipv4_format(e->ip, ip, sizeof(ip));
	json_object_object_add(o, KEY_SNIC, json_object_new_string(e->snic));
	json_object_object_add(o, KEY_MON_NAMESPACE, json_object_new_string(e->ns));
	json_object_object_add(o, KEY_IP, json_object_new_string(e->ip || e->v6 ? ip : ""));
	json_object_object_add(o, KEY_PORT, json_object_new_int(e->port));
	json_object_object_add(o, KEY_IDENTITY, json_object_new_int64(e->identity));
	json_object_object_add(o, KEY_LABELS,
			       labels_json(e->identity && labels ? labels(e->identity, ctx) : ""));
	return o;
}

static void flags_str(uint8_t f, char *buf, size_t len)
{
	static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < 6; i++)
		if (f & (1u << i))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
						names[i]);
}

json_object *mon_event_json(const struct mon_event *e, const char *node, mon_labels_fn labels,
			    void *ctx)
{
	json_object *o = json_object_new_object();
	char flags[32];

	json_object_object_add(o, KEY_MON_SEQ, json_object_new_int64((int64_t)e->seq));
	json_object_object_add(o, KEY_MON_TIME, json_object_new_int64(e->time_ns));
	json_object_object_add(o, KEY_MON_NODE, json_object_new_string(node));
	json_object_object_add(o, KEY_MON_TYPE, json_object_new_string(mon_type_name(e->type)));
	json_object_object_add(o, KEY_MON_VERDICT,
			       json_object_new_string(mon_verdict_name(e->verdict)));
	if (e->type == HYP_EV_DROP) {
		json_object_object_add(o, KEY_MON_REASON,
				       json_object_new_string(drop_reason_name(e->reason)));
		json_object_object_add(
		    o, KEY_MON_STAGE,
		    json_object_new_string(e->stage == HYP_EV_STAGE_GUARD ? "guard" : "bridge"));
	}
	json_object_object_add(o, KEY_SRC, end_json(&e->src, labels, ctx));
	json_object_object_add(o, KEY_DST, end_json(&e->dst, labels, ctx));
	json_object_object_add(o, KEY_PROTO, json_object_new_int(e->proto));
	flags_str(e->tcp_flags, flags, sizeof(flags));
	json_object_object_add(o, KEY_MON_FLAGS, json_object_new_string(flags));
	json_object_object_add(o, KEY_MON_LEN, json_object_new_int64(e->len));
	json_object_object_add(o, KEY_POLICY, json_object_new_string(e->policy));
	if (e->type == HYP_EV_NAT) {
		json_object *nat = json_object_new_object();
		char ip[16];

		ipv4_format(e->nat_addr, ip, sizeof(ip));
		json_object_object_add(nat, KEY_IP, json_object_new_string(ip));
		json_object_object_add(nat, KEY_PORT, json_object_new_int(e->nat_port));
		json_object_object_add(o, KEY_MON_NAT, nat);
	}
	if (e->type == HYP_EV_ALERT || e->type == HYP_EV_BLOCK)
		json_object_object_add(o, KEY_PATTERN, json_object_new_string(e->pattern));
	return o;
}
