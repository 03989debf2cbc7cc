// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/policy: YAML/JSON parsing and NetworkPolicy validation
 * (every error names the document, the policy, the line and the reason),
 * multi-document texts, canonical JSON round trips.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "lib/yaml.h"

#define HDR                                                                                        \
	"apiVersion: networking.k8s.io/v1\n"                                                       \
	"kind: NetworkPolicy\n"                                                                    \
	"metadata:\n"                                                                              \
	"  name: p\n"

/* HDR plus a spec whose podSelector is {} (lines 5 and 6). */
#define SPEC HDR "spec:\n  podSelector: {}\n"

static int parse(const char *text, struct pol_doc ***docs, size_t *n, struct errmsg *em)
{
	memset(em, 0, sizeof(*em));
	return pol_parse(text, strlen(text), docs, n, em);
}

/* The text parses into exactly one document; its canonical JSON, as a string. */
static const char *parse_one(const char *text, char *buf, size_t len)
{
	struct pol_doc **docs = NULL;
	struct errmsg em;
	size_t n = 0;
	json_object *o;
	int err = parse(text, &docs, &n, &em);

	if (err)
		fail_msg("pol_parse failed (%d): %s\n%s", err, em.msg, text);
	assert_int_equal(n, 1);
	o = pol_doc_json(docs[0]);
	assert_non_null(o);
	snprintf(buf, len, "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	pol_docs_free(docs, n);
	return buf;
}

/* The text is rejected, nothing is returned, and the message contains want. */
static void expect_error(const char *text, const char *want)
{
	struct pol_doc **docs = (struct pol_doc **)&docs;
	struct errmsg em;
	size_t n = 99;
	int err = parse(text, &docs, &n, &em);

	if (err != -EINVAL)
		fail_msg("accepted (%d), wanted error \"%s\":\n%s", err, want, text);
	assert_null(docs);
	assert_int_equal(n, 0);
	if (!strstr(em.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", em.msg, want);
}

static void test_minimal(void **state)
{
	char buf[2048];

	parse_one(SPEC, buf, sizeof(buf));
	assert_string_equal(buf,
			    "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
			    "\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},"
			    "\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Ingress\"]}}");
}

static void test_accessors(void **state)
{
	struct pol_doc **docs;
	struct errmsg em;
	size_t n;

	assert_int_equal(
	    parse("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		  "metadata: {name: deny-db, namespace: prod}\nspec: {podSelector: {}}\n",
		  &docs, &n, &em),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(pol_doc_name(docs[0]), "deny-db");
	assert_string_equal(pol_doc_namespace(docs[0]), "prod");
	pol_docs_free(docs, n);
}

/* Kubernetes' default: Ingress, plus Egress when spec.egress has rules. */
static void test_default_policy_types(void **state)
{
	char buf[2048];

	parse_one(SPEC "  egress:\n  - {}\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\",\"Egress\"]"));
	assert_non_null(strstr(buf, "\"egress\":[{}]"));
	parse_one(SPEC "  egress: []\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\"]"));
	parse_one(SPEC "  policyTypes: [Egress]\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Egress\"]"));
	parse_one(SPEC "  policyTypes: [Egress, Ingress]\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\",\"Egress\"]"));
	parse_one(SPEC "  policyTypes: []\n  ingress: [{}]\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"policyTypes\":[\"Ingress\"]"));
}

static void test_canonical_defaults(void **state)
{
	char buf[4096];

	parse_one(SPEC "  ingress:\n"
		       "  - ports:\n"
		       "    - port: 80\n"
		       "    - protocol: UDP\n"
		       "    - {protocol: SCTP, port: 1000, endPort: 2000}\n"
		       "    - {}\n",
		  buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"ports\":[{\"protocol\":\"TCP\",\"port\":80},"
				    "{\"protocol\":\"UDP\"},"
				    "{\"protocol\":\"SCTP\",\"port\":1000,\"endPort\":2000},"
				    "{\"protocol\":\"TCP\"}]"));
}

