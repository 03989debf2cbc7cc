// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/lib/labels.c: Kubernetes-style label sets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/labels.h"

static void test_validate_key(void **state)
{
	char name63[64], name64[65], pfx253[400], pfx254[400];
	static const char *const good[] = {
	    "a",       "app", "App", "app.kubernetes.io/name",	      "example.com/tier", "a/b",
	    "x-y_z.w", "0",   "9a",  "my-prefix.io/Name_With.Dots-1", "k8s.io/a",
	};
	static const char *const bad[] = {
	    "",
	    "-a",
	    "a-",
	    "_a",
	    "a_",
	    ".a",
	    "a.",
	    "a b",
	    "a=b",
	    "a,b",
	    "a:b",
	    "/a",
	    "a/",
	    "/",
	    "a/b/c",
	    "Example.com/a",
	    "example_com/a",
	    "-example.com/a",
	    "example.com-/a",
	    ".example.com/a",
	    "example.com/-a",
	    "example.com/a-",
	    "example.com/",
	    "caf\xc3\xa9",
	};

	memset(name63, 'n', 63);
	name63[63] = '\0';
	memset(name64, 'n', 64);
	name64[64] = '\0';
	memset(pfx253, 'p', 253);
	snprintf(pfx253 + 253, sizeof(pfx253) - 253, "/%s", name63);
	memset(pfx254, 'p', 254);
	snprintf(pfx254 + 254, sizeof(pfx254) - 254, "/a");

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (label_validate_key(good[i]))
			fail_msg("label_validate_key rejected \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (label_validate_key(bad[i]) != -EINVAL)
			fail_msg("label_validate_key accepted \"%s\"", bad[i]);

	assert_int_equal(label_validate_key(name63), 0);
	assert_int_equal(label_validate_key(name64), -EINVAL);
	assert_int_equal(strlen(pfx253), LABEL_KEY_MAX);
	assert_int_equal(label_validate_key(pfx253), 0);
	assert_int_equal(label_validate_key(pfx254), -EINVAL);
}

static void test_validate_value(void **state)
{
	char v63[64], v64[65];

	memset(v63, 'v', 63);
	v63[63] = '\0';
	memset(v64, 'v', 64);
	v64[64] = '\0';

	assert_int_equal(label_validate_value(""), 0);
	assert_int_equal(label_validate_value("web"), 0);
	assert_int_equal(label_validate_value("v1.2.3"), 0);
	assert_int_equal(label_validate_value("Prod_East-1"), 0);
	assert_int_equal(label_validate_value(v63), 0);

	assert_int_equal(label_validate_value(v64), -EINVAL);
	assert_int_equal(label_validate_value("-web"), -EINVAL);
	assert_int_equal(label_validate_value("web-"), -EINVAL);
	assert_int_equal(label_validate_value(".web"), -EINVAL);
	assert_int_equal(label_validate_value("a/b"), -EINVAL);
	assert_int_equal(label_validate_value("a=b"), -EINVAL);
	assert_int_equal(label_validate_value("a,b"), -EINVAL);
	assert_int_equal(label_validate_value("a b"), -EINVAL);
	assert_int_equal(label_validate_value(" "), -EINVAL);
}

static void test_add_kv(void **state)
{
	struct labels ls = {0};

	assert_int_equal(labels__add_kv(&ls, "app=web"), 0);
	assert_int_equal(labels__add_kv(&ls, "tier="), 0);
	assert_int_equal(labels__add_kv(&ls, "example.com/team=infra"), 0);
	assert_int_equal(ls.n, 3);
	assert_string_equal(labels__get(&ls, "app"), "web");
	assert_string_equal(labels__get(&ls, "tier"), "");
	assert_string_equal(labels__get(&ls, "example.com/team"), "infra");
	assert_null(labels__get(&ls, "ap"));
	assert_null(labels__get(&ls, "web"));

	assert_int_equal(labels__add_kv(&ls, "noequals"), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, ""), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, "=v"), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, "="), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, "k=v=w"), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, "k=-v"), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, "-k=v"), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, "k =v"), -EINVAL);
	assert_int_equal(labels__add_kv(&ls, "k,x=v"), -EINVAL);
	assert_int_equal(ls.n, 3);

	/* duplicate key, whatever the value */
	assert_int_equal(labels__add_kv(&ls, "app=web"), -EEXIST);
	assert_int_equal(labels__add_kv(&ls, "app=db"), -EEXIST);
	assert_int_equal(ls.n, 3);
	assert_string_equal(labels__get(&ls, "app"), "web");
}

