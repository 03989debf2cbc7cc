// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp-send6: crafted IPv6 frames from inside a container netns (the frame
 * builders of `hyperctl audit`, src/audit/frame6.c), through the guard
 * unless --bypass (PACKET_QDISC_BYPASS) comes first.
 *
 * usage: hyp-send6 [--bypass] NETNS IFNAME SRCMAC na TARGET COUNT INTERVAL_MS
 *   unsolicited NAs to all nodes from SRCMAC's link-local: TARGET is at SRCMAC
 *   (DAD denial: TARGET a neighbour's tentative address)
 * usage: hyp-send6 [--bypass] NETNS IFNAME SRCMAC udp6 SRC DST DSTMAC EXT COUNT
 *   UDP to DST port 9 carrying "HYPSEND6-MARKER!"; EXT: none, hbh (hop-by-hop
 *   and destination options: a short valid chain), routing, frag, chain
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/frame6.h"
#include "audit/probe.h"
#include "lib/addr.h"
#include "lib/addr6.h"
#include "lib/netns.h"

static const uint8_t marker[MARKER_LEN] = "HYPSEND6-MARKER!";

static int ext_of(const char *s, enum frame6_ext *e)
{
	static const char *const names[] = {"none", "routing", "frag", "chain"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*e = (enum frame6_ext)i;
			return 0;
		}
	return -1;
}

/* hop-by-hop + destination options (PadN each), then UDP: 16 bytes of headers */
static size_t udp6_hbh(uint8_t *b, const uint8_t dst[6], const uint8_t src[6],
		       const uint8_t s6[16], const uint8_t d6[16])
{
	uint8_t tmp[FRAME_MAX];
	size_t n = frame_udp6(tmp, dst, src, s6, d6, F6_NONE, marker), l4 = n - 54;

	memcpy(b, tmp, 54);
	b[14 + 6] = 0; /* hop-by-hop */
	memset(b + 54, 0, 16);
	b[54] = 60; /* then destination options */
	b[56] = 1, b[57] = 4;
	b[62] = 17; /* then UDP */
	b[64] = 1, b[65] = 4;
	memcpy(b + 70, tmp + 54, l4); /* the UDP checksum does not cover them */
	b[18] = (uint8_t)((l4 + 16) >> 8);
	b[19] = (uint8_t)(l4 + 16);
	return n + 16;
}

int main(int argc, char **argv)
{
	uint8_t smac[6], dmac[6], a[16], b6[16], ll[16], all[6], f[FRAME_MAX];
	bool bypass = argc > 1 && !strcmp(argv[1], "--bypass");
	enum frame6_ext ext;
	struct raw r;
	int fd, count, interval = 0;
	size_t n;

	argv += bypass;
	argc -= bypass;
	if (argc < 7 || netns_open(argv[1], &fd) || mac_parse(argv[3], smac))
		goto usage;
	if (!strcmp(argv[4], "na") && argc == 8 && !ipv6_parse(argv[5], a)) {
		ipv6_ll_from_mac(smac, ll);
		mac_mcast6(ip6_all_nodes, all);
		n = frame_na(f, all, smac, ll, ip6_all_nodes, a, smac, 0);
		count = atoi(argv[6]);
		interval = atoi(argv[7]);
	} else if (!strcmp(argv[4], "udp6") && argc == 10 && !ipv6_parse(argv[5], a) &&
		   !ipv6_parse(argv[6], b6) && !mac_parse(argv[7], dmac)) {
		if (!strcmp(argv[8], "hbh"))
			n = udp6_hbh(f, dmac, smac, a, b6);
		else if (!ext_of(argv[8], &ext))
			n = frame_udp6(f, dmac, smac, a, b6, ext, marker);
		else
			goto usage;
		count = atoi(argv[9]);
	} else {
		goto usage;
	}
	if (raw_open(fd, argv[2], bypass, &r)) {
		perror("hyp-send6: raw socket");
		return 1;
	}
	for (int i = 0; i < count; i++) {
		if (raw_send(&r, f, n))
			return 1;
		if (interval)
			usleep((useconds_t)interval * 1000);
	}
	raw_close(&r);
	return 0;
usage:
	fprintf(stderr, "usage: see the comment at the top of tests/tools/hyp-send6.c\n");
	return 2;
}
