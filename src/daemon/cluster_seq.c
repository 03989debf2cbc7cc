// SPDX-License-Identifier: GPL-2.0-only
/*
 * Overlay sequence numbers across restarts (docs/cluster.md, "Sequence and
 * replay window"). A peer's replay window drops what is not above the
 * numbers it saw, so a node whose datapath was lost (a reboot) must not
 * start below what it sent before, whatever its clock says. The node
 * keeps a reservation R in its state directory (overlay-seq): every number
 * sent so far is below R. A new peer's counter starts at
 * max(clock << 32, R); R is moved SEQ_RESERVE past the highest number sent
 * whenever that comes within half of it (checked every reconcile tick, far
 * more often than 2^31 packets can be sent), so the file is written
 * rarely and a restart never goes back.
 *
 * HYPERION_TEST_CLOCK_BACK=SECONDS (tests only) sets the clock used here
 * back, as a node whose clock went back across a restart would see it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "lib/log.h"

#define SEQ_RESERVE (1ULL << 32)
#define SEQ_FILE    "overlay-seq"

static uint64_t seq_clock_base(void)
{
	const char *back = getenv("HYPERION_TEST_CLOCK_BACK");
	int64_t now = (int64_t)time(NULL);

	if (back && *back) {
		now -= strtoll(back, NULL, 10);
		pr_warn("cluster: test hook: the sequence clock is set back %s s\n", back);
	}
	return now > 0 ? (uint64_t)now << 32 : 0;
}

static void seq_path(struct daemon *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s/" SEQ_FILE, node__paths(d->node)->state_dir);
}

static uint64_t seq_load(struct daemon *d)
{
	char path[320], line[32] = "";
	uint64_t v = 0;
	FILE *f;

	seq_path(d, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		v = strtoull(line, NULL, 10);
	fclose(f);
	return v;
}

/* Written to a temporary file, synced, renamed: the old or the new value survives a crash. */
static int seq_save(struct daemon *d, uint64_t v)
{
	char path[320], tmp[330], line[32];
	int fd, n, err = 0;

	seq_path(d, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	n = snprintf(line, sizeof(line), "%" PRIu64 "\n", v);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, line, (size_t)n) != n || fsync(fd))
		err = errno ? -errno : -EIO;
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static int seq_reserve(struct daemon *d, uint64_t top)
{
	int err = seq_save(d, top + SEQ_RESERVE);

	if (err) {
		pr_warn("cluster: cannot record the overlay sequence reservation: %s\n",
			strerror(-err));
		return err;
	}
	d->ovl_seq_reserved = top + SEQ_RESERVE;
	return 0;
}

/* Before any peer is known: the floor for new peers, and a reservation above it. */
int daemon_cluster_seq_start(struct daemon *d)
{
	uint64_t floor = seq_clock_base(), saved = seq_load(d), max = 0;
	int err;

	if (saved > floor)
		floor = saved;
	err = node__ovl_seq(d->node, floor, &max);
	if (err)
		return err;
	pr_info("cluster: overlay sequence numbers start at %" PRIu64 " (reserved %" PRIu64
		", highest sent %" PRIu64 ")\n", floor, saved, max);
	return seq_reserve(d, floor > max ? floor : max);
}

/* Each reconcile tick: move the reservation on before the counters reach it. */
void daemon_cluster_seq_tick(struct daemon *d)
{
	uint64_t max = 0;

	if (node__ovl_seq(d->node, 0, &max))
		return;
	if (max + SEQ_RESERVE / 2 >= d->ovl_seq_reserved)
		seq_reserve(d, max);
}
