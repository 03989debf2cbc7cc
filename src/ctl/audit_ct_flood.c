// SPDX-License-Identifier: GPL-2.0-only
/*
 * Audit probe "conntrack-exhaustion" (datapath): a throw-away container
 * opens a new UDP flow with every datagram, more flows than the bridge's
 * conntrack table holds, toward a second one; then a third opens one new
 * flow to the same server. Without a per-endpoint quota the table is full
 * and every other container's new flows fail for the UDP timeout; with
 * it, the flooder is held at its quota: its own next flow is refused
 * (ct-quota counted), the bystander's goes through. The three SNICs are
 * deleted at the end, which flushes the flood's entries.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "hyperion/abi.h"
#include "audit/frame.h"
#include "audit/probe.h"
#include "ctl/audit_cp.h"
#include "lib/addr.h"
#include "lib/netns.h"

#define FLOOD (HYP_CT_MAX + HYP_CT_MAX / 16) /* new flows: past a full table */

enum { FLOODER, SERVER, BYSTANDER, N_HOSTS };

struct flood {
	struct ctl *c;
	char ns[N_HOSTS][40], snic[N_HOSTS][40];
	int fd[N_HOSTS];
	bool made_ns[N_HOSTS], made_snic[N_HOSTS];
	uint32_t ip[N_HOSTS]; /* host order */
	uint8_t mac[N_HOSTS][6];
};

static const char *const role[N_HOSTS] = {"flood", "server", "bystander"};

/* A netns and a SNIC in it for each host. */
static int hosts_up(struct flood *f, const char *tag)
{
	for (int i = 0; i < N_HOSTS; i++) {
		json_object *args = json_object_new_object(), *res = NULL, *v;
		struct cidr4 ip;
		int err;

		snprintf(f->ns[i], sizeof(f->ns[i]), "hyp-audit-%s-ct%s", tag, role[i]);
		snprintf(f->snic[i], sizeof(f->snic[i]), "audit-%s-ct%s", tag, role[i]);
		err = netns_create_named(f->ns[i]);
		f->made_ns[i] = !err;
		if (!err)
			err = netns_open(f->ns[i], &f->fd[i]);
		json_object_object_add(args, KEY_NAME, json_object_new_string(f->snic[i]));
		json_object_object_add(args, KEY_NETNS, json_object_new_string(f->ns[i]));
		if (!err)
			err = ctl_call(f->c, "snic.add", args, &res);
		else
			json_object_put(args);
		f->made_snic[i] = !err;
		if (!err && (!json_object_object_get_ex(res, KEY_IP, &v) ||
			     cidr4_parse(json_object_get_string(v), &ip) ||
			     !json_object_object_get_ex(res, KEY_MAC, &v) ||
			     mac_parse(json_object_get_string(v), f->mac[i])))
			err = -EINVAL;
		if (!err)
			f->ip[i] = ip.addr;
		json_object_put(res);
		if (err)
			return err;
	}
	return 0;
}

static void hosts_down(struct flood *f)
{
	for (int i = 0; i < N_HOSTS; i++) {
		if (f->made_snic[i]) {
			json_object *args = json_object_new_object(), *res;

			json_object_object_add(args, KEY_NAME, json_object_new_string(f->snic[i]));
			if (!ctl_call(f->c, "snic.del", args, &res))
				json_object_put(res);
		}
		if (f->fd[i] >= 0)
			close(f->fd[i]);
		if (f->made_ns[i])
			netns_delete_named(f->ns[i]);
	}
}

/* The flooder's bridge drop counter for reason. */
static uint64_t drops(struct flood *f, const char *reason)
{
	json_object *st, *ports, *me, *d, *v;
	uint64_t n = 0;

	if (ctl_call(f->c, "status", NULL, &st))
		return 0;
	if (json_object_object_get_ex(st, KEY_PORTS, &ports) &&
	    json_object_object_get_ex(ports, f->snic[FLOODER], &me) &&
	    json_object_object_get_ex(me, KEY_DROPS, &d) &&
	    json_object_object_get_ex(d, reason, &v))
		n = (uint64_t)json_object_get_int64(v);
	json_object_put(st);
	return n;
}

