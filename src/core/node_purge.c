// SPDX-License-Identifier: GPL-2.0-only
/*
 * Removing an instance from its names alone: what hyperctl teardown does
 * without a daemon. Needs neither the store nor the datapath, so that
 * hyperctl links neither.
 */
#include <stdio.h>
#include <unistd.h>

#include "core/node_priv.h"
#include "lib/fs.h"

void node_files_remove(const struct hyp_paths *p)
{
	fs_rm_tree(p->state_dir);
	unlink(p->socket);
	unlink(p->lock);
	/* the shared parents go with the last instance (rmdir fails while others live) */
	rmdir(HYP_STATE_DIR);
	rmdir(HYP_RUN_DIR);
}

int node__purge(const char *instance)
{
	struct hyp_domain_cfg cfg = {};
	struct hyp_paths p;
	int err;

	err = hyp_paths_init(instance, &p);
	if (err)
		return err;
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", instance);
	err = backend_purge(&cfg);
	node_files_remove(&p);
	return err;
}
