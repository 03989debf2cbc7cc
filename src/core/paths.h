/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every name and path of an instance derives from its name: the control
 * plane's here, the backend's own (its domain) in the backend.
 */
#ifndef HYP_PATHS_H
#define HYP_PATHS_H

#include <stddef.h>

#define HYP_DEFAULT_INSTANCE "hyperion"
#define HYP_RUN_DIR	     "/run/hyperion"
#define HYP_STATE_DIR	     "/var/lib/hyperion"

struct hyp_paths {
	char socket[256];
	char lock[256];
	char state_dir[256];
	char state_db[300];
};

int hyp_paths_init(const char *instance, struct hyp_paths *p);

#endif
