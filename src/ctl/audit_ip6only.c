// SPDX-License-Identifier: GPL-2.0-only
/*
 * Audit probe "ip6-only-ipv4" (datapath): a throw-away IPv6-only SNIC
 * (snic add --family 6, on a dual-stack instance) has no IPv4 binding, so
 * every IPv4 and ARP frame it sends is a spoof: a DHCP-like datagram from
 * 0.0.0.0, a datagram from the gateway's IPv4 address, an ARP probe for
 * the gateway and a gratuitous ARP claiming it, each through the guard
 * and with the guard bypassed. Each must be dropped and counted
 * (spoofed-src-ip, arp-spoof; guard or bridge); none is let through
 * uncounted. An instance without an IPv6 pool can have no such SNIC: the
 * row says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/frame.h"
#include "audit/probe.h"
#include "ctl/audit_cp.h"
#include "lib/addr.h"
#include "lib/netns.h"

#define N_KIND 4 /* kinds of frame, each sent through the guard and bypassing it */
#define N_EACH 4 /* so frames for each reason: two kinds, twice */

struct v6o {
	struct ctl *c;
	char ns[40], snic[40];
	int fd;
	bool made_ns, made_snic;
	uint8_t mac[6];
	uint32_t gw; /* host order */
};

/* The SNIC's drops for reason, guard and bridge together. */
static uint64_t drops(struct v6o *o, const char *reason)
{
	static const char *const sides[] = {KEY_GUARDS, KEY_PORTS};
	json_object *st, *side, *me, *d, *v;
	uint64_t n = 0;

	if (ctl_call(o->c, "status", NULL, &st))
		return 0;
	for (int i = 0; i < 2; i++)
		if (json_object_object_get_ex(st, sides[i], &side) &&
		    json_object_object_get_ex(side, o->snic, &me) &&
		    json_object_object_get_ex(me, KEY_DROPS, &d) &&
		    json_object_object_get_ex(d, reason, &v))
			n += (uint64_t)json_object_get_int64(v);
	json_object_put(st);
	return n;
}

/* The instance's IPv4 gateway; 1 when it has no pool6 (no IPv6-only SNIC). */
static int instance(struct v6o *o)
{
	json_object *st, *v;
	int err = 0;

	if (ctl_call(o->c, "status", NULL, &st))
		return -EIO;
	if (!json_object_object_get_ex(st, KEY_POOL6, &v) || !json_object_get_string(v) ||
	    !strcmp(json_object_get_string(v), "none"))
		err = 1;
	else if (!json_object_object_get_ex(st, KEY_GATEWAY, &v) ||
		 ipv4_parse(json_object_get_string(v), &o->gw))
		err = -EINVAL;
	json_object_put(st);
	return err;
}

static int host_up(struct v6o *o, const char *tag)
{
	json_object *args = json_object_new_object(), *res = NULL, *v;
	int err;

	snprintf(o->ns, sizeof(o->ns), "hyp-audit-%s-v6o", tag);
	snprintf(o->snic, sizeof(o->snic), "audit-%s-v6o", tag);
	err = netns_create_named(o->ns);
	o->made_ns = !err;
	if (!err)
		err = netns_open(o->ns, &o->fd);
	json_object_object_add(args, KEY_NAME, json_object_new_string(o->snic));
	json_object_object_add(args, KEY_NETNS, json_object_new_string(o->ns));
	json_object_object_add(args, KEY_FAMILY, json_object_new_int(6));
	if (!err)
		err = ctl_call(o->c, "snic.add", args, &res);
	else
		json_object_put(args);
	o->made_snic = !err;
	if (!err && (json_object_object_get_ex(res, KEY_IP, &v) ||
		     !json_object_object_get_ex(res, KEY_MAC, &v) ||
		     mac_parse(json_object_get_string(v), o->mac)))
		err = -EINVAL; /* an IPv4 address: not IPv6-only */
	json_object_put(res);
	return err;
}

