// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/lib/identity.c: an attachment's labels from the
 * administrator, the runtime and the pod; who wins; what a pod may not
 * set; what never makes an identity per pod. Every refusal next to the
 * accepted twin that differs only in what the rule tells apart.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/identity.h"

static struct labels set(const char *canonical)
{
	struct labels ls;

	assert_int_equal(labels__parse_canonical(&ls, canonical), 0);
	return ls;
}

/* The canonical string of the merge, or "ERR <errno>". */
static const char *merge(const char *admin, const char *ns, const char *pod, struct errmsg *em)
{
	static char buf[2048];
	struct labels a = set(admin), p = set(pod), out;
	struct ident_sources s = {.admin = &a, .ns = ns, .pod = &p};
	int err;

	memset(em, 0, sizeof(*em));
	err = ident_labels(&s, &out, em);
	if (err)
		snprintf(buf, sizeof(buf), "ERR %d", -err);
	else
		assert_int_equal(labels__canonical(&out, buf, sizeof(buf)), 0);
	return buf;
}

static void test_reserved_keys(void **state)
{
	static const char *const reserved[] = {
	    "namespace",	 "hyperion.io/role",	 "namespace.hyperion.io/team",
	    "a.b.hyperion.io/x", "policy.hyperion.io/x",
	};
	static const char *const free_keys[] = {
	    "namespaces",
	    "ns",
	    "hyperion.io",
	    "nothyperion.io/x",
	    "hyperion.iox/a",
	    "hyperion.io.example.com/a",
	    "example.com/namespace",
	    "kubernetes.io/metadata.name",
	    "app",
	};

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!ident_key_reserved(reserved[i]))
			fail_msg("%s: not reserved", reserved[i]);
	for (size_t i = 0; i < sizeof(free_keys) / sizeof(free_keys[0]); i++)
		if (ident_key_reserved(free_keys[i]))
			fail_msg("%s: reserved", free_keys[i]);
	assert_true(ident_key_retired("namespace.hyperion.io/team"));
	assert_false(ident_key_retired("hyperion.io/team"));
	assert_false(ident_key_retired("namespace"));
	assert_true(ident_key_per_pod("statefulset.kubernetes.io/pod-name"));
	assert_true(ident_key_per_pod("controller-uid"));
	assert_false(ident_key_per_pod("app"));
	assert_false(ident_key_per_pod("pod-template-hash")); /* per ReplicaSet, not per pod */
}

/* The administrator's labels win over the pod's on the same key. */
static void test_admin_wins(void **state)
{
	struct errmsg em;

	assert_string_equal(merge("app=web,tier=front", NULL, "app=evil,team=blue", &em),
			    "app=web,team=blue,tier=front");
	/* twin: the pod's value where the administrator says nothing */
	assert_string_equal(merge("tier=front", NULL, "app=evil,team=blue", &em),
			    "app=evil,team=blue,tier=front");
	/* no administrator at all */
	assert_string_equal(merge("", NULL, "app=web", &em), "app=web");
}

/* The namespace is the runtime's, or the administrator's; never the pod's. */
static void test_namespace_sources(void **state)
{
	struct errmsg em;

	assert_string_equal(merge("app=web", "prod", "", &em), "app=web,namespace=prod");
	/* the administrator pins it for the network: the config wins over the runtime */
	assert_string_equal(merge("namespace=infra", "prod", "", &em), "namespace=infra");
	/* a pod claiming one is refused, whatever the value, even the runtime's own */
	assert_string_equal(merge("app=web", "prod", "namespace=kube-system", &em), "ERR 1");
	assert_non_null(strstr(em.msg, "pod label namespace=kube-system refused"));
	assert_non_null(strstr(em.msg, "K8S_POD_NAMESPACE"));
	assert_string_equal(merge("app=web", "prod", "namespace=prod", &em), "ERR 1");
	/* twin: the same pod without the claim */
	assert_string_equal(merge("app=web", "prod", "team=blue", &em),
			    "app=web,namespace=prod,team=blue");
	/* a namespace that is no label value, or empty */
	assert_string_equal(merge("", "a/b", "", &em), "ERR 22");
	assert_non_null(strstr(em.msg, "namespace 'a/b'"));
	assert_string_equal(merge("", "", "", &em), "ERR 22");
	assert_string_equal(merge("namespace=", NULL, "", &em), "ERR 22");
	/* none at all: no label, the namespace "default" */
	assert_string_equal(merge("app=web", NULL, "", &em), "app=web");
}

