// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/policy, what Kubernetes accepts with a meaning of its
 * own: accepted with that meaning (the canonical JSON says it) and a
 * warning where it is surprising: a spec or podSelector left out or null,
 * rules of a direction outside policyTypes, empty and null lists and
 * entries, null selectors, IPv6 ipBlocks; at most DOC_WARNINGS_MAX
 * warnings per document.
 */
#include "policy_parse_fixture.h"

static void test_empty_and_everything(void **state)
{
	char buf[2048];

	/* an empty rule allows every peer on every port; {} peers are empty selectors */
	parse_one(SPEC "  ingress:\n  - {}\n  - from: []\n    ports: []\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"ingress\":[{},{}]"));
	parse_one(SPEC "  ingress:\n  - from:\n    - namespaceSelector: {}\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"from\":[{\"namespaceSelector\":{}}]"));
	parse_one(SPEC "  ingress:\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\"]}"));
}

/* Kubernetes' defaults for a spec or podSelector left out or null. */
static void test_spec_defaults(void **state)
{
	static const char deny_in[] = "\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Ingress\"]}";
	char buf[2048];

	parse_warn(HDR, buf, sizeof(buf),
		   WARN("document 1 (p), line 1: spec is missing: Kubernetes reads it as "
			"{podSelector: {}}, which denies all ingress to every pod of namespace "
			"default"));
	assert_non_null(strstr(buf, deny_in));
	parse_warn("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		   "metadata: {name: p, namespace: prod}\nspec:\n",
		   buf, sizeof(buf),
		   WARN("document 1 (p), line 4: spec is empty (null): Kubernetes reads it as "
			"{podSelector: {}}, which denies all ingress to every pod of namespace "
			"prod"));
	assert_non_null(strstr(buf, deny_in));
	parse_warn(HDR "spec: {}\n", buf, sizeof(buf),
		   WARN("line 5: podSelector is missing: Kubernetes reads it as {}, which selects "
			"every pod of namespace default (in spec)"));
	assert_non_null(strstr(buf, deny_in));
	parse_warn(HDR "spec:\n  podSelector:\n  policyTypes: [Egress]\n", buf, sizeof(buf),
		   WARN("line 6: podSelector is empty (null): Kubernetes reads it as {}"));
	assert_non_null(strstr(buf, "\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Egress\"]}"));
	/* metadata.namespace null or "": the client's namespace, default */
	parse_quiet("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		    "metadata: {name: a, namespace: , labels: {team: }}\nspec: {podSelector: {}}\n",
		    buf, sizeof(buf));
	assert_non_null(strstr(buf,
			       "\"metadata\":{\"name\":\"a\",\"namespace\":\"default\",\"labels\":"
			       "{\"team\":\"\"}}"));
	parse_quiet("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		    "metadata: {name: a, namespace: \"\"}\nspec: {podSelector: {}}\n",
		    buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"namespace\":\"default\""));
}

/* Rules of a direction outside policyTypes: kept as written, ignored, warned. */
static void test_types_leave_out_rules(void **state)
{
	char buf[2048];

	parse_warn(SPEC "  policyTypes: [Ingress]\n  egress: [{}]\n", buf, sizeof(buf),
		   WARN("document 1 (p), line 8: egress rules are ignored: policyTypes leaves "
			"out Egress, so this policy does not restrict egress (as in Kubernetes); "
			"add Egress to policyTypes to enforce them (in spec)"));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\"],\"egress\":[{}]"));
	parse_warn(SPEC "  policyTypes: [Egress]\n  ingress:\n  - from: [{podSelector: {}}]\n"
			"  egress: [{ports: [{port: 53}]}]\n",
		   buf, sizeof(buf),
		   WARN("line 8: ingress rules are ignored: policyTypes leaves out Ingress, so "
			"this policy does not restrict ingress"));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Egress\"],\"ingress\":[{\"from\":"
				    "[{\"podSelector\":{}}]}],\"egress\""));
	/* a type listed twice is valid (the API server's only limit is two entries) */
	parse_warn(SPEC "  policyTypes: [Ingress, Ingress]\n  egress: [{}]\n", buf, sizeof(buf),
		   WARN("line 7: policyTypes lists Ingress twice, and Egress not at all: this "
			"policy does not restrict egress (in spec)",
			"line 8: egress rules are ignored"));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\"]"));
	parse_quiet(SPEC "  policyTypes: [Ingress, Egress]\n  egress: [{}]\n", buf, sizeof(buf));
	/* egress: [] without policyTypes: Egress is not among the defaults */
	parse_warn(SPEC "  egress: []\n", buf, sizeof(buf),
		   WARN("line 7: egress is empty and policyTypes is not given: egress is not "
			"restricted (Kubernetes adds Egress to the default policyTypes only for "
			"egress rules); to deny all egress, write policyTypes: [Ingress, Egress]"));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\"]}"));
	parse_warn(SPEC "  policyTypes: []\n  egress:\n", buf, sizeof(buf),
		   WARN("line 8: egress is empty and policyTypes is not given"));
	parse_quiet(SPEC "  policyTypes: [Ingress, Egress]\n  egress: []\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\",\"Egress\"]}"));
	parse_quiet(SPEC "  ingress: []\n", buf, sizeof(buf));
}

