// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp-rawsend: crafted IPv4 frames from inside a container netns, for the
 * conntrack, fragment and table-full tests. Frames go through the normal
 * egress path (and so the guard, which stamps them): what is tested is
 * the bridge's stateful checks, not the source checks.
 *
 * usage: hyp-rawsend NETNS IFNAME KIND DST-IP DPORT [COUNT]
 *   KIND: tcp-syn tcp-ack tcp-rst udp icmp-echo icmp-reply icmp-ts frag-first frag-next
 *         frag-overlap udp-flows (COUNT new UDP flows: source ports from 1024, then
 *         the next DPORT every 60000)
 *   icmp-*: DPORT is the ICMP identifier (0: 0x1234), so a frame can ride on
 *   the id of a running ping (icmp-ts is a timestamp request, type 13)
 *
 * usage: hyp-rawsend NETNS IFNAME icmp-frag-echo DST-IP ID MTU
 *   a fragmentation needed (next-hop MTU) to DST-IP, quoting an echo
 *   request with identifier ID that DST-IP sent to this host, as a router
 *   on a path with a smaller MTU would send it
 *
 * usage: hyp-rawsend NETNS IFNAME tcp-request DST-IP DPORT SPORT
 *   not crafted: a real TCP connection from source port SPORT (to reuse a
 *   tuple on purpose); sends "GET / HTTP/1.0", prints the reply, and exits 0
 *   when the server answered and closed first (so this side keeps no
 *   TIME_WAIT and SPORT is free again at once); 1 on any failure (3 s limits)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pseudo(const uint8_t *ip, uint8_t proto, uint16_t len)
{
	uint32_t s = 0;

	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	return s + proto + len;
}

struct ctx {
	int fd;
	struct sockaddr_ll sll;
	uint8_t mac[6];
	uint32_t src, dst; /* network order */
};

/* ip header at b+14; l4len bytes of L4 follow; frag = frag_off field */
static size_t ipv4(struct ctx *c, uint8_t *b, uint8_t proto, size_t l4len, uint16_t frag,
		   uint16_t id)
{
	static const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 1};
	uint8_t *ip = b + 14;

	memcpy(b, dmac, 6);
	memcpy(b + 6, c->mac, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + l4len) >> 8);
	ip[3] = (uint8_t)(20 + l4len);
	ip[4] = (uint8_t)(id >> 8);
	ip[5] = (uint8_t)id;
	ip[6] = (uint8_t)(frag >> 8);
	ip[7] = (uint8_t)frag;
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &c->src, 4);
	memcpy(ip + 16, &c->dst, 4);
	uint16_t s = csum(ip, 20, 0);
	ip[10] = (uint8_t)(s >> 8);
	ip[11] = (uint8_t)s;
	return 14 + 20 + l4len;
}

static size_t tcp(struct ctx *c, uint8_t *b, uint16_t sport, uint16_t dport, uint8_t flags)
{
	uint8_t *t = b + 34;
	uint16_t s;

	memset(t, 0, 20);
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	t[7] = 1;  /* seq */
	t[11] = 1; /* ack */
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff;
	size_t n = ipv4(c, b, 6, 20, 0x4000, 1);
	s = csum(t, 20, pseudo(b + 14, 6, 20));
	t[16] = (uint8_t)(s >> 8);
	t[17] = (uint8_t)s;
	return n;
}

static size_t udp(struct ctx *c, uint8_t *b, uint16_t sport, uint16_t dport, uint16_t frag,
		  size_t payload, uint16_t id)
{
	uint8_t *u = b + 34;

	memset(u, 0, 8 + payload);
	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + payload) >> 8);
	u[5] = (uint8_t)(8 + payload);
	memcpy(u + 8, "HYPRAWSEND-PAYLOAD-HYPRAWSEND-PAYLOAD", payload < 37 ? payload : 37);
	return ipv4(c, b, 17, 8 + payload, frag, id);
}

static int send_frame(struct ctx *c, const uint8_t *b, size_t n)
{
	if (sendto(c->fd, b, n, 0, (struct sockaddr *)&c->sll, sizeof(c->sll)) != (ssize_t)n) {
		perror("sendto");
		return -1;
	}
	return 0;
}

static int setup(struct ctx *c, const char *netns, const char *ifname, const char *dst)
{
	char path[300];
	struct ifreq ifr = {};
	int nfd, s;

	snprintf(path, sizeof(path), "%s%s", netns[0] == '/' ? "" : "/run/netns/", netns);
	nfd = open(path, O_RDONLY);
	if (nfd < 0 || setns(nfd, CLONE_NEWNET)) {
		perror(path);
		return -1;
	}
	c->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (c->fd < 0 || s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr)) {
		perror("socket/ioctl");
		return -1;
	}
	memcpy(c->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(s, SIOCGIFADDR, &ifr)) {
		perror("SIOCGIFADDR");
		return -1;
	}
	c->src = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	if (inet_pton(AF_INET, dst, &c->dst) != 1) {
		fprintf(stderr, "bad address %s\n", dst);
		return -1;
	}
	c->sll.sll_family = AF_PACKET;
	c->sll.sll_ifindex = (int)if_nametoindex(ifname);
	c->sll.sll_halen = 6;
	close(s);
	return 0;
}

