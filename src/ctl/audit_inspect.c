// SPDX-License-Identifier: GPL-2.0-only
/*
 * Audit probe "inspect-evasion": frames a container can craft to get
 * bytes past payload inspection to a receiver whose stack still takes
 * them, or to desynchronise the walk from what the receiver reads. Two
 * throw-away SNICs (attacker, victim); an InspectionPolicy (TCP port 7,
 * drop) selects the victim for the probe's duration. The attacker sends,
 * through its guard, each carrying a fresh marker: a datagram to the
 * inspected port (another protocol than the patterns cover), the same
 * with a bad IPv4 header checksum, the same with the marker in bytes past
 * the IPv4 total length, and a TCP SYN carrying payload. The victim must
 * receive none of them, each counted under its own drop reason; the twin,
 * a datagram to an uninspected port, must arrive.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "audit/frame.h"
#include "audit/probe.h"
#include "ctl/audit_cp.h"
#include "lib/addr.h"
#include "lib/netns.h"

#define INSP_PORT 7 /* the port the probe's patterns cover (TCP) */
#define FREE_PORT 9 /* one they do not */

enum ev_kind { EV_PROTO, EV_CSUM, EV_TRAILING, EV_SYN_DATA, EV_TWIN, EV_N };

static const char *const ev_reason[EV_N] = {"inspect-protocol", "inspect-ip-checksum",
					    "inspect-ip-length", "inspect-syn-data", NULL};

struct ev_host {
	char ns[48], snic[48];
	int fd;
	uint32_t ip;
	uint8_t mac[6];
};

