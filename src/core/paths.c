// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>

#include "core/paths.h"
#include "lib/addr.h"

int hyp_paths_init(const char *instance, struct hyp_paths *p)
{
	if (validate_instance_name(instance))
		return -EINVAL;
	snprintf(p->socket, sizeof(p->socket), "%s/%s.sock", HYP_RUN_DIR, instance);
	snprintf(p->lock, sizeof(p->lock), "%s/%s.lock", HYP_RUN_DIR, instance);
	snprintf(p->state_dir, sizeof(p->state_dir), "%s/%s", HYP_STATE_DIR, instance);
	snprintf(p->state_db, sizeof(p->state_db), "%s/state.db", p->state_dir);
	return 0;
}
