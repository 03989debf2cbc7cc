// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp-ovlsend: the rogue host on the cluster fabric. Runs inside its own
 * netns (the caller uses ip netns exec) and sends overlay frames on IFNAME
 * with AF_PACKET, built by the datapath's userspace twin (ovl_frame.c).
 *
 * usage: hyp-ovlsend IFNAME forge DST-MAC OUTER-SRC OUTER-DST SRC-NODE IDENTITY
 *                    INNER-SRC INNER-DST DPORT COUNT
 *   COUNT UDP frames claiming node SRC-NODE and IDENTITY, signed with a key
 *   the rogue guessed (random): what a host that knows the format but not
 *   the pair key can send
 * usage: hyp-ovlsend IFNAME forge6 DST-MAC OUTER-SRC OUTER-DST SRC-NODE IDENTITY
 *                    INNER-SRC6 INNER-DST6 DPORT COUNT
 *   the same with an inner IPv6 packet (HYP_OVL_F_IP6); signed with the key
 *   in HYP_OVL_KEY (32 hex digits: the 16 bytes of a pair key, as
 *   hyp_ovl_peers holds it: a compromised node) when set, else a guessed one
 * usage: hyp-ovlsend IFNAME replay SECONDS
 *   waits up to SECONDS for an overlay frame on IFNAME (a fabric in hub
 *   mode shows it all), then sends: the frame as captured, three times; with
 *   the identity changed; with the inner destination changed; with the
 *   sequence number moved on; with a payload byte changed. Prints
 *   "captured LEN" and exits 0, or 1 when none came.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "hyperion/abi.h"
#include "cluster/ovl_frame.h"

static int sock_on(const char *ifname, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_ALL);
	sll->sll_ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || !sll->sll_ifindex || bind(fd, (struct sockaddr *)sll, sizeof(*sll))) {
		perror(ifname);
		exit(1);
	}
	return fd;
}

static void send_frame(int fd, struct sockaddr_ll *sll, const uint8_t *f, size_t len)
{
	if (sendto(fd, f, len, 0, (struct sockaddr *)sll, sizeof(*sll)) != (ssize_t)len)
		perror("sendto");
	usleep(2000);
}

/* HYP_OVL_KEY (32 hex digits) into key: 1; unset: 0; malformed: -1 */
static int env_key(uint64_t key[2])
{
	const char *h = getenv("HYP_OVL_KEY");
	uint8_t b[16];
	unsigned int x;

	if (!h || !*h)
		return 0;
	if (strlen(h) != 32)
		return -1;
	for (int i = 0; i < 16; i++) {
		if (sscanf(h + 2 * i, "%2x", &x) != 1)
			return -1;
		b[i] = (uint8_t)x;
	}
	memcpy(key, b, 16);
	return 1;
}

/* The inner IPv6 UDP checksum (mandatory in IPv6: a receiver drops 0), over the
 * pseudo-header and the datagram at OVL_F_INNER + 40 (no extension headers). */