/* Keys under hyperion.io (and namespace.hyperion.io) are not the pod's. */
static void test_pod_reserved_refused(void **state)
{
	struct errmsg em;

	assert_string_equal(merge("", "prod", "namespace.hyperion.io/team=blue", &em), "ERR 1");
	assert_non_null(strstr(em.msg, "hyperctl namespace label"));
	assert_string_equal(merge("", "prod", "hyperion.io/role=admin", &em), "ERR 1");
	assert_non_null(strstr(em.msg, "administrator's"));
	assert_string_equal(merge("", "prod", "x.hyperion.io/a=b", &em), "ERR 1");
	/* twin: the same keys from the administrator (but the retired prefix) */
	assert_string_equal(merge("hyperion.io/role=admin,x.hyperion.io/a=b", "prod", "", &em),
			    "hyperion.io/role=admin,namespace=prod,x.hyperion.io/a=b");
	assert_string_equal(merge("namespace.hyperion.io/team=blue", "prod", "", &em), "ERR 1");
	assert_non_null(strstr(em.msg, "hyperctl namespace label NS KEY=VALUE"));
	/* and a key that only looks alike */
	assert_string_equal(merge("", "prod", "example.com/namespace=x", &em),
			    "example.com/namespace=x,namespace=prod");
}

/* Pods with the same labels get the same set, whatever names them. */
static void test_per_pod_keys_left_out(void **state)
{
	struct errmsg em;
	char a[256];

	snprintf(
	    a, sizeof(a), "%s",
	    merge("network=n", "prod",
		  "app=db,statefulset.kubernetes.io/pod-name=db-0,apps.kubernetes.io/pod-index=0",
		  &em));
	assert_string_equal(a, "app=db,namespace=prod,network=n");
	assert_string_equal(
	    merge("network=n", "prod",
		  "app=db,statefulset.kubernetes.io/pod-name=db-1,apps.kubernetes.io/pod-index=1",
		  &em),
	    a);
	/* twin: a label that is not per pod stays and tells them apart */
	assert_string_equal(merge("network=n", "prod", "app=db,tier=1", &em),
			    "app=db,namespace=prod,network=n,tier=1");
}

static void test_too_many(void **state)
{
	struct labels a = {}, p = {}, out;
	struct ident_sources s = {.admin = &a, .ns = "prod", .pod = &p};
	struct errmsg em = {};
	char k[16];

	for (int i = 0; i < LABELS_MAX - 1; i++) {
		snprintf(k, sizeof(k), "a%d", i);
		assert_int_equal(labels__set(&a, k, "v"), 0);
	}
	/* the pod's label on a key the administrator has takes no room */
	assert_int_equal(labels__set(&p, "a0", "x"), 0);
	assert_int_equal(ident_labels(&s, &out, &em), 0);
	assert_int_equal(out.n, LABELS_MAX);
	assert_string_equal(labels__get(&out, "a0"), "v");
	assert_int_equal(labels__set(&p, "b", "x"), 0);
	assert_int_equal(ident_labels(&s, &out, &em), -E2BIG);
	assert_non_null(strstr(em.msg, "more than 32 labels"));
}

static void test_check_admin(void **state)
{
	struct labels ls = set("app=web,namespace=prod,hyperion.io/x=y");
	struct errmsg em = {};

	assert_int_equal(ident_check_admin(&ls, &em), 0);
	ls = set("app=web,namespace.hyperion.io/team=blue");
	assert_int_equal(ident_check_admin(&ls, &em), -EPERM);
	ls = set("app=web,namespace=");
	assert_int_equal(ident_check_admin(&ls, &em), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reserved_keys),
	    cmocka_unit_test(test_admin_wins),
	    cmocka_unit_test(test_namespace_sources),
	    cmocka_unit_test(test_pod_reserved_refused),
	    cmocka_unit_test(test_per_pod_keys_left_out),
	    cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_check_admin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
