/* SPDX-License-Identifier: GPL-2.0-only */
/* Files and directories. */
#ifndef HYP_FS_H
#define HYP_FS_H

/* Removes path and, for a directory, everything under it; best effort. */
void fs_rm_tree(const char *path);

#endif
