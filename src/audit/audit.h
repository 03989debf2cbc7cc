/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The node self-test: an attacker container tries the attacks of the
 * threat model against a victim, and each attempt is judged by what the
 * victim received, whether its ARP table changed, and (on Hyperion) which
 * drop counter took it.
 */
#ifndef HYP_AUDIT_H
#define HYP_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

struct audit_host {
	const char *name;
	int netns_fd;
	char ifname[16];
	uint8_t mac[6];
	uint32_t ip; /* host order */
	bool has_ip6;	 /* dual stack: its IPv6 address and gateway */
	uint8_t ip6[16]; /* network order */
	uint8_t gw6[16];
};

struct audit_env {
	struct audit_host att, vic, bys;
	uint32_t gw;
	bool secure; /* Hyperion: expect blocks and drop counters */
	/* Reads the attacker's drop counter for reason (guard or bridge side). */
	int (*counter)(void *ctx, bool guard, const char *reason, uint64_t *val);
	void *ctx;
	/* Called before each attack (i from 1 of n), or NULL. */
	void (*progress)(int i, int n, const char *attack);
};

struct audit_row {
	char name[40];
	char desc[96];
	char expected[48];
	char observed[160];
	bool blocked; /* the victim received nothing and kept its ARP table */
	bool pass;    /* blocked and, on Hyperion, counted under the expected reason */
};

#define AUDIT_MAX_ROWS 48

/* Runs every probe; returns the number of rows written. */
int audit_run(struct audit_env *env, struct audit_row *rows, int max);
/* The IPv6 probes (audit6.c), when all three hosts have IPv6; rows written. */
int audit6_run(struct audit_env *env, struct audit_row *rows, int max);

#endif
