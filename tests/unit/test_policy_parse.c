// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/policy, documents: YAML/JSON parsing into canonical
 * JSON (defaults written out), round trips through pol_doc_from_json,
 * multi-document texts (the error names the document and the line),
 * duplicate policies, JSON input, YAML scalars. Refusals are in
 * test_policy_parse_errors.c and test_policy_parse_peers.c, what
 * Kubernetes accepts with a meaning of its own in
 * test_policy_parse_warnings.c.
 */
#include "policy_parse_fixture.h"

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
				  "    \"ingress\": [{\"ports\": [{\"port\": \"Https\"}]}]\n"
				  "  }\n"
				  "}\n";
	char buf[2048];

	parse_one(text, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}}"));
	assert_non_null(strstr(buf, "\"ports\":[{\"protocol\":\"TCP\",\"port\":443}]"));
	expect_error(bad, "document 1 (web), line 7: port \"Https\" is not a port number or a port "
			  "name");
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
	    cmocka_unit_test(test_yaml_scalars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