static const char full_policy[] =
    "# a policy using every field\n"
    "apiVersion: networking.k8s.io/v1\n"
    "kind: NetworkPolicy\n"
    "metadata:\n"
    "  name: every-field.v2\n"
    "  namespace: prod\n"
    "  labels: {team: shop, tier: \"\"}\n"
    "  annotations:\n"
    "    example.com/owner: \"Shop team <shop@example.com>\"\n"
    "spec:\n"
    "  podSelector:\n"
    "    matchLabels:\n"
    "      app: db\n"
    "    matchExpressions:\n"
    "    - {key: tier, operator: In, values: [primary, replica]}\n"
    "    - {key: canary, operator: DoesNotExist}\n"
    "  policyTypes: [Ingress, Egress]\n"
    "  ingress:\n"
    "  - from:\n"
    "    - podSelector: {matchLabels: {app: api}}\n"
    "      namespaceSelector: {matchLabels: {env: prod}}\n"
    "    - namespaceSelector:\n"
    "        matchExpressions: [{key: env, operator: NotIn, values: [dev]}]\n"
    "    - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24, 10.0.2.128/25]}\n"
    "    ports:\n"
    "    - {protocol: TCP, port: 5432}\n"
    "  - {}\n"
    "  egress:\n"
    "  - to:\n"
    "    - podSelector: {}\n"
    "    ports: [{protocol: UDP, port: 53}, {port: 8080, endPort: 8090}]\n";

/* pol_doc_json -> pol_doc_from_json -> pol_doc_json is the identity. */
static void test_roundtrip(void **state)
{
	char a[8192], b[8192];
	struct pol_doc *d = NULL;
	struct errmsg em = {0};
	json_object *o;

	parse_one(full_policy, a, sizeof(a));
	o = json_tokener_parse(a);
	assert_non_null(o);
	assert_int_equal(pol_doc_from_json(o, &d, &em), 0);
	json_object_put(o);
	o = pol_doc_json(d);
	snprintf(b, sizeof(b), "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	pol_doc_free(d);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"labels\":{\"team\":\"shop\",\"tier\":\"\"}"));
	assert_non_null(strstr(a, "\"except\":[\"10.0.1.0/24\",\"10.0.2.128/25\"]"));
	assert_non_null(strstr(a, "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"}"));
	/* the same text as JSON gives the same document */
	parse_one(b, a, sizeof(a));
	assert_string_equal(a, b);
}

static void test_from_json_errors(void **state)
{
	struct pol_doc *d = (struct pol_doc *)&d;
	struct errmsg em = {0};
	json_object *o =
	    json_tokener_parse("{\"apiVersion\":\"networking.k8s.io/v1\","
			       "\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"x\"},"
			       "\"spec\":{\"podSelector\":{},\"ingress\":[{\"ports\":"
			       "[{\"port\":80,\"endPort\":70}]}]}}");

	assert_int_equal(pol_doc_from_json(o, &d, &em), -EINVAL);
	assert_null(d);
	assert_string_equal(em.msg, "policy x: endPort 70 is below port 80 "
				    "(in spec.ingress[0].ports[0])");
	json_object_put(o);
	memset(&em, 0, sizeof(em));
	assert_int_equal(pol_doc_from_json(NULL, &d, &em), -EINVAL);
	assert_non_null(strstr(em.msg, "must be a mapping"));
}

/* pol_parse_root: one document from yj_parse, numbered by the caller. */
static void test_parse_root(void **state)
{
	static const char text[] = SPEC "  ingress: [{ports: [{port: 0}]}]\n";
	struct pol_doc *d = (struct pol_doc *)&d;
	struct errmsg em = {0};
	json_object **roots;
	size_t n;

	assert_int_equal(yj_parse(text, strlen(text), &roots, &n, &em), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pol_parse_root(roots[0], 3, &d, &em), -EINVAL);
	assert_null(d);
	assert_string_equal(em.msg, "document 3 (p), line 7: port 0 is out of range (1-65535) "
				    "(in spec.ingress[0].ports[0])");
	yj_docs_free(roots, n);
}

