// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/lib/api.c as hyperiond uses it: the non-blocking
 * framing (a reply larger than the socket takes, half requests, the 1 MiB
 * limit), no SIGPIPE, a client that gets the reply of a server refusing it
 * unread, and the socket opened to a group.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "api_fixture.h"

/* --api-group: the socket is 0660 with that group (here our own, so no privilege is needed) */
static void test_listen_group(void **state)
{
	char dir[] = "/tmp/hyp-test-api-XXXXXX", path[64];
	struct stat st;
	int lfd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/api.sock", dir);
	lfd = api_listen(path);
	assert_true(lfd >= 0);
	assert_int_equal(api_allow_group(path, getgid()), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_gid, getgid());
	close(lfd);
	unlink(path);
	rmdir(dir);
}

static void nonblock(int fd)
{
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
}

/* A reply bigger than the socket takes: api_tx_flush sends what fits and
 * returns 0 instead of waiting on a peer that does not read; once the peer
 * reads, the rest goes and the peer gets the whole object. */
static void test_tx_never_blocks(void **state)
{
	size_t vlen = 900 * 1024, off = 0, got_len = 0;
	json_object *msg = json_object_new_object(), *got = NULL;
	struct api_tx tx = {};
	struct api_rx rx = {};
	char *big = malloc(vlen + 1);
	int sv[2], r, rounds = 0;

	assert_non_null(big);
	memset(big, 'z', vlen);
	big[vlen] = '\0';
	json_object_object_add(msg, "blob", json_object_new_string(big));
	pair(sv);
	nonblock(sv[0]);
	nonblock(sv[1]);
	assert_int_equal(api_tx_set(&tx, msg), 0);
	assert_int_equal(tx.len, vlen + strlen("{\"blob\":\"\"}\n"));
	/* nobody reads: part goes, the call comes back */
	assert_int_equal(api_tx_flush(&tx, sv[1]), 0);
	assert_true(tx.off > 0 && tx.off < tx.len);
	off = tx.off;
	assert_int_equal(api_tx_flush(&tx, sv[1]), 0);
	assert_int_equal(tx.off, off);
	/* the peer reads as it goes: everything arrives, one object */
	while ((r = api_tx_flush(&tx, sv[1])) == 0 || !rx.done) {
		int f = api_rx_feed(&rx, sv[0]);

		assert_true(r >= 0);
		assert_true(f >= 0 || f == -EAGAIN);
		assert_true(++rounds < 100000);
	}
	assert_int_equal(r, 1);
	assert_int_equal(api_rx_parse(&rx, &got), 0);
	got_len = json_object_get_string_len(get(got, "blob"));
	assert_int_equal(got_len, vlen);
	json_object_put(got);
	api_rx_free(&rx);
	api_tx_free(&tx);
	close(sv[0]);
	close(sv[1]);
	json_object_put(msg);
	free(big);
}

/* Half a request on a non-blocking socket: 0 (bytes, more to come), then
 * -EAGAIN (nothing now), never a wait; the rest completes it. */
static void test_rx_half_request(void **state)
{
	struct api_rx rx = {};
	json_object *got = NULL;
	int sv[2];

	pair(sv);
	nonblock(sv[0]);
	assert_int_equal(api_rx_feed(&rx, sv[0]), -EAGAIN);
	assert_int_equal(write(sv[1], "{\"cmd\":\"sta", 11), 11);
	assert_int_equal(api_rx_feed(&rx, sv[0]), 0);
	assert_int_equal(api_rx_feed(&rx, sv[0]), -EAGAIN);
	assert_false(rx.done);
	assert_int_equal(write(sv[1], "tus\"}\n", 6), 6);
	assert_int_equal(api_rx_feed(&rx, sv[0]), 1);
	assert_true(rx.done);
	assert_int_equal(api_rx_feed(&rx, sv[0]), 1); /* done stays done, reads nothing more */
	assert_int_equal(api_rx_parse(&rx, &got), 0);
	assert_string_equal(json_object_get_string(get(got, "cmd")), "status");
	json_object_put(got);
	api_rx_free(&rx);

	/* a stream that ends without its newline is complete too; an empty one has no request */
	assert_int_equal(write(sv[1], "{}", 2), 2);
	close(sv[1]);
	while (api_rx_feed(&rx, sv[0]) == 0)
		;
	assert_true(rx.done);
	assert_int_equal(api_rx_parse(&rx, &got), 0);
	json_object_put(got);
	api_rx_free(&rx);
	assert_int_equal(api_rx_feed(&rx, sv[0]), 1);
	assert_int_equal(api_rx_parse(&rx, &got), -ENODATA);
	assert_null(got);
	api_rx_free(&rx);
	close(sv[0]);
}

