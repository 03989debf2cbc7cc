// SPDX-License-Identifier: GPL-2.0-only
/* Regression tests for inputs the parsers once accepted too leniently. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "lib/addr.h"
#include "lib/api.h"
#include "lib/labels.h"

static void test_mac_parse_strict(void **state)
{
	static const char *const bad[] = {
	    " 00:11:22:33:44:55", "00: 11:22:33:44:55", "0:1:2:3:4:5",	      "-1:02:03:04:05:06",
	    "+1:02:03:04:05:06",  "0x:11:22:33:44:55",	"00:11:22:33:44:55:", "00-11-22-33-44-55",
	};
	uint8_t m[6];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mac_parse(bad[i], m) != -EINVAL)
			fail_msg("mac_parse accepted \"%s\"", bad[i]);
	assert_int_equal(mac_parse("0A:58:0a:f0:00:02", m), 0);
	assert_int_equal(m[0], 0x0a);
	assert_int_equal(m[5], 0x02);
}

static void test_hex_encode_empty(void **state)
{
	char out[4] = "zzz";

	assert_int_equal(hex_encode((const uint8_t *)"", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_label_prefix_parts(void **state)
{
	assert_int_equal(label_validate_key("a..b/x"), -EINVAL);
	assert_int_equal(label_validate_key("a.-b/x"), -EINVAL);
	assert_int_equal(label_validate_key("a-.b/x"), -EINVAL);
	assert_int_equal(label_validate_key("k8s.io/app"), 0);
}

static void test_canonical_empty_token(void **state)
{
	struct labels ls;

	assert_int_equal(labels__parse_canonical(&ls, ",,a=1,"), -EINVAL);
	assert_int_equal(labels__parse_canonical(&ls, "a=1,b=2"), 0);
	assert_int_equal(ls.n, 2);
}

static int read_line(const char *line)
{
	json_object *o = NULL;
	int sv[2], err;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], line, strlen(line)), (ssize_t)strlen(line));
	close(sv[0]);
	err = api_read(sv[1], &o);
	close(sv[1]);
	json_object_put(o);
	return err;
}

static void test_api_trailing_garbage(void **state)
{
	assert_int_equal(read_line("{\"a\":1} garbage\n"), -EBADMSG);
	assert_int_equal(read_line("{}{}\n"), -EBADMSG);
	assert_int_equal(read_line("{\"a\":1,}\n"), -EBADMSG);
	assert_int_equal(read_line("{\"a\":1}  \n"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mac_parse_strict),
	    cmocka_unit_test(test_hex_encode_empty),
	    cmocka_unit_test(test_label_prefix_parts),
	    cmocka_unit_test(test_canonical_empty_token),
	    cmocka_unit_test(test_api_trailing_garbage),
	};

	return cmocka_run_group_tests_name("strict", tests, NULL, NULL);
}