static void test_multi_doc(void **state)
{
	static const char text[] =
	    "---\n" SPEC "---\n"
	    "# only a comment: an empty document, skipped\n"
	    "---\n"
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: NetworkPolicy\n"
	    "metadata: {name: p, namespace: other}\n"
	    "spec: {podSelector: {}}\n"
	    "...\n"
	    "---\n"
	    "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\",\n"
	    " \"metadata\": {\"name\": \"q\"}, \"spec\": {\"podSelector\": {}}}\n";
	struct pol_doc **docs;
	struct errmsg em;
	size_t n;

	assert_int_equal(parse(text, &docs, &n, &em), 0);
	assert_int_equal(n, 3);
	assert_string_equal(pol_doc_name(docs[0]), "p");
	assert_string_equal(pol_doc_namespace(docs[0]), "default");
	assert_string_equal(pol_doc_namespace(docs[1]), "other");
	assert_string_equal(pol_doc_name(docs[2]), "q");
	pol_docs_free(docs, n);
}

/* One bad document rejects the whole text; the message names document and line. */
static void test_multi_doc_error(void **state)
{
	static const char text[] = SPEC "---\n"
					"apiVersion: networking.k8s.io/v1\n" /* line 8 */
					"kind: NetworkPolicy\n"
					"metadata:\n"
					"  name: deny-db\n"
					"spec:\n"
					"  podSelector: {}\n"
					"  ingress:\n" /* 14 */
					"  - ports:\n"
					"    - port: 80\n"
					"      endPort: 70\n" /* 17 */
					"---\n" SPEC;
	struct pol_doc **docs;
	struct errmsg em;
	size_t n;

	assert_int_equal(parse(text, &docs, &n, &em), -EINVAL);
	assert_string_equal(em.msg, "document 2 (deny-db), line 17: endPort 70 is below port 80 "
				    "(in spec.ingress[0].ports[0])");
}

static void test_duplicate_policy(void **state)
{
	expect_error(SPEC "---\n" SPEC, "document 2 (p): policy default/p is already defined by "
					"document 1");
	expect_error(SPEC "---\n" HDR "  namespace: default\nspec: {podSelector: {}}\n",
		     "already defined");
}

static void test_json_input(void **state)
{
	static const char text[] = "{\n"
				   "\t\"apiVersion\":\"networking.k8s.io/v1\",\n"
				   "\t\"kind\":\"NetworkPolicy\",\n"
				   "\t\"metadata\":{\"name\":\"web\",\"namespace\":\"prod\"},\n"
				   "\t\"spec\":{\n"
				   "\t\t\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},\n"
				   "\t\t\"ingress\":[{\"ports\":[{\"port\":443}]}]\n"
				   "\t}\n"
				   "}\n";
	static const char bad[] = "{\n"
				  "  \"apiVersion\": \"networking.k8s.io/v1\",\n"
				  "  \"kind\": \"NetworkPolicy\",\n"
				  "  \"metadata\": {\"name\": \"web\"},\n"
				  "  \"spec\": {\n"
				  "    \"podSelector\": {},\n"
				  "    \"ingress\": [{\"ports\": [{\"port\": \"https\"}]}]\n"
				  "  }\n"
				  "}\n";
	char buf[2048];

	parse_one(text, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}}"));
	assert_non_null(strstr(buf, "\"ports\":[{\"protocol\":\"TCP\",\"port\":443}]"));
	expect_error(bad, "document 1 (web), line 7: named port \"https\" is not supported");
}

static void test_line_numbers(void **state)
{
	expect_error(
	    SPEC "  ingress:\n"
		 "  - from:\n"
		 "    - podSelector:\n"
		 "        matchLabels:\n"
		 "          app: web\n"
		 "          Bad Key: x\n",
	    "document 1 (p), line 12: matchLabels key \"Bad Key\" is not a valid label key "
	    "(in spec.ingress[0].from[0].podSelector.matchLabels)");
	expect_error(SPEC "  egress:\n"
			  "  - to:\n"
			  "    - ipBlock:\n"
			  "        cidr: 10.0.0.0/8\n"
			  "        except:\n"
			  "        - 10.1.0.0/16\n"
			  "        - 192.168.0.0/16\n",
		     "line 13: except 192.168.0.0/16 is not strictly inside cidr 10.0.0.0/8");
	expect_error(SPEC "  policyTypes:\n  - Ingress\n  - egress\n",
		     "line 9: policyTypes entry \"egress\" is not Ingress or Egress");
	expect_error("apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata:\n"
		     "  name: x\n"
		     "  namespace: Prod\n",
		     "document 1 (x), line 5: metadata.namespace \"Prod\" is not a DNS-1123 label");
}

