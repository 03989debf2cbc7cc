// SPDX-License-Identifier: GPL-2.0-only
/* backend_purge: apart from registry.c, which pulls in every datapath. */
#include "backend/backend.h"
#include "backend/emu.h"

static int (*const purges[])(const struct hyp_domain_cfg *cfg) = {
    emu_purge,
};

int backend_purge(const struct hyp_domain_cfg *cfg)
{
	int err = 0;

	for (size_t i = 0; i < sizeof(purges) / sizeof(purges[0]); i++) {
		int e = purges[i](cfg);

		if (!err)
			err = e;
	}
	return err;
}
