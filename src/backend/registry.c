// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "backend/backend.h"

static const struct hyp_backend_ops *const backends[] = {
    &emu_backend_ops,
};

const struct hyp_backend_ops *backend_find(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}