static void udp6_csum(uint8_t *f, size_t len)
{
	uint8_t *ip = f + OVL_F_INNER, *u = ip + 40;
	size_t ulen = len - OVL_F_INNER - 40;
	uint32_t sum = 17 + (uint32_t)ulen;

	u[6] = u[7] = 0;
	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	for (size_t i = 0; i < ulen; i += 2)
		sum += (uint32_t)(u[i] << 8 | (i + 1 < ulen ? u[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	if (!sum)
		sum = 0xffff;
	u[6] = (uint8_t)(sum >> 8);
	u[7] = (uint8_t)sum;
}

static int forge(int fd, struct sockaddr_ll *sll, char **a, bool v6)
{
	static const uint8_t payload[] = "FORGED\n";
	struct ovl_spec s = {.proto = 17, .sport = 4242, .l4_sport = 4242, .payload = payload,
			     .payload_len = sizeof(payload) - 1};
	unsigned int mac[6];
	uint64_t key[2];
	uint8_t f[256];
	int len, n = atoi(a[8]), given = env_key(key);

	if (given < 0 ||
	    sscanf(a[0], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		   &mac[5]) != 6)
		return 2;
	for (int i = 0; i < 6; i++)
		s.dst_mac[i] = (uint8_t)mac[i];
	s.src_mac[0] = 0x02;
	s.src_mac[5] = 0x66;
	s.outer_src = inet_addr(a[1]);
	s.outer_dst = inet_addr(a[2]);
	s.src_node = (uint16_t)atoi(a[3]);
	s.identity = (uint32_t)strtoul(a[4], NULL, 10);
	if (v6) {
		s.flags |= HYP_OVL_F_IP6;
		if (inet_pton(AF_INET6, a[5], s.src6) != 1 || inet_pton(AF_INET6, a[6], s.dst6) != 1)
			return 2;
	} else {
		s.inner_src = inet_addr(a[5]);
		s.inner_dst = inet_addr(a[6]);
	}
	s.l4_dport = (uint16_t)atoi(a[7]);
	for (int i = 0; i < n; i++) {
		if (!given && getrandom(key, sizeof(key), 0) != sizeof(key))
			return 1;
		s.seq = ((uint64_t)time(NULL) << 32) + 1000000 + (uint64_t)i;
		len = ovl_frame_build(f, sizeof(f), &s);
		if (len < 0)
			return 1;
		if (v6)
			udp6_csum(f, (size_t)len);
		ovl_frame_sign(key, f, (size_t)len);
		send_frame(fd, sll, f, (size_t)len);
	}
	return 0;
}

static int is_overlay(const uint8_t *f, ssize_t n)
{
	return n > OVL_F_INNER + 20 && f[12] == 0x08 && f[13] == 0 && f[14 + 9] == 17 &&
	       ((f[14 + 20 + 2] << 8) | f[14 + 20 + 3]) == HYP_OVL_PORT;
}

static int replay(int fd, struct sockaddr_ll *sll, int seconds)
{
	uint8_t f[2048], g[2048];
	time_t end = time(NULL) + seconds;
	ssize_t n = 0;
	struct timeval tv = {.tv_sec = 1};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (time(NULL) < end) {
		n = recv(fd, f, sizeof(f), 0);
		if (is_overlay(f, n))
			break;
		n = 0;
	}
	if (!n)
		return 1;
	printf("captured %zd\n", n);
	fflush(stdout);
	for (int i = 0; i < 3; i++)
		send_frame(fd, sll, f, (size_t)n); /* as captured */
	memcpy(g, f, (size_t)n);
	g[OVL_F_HDR + 7] ^= 1; /* identity */
	send_frame(fd, sll, g, (size_t)n);
	memcpy(g, f, (size_t)n);
	g[OVL_F_INNER + 19] ^= 1; /* inner destination */
	send_frame(fd, sll, g, (size_t)n);
	memcpy(g, f, (size_t)n);
	g[OVL_F_HDR + 12] ^= 1; /* sequence number, far ahead */
	send_frame(fd, sll, g, (size_t)n);
	memcpy(g, f, (size_t)n);
	g[n - 2] ^= 1; /* a payload byte (covered with --overlay-integrity) */
	send_frame(fd, sll, g, (size_t)n);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll;
	int fd;

	if (argc == 12 && (!strcmp(argv[2], "forge") || !strcmp(argv[2], "forge6"))) {
		fd = sock_on(argv[1], &sll);
		return forge(fd, &sll, argv + 3, !strcmp(argv[2], "forge6"));
	}
	if (argc == 4 && !strcmp(argv[2], "replay")) {
		fd = sock_on(argv[1], &sll);
		return replay(fd, &sll, atoi(argv[3]));
	}
	fprintf(stderr, "usage: hyp-ovlsend IFNAME forge DST-MAC OUTER-SRC OUTER-DST SRC-NODE "
			"IDENTITY INNER-SRC INNER-DST DPORT COUNT\n"
			"       hyp-ovlsend IFNAME forge6 (the same, inner IPv6; key: HYP_OVL_KEY)\n"
			"       hyp-ovlsend IFNAME replay SECONDS\n");
	return 2;
}