static void test_yaml_errors(void **state)
{
	expect_error(SPEC "  ingress: [\n", "document 1, line ");
	expect_error(SPEC "  ingress: [\n", "YAML syntax error");
	expect_error(SPEC "---\n" HDR "spec:\n  podSelector: {}\n  podSelector: {}\n",
		     "document 2, line 14: duplicate key \"podSelector\"");
	expect_error(SPEC "  ingress:\n  - &r {}\n  - *r\n",
		     "line 9: YAML aliases (*name) are not supported");
	expect_error(SPEC "  ingress:\n  - ? [a]\n    : b\n", "a mapping key must be a scalar");
	expect_error("a: \"x\\0y\"\n", "NUL byte");
	expect_error("- a\n- b\n", "document 1, line 1: a document (a NetworkPolicy) must be a "
				   "mapping");
	expect_error("just text\n", "must be a mapping");
	expect_error("", "no NetworkPolicy document");
	expect_error("# nothing\n---\n", "no NetworkPolicy document");
	expect_error(SPEC "  ingress:\n  - ports: [{port: !!int eighty}]\n",
		     "\"eighty\" does not fit its tag");
	expect_error(SPEC "  ingress:\n  - ports: [{port: !!float 80}]\n",
		     "line 8: tag tag:yaml.org,2002:float is not supported");
	expect_error(
	    "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	    "document 1, line 1: nesting is too deep");
}

static void test_header_errors(void **state)
{
	expect_error("kind: NetworkPolicy\nmetadata: {name: a}\nspec: {podSelector: {}}\n",
		     "document 1 (a), line 1: apiVersion is required");
	expect_error("apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\n"
		     "metadata: {name: a}\n",
		     "document 1 (a), line 1: apiVersion must be networking.k8s.io/v1, not "
		     "\"networking.k8s.io/v1beta1\"");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: Deployment\nmetadata: {name: a}\n",
		     "line 2: kind must be NetworkPolicy, not \"Deployment\"");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n",
		     "metadata is required");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {}\n",
		     "metadata.name is required");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: Deny_DB}\nspec: {podSelector: {}}\n",
		     "document 1, line 3: metadata.name \"Deny_DB\" is not a DNS-1123 subdomain");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: 5}\n",
		     "metadata.name must be a string");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, namespace: my_ns}\n",
		     "is not a DNS-1123 label");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, namespace: }\n",
		     "namespace is empty (null)");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, namepsace: prod}\n",
		     "line 3: unknown field \"namepsace\" (known: name, namespace, labels, "
		     "annotations)");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, labels: {app: 1}}\n",
		     "metadata.labels value of \"app\" must be a string");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, labels: {app: \"a b\"}}\n",
		     "not a valid label value");
	expect_error(HDR "status: {}\n", "line 5: unknown field \"status\"");
	expect_error(HDR, "document 1 (p), line 1: spec is required");
	expect_error(HDR "spec:\n", "spec must be a mapping, not null");
}

static void test_spec_errors(void **state)
{
	expect_error(HDR "spec: {policyTypes: [Ingress]}\n", "podSelector is required");
	expect_error(HDR "spec:\n  podSelector:\n", "line 6: a label selector must be a mapping, "
						    "not null (in spec.podSelector)");
	expect_error(HDR "spec:\n  podselector: {}\n",
		     "line 6: unknown field \"podselector\" (did you mean \"podSelector\"?) (in "
		     "spec)");
	expect_error(SPEC "  policyTypes: [Ingress, Ingress]\n", "policyTypes lists Ingress twice");
	expect_error(SPEC "  policyTypes: Ingress\n", "policyTypes must be a list");
	expect_error(SPEC "  policyTypes: [~]\n",
		     "policyTypes entry \"null\" is not Ingress or Egress");
	expect_error(SPEC "  policyTypes: [Ingress]\n  egress: [{}]\n",
		     "line 8: egress rules are given but policyTypes leaves out Egress");
	expect_error(SPEC "  policyTypes: [Egress]\n  ingress: [{}]\n",
		     "ingress rules are given but policyTypes leaves out Ingress");
	expect_error(SPEC "  ingress: {}\n", "ingress must be a list");
	expect_error(SPEC "  ingress:\n  -\n", "line 8: a rule ({} allows everything) must be a "
					       "mapping, not null (in spec.ingress[0])");
	expect_error(SPEC "  ingress:\n  - form: []\n",
		     "line 8: unknown field \"form\" (known: from, ports) (in spec.ingress[0])");
	expect_error(SPEC "  egress:\n  - from: []\n",
		     "unknown field \"from\" (known: to, ports) (in spec.egress[0])");
	expect_error(SPEC "  ingress:\n  - from:\n", "line 8: from is empty (null)");
	expect_error(SPEC "  ingress:\n  - ports:\n", "ports is empty (null)");
}

