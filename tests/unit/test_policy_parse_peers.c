// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/policy, refusals of peers: a peer's shape (one of
 * podSelector, namespaceSelector, ipBlock; ipBlock alone), and ipBlocks
 * validated as strictly as the Kubernetes API server does (CIDR syntax,
 * host bits, leading zeros, IPv4-mapped IPv6, except strictly inside its
 * cidr and of the same family).
 */
#include "policy_parse_fixture.h"

/* A peer names what it selects, with ipBlock alone. */
static void peer_shape_errors(void)
{
	expect_error(SPEC "  ingress:\n  - from:\n    - {}\n",
		     "line 9: a peer needs podSelector, namespaceSelector or ipBlock (in "
		     "spec.ingress[0].from[0])");
	expect_error(SPEC "  ingress:\n  - from:\n    - podSelector: {}\n"
			  "      ipBlock: {cidr: 10.0.0.0/8}\n",
		     "line 10: ipBlock cannot be combined with podSelector or namespaceSelector");
	expect_error(SPEC "  egress:\n  - to:\n    - namespaceSelector: {}\n"
			  "      ipBlock: {cidr: 10.0.0.0/8}\n",
		     "ipBlock cannot be combined");
	expect_error(
	    SPEC "  ingress:\n  - from:\n    - podSelctor: {}\n",
	    "unknown field \"podSelctor\" (known: podSelector, namespaceSelector, ipBlock)");
	/* a null selector is absent (Kubernetes' decoding): no peer is left */
	expect_error(SPEC "  ingress:\n  - from:\n    - namespaceSelector:\n",
		     "line 9: a peer needs podSelector, namespaceSelector or ipBlock (in "
		     "spec.ingress[0].from[0])");
	expect_error(SPEC "  ingress:\n  - from:\n    - {podSelector: , ipBlock: }\n",
		     "a peer needs podSelector, namespaceSelector or ipBlock");
	expect_error(SPEC "  ingress:\n  - from:\n    -\n",
		     "line 9: a peer is empty (null): it needs podSelector, namespaceSelector or "
		     "ipBlock");
	expect_error(SPEC "  ingress:\n  - from:\n    - namespaceSelector: []\n",
		     "a label selector must be a mapping (in "
		     "spec.ingress[0].from[0].namespaceSelector)");
}

/* An ipBlock has a cidr, written a.b.c.d/n or IPv6/n. */
static void cidr_syntax_errors(void)
{
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {except: [10.0.0.0/8]}\n",
		     "ipBlock needs a cidr");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: }\n",
		     "ipBlock needs a cidr");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"\"}\n",
		     "cidr \"\" is not a CIDR (a.b.c.d/n or IPv6/n)");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0}\n",
		     "cidr \"10.0.0.0\" is not a CIDR (a.b.c.d/n or IPv6/n)");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/33}\n",
		     "is not a CIDR");
}

/* What Kubernetes' CIDR parser refuses on top of the syntax. */
static void cidr_strict_errors(void)
{
	/* Kubernetes' strict CIDR validation: no host bits, no leading 0, no mapped IPv4 */
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.1/8}\n",
		     "cidr 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 010.0.0.0/8}\n",
		     "line 9: cidr 010.0.0.0/8 has a number with a leading 0, which Kubernetes "
		     "refuses");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/08}\n",
		     "leading 0");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: "
			  "[10.1.00.0/16]}\n",
		     "except 10.1.00.0/16 has a number with a leading 0");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fd00::1/8\"}\n",
		     "cidr fd00::1/8 has host bits set (did you mean fd00::/8?)");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"::ffff:10.0.0.0/104\"}\n",
		     "cidr ::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 address, which Kubernetes "
		     "refuses");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fd00::/129\"}\n",
		     "cidr \"fd00::/129\" is not a CIDR");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fd00::/016\"}\n",
		     "is not a CIDR");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fd00:::/16\"}\n",
		     "is not a CIDR");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fe80::%eth0/64\"}\n",
		     "is not a CIDR");
}

/* Every except is strictly inside its cidr, of the same family, valid itself. */
static void except_errors(void)
{
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fd00::/16\", "
			  "except: [\"fd01::/32\"]}\n",
		     "except fd01::/32 is not strictly inside cidr fd00::/16");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fd00::/16\", "
			  "except: [\"fd00::/16\"]}\n",
		     "except fd00::/16 is not strictly inside cidr fd00::/16");
	/* families do not mix */
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"::/0\", "
			  "except: [10.0.0.0/8]}\n",
		     "except 10.0.0.0/8 is not strictly inside cidr ::/0");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 0.0.0.0/0, "
			  "except: [\"fd00::/8\"]}\n",
		     "except fd00::/8 is not strictly inside cidr 0.0.0.0/0");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, "
			  "except: [10.0.0.0/8]}\n",
		     "except 10.0.0.0/8 is not strictly inside cidr 10.0.0.0/8");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/16, "
			  "except: [10.0.0.0/8]}\n",
		     "except 10.0.0.0/8 is not strictly inside cidr 10.0.0.0/16");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, "
			  "except: [11.0.0.0/16]}\n",
		     "not strictly inside");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, "
			  "except: [10.1.0.0/16], exept: []}\n",
		     "unknown field \"exept\"");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [~]}\n",
		     "except must be a string");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, "
			  "except: [10.1.0.1/16]}\n",
		     "except 10.1.0.1/16 has host bits set");
}

static void test_peer_errors(void **state)
{
	peer_shape_errors();
	cidr_syntax_errors();
	cidr_strict_errors();
	except_errors();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_peer_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
