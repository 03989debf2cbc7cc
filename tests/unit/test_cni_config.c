// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/cni/config.c, the plugin's reading of its network
 * config: the per-network address family ("ipFamily": "ipv4", "ipv6",
 * "dual", or absent for every family the instance has), and that anything
 * else is the config's error (code 7) naming the field.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cni/cni.h"

/* cni_conf_load of the config with "ipFamily": fam (raw JSON; NULL: absent). */
static int load(const char *fam, struct cni_conf *c, struct cni_error *e)
{
	char buf[256];
	struct cni_env env = {.command = "ADD"};
	json_object *root;

	snprintf(buf, sizeof(buf),
		 "{\"cniVersion\": \"1.1.0\", \"name\": \"net1\", \"type\": \"hyperion\"%s%s}",
		 fam ? ", \"ipFamily\": " : "", fam ? fam : "");
	root = json_tokener_parse(buf);
	assert_non_null(root);
	memset(e, 0, sizeof(*e));
	return cni_conf_load(c, root, &env, e);
}

static void test_family_each(void **state)
{
	static const struct {
		const char *json;
		int family;
	} ok[] = {{NULL, 0}, {"\"ipv4\"", 4}, {"\"ipv6\"", 6}, {"\"dual\"", CNI_FAMILY_DUAL}};
	struct cni_error e;
	struct cni_conf c;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(load(ok[i].json, &c, &e), 0);
		assert_int_equal(c.family, ok[i].family);
		assert_int_equal(e.code, 0);
		cni_conf_free(&c);
	}
}

static void test_family_refused(void **state)
{
	static const char *const bad[] = {"\"IPv6\"", "\"ipv5\"", "\"\"", "6", "null",
					  "[\"ipv4\"]", "\"ipv4,ipv6\""};
	struct cni_error e;
	struct cni_conf c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(bad[i], &c, &e), -EINVAL);
		assert_int_equal(e.code, CNI_ERR_INVALID_CONFIG);
		assert_string_equal(e.msg, "invalid network config");
		assert_non_null(strstr(e.details, "ipFamily"));
		assert_non_null(strstr(e.details, "\"dual\""));
		assert_int_equal(c.family, 0);
		cni_conf_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_family_each),
	    cmocka_unit_test(test_family_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
