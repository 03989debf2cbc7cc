// SPDX-License-Identifier: GPL-2.0-only
/*
 * API requests: the daemon's own framing parser (api_rx_parse) and
 * command dispatch (daemon_dispatch) on a real node of a private instance,
 * without sockets. Needs root (the node creates its bridge netns and
 * loads its datapath); tests/fuzz/run.sh runs it in a private mount
 * namespace whose /run/netns holds only the fuzzer's own namespace fz-a,
 * so no request can reach another namespace of the machine by name.
 * Invariants: every request gets a reply that serializes as one line;
 * {"ok": true} or {"ok": false, "errno": >0, "error": "non-empty"}.
 * A teardown request is followed by a fresh node, as a restarted daemon.
 */
#include <errno.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "fuzz.h"
#include "lib/api.h"

static struct daemon d = {.listen_fd = -1, .reconcile_ms = 2000, .api_gid = (gid_t)-1};
static struct node_opts opts;

static void node_up(void)
{
	struct errmsg em = {};

	if (node__open(&opts, true, &d.node, &em))
		fz_fail("node__open %s: %s", opts.instance, em.msg);
	d.torn_down = d.stop = false;
}

static void node_down(void)
{
	if (d.node) {
		node__teardown(d.node);
		node__close(d.node);
		d.node = NULL;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *inst = getenv("HYP_FUZZ_INSTANCE");

	fz_quiet();
	snprintf(opts.instance, sizeof(opts.instance), "%s",
		 inst ? inst : "fz-api");
	/* hyperiond's defaults */
	opts.events = (struct hyp_event_settings){.flows = true, .drops = true,
						  .rate = HYP_EVENT_RATE_DEFAULT,
						  .burst = HYP_EVENT_BURST_DEFAULT};
	node_up();
	atexit(node_down);
	return 0;
}

static void check_reply(json_object *r)
{
	json_object *ok, *er, *msg;
	struct api_tx tx = {};

	if (!r || !json_object_object_get_ex(r, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean))
		fz_fail("reply without a boolean \"ok\"");
	if (!json_object_get_boolean(ok)) {
		if (!json_object_object_get_ex(r, "errno", &er) || json_object_get_int(er) <= 0)
			fz_fail("error reply without a positive errno: %s",
				json_object_to_json_string(r));
		if (!json_object_object_get_ex(r, "error", &msg) ||
		    !*json_object_get_string(msg))
			fz_fail("error reply without a message");
	}
	if (api_tx_set(&tx, r) || !tx.len || tx.buf[tx.len - 1] != '\n' ||
	    memchr(tx.buf, '\n', tx.len) != tx.buf + tx.len - 1)
		fz_fail("reply is not one line");
	api_tx_free(&tx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_rx rx = {.buf = fz_str(data, size), .len = size, .cap = size + 1, .done = true};
	json_object *req = NULL, *reply;
	int err = api_rx_parse(&rx, &req);

	if (err && err != -ENODATA && err != -EBADMSG)
		fz_fail("api_rx_parse: %d", err);
	if (!err) {
		reply = daemon_dispatch(&d, req);
		check_reply(reply);
		json_object_put(reply);
		json_object_put(req);
	}
	if (d.torn_down) {
		node__close(d.node);
		d.node = NULL;
		node_up();
	}
	api_rx_free(&rx);
	return 0;
}