/* Empty and null lists and null entries mean what Kubernetes makes of them. */
static void test_empty_means_all(void **state)
{
	char buf[2048];

	parse_warn(SPEC "  ingress:\n  - from: []\n", buf, sizeof(buf),
		   WARN("document 1 (p), line 8: from is empty: the rule allows every source, "
			"as if from were left out (in spec.ingress[0])"));
	assert_non_null(strstr(buf, "\"ingress\":[{}]"));
	parse_warn(SPEC "  ingress:\n  - from:\n    ports: [{port: 80}]\n", buf, sizeof(buf),
		   WARN("line 8: from is empty (null): the rule allows every source"));
	assert_non_null(
	    strstr(buf, "\"ingress\":[{\"ports\":[{\"protocol\":\"TCP\",\"port\":80}]}]"));
	parse_warn(SPEC "  egress:\n  - to: []\n", buf, sizeof(buf),
		   WARN("line 8: to is empty: the rule allows every destination"));
	parse_warn(SPEC "  ingress:\n  - ports: []\n", buf, sizeof(buf),
		   WARN("line 8: ports is empty: the rule allows every port and protocol, as if "
			"ports were left out (in spec.ingress[0])"));
	assert_non_null(strstr(buf, "\"ingress\":[{}]"));
	parse_warn(SPEC "  ingress:\n  - ports:\n    from: [{podSelector: {}}]\n", buf, sizeof(buf),
		   WARN("ports is empty (null)"));
	/* "- " alone: a null rule is {} */
	parse_warn(SPEC "  ingress:\n  -\n", buf, sizeof(buf),
		   WARN("line 8: a rule is empty (null): it allows every source on every port, as "
			"{} (in spec.ingress[0])"));
	assert_non_null(strstr(buf, "\"ingress\":[{}]"));
	parse_warn(SPEC "  egress: [~]\n", buf, sizeof(buf),
		   WARN("a rule is empty (null): it allows every destination on every port"));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\",\"Egress\"],\"egress\":[{}]"));
	/* a null ports entry is {}: TCP, every port; a null port: every port */
	parse_warn(SPEC "  ingress:\n  - ports:\n    -\n", buf, sizeof(buf),
		   WARN("line 9: a ports entry is empty (null): it allows every TCP port, as {} "
			"(in spec.ingress[0].ports[0])"));
	assert_non_null(strstr(buf, "\"ports\":[{\"protocol\":\"TCP\"}]"));
	parse_warn(SPEC "  ingress:\n  - ports: [{protocol: UDP, port: }]\n", buf, sizeof(buf),
		   WARN("line 8: port is empty (null): the entry allows every UDP port, as if port "
			"were left out (in spec.ingress[0].ports[0])"));
	assert_non_null(strstr(buf, "\"ports\":[{\"protocol\":\"UDP\"}]"));
	parse_quiet(SPEC "  ingress:\n  - ports: [{port: 80, endPort: , protocol: }]\n", buf,
		    sizeof(buf));
	assert_non_null(strstr(buf, "\"ports\":[{\"protocol\":\"TCP\",\"port\":80}]"));
	/* except: null excludes nothing */
	parse_warn(SPEC "  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n"
			"        except:\n",
		   buf, sizeof(buf),
		   WARN("line 11: except is empty (null): no address of cidr is excluded (in "
			"spec.ingress[0].from[0].ipBlock)"));
	assert_non_null(strstr(buf, "\"from\":[{\"ipBlock\":{\"cidr\":\"10.0.0.0/8\"}}]"));
}

