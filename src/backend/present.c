// SPDX-License-Identifier: GPL-2.0-only
/* backend_present, backend_netns_is_domain: in the client library, apart from every datapath. */
#include "backend/backend.h"
#include "backend/emu.h"

static bool (*const presents[])(const struct hyp_domain_cfg *cfg) = {
    emu_present,
};

bool backend_present(const struct hyp_domain_cfg *cfg)
{
	for (size_t i = 0; i < sizeof(presents) / sizeof(presents[0]); i++)
		if (presents[i](cfg))
			return true;
	return false;
}

static bool (*const remnants[])(const struct hyp_domain_cfg *cfg) = {
    emu_remnant,
};

bool backend_remnant(const struct hyp_domain_cfg *cfg)
{
	for (size_t i = 0; i < sizeof(remnants) / sizeof(remnants[0]); i++)
		if (remnants[i](cfg))
			return true;
	return false;
}

static bool (*const netns_of[])(const char *name) = {
    emu_netns_is_domain,
};

bool backend_netns_is_domain(const char *name)
{
	for (size_t i = 0; i < sizeof(netns_of) / sizeof(netns_of[0]); i++)
		if (netns_of[i](name))
			return true;
	return false;
}
