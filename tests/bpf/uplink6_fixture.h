/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IPv6 uplink of the BPF tests (test_bpf_uplink6.c, test_bpf_redteam_ll.c):
 * the uplink program loaded once, an uplink with 2001:db8::2/64 (gateway ::1)
 * and an IPv4 address (or IPv6 only), frames from the outside host ::7.
 */
#ifndef HYP_TESTS_BPF_UPLINK6_FIXTURE_H
#define HYP_TESTS_BPF_UPLINK6_FIXTURE_H

#include "ip6_fixture.h"
#include "uplink_fixture.h"

static const uint8_t UP_MAC[6] = {0x02, 0xaa, 0, 0, 0, 2};
static const uint8_t OUT_MAC[6] = {0x02, 0xbb, 0, 0, 0, 7};
static struct uplink_bpf *up;

/* 2001:db8::N: the uplink ::2, the outside host ::7, a router ::fe */
static inline struct a6 doc6(uint8_t n)
{
	struct a6 a = {{0x20, 0x01, 0x0d, 0xb8}};

	a.b[15] = n;
	return a;
}

static inline void set_uplink6(struct fixture *f, bool v6)
{
	struct hyp_uplink u = {.ifindex = FX_PORT, .mtu = 1500};
	struct hyp_uplink6 u6 = {};
	struct a6 a = doc6(2), gw = doc6(1), ll = fx6_ll(UP_MAC);
	uint32_t zero = 0;

	u.ip = htonl(0xc6336402u);
	u.mask = htonl(0xffffff00u);
	u.net = u.ip & u.mask;
	memcpy(u.mac, UP_MAC, 6);
	if (v6) {
		memcpy(u6.ip, a.b, 16);
		memcpy(u6.ll, ll.b, 16);
		memcpy(u6.gw, gw.b, 16);
		u6.prefixlen = 64;
		u6.mtu = 1500;
	}
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_uplink6), &zero, &u6, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_uplink), &zero, &u, BPF_ANY), 0);
}

static inline int up6_setup(void **state)
{
	struct fixture *f = *state;

	fx6_setup(state);
	if (!up && fx_uplink_open(f, &up))
		fail_msg("cannot load the uplink program");
	set_uplink6(f, true);
	return 0;
}

static inline int run(int fd, const uint8_t *in, size_t len, uint8_t *out)
{
	return fx_run_prog(fd, in, len, out, FX_FRAME_MAX, NULL);
}

#define PORT   fx_port_fd(f)
#define UPLINK bpf_program__fd(up->progs.hyp_uplink_ingress)

/* From the outside host s to d, as the next hop sends it to the uplink's MAC. */
static inline size_t out6(uint8_t *b, const struct a6 *s, const struct a6 *d, uint8_t nh,
			  uint8_t hlim, const uint8_t *pl, size_t plen)
{
	return fx6_frame(b, UP_MAC, OUT_MAC, s, d, nh, hlim, pl, plen);
}

#endif /* HYP_TESTS_BPF_UPLINK6_FIXTURE_H */
