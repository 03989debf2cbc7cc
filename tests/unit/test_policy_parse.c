// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/policy: YAML/JSON parsing and NetworkPolicy validation
 * (every error names the document, the policy, the line and the reason),
 * multi-document texts, canonical JSON round trips; what the Kubernetes
 * API server accepts is accepted with its meaning (the canonical JSON says
 * it) and a warning where it is surprising, what it refuses is refused.
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

/* The text parses into one document with no warning; its canonical JSON. */
static const char *parse_quiet(const char *text, char *buf, size_t len)
{
	struct pol_doc **docs = NULL;
	struct errmsg em;
	size_t n = 0;

	assert_int_equal(parse(text, &docs, &n, &em), 0);
	assert_int_equal(n, 1);
	if (pol_doc_n_warnings(docs[0]))
		fail_msg("unexpected warning \"%s\":\n%s", pol_doc_warning(docs[0], 0), text);
	pol_docs_free(docs, n);
	return parse_one(text, buf, len);
}

/*
 * The text is accepted as one document whose warnings are exactly the
 * NULL-terminated want (each a substring of one warning, in order); its
 * canonical JSON.
 */
static const char *parse_warn(const char *text, char *buf, size_t len, const char *const *want)
{
	struct pol_doc **docs = NULL;
	struct errmsg em;
	size_t n = 0, k = 0;

	if (parse(text, &docs, &n, &em))
		fail_msg("refused: %s\n%s", em.msg, text);
	assert_int_equal(n, 1);
	for (; want[k]; k++) {
		const char *w = pol_doc_warning(docs[0], k);

		if (!w)
			fail_msg("no warning \"%s\" (only %zu):\n%s", want[k], k, text);
		if (!strstr(w, want[k]))
			fail_msg("warning \"%s\" lacks \"%s\"", w, want[k]);
	}
	if (pol_doc_n_warnings(docs[0]) != k)
		fail_msg("extra warning \"%s\":\n%s", pol_doc_warning(docs[0], k), text);
	assert_null(pol_doc_warning(docs[0], k));
	pol_docs_free(docs, n);
	return parse_one(text, buf, len);
}

#define WARN(...) ((const char *const[]){__VA_ARGS__, NULL})

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

	parse_quiet(SPEC, buf, sizeof(buf));
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

	parse_quiet(full_policy, a, sizeof(a));
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
	expect_error(HDR "spec: []\n", "line 5: spec must be a mapping");
	expect_error(HDR "spec: 5\n", "spec must be a mapping");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n",
		     "metadata must be a mapping, not null");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: }\n",
		     "metadata.name is required");
}

static void test_spec_errors(void **state)
{
	expect_error(HDR "spec:\n  podSelector: []\n", "line 6: a label selector must be a mapping "
						       "(in spec.podSelector)");
	expect_error(HDR "spec:\n  podselector: {}\n",
		     "line 6: unknown field \"podselector\" (did you mean \"podSelector\"?) (in "
		     "spec)");
	/* the API server's limit, even when every entry is valid */
	expect_error(SPEC "  policyTypes: [Ingress, Egress, Ingress]\n",
		     "line 7: policyTypes lists 3 types: at most two (Ingress, Egress)");
	expect_error(SPEC "  policyTypes: Ingress\n", "policyTypes must be a list");
	expect_error(SPEC "  policyTypes: [~]\n",
		     "policyTypes entry \"null\" is not Ingress or Egress");
	expect_error(SPEC "  policyTypes: [\"\"]\n",
		     "policyTypes entry \"\" is not Ingress or Egress");
	expect_error(SPEC "  ingress: {}\n", "ingress must be a list");
	expect_error(SPEC "  ingress:\n  - 5\n", "line 8: a rule ({} allows everything) must be a "
						 "mapping (in spec.ingress[0])");
	expect_error(SPEC "  ingress:\n  - form: []\n",
		     "line 8: unknown field \"form\" (known: from, ports) (in spec.ingress[0])");
	expect_error(SPEC "  egress:\n  - from: []\n",
		     "unknown field \"from\" (known: to, ports) (in spec.egress[0])");
	expect_error(SPEC "  ingress:\n  - from: {}\n", "from must be a list");
	expect_error(SPEC "  ingress:\n  - ports: 80\n", "ports must be a list");
}

static void test_selector_errors(void **state)
{
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n    -\n",
		     "a matchExpressions entry must be a mapping, not null");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: , operator: Exists}\n",
		     "a matchExpressions entry needs a key");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In, values: }\n",
		     "operator In needs a non-empty values list");
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
	expect_error(PORTS "{endPort: 90}\n", "endPort needs port");
	expect_error(PORTS "{port: , endPort: 90}\n", "endPort needs port");
	expect_error(PORTS "{port: 80, endPort: 0}\n", "endPort 0 is out of range");
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

/* An IPv6 block is valid: kept canonical, it matches no endpoint here. */
static void test_ipv6_ipblock(void **state)
{
	char a[2048], b[2048];
	struct pol_doc *d = NULL;
	struct errmsg em = {0};
	json_object *o;

	parse_warn(SPEC "  ingress:\n  - from:\n"
			"    - ipBlock: {cidr: \"FD00:0::/8\", except: [\"fd00:0:1::/48\", "
			"\"fd00:ff::/32\"]}\n"
			"    - ipBlock: {cidr: \"::/0\"}\n",
		   a, sizeof(a),
		   WARN("line 9: cidr fd00::/8 is IPv6: Hyperion carries IPv4 only, so this peer "
			"matches nothing (in spec.ingress[0].from[0].ipBlock)",
			"line 10: cidr ::/0 is IPv6"));
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
	    cmocka_unit_test(test_spec_defaults),
	    cmocka_unit_test(test_types_leave_out_rules),
	    cmocka_unit_test(test_empty_means_all),
	    cmocka_unit_test(test_null_selectors),
	    cmocka_unit_test(test_ipv6_ipblock),
	    cmocka_unit_test(test_warnings_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
