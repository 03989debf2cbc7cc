/* SPDX-License-Identifier: GPL-2.0-only */
/* emu backend: how the uplink interface was found (emu_giveback.c). */
#ifndef HYP_EMU_UPLINK_H
#define HYP_EMU_UPLINK_H

#include "lib/nl.h"

#define EMU_UPLINK_MAX_ADDRS  16
#define EMU_UPLINK_MAX_ROUTES 64

struct emu_uplink_rec {
	char name[16];
	uint32_t mtu;
	bool up;
	struct {
		uint32_t ip;
		uint8_t prefix;
	} addrs[EMU_UPLINK_MAX_ADDRS];
	size_t n_addrs;
	struct nl_route routes[EMU_UPLINK_MAX_ROUTES];
	size_t n_routes;
	/* what it was made into (host order) */
	uint32_t spec_ip, spec_gw;
	uint8_t spec_prefix;
};

int emu_uplink_rec_capture(struct nl *nl, const struct nl_link *l, struct emu_uplink_rec *r);
int emu_uplink_rec_write(const char *path, const struct emu_uplink_rec *r);
/* -ENOENT: no record. */
int emu_uplink_rec_read(const char *path, struct emu_uplink_rec *r);

#endif
