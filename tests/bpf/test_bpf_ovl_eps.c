// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emu backend's full replace of the remote endpoint tables
 * (emu_ovl_eps_replace for hyp_ovl_eps, emu_ovl_eps6_replace for
 * hyp_ovl_eps6), what a node does after it listed etcd again: at 10 000
 * remote endpoints every listed one is in the table with its identity and
 * node, and every entry the listing no longer has (strays, the half that
 * left) is gone, the kept half untouched; an empty listing empties it.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hyperion/abi.h"
#include "backend/emu.h"
#include "bpf/overlay.skel.h"

#define N_EPS 10000

static struct overlay_bpf *skel;
static struct emu *emu;

static size_t count(int fd, size_t ksz)
{
	uint8_t key[16], next[16];
	size_t n = 0;

	assert_true(ksz <= sizeof(key));
	for (void *k = NULL; !bpf_map_get_next_key(fd, k, next); k = key, n++)
		memcpy(key, next, ksz);
	return n;
}

static uint32_t ip_of(size_t i)
{
	return htonl(0x0a800000u + (uint32_t)i); /* 10.128.0.0 + i */
}

static struct hyp_ep6_key ip6_of(size_t i)
{
	struct hyp_ep6_key k = {{htonl(0xfd000009u), htonl(1), 0, htonl((uint32_t)i + 1)}};

	return k;
}

static void test_eps_replace(void **state)
{
	int fd = bpf_map__fd(skel->maps.hyp_ovl_eps);
	uint32_t *ip = calloc(N_EPS, sizeof(*ip)), stray = htonl(0x0a090909u);
	struct hyp_ovl_ep *v = calloc(N_EPS, sizeof(*v)), got, junk = {.identity = 9, .node = 9};
	size_t half = 0;

	assert_non_null(ip);
	assert_non_null(v);
	for (size_t i = 0; i < N_EPS; i++) {
		ip[i] = ip_of(i);
		v[i] = (struct hyp_ovl_ep){.identity = 1000 + (uint32_t)i, .node = 2 + i % 3};
	}
	assert_int_equal(bpf_map_update_elem(fd, &stray, &junk, BPF_ANY), 0);
	assert_int_equal(emu_ovl_eps_replace(emu, ip, v, N_EPS), 0);
	assert_int_equal(count(fd, 4), N_EPS); /* the stray is gone */
	assert_int_equal(bpf_map_lookup_elem(fd, &ip[4321], &got), 0);
	assert_int_equal(got.identity, 1000 + 4321);
	assert_int_equal(got.node, 2 + 4321 % 3);
	/* half of them leave: the listing holds the even ones */
	for (size_t i = 0; i < N_EPS; i += 2, half++) {
		ip[half] = ip_of(i);
		v[half] = (struct hyp_ovl_ep){.identity = 1000 + (uint32_t)i, .node = 2 + i % 3};
	}
	assert_int_equal(emu_ovl_eps_replace(emu, ip, v, half), 0);
	assert_int_equal(count(fd, 4), half);
	stray = ip_of(4321);
	assert_int_not_equal(bpf_map_lookup_elem(fd, &stray, &got), 0);
	stray = ip_of(4322);
	assert_int_equal(bpf_map_lookup_elem(fd, &stray, &got), 0);
	assert_int_equal(got.identity, 1000 + 4322);
	assert_int_equal(emu_ovl_eps_replace(emu, ip, v, 0), 0);
	assert_int_equal(count(fd, 4), 0);
	free(ip);
	free(v);
}

static void test_eps6_replace(void **state)
{
	int fd = bpf_map__fd(skel->maps.hyp_ovl_eps6);
	struct hyp_ep6_key *ip = calloc(N_EPS, sizeof(*ip)), k;
	struct hyp_ovl_ep *v = calloc(N_EPS, sizeof(*v)), got;
	size_t half = 0;

	assert_non_null(ip);
	assert_non_null(v);
	for (size_t i = 0; i < N_EPS; i++) {
		ip[i] = ip6_of(i);
		v[i] = (struct hyp_ovl_ep){.identity = 1000 + (uint32_t)i, .node = 2};
	}
	assert_int_equal(emu_ovl_eps6_replace(emu, ip, v, N_EPS), 0);
	assert_int_equal(count(fd, 16), N_EPS);
	for (size_t i = 1; i < N_EPS; i += 2, half++) {
		ip[half] = ip6_of(i);
		v[half] = (struct hyp_ovl_ep){.identity = 1000 + (uint32_t)i, .node = 2};
	}
	assert_int_equal(emu_ovl_eps6_replace(emu, ip, v, half), 0);
	assert_int_equal(count(fd, 16), half);
	k = ip6_of(10);
	assert_int_not_equal(bpf_map_lookup_elem(fd, &k, &got), 0);
	k = ip6_of(11);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &got), 0);
	assert_int_equal(got.identity, 1011);
	assert_int_equal(emu_ovl_eps6_replace(emu, ip, v, 0), 0);
	assert_int_equal(count(fd, 16), 0);
	free(ip);
	free(v);
}

static int group_setup(void **state)
{
	struct bpf_map *m;

	if (unshare(CLONE_NEWNET))
		return -1;
	skel = overlay_bpf__open();
	if (!skel)
		return -1;
	bpf_object__for_each_map(m, skel->obj) bpf_map__set_pin_path(m, NULL);
	if (overlay_bpf__load(skel))
		return -1;
	emu = calloc(1, sizeof(*emu));
	if (!emu)
		return -1;
	emu->ovl = skel;
	return 0;
}

static int group_teardown(void **state)
{
	free(emu);
	overlay_bpf__destroy(skel);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eps_replace),
	    cmocka_unit_test(test_eps6_replace),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
