// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/lib/api.c: reply shapes and the line-framed JSON wire
 * (the non-blocking framing and the socket's access: test_api_stream.c). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "api_fixture.h"

/* Feeds raw bytes to api_read and returns its result. */
static int read_raw(const char *data, size_t len, json_object **msg)
{
	int sv[2], err;

	pair(sv);
	if (len)
		assert_int_equal(write(sv[1], data, len), (ssize_t)len);
	close(sv[1]);
	*msg = NULL;
	err = api_read(sv[0], msg);
	close(sv[0]);
	return err;
}

static void test_api_ok(void **state)
{
	json_object *o = api_ok(NULL), *res, *v;

	assert_non_null(o);
	assert_true(json_object_is_type(o, json_type_object));
	assert_non_null(get(o, "ok"));
	assert_true(json_object_is_type(get(o, "ok"), json_type_boolean));
	assert_true(json_object_get_boolean(get(o, "ok")));
	assert_null(get(o, "result"));
	assert_null(get(o, "errno"));
	assert_null(get(o, "error"));
	json_object_put(o);

	res = json_object_new_object();
	json_object_object_add(res, "id", json_object_new_int(7));
	o = api_ok(res);
	assert_true(json_object_get_boolean(get(o, "ok")));
	assert_ptr_equal(get(o, "result"), res);
	v = get(get(o, "result"), "id");
	assert_non_null(v);
	assert_int_equal(json_object_get_int(v), 7);
	assert_null(get(o, "errno"));
	json_object_put(o); /* frees res too */
}

static void test_api_err(void **state)
{
	json_object *o = api_err(-ENOENT, "snic web: not found");

	assert_true(json_object_is_type(get(o, "ok"), json_type_boolean));
	assert_false(json_object_get_boolean(get(o, "ok")));
	assert_true(json_object_is_type(get(o, "errno"), json_type_int));
	assert_int_equal(json_object_get_int(get(o, "errno")), ENOENT);
	assert_true(json_object_is_type(get(o, "error"), json_type_string));
	assert_string_equal(json_object_get_string(get(o, "error")), "snic web: not found");
	assert_null(get(o, "result"));
	json_object_put(o);

	/* positive errno is accepted as well and stays positive */
	o = api_err(EEXIST, "exists");
	assert_false(json_object_get_boolean(get(o, "ok")));
	assert_int_equal(json_object_get_int(get(o, "errno")), EEXIST);
	assert_string_equal(json_object_get_string(get(o, "error")), "exists");
	json_object_put(o);

	/* no message: strerror of the code */
	o = api_err(-EINVAL, NULL);
	assert_int_equal(json_object_get_int(get(o, "errno")), EINVAL);
	assert_string_equal(json_object_get_string(get(o, "error")), strerror(EINVAL));
	json_object_put(o);

	o = api_err(-ENOSPC, "");
	assert_int_equal(json_object_get_int(get(o, "errno")), ENOSPC);
	assert_string_equal(json_object_get_string(get(o, "error")), strerror(ENOSPC));
	json_object_put(o);
}

static void test_round_trip(void **state)
{
	json_object *msg = json_object_new_object(), *args = json_object_new_object();
	json_object *labels = json_object_new_array(), *got = NULL;
	int sv[2];

	json_object_object_add(msg, "cmd", json_object_new_string("snic.add"));
	json_object_object_add(args, "name", json_object_new_string("web"));
	json_object_object_add(args, "ip", json_object_new_string("10.0.0.2"));
	json_object_object_add(args, "note",
			       json_object_new_string("line1\nline2 \"q\" \\ caf\xc3\xa9"));
	json_object_object_add(args, "count", json_object_new_int64(1234567890123ll));
	json_object_object_add(args, "guard", json_object_new_boolean(1));
	json_object_object_add(args, "nothing", NULL);
	json_object_array_add(labels, json_object_new_string("app=web"));
	json_object_array_add(labels, json_object_new_string("tier=front"));
	json_object_object_add(args, "labels", labels);
	json_object_object_add(msg, "args", args);

	pair(sv);
	assert_int_equal(api_write(sv[1], msg), 0);
	assert_int_equal(api_read(sv[0], &got), 0);
	assert_non_null(got);
	assert_true(json_object_equal(msg, got));
	assert_string_equal(json_object_get_string(get(get(got, "args"), "note")),
			    "line1\nline2 \"q\" \\ caf\xc3\xa9");
	json_object_put(got);

	/* the stream can carry a second exchange */
	got = NULL;
	assert_int_equal(api_write(sv[1], msg), 0);
	assert_int_equal(api_read(sv[0], &got), 0);
	assert_true(json_object_equal(msg, got));
	json_object_put(got);

	close(sv[0]);
	close(sv[1]);
	json_object_put(msg);
}

static void test_write_is_one_line(void **state)
{
	json_object *msg = json_object_new_object();
	char buf[256];
	ssize_t n;
	int sv[2];

	json_object_object_add(msg, "a", json_object_new_string("x\ny"));
	json_object_object_add(msg, "b", json_object_new_int(1));
	pair(sv);
	assert_int_equal(api_write(sv[1], msg), 0);
	close(sv[1]);
	n = read(sv[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	close(sv[0]);
	/* exactly one newline, at the end */
	assert_int_equal(buf[n - 1], '\n');
	assert_null(memchr(buf, '\n', (size_t)n - 1));
	assert_int_equal(buf[0], '{');
	json_object_put(msg);
}

static void test_empty_object_round_trip(void **state)
{
	json_object *msg = json_object_new_object(), *got = NULL;
	int sv[2];

	pair(sv);
	assert_int_equal(api_write(sv[1], msg), 0);
	assert_int_equal(api_read(sv[0], &got), 0);
	assert_true(json_object_is_type(got, json_type_object));
	assert_int_equal(json_object_object_length(got), 0);
	json_object_put(got);
	close(sv[0]);
	close(sv[1]);
	json_object_put(msg);
}

static void test_read_no_newline_at_eof(void **state)
{
	static const char data[] = "{\"cmd\":\"status\"}";
	json_object *got;

	assert_int_equal(read_raw(data, strlen(data), &got), 0);
	assert_non_null(got);
	assert_string_equal(json_object_get_string(get(got, "cmd")), "status");
	json_object_put(got);
}

static void test_read_rejects(void **state)
{
	static const char *const bad[] = {
	    "[1,2,3]\n", "42\n",	"\"string\"\n",	    "true\n",	  "null\n",
	    "garbage\n", "{\"cmd\":\n", "{\"cmd\":\"x\"\n", "{cmd: 1}\n", "}\n",
	    "\n",	 "   \n",	"{\"cmd\"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object *got = (json_object *)0x1;
		int err = read_raw(bad[i], strlen(bad[i]), &got);

		if (err != -EBADMSG)
			fail_msg("api_read(\"%s\") = %d, want -EBADMSG", bad[i], err);
		assert_null(got);
	}
}

static void test_read_empty_stream(void **state)
{
	json_object *got = NULL;

	assert_int_equal(read_raw("", 0, &got), -ENODATA);
	assert_null(got);
}

static void test_read_bad_fd(void **state)
{
	json_object *got = NULL;
	int sv[2];

	pair(sv);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(api_read(sv[0], &got), -EBADF);
}

static void test_read_large(void **state)
{
	size_t vlen = 300 * 1024;
	json_object *msg = json_object_new_object(), *got = NULL;
	char *big = malloc(vlen + 1);
	int sv[2], status;
	pid_t pid;

	assert_non_null(big);
	for (size_t i = 0; i < vlen; i++)
		big[i] = (char)('a' + i % 26);
	big[vlen] = '\0';
	json_object_object_add(msg, "blob", json_object_new_string(big));

	pair(sv);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		_exit(api_write(sv[1], msg) ? 1 : 0);
	}
	close(sv[1]);
	assert_int_equal(api_read(sv[0], &got), 0);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(got);
	assert_int_equal(json_object_get_string_len(get(got, "blob")), vlen);
	assert_string_equal(json_object_get_string(get(got, "blob")), big);
	json_object_put(got);
	json_object_put(msg);
	free(big);
}

static void test_read_too_large(void **state)
{
	size_t len = API_MAX_MSG + 4096;
	char *data = malloc(len);
	json_object *got = NULL;
	int sv[2], status;
	pid_t pid;

	assert_non_null(data);
	/* one huge line: an object that never ends within the limit */
	memset(data, ' ', len);
	data[0] = '{';
	pair(sv);
	pid = writer(sv[1], data, len);
	close(sv[1]);
	assert_int_equal(api_read(sv[0], &got), -EMSGSIZE);
	assert_null(got);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(data);
}

/* Sends one request line of `total` bytes (the newline included): a JSON
 * object with one string member padded to size. Returns api_read's result. */
static int read_line_of(size_t total, json_object **got)
{
	char *data = malloc(total);
	int sv[2], err, status;
	pid_t pid;

	assert_non_null(data);
	assert_true(total > 16);
	memset(data, 'x', total);
	memcpy(data, "{\"b\":\"", 6);
	memcpy(data + total - 3, "\"}\n", 3);
	pair(sv);
	pid = writer(sv[1], data, total);
	close(sv[1]);
	*got = NULL;
	err = api_read(sv[0], got);
	close(sv[0]); /* a writer still blocked gets EPIPE and exits */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(data);
	return err;
}

/* The limit is 1 MiB, whatever the constant says: a request line of
 * 1 MiB - 1 bytes (its newline included) is read, one of 1 MiB is refused
 * with -EMSGSIZE and no object. */
static void test_read_limit_is_1mib(void **state)
{
	const size_t mib = 1024 * 1024;
	json_object *got;

	assert_int_equal(API_MAX_MSG, mib);
	assert_int_equal(read_line_of(mib - 1, &got), 0);
	assert_non_null(got);
	assert_int_equal(json_object_get_string_len(get(got, "b")), mib - 1 - 9);
	json_object_put(got);

	assert_int_equal(read_line_of(mib, &got), -EMSGSIZE);
	assert_null(got);
	assert_int_equal(read_line_of(mib + 1, &got), -EMSGSIZE);
	assert_null(got);
	/* a normal request still reads after a refused one */
	assert_int_equal(read_line_of(64, &got), 0);
	assert_non_null(got);
	json_object_put(got);
}

static void test_write_closed_peer(void **state)
{
	json_object *msg = api_ok(NULL);
	int sv[2];

	pair(sv);
	close(sv[0]);
	assert_int_equal(api_write(sv[1], msg), -EPIPE);
	close(sv[1]);
	json_object_put(msg);
}

static void test_listen_call(void **state)
{
	char dir[] = "/tmp/hyp-test-api-XXXXXX", path[64];
	json_object *req, *reply = NULL;
	struct stat st;
	int lfd, status;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/api.sock", dir);
	lfd = api_listen(path);
	assert_true(lfd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	/* owner only */
	assert_int_equal(st.st_mode & 0777, 0600);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a one-shot server: echo the command back in an ok reply */
		json_object *in = NULL, *res;
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0 || api_read(cfd, &in))
			_exit(1);
		res = json_object_new_object();
		json_object_object_add(res, "echo", json_object_get(get(in, "cmd")));
		_exit(api_write(cfd, api_ok(res)) ? 1 : 0);
	}

	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("status"));
	assert_int_equal(api_call(path, req, &reply), 0);
	assert_non_null(reply);
	assert_true(json_object_get_boolean(get(reply, "ok")));
	assert_string_equal(json_object_get_string(get(get(reply, "result"), "echo")), "status");
	/* req is not consumed */
	assert_string_equal(json_object_get_string(get(req, "cmd")), "status");
	json_object_put(reply);

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(lfd);

	/* nobody listening any more */
	unlink(path);
	reply = NULL;
	assert_int_equal(api_call(path, req, &reply), -ENOENT);
	assert_null(reply);
	json_object_put(req);
	rmdir(dir);
}

static void test_path_too_long(void **state)
{
	char path[200];
	json_object *req = json_object_new_object(), *reply = NULL;

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(api_listen(path), -ENAMETOOLONG);
	assert_int_equal(api_call(path, req, &reply), -ENAMETOOLONG);
	json_object_put(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_api_ok),
	    cmocka_unit_test(test_api_err),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_write_is_one_line),
	    cmocka_unit_test(test_empty_object_round_trip),
	    cmocka_unit_test(test_read_no_newline_at_eof),
	    cmocka_unit_test(test_read_rejects),
	    cmocka_unit_test(test_read_empty_stream),
	    cmocka_unit_test(test_read_bad_fd),
	    cmocka_unit_test(test_read_large),
	    cmocka_unit_test(test_read_too_large),
	    cmocka_unit_test(test_read_limit_is_1mib),
	    cmocka_unit_test(test_write_closed_peer),
	    cmocka_unit_test(test_listen_call),
	    cmocka_unit_test(test_path_too_long),
	};

	/* a write to a closed peer must come back as -EPIPE, not kill us */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