struct ev {
	struct ctl *c;
	char tag[8], policy[64];
	struct ev_host h[2]; /* attacker, victim */
	uint8_t marker[EV_N][MARKER_LEN];
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 (+ UDP or TCP) from the attacker to the victim; l4 bytes follow. */
static size_t ipv4(const struct ev *e, uint8_t *b, uint8_t proto, size_t l4len)
{
	uint8_t *ip = b + 14;

	memcpy(b, e->h[1].mac, 6);
	memcpy(b + 6, e->h[0].mac, 6);
	put16(b + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = proto;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(e->h[0].ip >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(e->h[1].ip >> (24 - 8 * i));
	}
	frame_ipv4_csum(ip);
	return 34 + l4len;
}

static size_t build(const struct ev *e, enum ev_kind k, uint8_t *b)
{
	uint8_t *l4 = b + 34, *ip = b + 14;
	size_t n;

	memset(l4, 0, 20 + 2 * MARKER_LEN);
	put16(l4, 40007);
	put16(l4 + 2, k == EV_TWIN ? FREE_PORT : INSP_PORT);
	if (k == EV_SYN_DATA) {
		l4[7] = 1; /* seq */
		l4[12] = 5 << 4;
		l4[13] = 0x02; /* SYN */
		put16(l4 + 14, 0xffff);
		memcpy(l4 + 20, e->marker[k], MARKER_LEN);
		return ipv4(e, b, 6, 20 + MARKER_LEN);
	}
	put16(l4 + 4, 8 + MARKER_LEN);
	if (k == EV_TRAILING) { /* the marker past the total length: 8 zero bytes for the IP */
		put16(l4 + 4, 8 + 8);
		memcpy(l4 + 16, e->marker[k], MARKER_LEN);
	} else {
		memcpy(l4 + 8, e->marker[k], MARKER_LEN);
	}
	n = ipv4(e, b, 17, k == EV_TRAILING ? 16 + MARKER_LEN : 8 + MARKER_LEN);
	if (k == EV_TRAILING) {
		put16(ip + 2, 20 + 16);
		frame_ipv4_csum(ip);
	}
	if (k == EV_CSUM)
		ip[10] ^= 0x5a;
	return n;
}

static int host_up(struct ev *e, int i, const char *role)
{
	struct ev_host *h = &e->h[i];
	json_object *args = json_object_new_object(), *labels = json_object_new_object(), *res;
	json_object *v;
	struct cidr4 c = {0};
	char val[32];
	int err;

	snprintf(h->ns, sizeof(h->ns), "hyp-audit-%s-i%s", e->tag, role);
	snprintf(h->snic, sizeof(h->snic), "audit-%s-i%s", e->tag, role);
	snprintf(val, sizeof(val), "%s-%s", e->tag, role);
	err = netns_create_named(h->ns);
	if (!err)
		err = netns_open(h->ns, &h->fd);
	if (err) {
		json_object_put(args);
		json_object_put(labels);
		return err;
	}
	json_object_object_add(labels, "audit-inspect", json_object_new_string(val));
	json_object_object_add(args, KEY_NAME, json_object_new_string(h->snic));
	json_object_object_add(args, KEY_NETNS, json_object_new_string(h->ns));
	json_object_object_add(args, KEY_LABELS, labels);
	err = ctl_call(e->c, "snic.add", args, &res);
	if (err)
		return -EIO;
	if (!json_object_object_get_ex(res, KEY_IP, &v) ||
	    cidr4_parse(json_object_get_string(v), &c) ||
	    !json_object_object_get_ex(res, KEY_MAC, &v) ||
	    mac_parse(json_object_get_string(v), h->mac))
		err = -EINVAL;
	h->ip = c.addr;
	json_object_put(res);
	return err;
}

static int policy(struct ev *e, bool on)
{
	char text[1024];
	json_object *args = json_object_new_object(), *res = NULL;
	int err;

	snprintf(e->policy, sizeof(e->policy), "audit-inspect-%s", e->tag);
	if (on) {
		snprintf(text, sizeof(text),
			 "apiVersion: hyperion.io/v1\nkind: InspectionPolicy\n"
			 "metadata: {name: %s}\nspec:\n"
			 "  podSelector: {matchLabels: {audit-inspect: %s-v}}\n"
			 "  direction: ingress\n  ports: [{protocol: TCP, port: %d}]\n"
			 "  action: drop\n  patterns: [{pattern: HYPAUDIT-%s}]\n",
			 e->policy, e->tag, INSP_PORT, e->tag);
		json_object_object_add(args, KEY_TEXT, json_object_new_string(text));
	} else {
		json_object_object_add(args, KEY_NAME, json_object_new_string(e->policy));
	}
	err = ctl_call(e->c, on ? "policy.apply" : "policy.delete", args, &res);
	json_object_put(res);
	return err;
}

static int counter(struct ev *e, const char *reason, uint64_t *val)
{
	json_object *st, *ports, *me, *drops, *v;

	*val = 0;
	if (ctl_call(e->c, "status", NULL, &st))
		return -EIO;
	if (json_object_object_get_ex(st, KEY_PORTS, &ports) &&
	    json_object_object_get_ex(ports, e->h[0].snic, &me) &&
	    json_object_object_get_ex(me, KEY_DROPS, &drops) &&
	    json_object_object_get_ex(drops, reason, &v))
		*val = (uint64_t)json_object_get_int64(v);
	json_object_put(st);
	return 0;
}

/* Sends every frame; got[k]: how many the victim received. */
static int send_all(struct ev *e, int got[EV_N])
{
	uint8_t b[FRAME_MAX], buf[FRAME_MAX];
	struct raw att, vic;
	bool out;
	int err, n;

	err = raw_open(e->h[1].fd, "eth0", false, &vic);
	if (err)
		return err;
	err = raw_open(e->h[0].fd, "eth0", false, &att);
	if (err) {
		raw_close(&vic);
		return err;
	}
	for (int k = 0; k < EV_N && !err; k++)
		err = raw_send(&att, b, build(e, (enum ev_kind)k, b));
	while ((n = raw_recv(&vic, buf, sizeof(buf), 300, &out)) >= 0)
		for (int k = 0; k < EV_N && !out; k++)
			got[k] += frame_has_marker(buf, (size_t)n, e->marker[k]);
	raw_close(&att);
	raw_close(&vic);
	return err;
}

static void run(struct ev *e, struct audit_row *row)
{
	uint64_t c0[EV_N] = {0}, c1[EV_N] = {0};
	int got[EV_N] = {0}, delivered = 0, err;
	bool counted = true;
	size_t at;

	for (int k = 0; k < EV_N; k++)
		if (getrandom(e->marker[k], MARKER_LEN, 0) != MARKER_LEN)
			memset(e->marker[k], 0x40 + k, MARKER_LEN);
	for (int k = 0; k < EV_N && ev_reason[k]; k++)
		counter(e, ev_reason[k], &c0[k]);
	err = send_all(e, got);
	for (int k = 0; k < EV_N && ev_reason[k]; k++) {
		counter(e, ev_reason[k], &c1[k]);
		counted &= c1[k] > c0[k];
		delivered += got[k];
	}
	row->blocked = !err && !delivered;
	row->pass = row->blocked && counted && got[EV_TWIN] > 0;
	at = (size_t)snprintf(row->observed, sizeof(row->observed), "victim got %d/4%s;", delivered,
			      err ? ", send error" : "");
	for (int k = 0; k < EV_N && ev_reason[k] && at < sizeof(row->observed); k++)
		at += (size_t)snprintf(row->observed + at, sizeof(row->observed) - at, " %s +%llu",
				       ev_reason[k] + 8, (unsigned long long)(c1[k] - c0[k]));
	if (at < sizeof(row->observed))
		snprintf(row->observed + at, sizeof(row->observed) - at, "; twin got %d/1",
			 got[EV_TWIN]);
}

void audit_cp_inspect_evasion(struct ctl *c, const char *tag, struct audit_row *row)
{
	struct ev e = {.c = c, .h = {{.fd = -1}, {.fd = -1}}};
	json_object *args, *res;
	bool applied = false;
	int err;

	snprintf(row->name, sizeof(row->name), "inspect-evasion");
	snprintf(row->desc, sizeof(row->desc),
		 "to an inspected port: other protocol, bad IP csum, bytes past tot_len, SYN data");
	snprintf(row->expected, sizeof(row->expected), "blocked, bridge inspect-* each");
	snprintf(e.tag, sizeof(e.tag), "%.6s", tag);
	err = host_up(&e, 0, "a");
	if (!err)
		err = host_up(&e, 1, "v");
	if (!err)
		err = policy(&e, true);
	applied = !err;
	if (err)
		snprintf(row->observed, sizeof(row->observed), "setup failed: %s", strerror(-err));
	else
		run(&e, row);
	if (applied)
		policy(&e, false);
	for (int i = 0; i < 2; i++) {
		if (e.h[i].snic[0]) {
			args = json_object_new_object();
			json_object_object_add(args, KEY_NAME, json_object_new_string(e.h[i].snic));
			if (!ctl_call(c, "snic.del", args, &res))
				json_object_put(res);
		}
		if (e.h[i].fd >= 0)
			close(e.h[i].fd);
		if (e.h[i].ns[0])
			netns_delete_named(e.h[i].ns);
	}
}
