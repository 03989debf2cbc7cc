// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of src/core/cni_attach.c: CNI attachments, their keys and SNIC names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/cni_attach.h"
#include "lib/addr.h"

static void test_container_id(void **state)
{
	char id[CNI_CONTAINERID_MAX + 2];

	assert_int_equal(cni_validate_container_id("abc"), 0);
	assert_int_equal(cni_validate_container_id("A1_b.c-d"), 0);
	assert_int_equal(cni_validate_container_id(""), -EINVAL);
	assert_int_equal(cni_validate_container_id(NULL), -EINVAL);
	assert_int_equal(cni_validate_container_id("-abc"), -EINVAL);
	assert_int_equal(cni_validate_container_id(".abc"), -EINVAL);
	assert_int_equal(cni_validate_container_id("a/b"), -EINVAL);
	assert_int_equal(cni_validate_container_id("a b"), -EINVAL);
	assert_int_equal(cni_validate_container_id("a:b"), -EINVAL);
	memset(id, 'a', sizeof(id));
	id[CNI_CONTAINERID_MAX] = '\0';
	assert_int_equal(cni_validate_container_id(id), 0);
	id[CNI_CONTAINERID_MAX] = 'a';
	id[CNI_CONTAINERID_MAX + 1] = '\0';
	assert_int_equal(cni_validate_container_id(id), -EINVAL);
}

static void test_netns_path(void **state)
{
	assert_int_equal(cni_validate_netns_path("/run/netns/x"), 0);
	assert_int_equal(cni_validate_netns_path("/proc/123/ns/net"), 0);
	assert_int_equal(cni_validate_netns_path("/run/netns/..x"), 0);
	assert_int_equal(cni_validate_netns_path("run/netns/x"), -EINVAL);
	assert_int_equal(cni_validate_netns_path(""), -EINVAL);
	assert_int_equal(cni_validate_netns_path(NULL), -EINVAL);
	assert_int_equal(cni_validate_netns_path("/run/netns/../x"), -EINVAL);
	assert_int_equal(cni_validate_netns_path("/run/./netns/x"), -EINVAL);
	assert_int_equal(cni_validate_netns_path("/run/netns/.."), -EINVAL);
	assert_int_equal(cni_validate_netns_path("/run/netns/a b"), -EINVAL);
}

static void test_key(void **state)
{
	char key[CNI_KEY_MAX + 1];

	assert_int_equal(cni_attachment_key("net", "ctr1", "eth0", key, sizeof(key)), 0);
	assert_string_equal(key, "net/ctr1/eth0");
	assert_int_equal(cni_attachment_key("bad net", "ctr1", "eth0", key, sizeof(key)), -EINVAL);
	assert_int_equal(cni_attachment_key("net", "c/1", "eth0", key, sizeof(key)), -EINVAL);
	assert_int_equal(cni_attachment_key("net", "ctr1", "eth/0", key, sizeof(key)), -EINVAL);
	assert_int_equal(cni_attachment_key("net", "ctr1", NULL, key, sizeof(key)), -EINVAL);
	assert_int_equal(cni_attachment_key("net", "ctr1", "eth0", key, 8), -ENAMETOOLONG);
}

static void test_snic_name(void **state)
{
	char a[CNI_SNIC_NAME_MAX + 1], b[CNI_SNIC_NAME_MAX + 1];
	const char *id = "6cd0cf0a9e33efc087f872ccebfa8292e652e487f2a25f4c287e4fffed858c63";

	assert_int_equal(cni_snic_name("n/ctr/eth0", "ctr", a, sizeof(a)), 0);
	assert_int_equal(strncmp(a, "cni-ctr-", 8), 0);
	assert_int_equal(strlen(a), 8 + 16);
	assert_int_equal(validate_object_name(a), 0);
	/* long ids are cut, the hash keeps attachments apart */
	assert_int_equal(cni_snic_name("n/x/eth0", id, a, sizeof(a)), 0);
	assert_int_equal(cni_snic_name("n/x/eth1", id, b, sizeof(b)), 0);
	assert_int_equal(strlen(a), 4 + 24 + 1 + 16);
	assert_string_not_equal(a, b);
	assert_int_equal(strncmp(a, b, 29), 0);
	/* the same key always gives the same name */
	assert_int_equal(cni_snic_name("n/x/eth1", id, a, sizeof(a)), 0);
	assert_string_equal(a, b);
}

/* A request's parts, validated in order, with key and SNIC name derived. */
static void test_attachment_init(void **state)
{
	struct cni_attachment a;
	struct errmsg em = {};
	char name[CNI_SNIC_NAME_MAX + 1];

	assert_int_equal(cni_attachment_init(&a, "net", "ctr1", "eth0", "/run/netns/x", &em), 0);
	assert_string_equal(a.key, "net/ctr1/eth0");
	assert_int_equal(cni_snic_name(a.key, "ctr1", name, sizeof(name)), 0);
	assert_string_equal(a.name, name);
	assert_string_equal(a.netns, "/run/netns/x");
	/* no netns: DEL and GC need none */
	assert_int_equal(cni_attachment_init(&a, "net", "ctr1", "eth0", NULL, &em), 0);
	assert_null(a.netns);

	/* each invalid part is named; the first one found wins */
	assert_int_equal(cni_attachment_init(&a, "bad net", "c/1", "eth0", NULL, &em), -EINVAL);
	assert_string_equal(em.msg, "invalid network name 'bad net'");
	em = (struct errmsg){};
	assert_int_equal(cni_attachment_init(&a, "net", NULL, "eth0", NULL, &em), -EINVAL);
	assert_string_equal(em.msg, "invalid container id ''");
	em = (struct errmsg){};
	assert_int_equal(cni_attachment_init(&a, "net", "ctr1", "eth/0", NULL, &em), -EINVAL);
	assert_string_equal(em.msg, "invalid interface name 'eth/0'");
	em = (struct errmsg){};
	assert_int_equal(cni_attachment_init(&a, "net", "ctr1", "eth0", "x/../y", &em), -EINVAL);
	assert_string_equal(em.msg, "invalid netns path 'x/../y'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_container_id),
	    cmocka_unit_test(test_netns_path),
	    cmocka_unit_test(test_key),
	    cmocka_unit_test(test_snic_name),
	    cmocka_unit_test(test_attachment_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