static void test_add_kv_long_key(void **state)
{
	struct labels ls = {0};
	char kv[512];

	/* a key longer than LABEL_KEY_MAX is refused before it is copied */
	memset(kv, 'a', LABEL_KEY_MAX + 1);
	snprintf(kv + LABEL_KEY_MAX + 1, sizeof(kv) - LABEL_KEY_MAX - 1, "=v");
	assert_int_equal(labels__add_kv(&ls, kv), -EINVAL);
	assert_int_equal(ls.n, 0);
}

static void test_too_many(void **state)
{
	struct labels ls = {0};
	char kv[32];

	for (int i = 0; i < LABELS_MAX; i++) {
		snprintf(kv, sizeof(kv), "k%02d=v%d", i, i);
		assert_int_equal(labels__add_kv(&ls, kv), 0);
	}
	assert_int_equal(ls.n, LABELS_MAX);
	assert_int_equal(labels__add_kv(&ls, "extra=1"), -E2BIG);
	assert_int_equal(labels__set(&ls, "extra", "1"), -E2BIG);
	assert_int_equal(ls.n, LABELS_MAX);
	assert_null(labels__get(&ls, "extra"));
	/* a full set still reports duplicates as such */
	assert_int_equal(labels__add_kv(&ls, "k00=x"), -EEXIST);
}

static void test_set(void **state)
{
	struct labels ls = {0};

	assert_int_equal(labels__set(&ls, "b", "2"), 0);
	assert_int_equal(labels__set(&ls, "a", ""), 0);
	assert_int_equal(labels__set(&ls, "b", "3"), -EEXIST);
	assert_int_equal(labels__set(&ls, "", "1"), -EINVAL);
	assert_int_equal(labels__set(&ls, "c", "bad value"), -EINVAL);
	assert_int_equal(ls.n, 2);
	assert_string_equal(labels__get(&ls, "b"), "2");
}

static void test_canonical_sorted(void **state)
{
	struct labels x = {0}, y = {0};
	char bx[256], by[256];

	assert_int_equal(labels__add_kv(&x, "a=1"), 0);
	assert_int_equal(labels__add_kv(&x, "b=2"), 0);
	assert_int_equal(labels__canonical(&x, bx, sizeof(bx)), 0);
	assert_string_equal(bx, "a=1,b=2");

	assert_int_equal(labels__add_kv(&y, "b=2"), 0);
	assert_int_equal(labels__add_kv(&y, "a=1"), 0);
	assert_int_equal(labels__canonical(&y, by, sizeof(by)), 0);
	assert_string_equal(by, "a=1,b=2");

	/* longer sets in scrambled order */
	memset(&x, 0, sizeof(x));
	assert_int_equal(labels__add_kv(&x, "zone=eu"), 0);
	assert_int_equal(labels__add_kv(&x, "app=web"), 0);
	assert_int_equal(labels__add_kv(&x, "tier="), 0);
	assert_int_equal(labels__add_kv(&x, "example.com/owner=ops"), 0);
	assert_int_equal(labels__add_kv(&x, "m=x"), 0);
	assert_int_equal(labels__canonical(&x, bx, sizeof(bx)), 0);
	assert_string_equal(bx, "app=web,example.com/owner=ops,m=x,tier=,zone=eu");
	for (size_t i = 1; i < x.n; i++)
		assert_true(strcmp(x.l[i - 1].key, x.l[i].key) < 0);
}

