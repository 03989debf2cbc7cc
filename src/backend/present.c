// SPDX-License-Identifier: GPL-2.0-only
/* backend_present: in the client library, apart from every datapath. */
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
