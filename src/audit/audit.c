// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "audit/audit.h"
#include "audit/frame.h"
#include "audit/probe.h"
#include "lib/netns.h"
#include "lib/nl.h"

enum probe_kind {
	P_SPOOF_IP,
	P_SPOOF_MAC,
	P_ARP_POISON_GW,
	P_ARP_POISON_EP,
	P_GARP,
	P_FORGED_STAMP,
	P_REPLAY_STAMP,
	P_REPLAY_OTHER_SRC,
	P_NO_STAMP,
	P_VLAN,
	P_QINQ,
	P_BCAST_FLOOD,
};

struct probe {
	const char *name;
	const char *desc;
	enum probe_kind kind;
	bool bypass;	   /* skip the guard (PACKET_QDISC_BYPASS) */
	bool guard_counts; /* the guard, not the bridge, is expected to drop it */
	const char *reason;
	int count;
};

static const struct probe probes[] = {
    {"spoof-src-ip", "neighbour's source IP", P_SPOOF_IP, false, true, "spoofed-src-ip", 3},
    {"spoof-src-ip/bypass", "same, guard bypassed (raw qdisc bypass)", P_SPOOF_IP, true, false,
     "spoofed-src-ip", 3},
    {"spoof-src-mac", "forged source MAC", P_SPOOF_MAC, false, true, "spoofed-src-mac", 3},
    {"spoof-src-mac/bypass", "same, guard bypassed", P_SPOOF_MAC, true, false, "spoofed-src-mac",
     3},
    {"arp-poison-gateway", "ARP reply: gateway is at attacker", P_ARP_POISON_GW, false, true,
     "arp-spoof", 3},
    {"arp-poison-gateway/bypass", "same, guard bypassed", P_ARP_POISON_GW, true, false, "arp-spoof",
     3},
    {"arp-poison-endpoint", "ARP reply: neighbour is at attacker", P_ARP_POISON_EP, true, false,
     "arp-spoof", 3},
    {"gratuitous-arp", "gratuitous ARP claiming neighbour's IP", P_GARP, true, false, "arp-spoof",
     3},
    {"forged-stamp", "own headers, stamp forged", P_FORGED_STAMP, true, false, "stamp-bad", 3},
    {"replayed-stamp", "own stamp replayed on a new frame", P_REPLAY_STAMP, true, false,
     "stamp-bad", 3},
    {"replayed-stamp/other-src", "own stamp replayed with neighbour's IP", P_REPLAY_OTHER_SRC, true,
     false, "spoofed-src-ip", 3},
    {"no-stamp", "guard detached: own frame, no stamp", P_NO_STAMP, true, false, "stamp-missing",
     3},
    {"vlan-8021q", "802.1Q tagged frame", P_VLAN, false, true, "vlan-tagged", 3},
    {"vlan-8021q/bypass", "same, guard bypassed", P_VLAN, true, false, "vlan-tagged", 3},
    {"qinq-8021ad", "802.1ad (QinQ) frame, guard bypassed", P_QINQ, true, false, "vlan-tagged", 3},
    {"broadcast-flood", "2000 IPv4 broadcasts", P_BCAST_FLOOD, false, false, "dst-bcast-mcast",
     2000},
};

struct ctx {
	struct audit_env *env;
	uint8_t marker[MARKER_LEN];
	uint8_t stamp_frame[FRAME_MAX];
	size_t stamp_len;
	uint32_t claimed_ip; /* ARP probes: the address the attacker claims */
};

