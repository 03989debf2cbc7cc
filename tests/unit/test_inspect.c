// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/inspect, documents: InspectionPolicy validation
 * (messages with document, name and line), the pattern limits, canonical
 * JSON through the store and back, and the example file. The DFA is
 * tested in test_inspect_dfa.c, test_inspect_naive.c and
 * test_inspect_layout.c.
 */
#include "inspect_fixture.h"

#define HEAD                                                                                       \
	"apiVersion: hyperion.io/v1\n"                                                             \
	"kind: InspectionPolicy\n"                                                                 \
	"metadata:\n"                                                                              \
	"  name: block-passwd\n"                                                                   \
	"spec:\n"
#define SEL  "  podSelector: {}\n"    /* line 6 */
#define DIR  "  direction: ingress\n" /* line 7 */
#define ACT  "  action: drop\n"	      /* line 8 */
#define PATS "  patterns:\n"	      /* line 9; its entries from line 10 */
#define STD  HEAD SEL DIR ACT PATS

static const char example_yaml[] = "# a comment\n" HEAD "  podSelector:\n"
				   "    matchLabels: {tier: web}\n"
				   "    matchExpressions:\n"
				   "    - {key: track, operator: NotIn, values: [canary]}\n"
				   "  direction: egress\n"
				   "  ports:\n"
				   "  - port: 80\n"
				   "  - {protocol: UDP, port: 5000, endPort: 5100}\n"
				   "  action: alert\n"
				   "  patterns:\n"
				   "  - pattern: /etc/passwd\n"
				   "  - pattern: 'UNION \\\\ SELECT'\n"
				   "    caseInsensitive: true\n"
				   "  - pattern: '\\x00\\xFF\\x5c'\n"
				   "    caseInsensitive: false\n";

