// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/core/paths.c and src/backend/emu_names.c: names and
 * paths derived from an instance, the control plane's and emu's domain.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "backend/emu.h"
#include "core/paths.h"

/* emu's domain of instance: its netns and its pin root. */
static void assert_domain(const char *instance, const char *netns, const char *pin_root)
{
	struct emu_names nm;

	memset(&nm, 0x55, sizeof(nm));
	assert_int_equal(emu_names(instance, &nm), 0);
	assert_string_equal(nm.netns, netns);
	assert_string_equal(nm.pin_root, pin_root);
}

static void test_default_instance(void **state)
{
	struct hyp_paths p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(hyp_paths_init(HYP_DEFAULT_INSTANCE, &p), 0);
	assert_string_equal(p.socket, "/run/hyperion/hyperion.sock");
	assert_string_equal(p.state_dir, "/var/lib/hyperion/hyperion");
	assert_string_equal(p.state_db, "/var/lib/hyperion/hyperion/state.db");
	assert_domain(HYP_DEFAULT_INSTANCE, "hyp-hyperion", "/sys/fs/bpf/hyperion/hyperion");
}

static void test_named_instance(void **state)
{
	struct hyp_paths p;

	memset(&p, 0x55, sizeof(p));
	assert_int_equal(hyp_paths_init("test-1", &p), 0);
	assert_string_equal(p.socket, "/run/hyperion/test-1.sock");
	assert_string_equal(p.state_dir, "/var/lib/hyperion/test-1");
	assert_string_equal(p.state_db, "/var/lib/hyperion/test-1/state.db");
	assert_domain("test-1", "hyp-test-1", "/sys/fs/bpf/hyperion/test-1");
}

static void test_longest_name(void **state)
{
	const char *name = "abcdefghijklmnopqrstuvwx"; /* 24, the maximum */
	struct hyp_paths p;

	assert_int_equal(strlen(name), 24);
	assert_int_equal(hyp_paths_init(name, &p), 0);
	assert_string_equal(p.socket, "/run/hyperion/abcdefghijklmnopqrstuvwx.sock");
	assert_string_equal(p.state_db, "/var/lib/hyperion/abcdefghijklmnopqrstuvwx/state.db");
	assert_domain(name, "hyp-abcdefghijklmnopqrstuvwx",
		      "/sys/fs/bpf/hyperion/abcdefghijklmnopqrstuvwx");
}

static void test_distinct_instances(void **state)
{
	struct hyp_paths a, b;
	struct emu_names na, nb;

	assert_int_equal(emu_names("a", &na), 0);
	assert_int_equal(emu_names("b", &nb), 0);
	assert_string_not_equal(na.netns, nb.netns);
	assert_string_not_equal(na.pin_root, nb.pin_root);
	assert_int_equal(hyp_paths_init("a", &a), 0);
	assert_int_equal(hyp_paths_init("b", &b), 0);
	assert_string_not_equal(a.socket, b.socket);
	assert_string_not_equal(a.state_dir, b.state_dir);
	assert_string_not_equal(a.state_db, b.state_db);
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
		struct emu_names nm;

		memset(&p, 0, sizeof(p));
		memset(&nm, 0, sizeof(nm));
		if (hyp_paths_init(bad[i], &p) != -EINVAL)
			fail_msg("hyp_paths_init accepted \"%s\"", bad[i]);
		if (emu_names(bad[i], &nm) != -EINVAL)
			fail_msg("emu_names accepted \"%s\"", bad[i]);
		/* nothing is derived from a rejected name */
		assert_string_equal(p.socket, "");
		assert_string_equal(p.state_db, "");
		assert_string_equal(nm.netns, "");
		assert_string_equal(nm.pin_root, "");
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