static void host_down(struct v6o *o)
{
	if (o->made_snic) {
		json_object *args = json_object_new_object(), *res;

		json_object_object_add(args, KEY_NAME, json_object_new_string(o->snic));
		if (!ctl_call(o->c, "snic.del", args, &res))
			json_object_put(res);
	}
	if (o->fd >= 0)
		close(o->fd);
	if (o->made_ns)
		netns_delete_named(o->ns);
}

/* Frame kind k (0, 1: IPv4 from 0.0.0.0 and from the gateway; 2, 3: ARP). */
static size_t build(const struct v6o *o, int k, uint8_t *b)
{
	static const uint8_t marker[MARKER_LEN] = "HYPAUDIT-V6ONLY";
	static const uint8_t zero[6];
	uint8_t gw_mac[6] = {0x0a, 0x58, (uint8_t)(o->gw >> 24), (uint8_t)(o->gw >> 16),
			     (uint8_t)(o->gw >> 8), (uint8_t)o->gw};

	switch (k) {
	case 0:
		return frame_udp(b, mac_bcast, o->mac, 0, 0xffffffffu, 0x6001, marker);
	case 1:
		return frame_udp(b, gw_mac, o->mac, o->gw, o->gw, 0x6002, marker);
	case 2:
		return frame_arp(b, mac_bcast, o->mac, 1, o->mac, 0, zero, o->gw);
	default:
		return frame_arp(b, mac_bcast, o->mac, 1, o->mac, o->gw, zero, o->gw);
	}
}

/* One frame; ENOBUFS is the guard's drop seen by the sender (NET_XMIT_DROP). */
static int send_one(struct raw *r, const uint8_t *b, size_t len)
{
	int err = raw_send(r, b, len);

	return err == -ENOBUFS ? 0 : err;
}

/* Every kind, through the guard then bypassing it; 0 or -errno. */
static int send_all(struct v6o *o)
{
	uint8_t b[FRAME_MAX];
	struct raw r;
	int err = 0;

	for (int bypass = 0; bypass < 2 && !err; bypass++) {
		err = raw_open(o->fd, "eth0", bypass, &r);
		for (int k = 0; k < N_KIND && !err; k++)
			err = send_one(&r, b, build(o, k, b));
		if (r.fd >= 0)
			raw_close(&r);
	}
	return err;
}

void audit_cp_ip6_only(struct ctl *c, const char *tag, struct audit_row *row)
{
	struct v6o o = {.c = c, .fd = -1};
	uint64_t ip0, arp0, ip1, arp1;
	int err;

	snprintf(row->name, sizeof(row->name), "ip6-only-ipv4");
	snprintf(row->desc, sizeof(row->desc),
		 "IPv6-only SNIC sends IPv4 (from 0.0.0.0, the gateway's) and ARP");
	snprintf(row->expected, sizeof(row->expected), "blocked, spoofed-src-ip %d, arp-spoof %d",
		 N_EACH, N_EACH);
	err = instance(&o);
	if (err == 1) {
		row->blocked = row->pass = true;
		snprintf(row->observed, sizeof(row->observed),
			 "no IPv6 pool: the instance can have no IPv6-only SNIC");
		return;
	}
	if (!err)
		err = host_up(&o, tag);
	ip0 = drops(&o, "spoofed-src-ip");
	arp0 = drops(&o, "arp-spoof");
	if (!err)
		err = send_all(&o);
	for (int i = 0; i < 30; i++) { /* the frames land on another CPU's softirq: poll */
		ip1 = drops(&o, "spoofed-src-ip");
		arp1 = drops(&o, "arp-spoof");
		if (err || (ip1 - ip0 >= N_EACH && arp1 - arp0 >= N_EACH))
			break;
		usleep(100 * 1000);
	}
	if (err)
		snprintf(row->observed, sizeof(row->observed), "cannot run: %s", strerror(-err));
	else
		snprintf(row->observed, sizeof(row->observed),
			 "spoofed-src-ip +%llu, arp-spoof +%llu (guard and bridge)",
			 (unsigned long long)(ip1 - ip0), (unsigned long long)(arp1 - arp0));
	row->blocked = !err && ip1 - ip0 == N_EACH && arp1 - arp0 == N_EACH;
	row->pass = row->blocked;
	host_down(&o);
}