static void test_doc_valid(void **state)
{
	const struct doc_port *ports;
	struct insp_pattern *pats;
	struct insp_doc *d = NULL;
	struct errmsg em;
	struct labels ls = {0};
	size_t n;

	if (parse_one(example_yaml, &d, &em))
		fail_msg("%s", em.msg);
	assert_string_equal(insp_doc_name(d), "block-passwd");
	assert_string_equal(insp_doc_namespace(d), "default");
	assert_int_equal(insp_doc_direction(d), HYP_DIR_EGRESS);
	assert_int_equal(insp_doc_action(d), HYP_INSPECT_ALERT);
	assert_int_equal(insp_doc_ports(d, &ports), 2);
	assert_int_equal(ports[0].proto, 6);
	assert_int_equal(ports[0].port, 80);
	assert_int_equal(ports[0].end_port, 0);
	assert_int_equal(ports[1].proto, 17);
	assert_int_equal(ports[1].port, 5000);
	assert_int_equal(ports[1].end_port, 5100);

	assert_int_equal(insp_doc_patterns(d, 7, &pats, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(pats[0].id, 7);
	assert_int_equal(pats[2].id, 9);
	assert_int_equal(pats[0].len, 11);
	assert_memory_equal(pats[0].bytes, "/etc/passwd", 11);
	assert_false(pats[0].nocase);
	assert_int_equal(pats[1].len, 14);
	assert_memory_equal(pats[1].bytes, "UNION \\ SELECT", 14);
	assert_true(pats[1].nocase);
	assert_int_equal(pats[2].len, 3);
	assert_memory_equal(pats[2].bytes, "\x00\xff\\", 3);
	assert_false(pats[2].nocase);
	free(pats);
	assert_int_equal(insp_doc_patterns(d, 0, &pats, &n), -ERANGE);
	assert_int_equal(insp_doc_patterns(d, UINT32_MAX - 1, &pats, &n), -ERANGE);

	/* selection: namespace "default", tier=web, track not canary */
	assert_int_equal(labels__set(&ls, "tier", "web"), 0);
	assert_true(insp_doc_selects(d, &ls));
	assert_int_equal(labels__set(&ls, "track", "canary"), 0);
	assert_false(insp_doc_selects(d, &ls));
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(labels__set(&ls, "tier", "web"), 0);
	assert_int_equal(labels__set(&ls, "namespace", "shop"), 0);
	assert_false(insp_doc_selects(d, &ls));
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(labels__set(&ls, "tier", "db"), 0);
	assert_false(insp_doc_selects(d, &ls));
	insp_doc_free(d);
}

static void test_doc_limits_ok(void **state)
{
	char yaml[8192], esc[4 * INSPECT_PATTERN_MAX + 1];
	struct insp_pattern *pats;
	struct insp_doc *d;
	struct errmsg em;
	size_t n;

	/* 256 bytes written as 1024 characters of \x escapes is at the limit */
	for (int i = 0; i < INSPECT_PATTERN_MAX; i++)
		memcpy(esc + 4 * i, "\\x41", 4);
	esc[4 * INSPECT_PATTERN_MAX] = '\0';
	snprintf(yaml, sizeof(yaml), STD "  - pattern: '%s'\n", esc);
	if (parse_one(yaml, &d, &em))
		fail_msg("%s", em.msg);
	assert_int_equal(insp_doc_patterns(d, 1, &pats, &n), 0);
	assert_int_equal(pats[0].len, INSPECT_PATTERN_MAX);
	assert_int_equal(pats[0].bytes[255], 'A');
	free(pats);
	insp_doc_free(d);
}

struct bad_case {
	const char *yaml;
	const char *want; /* a substring of the message */
};

static const struct bad_case bad_cases[] = {
    /* the message of the brief, exactly */
    {HEAD SEL "  patterns:\n  - pattern: /etc/passwd\n  - pattern: 'a\\qb'\n" DIR ACT,
     "document 1 (block-passwd), line 9: bad escape \"\\q\" in pattern 2"},
    {STD "  - pattern: /etc/passwd\n  - pattern: '\\q'\n",
     "document 1 (block-passwd), line 11: bad escape \"\\q\" in pattern 2"},
    {STD "  - pattern: '\\x4g'\n", "line 10: bad escape \"\\x4g\" in pattern 1"},
    {STD "  - pattern: 'ab\\x4'\n", "line 10: bad escape \"\\x4\" in pattern 1"},
    {STD "  - pattern: 'ab\\X41'\n", "line 10: bad escape \"\\X\" in pattern 1"},
    {STD "  - pattern: '\\n'\n", "line 10: bad escape \"\\n\" in pattern 1"},
    {STD "  - pattern: 'ab\\'\n", "line 10: bad escape: pattern 1 ends in a lone \"\\\""},
    {STD "  - pattern: \"a\\\\\\t\"\n", "line 10: bad escape: \"\\\" followed by byte 0x09"},
    {STD "  - pattern: x\n  - pattern: ''\n", "line 11: pattern 2 is empty"},
    {HEAD SEL DIR ACT "  patterns: []\n", "line 9: spec.patterns is empty"},
    {HEAD SEL DIR ACT "  patterns:\n", "line 9: spec.patterns is empty"},
    {HEAD SEL DIR ACT, "(block-passwd), line 6: spec.patterns is required"},
    {HEAD SEL DIR ACT "  patterns: /etc/passwd\n", "line 9: spec.patterns must be a list"},
    {STD "  - /etc/passwd\n", "line 10: pattern 1 must be a mapping"},
    {STD "  - pattern: 42\n", "line 10: pattern 1 must be a string"},
    {STD "  - pattern: x\n    nocase: true\n",
     "line 11: unknown field \"nocase\" (known: pattern, caseInsensitive) (in "
     "spec.patterns[0])"},
    {STD "  - caseInsensitive: true\n", "line 10: pattern 1 has no \"pattern\" field"},
    {STD "  - pattern: x\n    caseInsensitive: \"yes\"\n",
     "line 11: caseInsensitive of pattern 1 must be true or false"},
    {STD "  - pattern: x\n    caseInsensitive:\n",
     "line 11: caseInsensitive of pattern 1 must be true or false"},
    {HEAD SEL "  direction: both\n" ACT PATS "  - pattern: x\n",
     "line 7: spec.direction \"both\" is not ingress or egress"},
    {HEAD SEL "  direction:\n" ACT PATS "  - pattern: x\n",
     "line 7: spec.direction \"null\" is not ingress or egress"},
    {HEAD SEL ACT PATS "  - pattern: x\n", "spec.direction is required (ingress or egress)"},
    {HEAD SEL DIR "  action: block\n" PATS "  - pattern: x\n",
     "line 8: spec.action \"block\" is not drop or alert"},
    {HEAD SEL DIR PATS "  - pattern: x\n", "spec.action is required (drop or alert)"},
    {HEAD SEL DIR "  Action: drop\n" PATS "  - pattern: x\n",
     "line 8: unknown field \"Action\" (did you mean \"action\"?)"},
    {HEAD DIR ACT PATS "  - pattern: x\n", "spec.podSelector is required"},
    {HEAD "  podSelector:\n    matchExpressions:\n    - {key: a, operator: Bogus}\n" DIR ACT PATS
	  "  - pattern: x\n",
     "line 8: operator \"Bogus\" is not In, NotIn, Exists or DoesNotExist (in "
     "spec.podSelector.matchExpressions[0])"},
    {HEAD "  podSelector:\n    matchLabels: {app: 5}\n" DIR ACT PATS "  - pattern: x\n",
     "line 7: matchLabels value of \"app\" must be a string"},
    {STD "  - pattern: x\n  ports:\n  - protocol: SCTP\n",
     "line 12: protocol \"SCTP\" is not TCP or UDP (in spec.ports[0])"},
    {STD "  - pattern: x\n  ports:\n  - port: 0\n", "line 12: port 0 is out of range (1-65535)"},
    {STD "  - pattern: x\n  ports:\n  - port: 80\n  - port: 70000\n",
     "line 13: port 70000 is out of range (1-65535) (in spec.ports[1])"},
    {STD "  - pattern: x\n  ports:\n  - port: \"80\"\n", "line 12: port \"80\" is a string"},
    {STD "  - pattern: x\n  ports:\n  - port: http\n", "line 12: port \"http\" is a string"},
    {STD "  - pattern: x\n  ports:\n  - port: 80\n    endPort: 79\n",
     "line 13: endPort 79 is below port 80"},
    {STD "  - pattern: x\n  ports:\n  - endPort: 79\n", "line 12: endPort needs port"},
    {STD "  - pattern: x\n  ports:\n  - {port: 80, proto: TCP}\n", "unknown field \"proto\""},
    {STD "  - pattern: x\n  ports: 80\n", "line 11: ports must be a list"},
    {"apiVersion: hyperion.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\n",
     "document 1 (a), line 2: kind must be InspectionPolicy, not \"NetworkPolicy\""},
    {"apiVersion: v1\nkind: InspectionPolicy\n",
     "document 1, line 1: apiVersion must be hyperion.io/v1"},
    {"apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata:\n  name: a\n  labels: "
     "{x: y}\n",
     "document 1 (a), line 5: unknown field \"labels\""},
    {"apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata:\n  name: Block_1\n",
     "document 1, line 4: metadata.name \"Block_1\" is not a DNS-1123 subdomain"},
    {"apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata:\n  name: a\n  namespace: "
     "a.b\n",
     "line 5: metadata.namespace \"a.b\" is not a DNS-1123 label"},
    {"apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nspec: {}\n", "metadata is required"},
    {"[1, 2]\n", "document 1, line 1: a document (an InspectionPolicy) must be a mapping"},
    /* the second document's index and name */
    {STD "  - pattern: x\n---\napiVersion: hyperion.io/v1\nkind: InspectionPolicy\n"
	 "metadata:\n  name: second\nspec:\n  podSelector: {}\n  direction: ingress\n"
	 "  action: drop\n  patterns:\n  - pattern: '\\z'\n",
     "document 2 (second), line 21: bad escape \"\\z\" in pattern 1"},
};

static void test_doc_errors(void **state)
{
	struct insp_doc *docs[4];
	struct errmsg em;
	size_t n;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		int err = parse_all(bad_cases[i].yaml, docs, 4, &n, &em);

		if (err != -EINVAL || !strstr(em.msg, bad_cases[i].want))
			fail_msg("case %zu: got %d \"%s\", want -EINVAL \"%s\"", i, err, em.msg,
				 bad_cases[i].want);
	}
}

static void test_doc_too_long(void **state)
{
	char yaml[4096], p[INSPECT_PATTERN_MAX + 2];
	struct insp_doc *d;
	struct errmsg em;

	memset(p, 'a', INSPECT_PATTERN_MAX + 1);
	p[INSPECT_PATTERN_MAX + 1] = '\0';
	snprintf(yaml, sizeof(yaml), STD "  - pattern: x\n  - pattern: %s\n", p);
	assert_int_equal(parse_one(yaml, &d, &em), -EINVAL);
	assert_string_equal(em.msg, "document 1 (block-passwd), line 11: pattern 2 is 257 bytes "
				    "after unescaping; the limit is 256");

	/* the limit counts bytes after unescaping: 254 + "\x41\\" is 256 */
	memset(p, 'a', INSPECT_PATTERN_MAX - 2);
	snprintf(yaml, sizeof(yaml), STD "  - pattern: '%.*s\\x41\\\\'\n", INSPECT_PATTERN_MAX - 2,
		 p);
	if (parse_one(yaml, &d, &em))
		fail_msg("%s", em.msg);
	insp_doc_free(d);
	snprintf(yaml, sizeof(yaml), STD "  - pattern: '%.*s\\x41\\\\'\n", INSPECT_PATTERN_MAX - 1,
		 p);
	assert_int_equal(parse_one(yaml, &d, &em), -EINVAL);
	assert_non_null(strstr(em.msg, "line 10: pattern 1 is 257 bytes"));
}

static void test_doc_too_many(void **state)
{
	size_t size = 200 + (INSPECT_PATTERNS_MAX + 1) * 32, off;
	char *yaml = malloc(size);
	struct insp_doc *d;
	struct errmsg em;

	assert_non_null(yaml);
	off = (size_t)snprintf(yaml, size, HEAD SEL DIR ACT "  patterns: [");
	for (int i = 0; i < INSPECT_PATTERNS_MAX; i++)
		off +=
		    (size_t)snprintf(yaml + off, size - off, "%s{pattern: p%d}", i ? ", " : "", i);
	snprintf(yaml + off, size - off, "]\n");
	if (parse_one(yaml, &d, &em))
		fail_msg("%s", em.msg);
	assert_int_equal(insp_doc_npatterns(d), INSPECT_PATTERNS_MAX);
	insp_doc_free(d);

	snprintf(yaml + off, size - off, ", {pattern: one-more}]\n");
	assert_int_equal(parse_one(yaml, &d, &em), -EINVAL);
	assert_string_equal(em.msg, "document 1 (block-passwd), line 9: spec.patterns has 4097 "
				    "patterns; the limit is 4096");
	free(yaml);
}

static void test_doc_json_roundtrip(void **state)
{
	const char *s1, *s2;
	struct insp_doc *d, *back;
	json_object *j1, *j2, *parsed;
	struct errmsg em = {0};
	char esc[16];

	if (parse_one(example_yaml, &d, &em))
		fail_msg("%s", em.msg);
	j1 = insp_doc_json(d);
	assert_non_null(j1);
	s1 = json_object_to_json_string_ext(j1, JSON_C_TO_STRING_PLAIN);
	assert_non_null(strstr(s1, "\"pattern\":\"\\\\x00\\\\xff\\\\\\\\\""));
	assert_non_null(strstr(s1, "\"direction\":\"egress\""));
	assert_non_null(strstr(s1, "\"namespace\":\"default\""));

	/* through text, as the store keeps it, and back */
	parsed = json_tokener_parse(s1);
	assert_non_null(parsed);
	if (insp_doc_from_json(parsed, &back, &em))
		fail_msg("%s", em.msg);
	j2 = insp_doc_json(back);
	s2 = json_object_to_json_string_ext(j2, JSON_C_TO_STRING_PLAIN);
	assert_string_equal(s1, s2);

	/* errors from the store say "policy NAME", without a document */
	json_object_object_add(json_object_object_get(parsed, "spec"), "action",
			       json_object_new_string("log"));
	insp_doc_free(back);
	memset(&em, 0, sizeof(em));
	assert_int_equal(insp_doc_from_json(parsed, &back, &em), -EINVAL);
	assert_string_equal(em.msg,
			    "policy block-passwd: spec.action \"log\" is not drop or alert");

	assert_int_equal(insp_pattern_escape((const uint8_t *)"a\\\x7f", 3, esc, sizeof(esc)), 7);
	assert_string_equal(esc, "a\\\\\\x7f");
	assert_int_equal(insp_pattern_escape((const uint8_t *)"\x01\x02", 2, esc, 4), 8);
	assert_string_equal(esc, "\\x0");

	json_object_put(j1);
	json_object_put(j2);
	json_object_put(parsed);
	insp_doc_free(d);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* examples/inspection/web-tier.yaml validates and does what it says. */
static void test_example_file(void **state)
{
	static const char req[] = "GET /cgi?id=1%20UnIoN SeLeCt%20pw HTTP/1.1\r\n";
	char *text = read_file("examples/inspection/web-tier.yaml");
	struct insp_pattern *pats;
	struct insp_doc *docs[4];
	struct insp_dfa dfa;
	struct errmsg em;
	size_t n, np, at;

	if (!text)
		skip(); /* not run from the source tree */
	if (parse_all(text, docs, 4, &n, &em))
		fail_msg("%s", em.msg);
	assert_int_equal(n, 2);
	assert_string_equal(insp_doc_name(docs[0]), "web-block-attacks");
	assert_int_equal(insp_doc_action(docs[0]), HYP_INSPECT_DROP);
	assert_int_equal(insp_doc_action(docs[1]), HYP_INSPECT_ALERT);
	assert_int_equal(insp_doc_patterns(docs[0], 1, &pats, &np), 0);
	assert_int_equal(np, 3);
	assert_memory_equal(pats[2].bytes, "..\\..\\", 6);
	build(pats, np, &dfa);
	assert_int_equal(find(&dfa, req, &at), 2);
	assert_int_equal(at, strstr(req, "SeLeCt") + 6 - req);
	assert_int_equal(find(&dfa, "GET /ETC/PASSWD", &at), 0);
	insp_dfa_free(&dfa);
	free(pats);
	assert_int_equal(insp_doc_patterns(docs[1], 1, &pats, &np), 0);
	assert_int_equal(pats[0].len, 6);
	assert_memory_equal(pats[0].bytes, "\xde\xad\xbe\xef\x00\x01", 6);
	free(pats);
	for (size_t i = 0; i < n; i++)
		insp_doc_free(docs[i]);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_doc_valid),	 cmocka_unit_test(test_doc_limits_ok),
	    cmocka_unit_test(test_doc_errors),	 cmocka_unit_test(test_doc_too_long),
	    cmocka_unit_test(test_doc_too_many), cmocka_unit_test(test_doc_json_roundtrip),
	    cmocka_unit_test(test_example_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