static void test_canonical_empty_and_nospc(void **state)
{
	struct labels ls = {0};
	char buf[16];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(labels__canonical(&ls, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");

	assert_int_equal(labels__add_kv(&ls, "app=web"), 0);
	assert_int_equal(labels__add_kv(&ls, "tier=db"), 0);
	/* "app=web,tier=db" is 15 characters: needs 16 bytes */
	assert_int_equal(labels__canonical(&ls, buf, 16), 0);
	assert_string_equal(buf, "app=web,tier=db");
	assert_int_equal(labels__canonical(&ls, buf, 15), -ENOSPC);
	assert_int_equal(labels__canonical(&ls, buf, 7), -ENOSPC);
	assert_int_equal(labels__canonical(&ls, buf, 8), -ENOSPC);
}

static void test_parse_canonical(void **state)
{
	struct labels ls, back;
	char buf[1024], buf2[1024];

	memset(&ls, 0xa5, sizeof(ls));
	assert_int_equal(labels__parse_canonical(&ls, ""), 0);
	assert_int_equal(ls.n, 0);

	assert_int_equal(labels__parse_canonical(&ls, "a=1,b=2"), 0);
	assert_int_equal(ls.n, 2);
	assert_string_equal(labels__get(&ls, "a"), "1");
	assert_string_equal(labels__get(&ls, "b"), "2");

	/* non-canonical order is sorted on the way in */
	assert_int_equal(labels__parse_canonical(&ls, "b=2,a=1"), 0);
	assert_int_equal(labels__canonical(&ls, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a=1,b=2");

	/* parse resets the set */
	assert_int_equal(labels__parse_canonical(&ls, "c=3"), 0);
	assert_int_equal(ls.n, 1);
	assert_null(labels__get(&ls, "a"));

	assert_int_equal(labels__parse_canonical(&ls, "a=1,a=2"), -EEXIST);
	assert_int_equal(labels__parse_canonical(&ls, "a=1,b"), -EINVAL);
	assert_int_equal(labels__parse_canonical(&ls, "a=1,=2"), -EINVAL);
	assert_int_equal(labels__parse_canonical(&ls, "a=1 ,b=2"), -EINVAL);

	/* round trip */
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(labels__add_kv(&ls, "zone=eu-west-1"), 0);
	assert_int_equal(labels__add_kv(&ls, "app.kubernetes.io/name=web"), 0);
	assert_int_equal(labels__add_kv(&ls, "canary="), 0);
	assert_int_equal(labels__add_kv(&ls, "Tier=Front_End"), 0);
	assert_int_equal(labels__canonical(&ls, buf, sizeof(buf)), 0);
	assert_int_equal(labels__parse_canonical(&back, buf), 0);
	assert_int_equal(back.n, ls.n);
	for (size_t i = 0; i < ls.n; i++) {
		assert_string_equal(back.l[i].key, ls.l[i].key);
		assert_string_equal(back.l[i].val, ls.l[i].val);
	}
	assert_int_equal(labels__canonical(&back, buf2, sizeof(buf2)), 0);
	assert_string_equal(buf, buf2);
	assert_string_equal(buf,
			    "Tier=Front_End,app.kubernetes.io/name=web,canary=,zone=eu-west-1");
}

static void test_parse_canonical_full(void **state)
{
	struct labels ls = {0}, back;
	char kv[32], buf[2048];

	for (int i = LABELS_MAX - 1; i >= 0; i--) {
		snprintf(kv, sizeof(kv), "key%02d=val%d", i, i);
		assert_int_equal(labels__add_kv(&ls, kv), 0);
	}
	assert_int_equal(labels__canonical(&ls, buf, sizeof(buf)), 0);
	assert_int_equal(strncmp(buf, "key00=val0,key01=val1,", 22), 0);
	assert_int_equal(labels__parse_canonical(&back, buf), 0);
	assert_int_equal(back.n, LABELS_MAX);
	assert_string_equal(labels__get(&back, "key31"), "val31");

	/* one more than LABELS_MAX in canonical form is refused */
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ",zz=1");
	assert_int_equal(labels__parse_canonical(&back, buf), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validate_key),
	    cmocka_unit_test(test_validate_value),
	    cmocka_unit_test(test_add_kv),
	    cmocka_unit_test(test_add_kv_long_key),
	    cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_canonical_sorted),
	    cmocka_unit_test(test_canonical_empty_and_nospc),
	    cmocka_unit_test(test_parse_canonical),
	    cmocka_unit_test(test_parse_canonical_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