/* Null selectors and selector parts decode as Kubernetes decodes them. */
static void test_null_selectors(void **state)
{
	char buf[2048];

	parse_warn(HDR "spec:\n  podSelector:\n    matchLabels:\n", buf, sizeof(buf),
		   WARN("line 7: matchLabels is empty (null): the selector has no requirement and "
			"selects everything, as {} (in spec.podSelector)"));
	assert_non_null(strstr(buf, "\"spec\":{\"podSelector\":{}"));
	parse_warn(
	    SPEC "  ingress:\n  - from:\n    - podSelector: {matchExpressions: }\n", buf,
	    sizeof(buf),
	    WARN("line 9: matchExpressions is empty (null): the selector has no requirement"));
	assert_non_null(strstr(buf, "\"from\":[{\"podSelector\":{}}]"));
	/* with a requirement left, nothing to say */
	parse_quiet(HDR "spec:\n  podSelector: {matchLabels: , matchExpressions: [{key: app, "
			"operator: Exists}]}\n",
		    buf, sizeof(buf));
	parse_warn(
	    HDR "spec:\n  podSelector:\n    matchLabels: {app: }\n", buf, sizeof(buf),
	    WARN("line 7: matchLabels value of \"app\" is empty (null): it matches the value "
		 "\"\" only (in spec.podSelector.matchLabels)"));
	assert_non_null(strstr(buf, "\"podSelector\":{\"matchLabels\":{\"app\":\"\"}}"));
	parse_warn(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
		       "    - {key: app, operator: In, values: [~, web]}\n",
		   buf, sizeof(buf), WARN("value of \"app\" is empty (null)"));
	assert_non_null(strstr(buf, "\"values\":[\"\",\"web\"]"));
	/* a null selector in a peer is absent: namespaceSelector: null is the own namespace */
	parse_warn(SPEC "  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: api}}\n"
			"      namespaceSelector:\n",
		   buf, sizeof(buf),
		   WARN("line 10: namespaceSelector is empty (null): Kubernetes reads it as left "
			"out, so the peer is in the policy's namespace only ({} is every "
			"namespace) (in spec.ingress[0].from[0])"));
	assert_non_null(
	    strstr(buf, "\"from\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"api\"}}}]"));
	parse_quiet(SPEC "  ingress:\n  - from:\n    - {namespaceSelector: {}, podSelector: , "
			 "ipBlock: }\n",
		    buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"from\":[{\"namespaceSelector\":{}}]"));
	parse_quiet(SPEC
		    "  ingress:\n  - from:\n    - {ipBlock: {cidr: 10.0.0.0/8}, podSelector: }\n",
		    buf, sizeof(buf));
}

/* An IPv6 block is valid and kept canonical, without a warning (dual stack). */
static void test_ipv6_ipblock(void **state)
{
	char a[2048], b[2048];
	struct pol_doc *d = NULL;
	struct errmsg em = {0};
	json_object *o;

	parse_quiet(SPEC "  ingress:\n  - from:\n"
			 "    - ipBlock: {cidr: \"FD00:0::/8\", except: [\"fd00:0:1::/48\", "
			 "\"fd00:ff::/32\"]}\n"
			 "    - ipBlock: {cidr: \"::/0\"}\n",
		    a, sizeof(a));
	assert_non_null(strstr(a, "\"from\":[{\"ipBlock\":{\"cidr\":\"fd00::/8\",\"except\":"
				  "[\"fd00:0:1::/48\",\"fd00:ff::/32\"]}},{\"ipBlock\":{\"cidr\":"
				  "\"::/0\"}}]"));
	o = json_tokener_parse(a);
	assert_int_equal(pol_doc_from_json(o, &d, &em), 0);
	json_object_put(o);
	o = pol_doc_json(d);
	snprintf(b, sizeof(b), "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	pol_doc_free(d);
	assert_string_equal(a, b);
}

/* At most DOC_WARNINGS_MAX per document; a last one counts the rest. */
static void test_warnings_capped(void **state)
{
	char text[4096];
	struct pol_doc **docs;
	struct errmsg em;
	size_t n, len;

	len = (size_t)snprintf(text, sizeof(text), SPEC "  ingress:\n");
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "  - from: []\n");
	assert_int_equal(parse(text, &docs, &n, &em), 0);
	assert_int_equal(pol_doc_n_warnings(docs[0]), 17);
	assert_non_null(strstr(pol_doc_warning(docs[0], 15), "line 23: from is empty"));
	assert_string_equal(pol_doc_warning(docs[0], 16),
			    "document 1 (p): 4 more warnings not shown");
	assert_null(pol_doc_warning(docs[0], 17));
	pol_docs_free(docs, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_and_everything),  cmocka_unit_test(test_spec_defaults),
	    cmocka_unit_test(test_types_leave_out_rules), cmocka_unit_test(test_empty_means_all),
	    cmocka_unit_test(test_null_selectors),	  cmocka_unit_test(test_ipv6_ipblock),
	    cmocka_unit_test(test_warnings_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