/* FLOOD datagrams, each on a port pair of its own, through the guard. */
static int flood_send(struct flood *f)
{
	static const uint8_t marker[MARKER_LEN] = "HYPFLOOD-CTFULL";
	uint8_t b[FRAME_MAX];
	struct raw r;
	size_t n;
	int err = raw_open(f->fd[FLOODER], "eth0", false, &r);

	if (err)
		return err;
	n = frame_udp(b, f->mac[SERVER], f->mac[FLOODER], f->ip[FLOODER], f->ip[SERVER], 1, marker);
	for (uint32_t i = 0; i < FLOOD && !err; i++) {
		uint16_t sport = (uint16_t)(1024 + i % 60000), dport = (uint16_t)(9 + i / 60000);

		b[34] = (uint8_t)(sport >> 8);
		b[35] = (uint8_t)sport;
		b[36] = (uint8_t)(dport >> 8);
		b[37] = (uint8_t)dport;
		err = raw_send(&r, b, n);
		if (err == -ENOBUFS) { /* the qdisc is full: again */
			nanosleep(&(struct timespec){.tv_nsec = 100000}, NULL);
			err = 0;
			i--;
		}
	}
	raw_close(&r);
	return err;
}

/* Does a new flow of host src (a datagram to the server's port 9) reach the server? */
static int new_flow_arrives(struct flood *f, int src)
{
	uint8_t m[MARKER_LEN], buf[FRAME_MAX];
	struct raw r;
	bool out;
	int got = 0;

	memcpy(m, "HYPLEGIT", 8);
	if (getrandom(m + 8, MARKER_LEN - 8, 0) != MARKER_LEN - 8)
		return -EIO;
	if (raw_open(f->fd[SERVER], "eth0", false, &r))
		return -EIO;
	if (udp_poke(f->fd[src], f->ip[SERVER], m, sizeof(m))) {
		raw_close(&r);
		return -EIO;
	}
	for (;;) {
		int n = raw_recv(&r, buf, sizeof(buf), 300, &out);

		if (n < 0)
			break;
		got |= !out && frame_has_marker(buf, (size_t)n, m);
	}
	raw_close(&r);
	return got;
}

void audit_cp_ct_flood(struct ctl *c, const char *tag, struct audit_row *row)
{
	struct flood f = {.c = c, .fd = {-1, -1, -1}};
	uint64_t q0, q1;
	int err, own = -1, bys = -1;

	snprintf(row->name, sizeof(row->name), "conntrack-exhaustion");
	snprintf(row->desc, sizeof(row->desc), "%u new UDP flows from one container",
		 (unsigned)FLOOD);
	snprintf(row->expected, sizeof(row->expected), "held at its quota, bridge ct-quota");
	err = hosts_up(&f, tag);
	if (err) {
		snprintf(row->observed, sizeof(row->observed), "cannot set up the hosts: %s",
			 strerror(-err));
		goto out;
	}
	q0 = drops(&f, "ct-quota");
	err = flood_send(&f);
	q1 = drops(&f, "ct-quota");
	if (!err) {
		own = new_flow_arrives(&f, FLOODER);
		bys = new_flow_arrives(&f, BYSTANDER);
	}
	row->blocked = !err && bys == 1 && own == 0;
	row->pass = row->blocked && q1 - q0 >= 1;
	snprintf(row->observed, sizeof(row->observed),
		 "bystander's new flow %s, flooder's %s, bridge ct-quota +%llu%s",
		 bys == 1 ? "delivered" : "LOST", own == 0 ? "refused" : "DELIVERED",
		 (unsigned long long)(q1 - q0), err ? ", send error" : "");
out:
	hosts_down(&f);
}
