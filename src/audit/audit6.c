// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IPv6 attacks of `hyperctl audit` (dual stack): neighbour discovery
 * spoofing (a neighbour's and the gateway's address claimed in a
 * neighbour advertisement), a rogue router advertisement, DAD denial (an
 * advertisement for the victim's own address), a forged IPv6 source
 * (through the guard and past it) and extension headers that would hide
 * the transport header from policy. Judged by what the victim received
 * and, on Hyperion, by the drop counter that took it; on the --baseline
 * Linux bridge (dual stack too) the same probes show what a plain bridge
 * lets through.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "audit/audit.h"
#include "audit/frame6.h"
#include "audit/probe.h"

enum p6_kind { P6_NA_EP, P6_NA_GW, P6_RA, P6_DAD, P6_SPOOF, P6_EXT };

struct probe6 {
	const char *name, *desc;
	enum p6_kind kind;
	enum frame6_ext ext;
	bool bypass, guard_counts;
	const char *reason;
};

static const struct probe6 probes6[] = {
    {"nd-spoof-neighbour", "NA: neighbour's IPv6 is at attacker", P6_NA_EP, F6_NONE, false, false,
     "nd-na"},
    {"nd-spoof-gateway", "NA: IPv6 gateway is at attacker", P6_NA_GW, F6_NONE, false, false,
     "nd-na"},
    {"rogue-ra", "router advertisement with a prefix", P6_RA, F6_NONE, false, false, "nd-ra"},
    {"dad-denial", "NA claiming the victim's own IPv6", P6_DAD, F6_NONE, false, false, "nd-na"},
    {"spoof-src-ip6", "neighbour's source IPv6", P6_SPOOF, F6_NONE, false, true, "ip6-spoofed-src"},
    {"spoof-src-ip6/bypass", "same, guard bypassed", P6_SPOOF, F6_NONE, true, false,
     "ip6-spoofed-src"},
    {"ip6-routing-header", "UDP behind a type 0 routing header", P6_EXT, F6_ROUTING, false, false,
     "ip6-routing-header"},
    {"ip6-fragment", "UDP in an IPv6 fragment", P6_EXT, F6_FRAGMENT, false, false, "ip6-fragment"},
    {"ip6-exthdr-chain", "UDP behind 9 extension headers", P6_EXT, F6_LONGCHAIN, false, false,
     "ip6-exthdr"},
};

static void ll_of(const uint8_t mac[6], uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = mac[0] ^ 0x02;
	a[9] = mac[1];
	a[10] = mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	memcpy(a + 13, mac + 3, 3);
}

static int build6(const struct audit_env *e, const struct probe6 *p, const uint8_t m[MARKER_LEN],
		  uint8_t *b)
{
	uint8_t all[6], ll[16], vll[16];
	static const uint8_t rogue_pfx[16] = {0xfd, 0x66, 0x66, 0x66};

	ll_of(e->att.mac, ll);
	ll_of(e->vic.mac, vll);
	mac_mcast6(ip6_all_nodes, all);
	switch (p->kind) {
	case P6_NA_EP:
		return (int)frame_na(b, e->vic.mac, e->att.mac, ll, vll, e->bys.ip6, e->att.mac, 0);
	case P6_NA_GW:
		return (int)frame_na(b, e->vic.mac, e->att.mac, ll, vll, e->vic.gw6, e->att.mac, 0);
	case P6_RA:
		return (int)frame_ra(b, all, e->att.mac, ll, ip6_all_nodes, rogue_pfx);
	case P6_DAD:
		return (int)frame_na(b, all, e->att.mac, ll, ip6_all_nodes, e->vic.ip6, e->att.mac,
				     0);
	case P6_SPOOF:
		return (int)frame_udp6(b, e->vic.mac, e->att.mac, e->bys.ip6, e->vic.ip6, F6_NONE,
				       m);
	case P6_EXT:
		return (int)frame_udp6(b, e->vic.mac, e->att.mac, e->att.ip6, e->vic.ip6, p->ext,
				       m);
	}
	return -EINVAL;
}

/* A frame of this probe at the victim: the marker, or ND (type 134/136) from the attacker. */
static bool delivered6(const struct audit_env *e, const struct probe6 *p,
		       const uint8_t m[MARKER_LEN], const uint8_t *f, int n)
{
	if (p->kind == P6_SPOOF || p->kind == P6_EXT)
		return frame_has_marker(f, (size_t)n, m);
	return n >= 14 + 40 + 4 && f[12] == 0x86 && f[13] == 0xdd && f[14 + 6] == 58 &&
	       (f[54] == 134 || f[54] == 136) && !memcmp(f + 6, e->att.mac, 6);
}

static void run6(struct audit_env *e, const struct probe6 *p, struct audit_row *row)
{
	uint8_t m[MARKER_LEN], frame[FRAME_MAX], buf[FRAME_MAX];
	uint64_t c0 = 0, c1 = 0;
	struct raw vic, att;
	int got = 0, refused = 0, len, err;
	bool out;

	snprintf(row->name, sizeof(row->name), "%s", p->name);
	snprintf(row->desc, sizeof(row->desc), "%s", p->desc);
	if (e->secure)
		snprintf(row->expected, sizeof(row->expected), "blocked, %s %s",
			 p->guard_counts ? "guard" : "bridge", p->reason);
	else
		snprintf(row->expected, sizeof(row->expected), "(baseline)");
	memcpy(m, "HYPAUDIT", 8); /* what test_attacks looks for in the victim's capture */
	if (getrandom(m + 8, MARKER_LEN - 8, 0) != MARKER_LEN - 8)
		memset(m + 8, 0x66, MARKER_LEN - 8);
	if (e->secure)
		e->counter(e->ctx, p->guard_counts, p->reason, &c0);
	err = raw_open(e->vic.netns_fd, e->vic.ifname, false, &vic);
	if (!err && (err = raw_open(e->att.netns_fd, e->att.ifname, p->bypass, &att)))
		raw_close(&vic);
	if (err) {
		snprintf(row->observed, sizeof(row->observed), "cannot open raw sockets: %s",
			 strerror(-err));
		return;
	}
	for (int i = 0; i < 3 && !err; i++) {
		len = build6(e, p, m, frame);
		err = len < 0 ? len : raw_send(&att, frame, (size_t)len);
		/* through the guard, a send the guard dropped may be refused: not sent */
		if (!p->bypass && err && err != -EINVAL)
			refused++, err = 0;
	}
	for (;;) { /* what reached the victim within 300 ms of the last frame */
		int n = raw_recv(&vic, buf, sizeof(buf), 300, &out);

		if (n < 0)
			break;
		if (!out && delivered6(e, p, m, buf, n))
			got++;
	}
	raw_close(&att);
	raw_close(&vic);
	row->blocked = !err && !got;
	if (!e->secure) {
		snprintf(row->observed, sizeof(row->observed), "victim got %d/3%s", got,
			 err ? ", send error" : "");
		return;
	}
	e->counter(e->ctx, p->guard_counts, p->reason, &c1);
	row->pass = row->blocked && c1 - c0 >= 1;
	snprintf(row->observed, sizeof(row->observed), "victim got %d/3, %s %s +%llu%s%s", got,
		 p->guard_counts ? "guard" : "bridge", p->reason, (unsigned long long)(c1 - c0),
		 refused ? ", send refused at the guard" : "", err ? ", send error" : "");
}

int audit6_run(struct audit_env *env, struct audit_row *rows, int max)
{
	int n = 0, total = (int)(sizeof(probes6) / sizeof(probes6[0]));

	/* IPv6 on all three (Hyperion dual stack, or the baseline bridge's) */
	if (!env->att.has_ip6 || !env->vic.has_ip6 || !env->bys.has_ip6)
		return 0;
	for (int i = 0; i < total && n < max; i++) {
		memset(&rows[n], 0, sizeof(rows[n]));
		if (env->progress)
			env->progress(i + 1, total, probes6[i].name);
		run6(env, &probes6[i], &rows[n++]);
	}
	return n;
}