/* ICMP type with identifier id and sequence 1 */
static size_t icmp(struct ctx *c, uint8_t *b, uint8_t type, uint16_t id)
{
	uint8_t *m = b + 34;
	size_t len = type == 13 ? 20 : 16; /* timestamp: 3 x 32-bit times */

	memset(m, 0, len);
	m[0] = type;
	m[4] = (uint8_t)(id >> 8);
	m[5] = (uint8_t)id;
	m[7] = 1;
	uint16_t s = csum(m, len, 0);
	m[2] = (uint8_t)(s >> 8);
	m[3] = (uint8_t)s;
	return ipv4(c, b, 1, len, 0, 9);
}

/* icmp-frag-echo: destination unreachable, fragmentation needed, quoting
 * the header of a 1228-byte DF echo request from dst to us and its first
 * 8 bytes */
static size_t icmp_frag_echo(struct ctx *c, uint8_t *b, uint16_t id, uint16_t mtu)
{
	uint8_t *m = b + 34, *in = m + 8, *echo = in + 20;
	uint16_t s;

	memset(m, 0, 36);
	m[0] = 3; /* destination unreachable */
	m[1] = 4; /* fragmentation needed */
	m[6] = (uint8_t)(mtu >> 8);
	m[7] = (uint8_t)mtu;
	in[0] = 0x45;
	in[2] = 1228 >> 8;
	in[3] = 1228 & 0xff;
	in[6] = 0x40; /* DF */
	in[8] = 64;
	in[9] = 1;
	memcpy(in + 12, &c->dst, 4);
	memcpy(in + 16, &c->src, 4);
	s = csum(in, 20, 0);
	in[10] = (uint8_t)(s >> 8);
	in[11] = (uint8_t)s;
	echo[0] = 8;
	echo[4] = (uint8_t)(id >> 8);
	echo[5] = (uint8_t)id;
	echo[7] = 1;
	s = csum(m, 36, 0);
	m[2] = (uint8_t)(s >> 8);
	m[3] = (uint8_t)s;
	return ipv4(c, b, 1, 36, 0, 11);
}

/* tcp-request: a real connection from a chosen source port */
static int tcp_request(const struct ctx *c, uint16_t dport, uint16_t sport)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	struct sockaddr_in src = {
	    .sin_family = AF_INET, .sin_addr.s_addr = c->src, .sin_port = htons(sport)};
	struct sockaddr_in dst = {
	    .sin_family = AF_INET, .sin_addr.s_addr = c->dst, .sin_port = htons(dport)};
	struct timeval tv = {.tv_sec = 3};
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("socket");
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&src, sizeof(src))) {
		perror("bind");
		return 1;
	}
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		perror("connect");
		return 1;
	}
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		perror("write");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		got += (size_t)n;
	}
	if (n < 0) {
		perror("read");
		return 1;
	}
	close(fd);
	return got ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct ctx c = {};
	uint8_t b[1600];
	const char *kind;
	uint16_t dport;
	long count = 1;
	size_t n = 0;

	if (argc < 6) {
		fprintf(stderr, "usage: %s NETNS IFNAME KIND DST-IP DPORT [COUNT]\n", argv[0]);
		return 2;
	}
	kind = argv[3];
	dport = (uint16_t)atoi(argv[5]);
	if (argc > 6)
		count = atol(argv[6]);
	if (setup(&c, argv[1], argv[2], argv[4]))
		return 1;
	if (!strcmp(kind, "tcp-request"))
		return tcp_request(&c, dport, (uint16_t)count);
	if (!strcmp(kind, "icmp-frag-echo"))
		return send_frame(&c, b, icmp_frag_echo(&c, b, dport, (uint16_t)count)) ? 1 : 0;
	for (long i = 0; i < count; i++) {
		uint16_t sport = (uint16_t)(20000 + (i % 40000));

		if (!strcmp(kind, "tcp-syn"))
			n = tcp(&c, b, sport, dport, 0x02);
		else if (!strcmp(kind, "tcp-ack"))
			n = tcp(&c, b, sport, dport, 0x10);
		else if (!strcmp(kind, "tcp-rst"))
			n = tcp(&c, b, sport, dport, 0x04);
		else if (!strcmp(kind, "udp"))
			n = udp(&c, b, sport, dport, 0, 32, 7);
		else if (!strcmp(kind, "udp-flows")) /* one new flow per frame */
			n = udp(&c, b, (uint16_t)(1024 + (i % 60000)),
				(uint16_t)(dport + i / 60000), 0, 8, 7);
		else if (!strcmp(kind, "icmp-echo"))
			n = icmp(&c, b, 8, dport ? dport : 0x1234);
		else if (!strcmp(kind, "icmp-reply"))
			n = icmp(&c, b, 0, dport ? dport : 0x1234);
		else if (!strcmp(kind, "icmp-ts"))
			n = icmp(&c, b, 13, dport ? dport : 0x1234);
		else if (!strcmp(kind, "frag-first")) /* MF, offset 0, allowed-looking header */
			n = udp(&c, b, 5000, dport, 0x2000, 32, 77);
		else if (!strcmp(kind, "frag-next")) /* offset 40 bytes, no L4 header */
			n = udp(&c, b, 5000, dport, 5, 24, 77);
		else if (!strcmp(kind, "frag-overlap")) /* offset 8: rewrites the L4 header */
			n = udp(&c, b, 5000, dport, 1, 24, 77);
		else {
			fprintf(stderr, "unknown kind %s\n", kind);
			return 2;
		}
		if (send_frame(&c, b, n)) {
			if (errno == ENOBUFS) {
				usleep(100);
				i--;
				continue;
			}
			return 1;
		}
	}
	return 0;
}
