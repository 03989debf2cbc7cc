// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/core/paths.c: names and paths derived from an instance. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paths.h"

static void test_default_instance(void **state)
{
	struct hyp_paths p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(hyp_paths_init(HYP_DEFAULT_INSTANCE, &p), 0);
	assert_string_equal(p.socket, "/run/hyperion/hyperion.sock");
	assert_string_equal(p.state_dir, "/var/lib/hyperion/hyperion");
	assert_string_equal(p.state_db, "/var/lib/hyperion/hyperion/state.db");
	assert_string_equal(p.bridge_netns, "hyp-hyperion");
	assert_string_equal(p.pin_root, "/sys/fs/bpf/hyperion/hyperion");
}

static void test_named_instance(void **state)
{
	struct hyp_paths p;

	memset(&p, 0x55, sizeof(p));
	assert_int_equal(hyp_paths_init("test-1", &p), 0);
	assert_string_equal(p.socket, "/run/hyperion/test-1.sock");
	assert_string_equal(p.state_dir, "/var/lib/hyperion/test-1");
	assert_string_equal(p.state_db, "/var/lib/hyperion/test-1/state.db");
	assert_string_equal(p.bridge_netns, "hyp-test-1");
	assert_string_equal(p.pin_root, "/sys/fs/bpf/hyperion/test-1");
}

static void test_longest_name(void **state)
{
	const char *name = "abcdefghijklmnopqrstuvwx"; /* 24, the maximum */
	struct hyp_paths p;

	assert_int_equal(strlen(name), 24);
	assert_int_equal(hyp_paths_init(name, &p), 0);
	assert_string_equal(p.socket, "/run/hyperion/abcdefghijklmnopqrstuvwx.sock");
	assert_string_equal(p.state_db, "/var/lib/hyperion/abcdefghijklmnopqrstuvwx/state.db");
	assert_string_equal(p.bridge_netns, "hyp-abcdefghijklmnopqrstuvwx");
	assert_string_equal(p.pin_root, "/sys/fs/bpf/hyperion/abcdefghijklmnopqrstuvwx");
}

static void test_distinct_instances(void **state)
{
	struct hyp_paths a, b;

	assert_int_equal(hyp_paths_init("a", &a), 0);
	assert_int_equal(hyp_paths_init("b", &b), 0);
	assert_string_not_equal(a.socket, b.socket);
	assert_string_not_equal(a.state_dir, b.state_dir);
	assert_string_not_equal(a.state_db, b.state_db);
	assert_string_not_equal(a.bridge_netns, b.bridge_netns);
	assert_string_not_equal(a.pin_root, b.pin_root);
}

static void test_rejects_invalid(void **state)
{
	static const char *const bad[] = {
	    "",		"abcdefghijklmnopqrstuvwxy", /* 25 */
	    "Hyperion", "-x",
	    "..",	".",
	    "../etc",	"a/b",
	    "/abs",	"a b",
	    "a_b",	"a.b",
	    "a\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hyp_paths p;

		memset(&p, 0, sizeof(p));
		if (hyp_paths_init(bad[i], &p) != -EINVAL)
			fail_msg("hyp_paths_init accepted \"%s\"", bad[i]);
		/* nothing is derived from a rejected name */
		assert_string_equal(p.socket, "");
		assert_string_equal(p.state_db, "");
		assert_string_equal(p.pin_root, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_instance), cmocka_unit_test(test_named_instance),
	    cmocka_unit_test(test_longest_name),     cmocka_unit_test(test_distinct_instances),
	    cmocka_unit_test(test_rejects_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