static void test_selector_errors(void **state)
{
	expect_error(SPEC "  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n",
		     "matchLabels is empty (null)");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: {app: 5}}\n",
		     "matchLabels value of \"app\" must be a string (quote it)");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: {app: true}}\n", "must be a string");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: {app: -web}}\n",
		     "matchLabels value \"-web\" of \"app\" is not a valid label value");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: [app]}\n",
		     "matchLabels must be a mapping");
	expect_error(HDR "spec:\n  podSelector: {matchlabels: {}}\n",
		     "did you mean \"matchLabels\"?");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: in, values: [a]}\n",
		     "line 8: operator \"in\" is not In, NotIn, Exists or DoesNotExist (in "
		     "spec.podSelector.matchExpressions[0])");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In}\n",
		     "operator In needs a non-empty values list");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: NotIn, values: []}\n",
		     "operator NotIn needs a non-empty values list");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: Exists, values: [a]}\n",
		     "operator Exists takes no values");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: DoesNotExist, values: [a]}\n",
		     "operator DoesNotExist takes no values");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {operator: Exists}\n",
		     "a matchExpressions entry needs a key");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app}\n",
		     "a matchExpressions entry needs an operator");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: a/b/c, operator: Exists}\n",
		     "key \"a/b/c\" is not a valid label key");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In, values: [ok, \"not ok\"]}\n",
		     "value \"not ok\" of \"app\" is not a valid label value");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In, values: [1]}\n",
		     "value of \"app\" must be a string");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: Exists, value: [a]}\n",
		     "unknown field \"value\" (known: key, operator, values)");
}

static void test_peer_errors(void **state)
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
	expect_error(SPEC "  ingress:\n  - from:\n    - namespaceSelector:\n",
		     "a label selector must be a mapping, not null (in "
		     "spec.ingress[0].from[0].namespaceSelector)");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {except: [10.0.0.0/8]}\n",
		     "ipBlock needs a cidr");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0}\n",
		     "cidr \"10.0.0.0\" is not an IPv4 CIDR (a.b.c.d/n)");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/33}\n",
		     "is not an IPv4 CIDR");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: \"fd00::/8\"}\n",
		     "cidr fd00::/8 is IPv6: Hyperion carries IPv4 only");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.1/8}\n",
		     "cidr 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)");
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
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n"
			  "        except:\n",
		     "except is empty (null)");
	expect_error(SPEC "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, "
			  "except: [10.1.0.1/16]}\n",
		     "except 10.1.0.1/16 has host bits set");
}