static void new_marker(uint8_t m[MARKER_LEN])
{
	memcpy(m, "HYPAUDIT", 8);
	if (getrandom(m + 8, MARKER_LEN - 8, 0) != MARKER_LEN - 8)
		memset(m + 8, 0x5a, MARKER_LEN - 8);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Captures the attacker's own outgoing frame (stamped by its guard). */
static int capture_stamped(struct ctx *c)
{
	struct audit_env *e = c->env;
	uint8_t m[MARKER_LEN];
	struct raw cap;
	bool out;
	int n, err;

	err = raw_open(e->att.netns_fd, e->att.ifname, false, &cap);
	if (err)
		return err;
	new_marker(m);
	memcpy(m, "HYPLEGIT", 8); /* legitimate traffic, not a probe */
	err = udp_poke(e->att.netns_fd, e->vic.ip, m, sizeof(m));
	for (int i = 0; !err && i < 50; i++) {
		n = raw_recv(&cap, c->stamp_frame, sizeof(c->stamp_frame), 100, &out);
		if (n == -ETIMEDOUT)
			continue;
		if (n < 0) {
			err = n;
			break;
		}
		if (out && frame_has_marker(c->stamp_frame, (size_t)n, m)) {
			c->stamp_len = (size_t)n;
			break;
		}
	}
	raw_close(&cap);
	if (!err && !c->stamp_len)
		err = -ETIMEDOUT;
	return err;
}

/* Builds the probe's frame into b; returns its length or a negative error. */
static int build(struct ctx *c, const struct probe *p, uint8_t *b, uint16_t seq)
{
	struct audit_env *e = c->env;
	static const uint8_t forged_mac[6] = {0x02, 0xba, 0xdb, 0xad, 0xba, 0xd0};
	uint8_t *ip;
	size_t n;

	switch (p->kind) {
	case P_SPOOF_IP:
		return (int)frame_udp(b, e->vic.mac, e->att.mac, e->bys.ip, e->vic.ip, seq,
				      c->marker);
	case P_SPOOF_MAC:
		return (int)frame_udp(b, e->vic.mac, forged_mac, e->att.ip, e->vic.ip, seq,
				      c->marker);
	case P_ARP_POISON_GW:
		c->claimed_ip = e->gw;
		return (int)frame_arp(b, e->vic.mac, e->att.mac, 2, e->att.mac, e->gw, e->vic.mac,
				      e->vic.ip);
	case P_ARP_POISON_EP:
		c->claimed_ip = e->bys.ip;
		return (int)frame_arp(b, e->vic.mac, e->att.mac, 2, e->att.mac, e->bys.ip,
				      e->vic.mac, e->vic.ip);
	case P_GARP:
		c->claimed_ip = e->bys.ip;
		return (int)frame_arp(b, mac_bcast, e->att.mac, 1, e->att.mac, e->bys.ip, mac_bcast,
				      e->bys.ip);
	case P_FORGED_STAMP:
		n = frame_udp(b, e->vic.mac, e->att.mac, e->att.ip, e->vic.ip, seq, c->marker);
		if (getrandom(b, 6, 0) != 6)
			return -EIO;
		b[0] = (uint8_t)((b[0] & 0xfc) | 0x02);
		return (int)n;
	case P_REPLAY_STAMP:
	case P_REPLAY_OTHER_SRC:
		/* the captured frame, its stamp kept, with a new IP id / source */
		memcpy(b, c->stamp_frame, c->stamp_len);
		ip = b + 14;
		ip[4] ^= 0x5a;
		if (p->kind == P_REPLAY_OTHER_SRC) {
			ip[12] = (uint8_t)(e->bys.ip >> 24);
			ip[13] = (uint8_t)(e->bys.ip >> 16);
			ip[14] = (uint8_t)(e->bys.ip >> 8);
			ip[15] = (uint8_t)e->bys.ip;
		}
		frame_ipv4_csum(ip);
		memcpy(b + c->stamp_len - MARKER_LEN, c->marker, MARKER_LEN);
		return (int)c->stamp_len;
	case P_NO_STAMP:
		return (int)frame_udp(b, e->vic.mac, e->att.mac, e->att.ip, e->vic.ip, seq,
				      c->marker);
	case P_VLAN:
	case P_QINQ:
		n = frame_udp(b, e->vic.mac, e->att.mac, e->att.ip, e->vic.ip, seq, c->marker);
		return (int)frame_tag(b, n, p->kind == P_VLAN ? 0x8100 : 0x88a8, 42);
	case P_BCAST_FLOOD:
		return (int)frame_udp(b, mac_bcast, e->att.mac, e->att.ip, 0xffffffffu, seq,
				      c->marker);
	}
	return -EINVAL;
}

static bool is_arp_probe(const struct probe *p)
{
	return p->kind == P_ARP_POISON_GW || p->kind == P_ARP_POISON_EP || p->kind == P_GARP;
}

/* Does a frame the victim received belong to this probe? */
static bool delivered(struct ctx *c, const struct probe *p, const uint8_t *f, int n)
{
	const struct audit_env *e = c->env;
	const uint8_t *a;
	uint32_t spa;

	if (!is_arp_probe(p))
		return frame_has_marker(f, (size_t)n, c->marker);
	if (n < 42 || f[12] != 0x08 || f[13] != 0x06)
		return false;
	a = f + 14;
	spa = (uint32_t)a[14] << 24 | (uint32_t)a[15] << 16 | (uint32_t)a[16] << 8 | a[17];
	return spa == c->claimed_ip && !memcmp(a + 8, e->att.mac, 6);
}

static int neigh_mac(struct audit_env *e, uint32_t ip, uint8_t mac[6])
{
	struct nl *nl;
	struct nl_link l;
	int rc;

	memset(mac, 0, 6);
	if (nl__open(e->vic.netns_fd, &nl))
		return -1;
	rc = nl__link_get(nl, e->vic.ifname, &l);
	if (!rc)
		rc = nl__neigh_get(nl, l.ifindex, ip, mac);
	nl__close(nl);
	return rc;
}

static void run_probe(struct ctx *c, const struct probe *p, struct audit_row *row)
{
	struct audit_env *e = c->env;
	uint8_t frame[FRAME_MAX], buf[FRAME_MAX], before_gw[6], after_gw[6], before_bys[6],
	    after_bys[6];
	uint64_t cnt0 = 0, cnt1 = 0;
	struct raw vic, att;
	int got = 0, len, err;
	bool out, poisoned;

	snprintf(row->name, sizeof(row->name), "%s", p->name);
	snprintf(row->desc, sizeof(row->desc), "%s", p->desc);
	snprintf(row->expected, sizeof(row->expected), "%s", e->secure ? "blocked" : "(baseline)");
	new_marker(c->marker);
	if ((p->kind == P_REPLAY_STAMP || p->kind == P_REPLAY_OTHER_SRC) && !c->stamp_len &&
	    (err = capture_stamped(c))) {
		snprintf(row->observed, sizeof(row->observed), "cannot capture own frame: %s",
			 strerror(-err));
		return;
	}
	if (e->secure) {
		snprintf(row->expected, sizeof(row->expected), "blocked, %s %s",
			 p->guard_counts ? "guard" : "bridge", p->reason);
		e->counter(e->ctx, p->guard_counts, p->reason, &cnt0);
	}
	neigh_mac(e, e->gw, before_gw);
	neigh_mac(e, e->bys.ip, before_bys);
	err = raw_open(e->vic.netns_fd, e->vic.ifname, false, &vic);
	if (!err) {
		err = raw_open(e->att.netns_fd, e->att.ifname, p->bypass, &att);
		if (err)
			raw_close(&vic);
	}
	if (err) {
		snprintf(row->observed, sizeof(row->observed), "cannot open raw sockets: %s",
			 strerror(-err));
		return;
	}
	for (int i = 0; i < p->count && !err; i++) {
		len = build(c, p, frame, (uint16_t)(0x4000 + i));
		err = len < 0 ? len : raw_send(&att, frame, (size_t)len);
		if (err == -ENOBUFS) { /* flood: the qdisc is full, try again */
			sleep_ms(1);
			err = 0;
		}
	}
	/* drain what reached the victim for up to 300 ms after the last frame */
	for (;;) {
		int n = raw_recv(&vic, buf, sizeof(buf), 300, &out);

		if (n < 0)
			break;
		if (!out && delivered(c, p, buf, n))
			got++;
	}
	raw_close(&att);
	raw_close(&vic);
	neigh_mac(e, e->gw, after_gw);
	neigh_mac(e, e->bys.ip, after_bys);
	poisoned = !memcmp(after_gw, e->att.mac, 6) || !memcmp(after_bys, e->att.mac, 6) ||
		   memcmp(before_gw, after_gw, 6) || memcmp(before_bys, after_bys, 6);
	row->blocked = !err && got == 0 && !poisoned;
	if (e->secure) {
		e->counter(e->ctx, p->guard_counts, p->reason, &cnt1);
		row->pass = row->blocked && cnt1 - cnt0 >= 1;
		snprintf(row->observed, sizeof(row->observed), "victim got %d/%d%s, %s %s +%llu%s",
			 got, p->count, poisoned ? ", ARP POISONED" : "",
			 p->guard_counts ? "guard" : "bridge", p->reason,
			 (unsigned long long)(cnt1 - cnt0), err ? ", send error" : "");
	} else {
		snprintf(row->observed, sizeof(row->observed), "victim got %d/%d%s%s", got,
			 p->count, poisoned ? ", ARP POISONED" : "", err ? ", send error" : "");
	}
}

/* Can anyone in the caller's (host) netns reach the victim? */
static void host_reach(struct ctx *c, struct audit_row *row)
{
	struct audit_env *e = c->env;
	struct nl *nl = NULL;
	struct nl_link l;
	int32_t host_nsid = -1;
	int host_fd, saved, got = 0;
	bool linked = false, out;
	struct raw vic;
	uint8_t buf[FRAME_MAX];

	snprintf(row->name, sizeof(row->name), "host-netns-reach");
	snprintf(row->desc, sizeof(row->desc), "host actor: link to victim, UDP to victim");
	snprintf(row->expected, sizeof(row->expected), "%s",
		 e->secure ? "no link, nothing delivered" : "(baseline)");
	host_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host_fd >= 0 && !nl__open(e->vic.netns_fd, &nl) &&
	    !nl__link_get(nl, e->vic.ifname, &l) && !nl__netns_id(nl, host_fd, &host_nsid))
		linked = host_nsid >= 0 && l.link_netnsid == host_nsid;
	nl__close(nl);
	new_marker(c->marker);
	if (!raw_open(e->vic.netns_fd, e->vic.ifname, false, &vic)) {
		if (netns_enter(host_fd, &saved) == 0) {
			netns_restore(saved);
			udp_poke(host_fd, e->vic.ip, c->marker, MARKER_LEN);
		}
		for (;;) {
			int n = raw_recv(&vic, buf, sizeof(buf), 300, &out);

			if (n < 0)
				break;
			if (!out && frame_has_marker(buf, (size_t)n, c->marker))
				got++;
		}
		raw_close(&vic);
	}
	if (host_fd >= 0)
		close(host_fd);
	row->blocked = !linked && got == 0;
	row->pass = row->blocked;
	snprintf(row->observed, sizeof(row->observed), "victim's peer %s; victim got %d/1",
		 linked ? "IS in the host netns" : "not in the host netns", got);
}

int audit_run(struct audit_env *env, struct audit_row *rows, int max)
{
	struct ctx c = {.env = env};
	uint8_t prime[4] = {'p', 'r', 'i', 'm'};
	int n = 0;

	/* the victim resolves the gateway and the bystander, so poisoning shows */
	udp_poke(env->vic.netns_fd, env->gw, prime, sizeof(prime));
	udp_poke(env->vic.netns_fd, env->bys.ip, prime, sizeof(prime));
	sleep_ms(300);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]) && n < max; i++) {
		memset(&rows[n], 0, sizeof(rows[n]));
		if (env->progress)
			env->progress((int)i + 1, (int)(sizeof(probes) / sizeof(probes[0])),
				      probes[i].name);
		run_probe(&c, &probes[i], &rows[n++]);
	}
	if (n < max) {
		memset(&rows[n], 0, sizeof(rows[n]));
		host_reach(&c, &rows[n++]);
	}
	return n + audit6_run(env, rows + n, max - n);
}