/* The limit holds for the incremental reader: -EMSGSIZE at 1 MiB without a newline. */
static void test_rx_limit(void **state)
{
	const size_t mib = 1024 * 1024;
	struct api_rx rx = {};
	char *data = malloc(mib);
	int sv[2], r, status;
	pid_t pid;

	assert_non_null(data);
	memset(data, ' ', mib);
	data[0] = '{';
	pair(sv);
	pid = writer(sv[1], data, mib);
	close(sv[1]);
	while ((r = api_rx_feed(&rx, sv[0])) == 0)
		;
	assert_int_equal(r, -EMSGSIZE);
	assert_true(rx.len < mib);
	api_rx_free(&rx);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(data);
}

/* The blocking reader with a receive timeout (how clients read) returns
 * -EAGAIN on half a request instead of looping. */
static void test_read_timeout(void **state)
{
	struct timeval tv = {.tv_usec = 100 * 1000};
	json_object *got = NULL;
	int sv[2];

	pair(sv);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(write(sv[1], "{\"cmd\":", 7), 7);
	assert_int_equal(api_read(sv[0], &got), -EAGAIN);
	assert_null(got);
	close(sv[0]);
	close(sv[1]);
}

/* A write to a peer that is gone is -EPIPE even where SIGPIPE is not ignored
 * (hyperctl, the CNI plugin): the process lives on to say what happened. */
static void test_write_no_sigpipe(void **state)
{
	int sv[2], status;
	pid_t pid;

	pair(sv);
	close(sv[0]);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		json_object *msg = api_ok(NULL);

		signal(SIGPIPE, SIG_DFL);
		_exit(api_write(sv[1], msg) == -EPIPE ? 0 : 1);
	}
	close(sv[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A server that refuses the client answers without reading its request and
 * closes. The client's write may fail (-EPIPE, -ECONNRESET: here it must,
 * the request is larger than the socket takes), yet api_call returns the
 * reply that came first: the user sees why, not "Broken pipe". */
static void test_call_refused_unread(void **state)
{
	char dir[] = "/tmp/hyp-test-api-XXXXXX", path[64];
	json_object *req, *reply = NULL, *v;
	size_t plen = 4 * 1024 * 1024;
	char *pad = malloc(plen + 1);
	int lfd, status;
	pid_t pid;

	assert_non_null(pad);
	memset(pad, 'p', plen);
	pad[plen] = '\0';
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/api.sock", dir);
	lfd = api_listen(path);
	assert_true(lfd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0 || api_write(cfd, api_err(-EACCES, "permission denied: test")))
			_exit(1);
		usleep(200 * 1000);
		close(cfd); /* unread data: the client's write fails */
		_exit(0);
	}
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("status"));
	json_object_object_add(req, "pad", json_object_new_string(pad));
	assert_int_equal(api_call(path, req, &reply), 0);
	assert_non_null(reply);
	assert_false(json_object_get_boolean(get(reply, "ok")));
	v = get(reply, "errno");
	assert_int_equal(json_object_get_int(v), EACCES);
	assert_string_equal(json_object_get_string(get(reply, "error")), "permission denied: test");
	json_object_put(reply);
	json_object_put(req);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(lfd);
	unlink(path);
	rmdir(dir);
	free(pad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_listen_group),	cmocka_unit_test(test_tx_never_blocks),
	    cmocka_unit_test(test_rx_half_request),	cmocka_unit_test(test_rx_limit),
	    cmocka_unit_test(test_read_timeout),	cmocka_unit_test(test_write_no_sigpipe),
	    cmocka_unit_test(test_call_refused_unread),
	};

	/* a write to a closed peer must come back as -EPIPE, not kill us */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