static void test_port_errors(void **state)
{
#define PORTS SPEC "  ingress:\n  - ports:\n    - "
	expect_error(PORTS "{protocol: ICMP}\n",
		     "line 9: protocol \"ICMP\" is not TCP, UDP or SCTP (in "
		     "spec.ingress[0].ports[0])");
	expect_error(PORTS "{protocol: tcp}\n", "protocol \"tcp\" is not TCP, UDP or SCTP");
	expect_error(PORTS "{port: 0}\n", "port 0 is out of range (1-65535)");
	expect_error(PORTS "{port: 65536}\n", "port 65536 is out of range (1-65535)");
	expect_error(PORTS "{port: -1}\n", "port -1 is out of range");
	expect_error(
	    PORTS "{port: 99999999999999999999}\n",
	    "port \"99999999999999999999\" must be a number from 1 to 65535, without quotes");
	expect_error(PORTS "{port: http}\n",
		     "named port \"http\" is not supported: Hyperion has no container port names");
	expect_error(PORTS "{port: \"80\"}\n",
		     "port \"80\" must be a number from 1 to 65535, without quotes");
	expect_error(PORTS "{port: 80.5}\n", "named port \"80.5\"");
	expect_error(PORTS "{port: [80]}\n", "port must be a number from 1 to 65535");
	expect_error(PORTS "{port: }\n", "port is empty (null)");
	expect_error(PORTS "{endPort: 90}\n", "endPort needs port");
	expect_error(PORTS "{port: 80, endPort: 79}\n", "endPort 79 is below port 80");
	expect_error(PORTS "{port: 80, endPort: 65536}\n", "endPort 65536 is out of range");
	expect_error(PORTS "{port: 80, endPort: \"90\"}\n", "endPort \"90\" must be a number");
	expect_error(PORTS "{port: 80, endport: 90}\n",
		     "unknown field \"endport\" (did you mean \"endPort\"?)");
	expect_error(PORTS "80\n", "a ports entry must be a mapping");
#undef PORTS
}

/* Plain scalars become ints, booleans and nulls; quoted ones stay strings. */
static void test_yaml_scalars(void **state)
{
	static const char text[] = "a: 80\nb: \"80\"\nc: true\nd: 'false'\ne: ~\nf: null\ng:\n"
				   "h: -7\ni: 080\nj: 1.5\nk: !!str 5\nl: |\n  x\nm: +3\n";
	json_object **docs, *o, *v;
	struct errmsg em = {0};
	size_t n;

	assert_int_equal(yj_parse(text, strlen(text), &docs, &n, &em), 0);
	assert_int_equal(n, 1);
	o = docs[0];
	assert_true(json_object_object_get_ex(o, "a", &v) && json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int(v), 80);
	assert_int_equal(yj_line(v), 1);
	assert_true(json_object_object_get_ex(o, "b", &v) &&
		    json_object_is_type(v, json_type_string));
	assert_true(json_object_object_get_ex(o, "c", &v) &&
		    json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(o, "d", &v) &&
		    json_object_is_type(v, json_type_string));
	assert_true(json_object_object_get_ex(o, "e", &v) && !v);
	assert_true(json_object_object_get_ex(o, "f", &v) && !v);
	assert_true(json_object_object_get_ex(o, "g", &v) && !v);
	assert_true(json_object_object_get_ex(o, "h", &v) && json_object_get_int(v) == -7);
	assert_true(json_object_object_get_ex(o, "i", &v) &&
		    json_object_is_type(v, json_type_string));
	assert_true(json_object_object_get_ex(o, "j", &v) &&
		    json_object_is_type(v, json_type_string));
	assert_true(json_object_object_get_ex(o, "k", &v) &&
		    json_object_is_type(v, json_type_string));
	assert_true(json_object_object_get_ex(o, "l", &v) &&
		    !strcmp(json_object_get_string(v), "x\n"));
	assert_true(json_object_object_get_ex(o, "m", &v) && json_object_get_int(v) == 3);
	assert_int_equal(yj_key_line(o, "g"), 7);
	assert_int_equal(yj_key_line(o, "m"), 14);
	assert_int_equal(yj_key_line(o, "zz"), 1);
	yj_docs_free(docs, n);
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal),
	    cmocka_unit_test(test_accessors),
	    cmocka_unit_test(test_default_policy_types),
	    cmocka_unit_test(test_canonical_defaults),
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_from_json_errors),
	    cmocka_unit_test(test_parse_root),
	    cmocka_unit_test(test_multi_doc),
	    cmocka_unit_test(test_multi_doc_error),
	    cmocka_unit_test(test_duplicate_policy),
	    cmocka_unit_test(test_json_input),
	    cmocka_unit_test(test_line_numbers),
	    cmocka_unit_test(test_yaml_errors),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_spec_errors),
	    cmocka_unit_test(test_selector_errors),
	    cmocka_unit_test(test_peer_errors),
	    cmocka_unit_test(test_port_errors),
	    cmocka_unit_test(test_yaml_scalars),
	    cmocka_unit_test(test_empty_and_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
