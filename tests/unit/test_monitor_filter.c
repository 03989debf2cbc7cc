// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/core/monitor_filter.c: the filters of `hyperctl
 * monitor`, applied by the daemon to each kept event. Each filter is
 * checked against an event it must let through and its twin it must not.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hyperion/abi.h"
#include "core/monitor.h"
#include "lib/keys.h"

static const char *labels_of(uint32_t identity, void *ctx)
{
	(void)ctx;
	switch (identity) {
	case 256:
		return "app=web,namespace=shop,tier=front";
	case 257:
		return "app=db,namespace=shop";
	default:
		return "";
	}
}

/* web (10.0.0.2:40000, identity 256, shop) -> db (10.0.0.3:5432, 257, shop) */
static struct mon_event event(uint8_t type, uint8_t verdict)
{
	struct mon_event e = {.seq = 1, .type = type, .verdict = verdict, .proto = 6};

	snprintf(e.src.snic, sizeof(e.src.snic), "web");
	snprintf(e.src.ns, sizeof(e.src.ns), "shop");
	e.src.ip = 0x0a000002;
	e.src.port = 40000;
	e.src.identity = 256;
	snprintf(e.dst.snic, sizeof(e.dst.snic), "db");
	snprintf(e.dst.ns, sizeof(e.dst.ns), "shop");
	e.dst.ip = 0x0a000003;
	e.dst.port = 5432;
	e.dst.identity = 257;
	return e;
}

/* Parses a filter from "key", "value" pairs (NULL-terminated); asserts the result. */
static int parse(struct mon_filter *f, int want, ...)
{
	json_object *args = json_object_new_object();
	struct errmsg em = {};
	const char *k, *v;
	va_list ap;
	int err;

	va_start(ap, want);
	while ((k = va_arg(ap, const char *))) {
		v = va_arg(ap, const char *);
		if (!strcmp(k, KEY_MON_PORT))
			json_object_object_add(args, k, json_object_new_int(atoi(v)));
		else
			json_object_object_add(args, k, json_object_new_string(v));
	}
	va_end(ap);
	err = mon_filter_parse(args, f, &em);
	json_object_put(args);
	if (err != want || (want && !em.msg[0]))
		fail_msg("parse: got %d (want %d), message '%s'", err, want, em.msg);
	return err;
}

static bool match(const struct mon_filter *f, const struct mon_event *e)
{
	return mon_filter_match(f, e, labels_of, NULL);
}

static void test_empty_matches_all(void **state)
{
	struct mon_filter f;
	struct mon_event e = event(HYP_EV_FLOW, MON_V_ALLOWED);

	parse(&f, 0, NULL);
	assert_true(match(&f, &e));
}

static void test_from_to_by_name_address_labels(void **state)
{
	struct mon_filter f;
	struct mon_event e = event(HYP_EV_FLOW, MON_V_ALLOWED);

	parse(&f, 0, KEY_MON_FROM, "web", NULL);
	assert_true(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "db", NULL);
	assert_false(match(&f, &e));
	parse(&f, 0, KEY_MON_TO, "10.0.0.3", NULL);
	assert_true(match(&f, &e));
	parse(&f, 0, KEY_MON_TO, "10.0.0.2", NULL);
	assert_false(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "10.0.0.0/30", NULL);
	assert_true(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "10.0.1.0/24", NULL);
	assert_false(match(&f, &e));
	/* labels: every one given must be the endpoint's, whole k=v tokens */
	parse(&f, 0, KEY_MON_FROM, "app=web,tier=front", NULL);
	assert_true(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "app=web,tier=back", NULL);
	assert_false(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "app=we", NULL);
	assert_false(match(&f, &e));
	parse(&f, 0, KEY_MON_TO, "app=db", NULL);
	assert_true(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "app=db", NULL);
	assert_false(match(&f, &e));
}

/* The same flow over IPv6 (fd00:1::2 -> fd00:1::3): IPv6 addresses and
 * CIDRs select it, IPv4 ones do not (and the other way round). */
static void test_from_to_ipv6(void **state)
{
	struct mon_filter f;
	struct mon_event e = event(HYP_EV_FLOW, MON_V_ALLOWED), e4 = e;

	e.src.ip = e.dst.ip = 0;
	e.src.v6 = e.dst.v6 = true;
	assert_int_equal(ipv6_parse("fd00:1::2", e.src.ip6), 0);
	assert_int_equal(ipv6_parse("fd00:1::3", e.dst.ip6), 0);
	parse(&f, 0, KEY_MON_TO, "fd00:1::3", NULL);
	assert_true(match(&f, &e));
	assert_false(match(&f, &e4));
	parse(&f, 0, KEY_MON_TO, "fd00:1::2", NULL);
	assert_false(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "fd00:1::/64", NULL);
	assert_true(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "fd00:2::/64", NULL);
	assert_false(match(&f, &e));
	parse(&f, 0, KEY_MON_FROM, "10.0.0.0/30", NULL);
	assert_false(match(&f, &e));
	assert_true(match(&f, &e4));
	parse(&f, 0, KEY_MON_FROM, "web", NULL);
	assert_true(match(&f, &e));
	parse(&f, -EINVAL, KEY_MON_TO, "fd00::1::2", NULL);
	parse(&f, -EINVAL, KEY_MON_TO, "fd00::/129", NULL);
}

static void test_type_verdict_port_namespace(void **state)
{
	struct mon_filter f;
	struct mon_event flow = event(HYP_EV_FLOW, MON_V_ALLOWED);
	struct mon_event denied = event(HYP_EV_DROP, MON_V_DENIED);
	struct mon_event blocked = event(HYP_EV_DROP, MON_V_BLOCKED);
	struct mon_event other = event(HYP_EV_DROP, MON_V_DROPPED);

	parse(&f, 0, KEY_MON_TYPE, "drop", NULL);
	assert_false(match(&f, &flow));
	assert_true(match(&f, &denied));
	parse(&f, 0, KEY_MON_TYPE, "flow,alert", NULL);
	assert_true(match(&f, &flow));
	assert_false(match(&f, &denied));
	parse(&f, 0, KEY_MON_VERDICT, "denied", NULL);
	assert_true(match(&f, &denied));
	assert_false(match(&f, &blocked));
	assert_false(match(&f, &flow));
	/* dropped: any drop, whoever dropped it */
	parse(&f, 0, KEY_MON_VERDICT, "dropped", NULL);
	assert_true(match(&f, &denied));
	assert_true(match(&f, &blocked));
	assert_true(match(&f, &other));
	assert_false(match(&f, &flow));
	parse(&f, 0, KEY_MON_PORT, "5432", NULL);
	assert_true(match(&f, &flow));
	parse(&f, 0, KEY_MON_PORT, "40000", NULL);
	assert_true(match(&f, &flow));
	parse(&f, 0, KEY_MON_PORT, "80", NULL);
	assert_false(match(&f, &flow));
	parse(&f, 0, KEY_MON_NAMESPACE, "shop", NULL);
	assert_true(match(&f, &flow));
	parse(&f, 0, KEY_MON_NAMESPACE, "lab", NULL);
	assert_false(match(&f, &flow));
}

static void test_bad_filters_refused(void **state)
{
	struct mon_filter f;

	parse(&f, -EINVAL, KEY_MON_VERDICT, "maybe", NULL);
	parse(&f, -EINVAL, KEY_MON_TYPE, "flow,bogus", NULL);
	parse(&f, -EINVAL, KEY_MON_PORT, "70000", NULL);
	parse(&f, -EINVAL, KEY_MON_PORT, "-1", NULL);
	parse(&f, -EINVAL, KEY_MON_FROM, "a b", NULL);
	parse(&f, -EINVAL, KEY_MON_TO, "app=a b", NULL);
	parse(&f, -EINVAL, KEY_MON_TO, "10.0.0.300", NULL);
	parse(&f, -EINVAL, KEY_MON_TO, "10.0.0.0/33", NULL);
	parse(&f, -EINVAL, KEY_MON_FROM, "=x", NULL);
}

static void test_names_round_trip(void **state)
{
	for (int t = 1; t < __HYP_EV_MAX; t++)
		assert_int_equal(mon_type_from_name(mon_type_name((uint8_t)t)), t);
	for (int v = 1; v < __MON_V_MAX; v++)
		assert_int_equal(mon_verdict_from_name(mon_verdict_name((uint8_t)v)), v);
	assert_int_equal(mon_drop_verdict(HYP_DROP_POLICY_INGRESS), MON_V_DENIED);
	assert_int_equal(mon_drop_verdict(HYP_DROP_POLICY_REVOKED), MON_V_DENIED);
	assert_int_equal(mon_drop_verdict(HYP_DROP_INSPECT_MATCH), MON_V_BLOCKED);
	assert_int_equal(mon_drop_verdict(HYP_DROP_STAMP_BAD), MON_V_DROPPED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_matches_all),
	    cmocka_unit_test(test_from_to_by_name_address_labels),
	    cmocka_unit_test(test_from_to_ipv6),
	    cmocka_unit_test(test_type_verdict_port_namespace),
	    cmocka_unit_test(test_bad_filters_refused),
	    cmocka_unit_test(test_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
