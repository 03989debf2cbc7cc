// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/inspect: InspectionPolicy validation (messages with
 * document, name and line), canonical JSON, and the Aho-Corasick DFA
 * (matches, state carried across walks, case folding, binary patterns,
 * random patterns against a naive search, the state limit, BFS order).
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

#include <hyperion/abi.h>

#include "inspect/doc.h"
#include "inspect/inspect.h"
#include "lib/yaml.h"

#define BIG_LIMIT (1u << 22)

/* ---- helpers ---- */

/* Parses every document of yaml into docs (at most max); first error wins. */
static int parse_all(const char *yaml, struct insp_doc **docs, size_t max, size_t *n,
		     struct errmsg *em)
{
	json_object **roots = NULL;
	size_t n_roots = 0;
	int err;

	*n = 0;
	memset(em, 0, sizeof(*em));
	err = yj_parse(yaml, strlen(yaml), &roots, &n_roots, em);
	for (size_t i = 0; !err && i < n_roots; i++) {
		if (!roots[i])
			continue;
		assert_true(*n < max);
		err = insp_doc_parse(roots[i], i + 1, &docs[*n], em);
		if (!err)
			(*n)++;
	}
	yj_docs_free(roots, n_roots);
	if (err) {
		for (size_t i = 0; i < *n; i++)
			insp_doc_free(docs[i]);
		*n = 0;
	}
	return err;
}

static int parse_one(const char *yaml, struct insp_doc **d, struct errmsg *em)
{
	size_t n;
	int err = parse_all(yaml, d, 1, &n, em);

	if (!err && n != 1)
		fail_msg("expected one document, got %zu", n);
	return err;
}

static struct insp_pattern pat(const void *bytes, size_t len, bool nocase, uint32_t id)
{
	struct insp_pattern p = {.len = len, .nocase = nocase, .id = id};

	assert_true(len <= INSPECT_PATTERN_MAX);
	memcpy(p.bytes, bytes, len);
	return p;
}

static struct insp_pattern spat(const char *s, bool nocase, uint32_t id)
{
	return pat(s, strlen(s), nocase, id);
}

static void build(const struct insp_pattern *pats, size_t n, struct insp_dfa *dfa)
{
	struct errmsg em = {0};
	int err = insp_dfa_build(pats, n, BIG_LIMIT, dfa, &em);

	if (err)
		fail_msg("insp_dfa_build: %d %s", err, em.msg);
}

/* First match of text from the start state: its id, end offset in *at. */
static uint32_t find(const struct insp_dfa *dfa, const char *text, size_t *at)
{
	uint32_t state = 0;

	return insp_dfa_walk(dfa, &state, (const uint8_t *)text, strlen(text), at);
}

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 11);
}

/* ---- documents ---- */

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

/* ---- DFA: behaviour ---- */

static void test_single(void **state)
{
	struct insp_pattern p = spat("/etc/passwd", false, 5);
	struct insp_dfa dfa;
	size_t at;

	build(&p, 1, &dfa);
	assert_int_equal(dfa.states, 12);
	assert_int_equal(find(&dfa, "GET /etc/passwd HTTP/1.0", &at), 5);
	assert_int_equal(at, 15);
	assert_int_equal(find(&dfa, "GET /etc/passw", &at), 0);
	assert_int_equal(at, 14);
	assert_int_equal(find(&dfa, "/etc//etc/passwd", &at), 5);
	assert_int_equal(at, 16);
	assert_int_equal(find(&dfa, "/ETC/PASSWD", &at), 0);
	assert_int_equal(find(&dfa, "", &at), 0);
	assert_int_equal(at, 0);
	insp_dfa_free(&dfa);
}

static void test_multiple(void **state)
{
	struct insp_pattern p[] = {spat("cmd.exe", false, 1), spat("/bin/sh", false, 2),
				   spat("passwd", false, 3)};
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;
	const char *text = "x=/bin/sh&y=passwd&z=cmd.exe";

	build(p, 3, &dfa);
	/* every match, in order, by walking on from each one */
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 2);
	assert_int_equal(at, 9);
	text += at;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 3);
	assert_int_equal(at, 9);
	text += at;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 1);
	assert_int_equal(at, 10);
	text += at;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)text, strlen(text), &at), 0);
	insp_dfa_free(&dfa);
}

/* The classic example: he, she, his, hers in "ushers". */
static void test_overlapping(void **state)
{
	struct insp_pattern p[] = {spat("he", false, 1), spat("she", false, 2),
				   spat("his", false, 3), spat("hers", false, 4)};
	const uint8_t *text = (const uint8_t *)"ushers";
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;

	build(p, 4, &dfa);
	/* trie: root h he her hers hi his s sh she */
	assert_int_equal(dfa.states, 10);
	/* "she" and "he" end at 4: out[] names the longer */
	assert_int_equal(insp_dfa_walk(&dfa, &s, text, 6, &at), 2);
	assert_int_equal(at, 4);
	assert_int_equal(insp_dfa_walk(&dfa, &s, text + 4, 2, &at), 4);
	assert_int_equal(at, 2);
	assert_int_equal(insp_dfa_walk(&dfa, &s, text + 6, 0, &at), 0);
	/* "he" alone, and through a failure link ("hhe") */
	assert_int_equal(find(&dfa, "the", &at), 1);
	assert_int_equal(find(&dfa, "hhe", &at), 1);
	assert_int_equal(at, 3);
	assert_int_equal(find(&dfa, "this", &at), 3);
	insp_dfa_free(&dfa);
}

/* The state carries a pattern across two walks (two segments of a flow). */
static void test_split(void **state)
{
	struct insp_pattern p[] = {spat("/etc/passwd", false, 1), spat("wd", false, 2)};
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;

	build(p, 1, &dfa);
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)"GET /etc/pa", 11, &at), 0);
	assert_int_not_equal(s, 0);
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)"sswd HTTP", 9, &at), 1);
	assert_int_equal(at, 4);
	/* a fresh walk of the second half finds nothing */
	assert_int_equal(find(&dfa, "sswd HTTP", &at), 0);
	/* split at every byte, and into single bytes */
	for (size_t cut = 0; cut < 11; cut++) {
		const uint8_t *t = (const uint8_t *)"/etc/passwd";

		s = 0;
		assert_int_equal(insp_dfa_walk(&dfa, &s, t, cut, &at), 0);
		assert_int_equal(insp_dfa_walk(&dfa, &s, t + cut, 11 - cut, &at), 1);
		assert_int_equal(at, 11 - cut);
	}
	insp_dfa_free(&dfa);

	/* an invalid carried state restarts from 0 */
	build(p, 2, &dfa);
	s = dfa.states + 7;
	assert_int_equal(insp_dfa_walk(&dfa, &s, (const uint8_t *)"sswd", 4, &at), 2);
	insp_dfa_free(&dfa);
}

static void test_nocase(void **state)
{
	struct insp_pattern p[] = {spat("UNION SELECT", true, 1), spat("x-Token:", true, 3),
				   spat("Secret", false, 2)};
	struct insp_dfa dfa;
	size_t at;

	/* both cases of a letter go forward to one state */
	build(p, 2, &dfa);
	assert_int_equal(dfa.states, 1 + 12 + 8);
	insp_dfa_free(&dfa);

	build(p, 3, &dfa);
	assert_int_equal(find(&dfa, "id=1 union select pw", &at), 1);
	assert_int_equal(find(&dfa, "id=1 UnIoN sElEcT pw", &at), 1);
	assert_int_equal(at, 17);
	assert_int_equal(find(&dfa, "id=1 UNION  SELECT", &at), 0);
	assert_int_equal(find(&dfa, "a secret", &at), 0);
	assert_int_equal(find(&dfa, "a SECRET", &at), 0);
	assert_int_equal(find(&dfa, "a Secret", &at), 2);
	assert_int_equal(find(&dfa, "X-TOKEN: 1", &at), 3);
	/* only ASCII letters fold: '@' vs '`', '[' vs '{' do not */
	insp_dfa_free(&dfa);

	p[0] = spat("a@[", true, 1);
	p[1] = pat("\xc1", 1, true, 2); /* 0xc1 | 0x20 == 0xe1: not a letter */
	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "A@[", &at), 1);
	assert_int_equal(find(&dfa, "a`{", &at), 0);
	assert_int_equal(find(&dfa, "\xe1", &at), 0);
	assert_int_equal(find(&dfa, "\xc1", &at), 2);
	insp_dfa_free(&dfa);
}

/*
 * Case-insensitive and case-sensitive patterns together: after "xA" the
 * node of case-insensitive "xaz" cannot have one failure link that is
 * right both for "xa" (case-sensitive "ab" may go on) and "xA" (it may
 * not). The DFA must tell them apart.
 */
static void test_mixed_case(void **state)
{
	struct insp_pattern p[] = {spat("xaz", true, 1), spat("ab", false, 2)};
	struct insp_dfa dfa;
	size_t at;

	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "xAb", &at), 0);
	assert_int_equal(find(&dfa, "xab", &at), 2);
	assert_int_equal(at, 3);
	assert_int_equal(find(&dfa, "XAZ", &at), 1);
	assert_int_equal(find(&dfa, "xAZ", &at), 1);
	/* more states than the 6 trie nodes: "xa" and "xA" are two states */
	assert_int_equal(dfa.states, 7);
	insp_dfa_free(&dfa);

	/* the same string both ways: the case-sensitive one is also found */
	p[0] = spat("Token", true, 1);
	p[1] = spat("Token", false, 2);
	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "TOKEN", &at), 1);
	assert_int_equal(find(&dfa, "Token", &at), 1); /* equal length: lowest id */
	insp_dfa_free(&dfa);
	p[0].id = 3;
	build(p, 2, &dfa);
	assert_int_equal(find(&dfa, "Token", &at), 2);
	assert_int_equal(find(&dfa, "token", &at), 3);
	insp_dfa_free(&dfa);
}

static void test_binary(void **state)
{
	static const uint8_t sig[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
	static const uint8_t zff[] = {0x00, 0xff, 0x00};
	static const uint8_t pkt[] = {0x00, 0xff, 0xff, 0x00, 0xff, 0xde, 0xad,
				      0xbe, 0xef, 0x00, 0xff, 0x00, 0x01};
	struct insp_pattern p[] = {pat(sig, sizeof(sig), false, 1), pat(zff, sizeof(zff), true, 2),
				   pat("\xff", 1, false, 3)};
	struct insp_dfa dfa;
	uint32_t s = 0;
	size_t at;

	build(p, 2, &dfa);
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt, sizeof(pkt), &at), 2);
	assert_int_equal(at, 12);
	s = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt, 9, &at), 0);
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt + 9, 3, &at), 2); /* 00 ff 00 */
	s = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &s, sig, sizeof(sig), &at), 1);
	assert_int_equal(at, 6);
	insp_dfa_free(&dfa);

	build(p, 3, &dfa);
	s = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &s, pkt, sizeof(pkt), &at), 3);
	assert_int_equal(at, 2);
	insp_dfa_free(&dfa);
}

static void test_empty_and_bad_input(void **state)
{
	struct insp_pattern p = spat("abc", false, 1);
	struct errmsg em = {0};
	struct insp_dfa dfa;
	size_t at;

	/* no patterns: one state that never hits */
	assert_int_equal(insp_dfa_build(NULL, 0, 1, &dfa, &em), 0);
	assert_int_equal(dfa.states, 1);
	assert_int_equal(find(&dfa, "abc", &at), 0);
	for (int c = 0; c < 256; c++)
		assert_int_equal(dfa.rows[c], 0);
	insp_dfa_free(&dfa);

	assert_int_equal(insp_dfa_build(&p, 1, 0, &dfa, &em), -EINVAL);
	p.id = 0;
	memset(&em, 0, sizeof(em));
	assert_int_equal(insp_dfa_build(&p, 1, 100, &dfa, &em), -EINVAL);
	assert_string_equal(em.msg, "pattern 1 has id 0 (ids start at 1)");
	p.id = 1;
	p.len = 0;
	assert_int_equal(insp_dfa_build(&p, 1, 100, &dfa, &em), -EINVAL);
	assert_null(dfa.rows);
}

/* ---- DFA: against a naive search ---- */

static uint8_t fold(uint8_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? c | 0x20 : c;
}

static bool eq_at(const uint8_t *t, const struct insp_pattern *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->nocase ? fold(t[i]) != fold(p->bytes[i]) : t[i] != p->bytes[i])
			return false;
	return true;
}

/* First occurrence of p in t: memmem, or a plain scan when case-insensitive. */
static const uint8_t *naive_find(const uint8_t *t, size_t len, const struct insp_pattern *p)
{
	if (!p->nocase)
		return memmem(t, len, p->bytes, p->len);
	for (size_t i = 0; i + p->len <= len; i++)
		if (eq_at(t + i, p))
			return t + i;
	return NULL;
}

struct naive_end {
	uint16_t len; /* longest pattern ending here, 0: none */
	uint32_t id;  /* the lowest id among those */
};

static void naive_mark(const uint8_t *t, size_t len, const struct insp_pattern *p,
		       struct naive_end *ends)
{
	const uint8_t *at = t;

	while ((at = naive_find(at, len - (size_t)(at - t), p))) {
		struct naive_end *e = &ends[at - t + p->len - 1];

		if (p->len > e->len || (p->len == e->len && p->id < e->id))
			*e = (struct naive_end){(uint16_t)p->len, p->id};
		at++;
	}
}

static void random_patterns(struct rng *r, struct insp_pattern *p, size_t n, const uint8_t *abc,
			    size_t nabc, size_t minlen, size_t maxlen, const uint8_t *text,
			    size_t tlen)
{
	for (size_t i = 0; i < n; i++) {
		p[i].len = minlen + rnd(r) % (maxlen - minlen + 1);
		p[i].nocase = rnd(r) % 10 < 3;
		p[i].id = (uint32_t)i + 1;
		if (text && rnd(r) % 4 == 0) {
			/* one in four taken from the text, so that it occurs */
			memcpy(p[i].bytes, text + rnd(r) % (tlen - p[i].len), p[i].len);
			continue;
		}
		for (size_t j = 0; j < p[i].len; j++)
			p[i].bytes[j] = abc ? abc[rnd(r) % nabc] : (uint8_t)rnd(r);
	}
}

/*
 * Walks text through dfa, resuming after each match, and checks every
 * match end and id against the naive search; the first match end must be
 * min over patterns of memmem() + len.
 */
static void check_against_naive(const struct insp_dfa *dfa, const struct insp_pattern *p, size_t n,
				const uint8_t *text, size_t tlen)
{
	struct naive_end *ends = calloc(tlen, sizeof(*ends));
	size_t first = SIZE_MAX, pos = 0, at, matches = 0;
	uint32_t s = 0, id;

	assert_non_null(ends);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *f = naive_find(text, tlen, &p[i]);

		if (f && (size_t)(f - text) + p[i].len < first)
			first = (size_t)(f - text) + p[i].len;
		naive_mark(text, tlen, &p[i], ends);
	}
	id = insp_dfa_walk(dfa, &s, text, tlen, &at);
	assert_true(first != SIZE_MAX);
	assert_int_equal(at, first);
	for (s = 0; pos < tlen; pos += at) {
		id = insp_dfa_walk(dfa, &s, text + pos, tlen - pos, &at);
		for (size_t e = pos; e < pos + at - (id ? 1 : 0); e++)
			if (ends[e].len)
				fail_msg("missed a match ending at %zu (id %u)", e + 1, ends[e].id);
		if (!id)
			break;
		if (ends[pos + at - 1].id != id)
			fail_msg("match ending at %zu: id %u, want %u", pos + at, id,
				 ends[pos + at - 1].id);
		matches++;
	}
	assert_true(matches > 0);
	free(ends);
}

static void test_random_vs_naive(void **state)
{
	static const uint8_t abc[] = {'a', 'b', 'A', 'B', 0x00, 0xff};
	enum { N = 1000, TLEN = 1 << 16, BIG = 1 << 18 };
	struct insp_pattern *p = calloc(N, sizeof(*p));
	uint8_t *text = malloc(BIG);
	struct rng r = {0x9e3779b97f4a7c15ull};
	struct insp_dfa dfa;

	assert_non_null(p);
	assert_non_null(text);
	/* dense: a small alphabet, matches everywhere, many overlaps */
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < TLEN; i++)
			text[i] = abc[rnd(&r) % sizeof(abc)];
		random_patterns(&r, p, N, abc, sizeof(abc), 3 + round, 10 + round, NULL, 0);
		build(p, N, &dfa);
		check_against_naive(&dfa, p, N, text, TLEN);
		insp_dfa_free(&dfa);
	}
	/* sparse: random bytes, some patterns taken from the text */
	for (size_t i = 0; i < BIG; i++)
		text[i] = (uint8_t)rnd(&r);
	random_patterns(&r, p, N, NULL, 0, 4, 40, text, BIG);
	build(p, N, &dfa);
	check_against_naive(&dfa, p, N, text, BIG);
	insp_dfa_free(&dfa);
	free(text);
	free(p);
}

/* ---- DFA: layout ---- */

/* States in BFS order (bytes in increasing order), start 0, depth non-decreasing. */
static void check_layout(const struct insp_dfa *dfa)
{
	uint32_t *order = malloc(dfa->states * sizeof(*order));
	uint32_t *depth = malloc(dfa->states * sizeof(*depth));
	uint32_t *queue = malloc(dfa->states * sizeof(*queue));
	uint32_t head = 0, tail = 0;

	assert_non_null(order);
	assert_non_null(depth);
	assert_non_null(queue);
	memset(order, 0xff, dfa->states * sizeof(*order));
	order[0] = 0;
	depth[0] = 0;
	queue[tail++] = 0;
	assert_int_equal(dfa->out[0], 0);
	while (head < tail) {
		uint32_t s = queue[head++];

		for (int c = 0; c < 256; c++) {
			uint32_t e = dfa->rows[(size_t)s * 256 + c], next = e >> 1;

			assert_true(next < dfa->states);
			assert_int_equal(e & 1, dfa->out[next] != 0);
			if (order[next] != UINT32_MAX)
				continue;
			order[next] = tail;
			depth[next] = depth[s] + 1;
			queue[tail++] = next;
		}
	}
	assert_int_equal(tail, dfa->states); /* every state reachable */
	for (uint32_t s = 0; s < dfa->states; s++) {
		if (order[s] != s)
			fail_msg("state %u is BFS number %u", s, order[s]);
		if (s && depth[s] < depth[s - 1])
			fail_msg("state %u has depth %u < %u", s, depth[s], depth[s - 1]);
	}
	free(order);
	free(depth);
	free(queue);
}

static int cmp_prefix(const void *a, const void *b)
{
	const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
	int c = memcmp(x + 1, y + 1, x[0] < y[0] ? x[0] : y[0]);

	return c ? c : x[0] - y[0];
}

/* Distinct prefixes of the patterns, the empty one included: trie nodes. */
static uint32_t count_prefixes(const struct insp_pattern *p, size_t n)
{
	size_t total = 0, k = 0;
	uint8_t **v, *buf;
	uint32_t count = 1;

	for (size_t i = 0; i < n; i++)
		total += p[i].len;
	v = calloc(total, sizeof(*v));
	buf = calloc(total, 1 + INSPECT_PATTERN_MAX);
	assert_non_null(v);
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		for (size_t l = 1; l <= p[i].len; l++, k++) {
			v[k] = buf + k * (1 + INSPECT_PATTERN_MAX);
			v[k][0] = (uint8_t)l;
			memcpy(v[k] + 1, p[i].bytes, l);
			for (size_t j = 1; p[i].nocase && j <= l; j++)
				v[k][j] = fold(v[k][j]);
		}
	}
	qsort(v, total, sizeof(*v), cmp_prefix);
	for (size_t i = 0; i < total; i++)
		count += !i || cmp_prefix(&v[i - 1], &v[i]);
	free(v);
	free(buf);
	return count;
}

static void test_bfs_layout(void **state)
{
	static const uint8_t abc[] = {'a', 'b', 'c', 'A', 'B', '/', 0x00, 0xff};
	struct insp_pattern *p = calloc(300, sizeof(*p));
	struct insp_pattern q[] = {spat("he", false, 1), spat("she", false, 2),
				   spat("his", false, 3), spat("hers", false, 4)};
	struct rng r = {42};
	struct insp_dfa dfa;

	assert_non_null(p);
	build(q, 4, &dfa);
	check_layout(&dfa);
	/* depth-1 states come first, in byte order: 'h' then 's' */
	assert_int_equal(dfa.rows['h'] >> 1, 1);
	assert_int_equal(dfa.rows['s'] >> 1, 2);
	insp_dfa_free(&dfa);

	/* case-sensitive only: one state per trie node */
	random_patterns(&r, p, 300, abc, sizeof(abc), 1, 12, NULL, 0);
	for (size_t i = 0; i < 300; i++)
		p[i].nocase = false;
	build(p, 300, &dfa);
	check_layout(&dfa);
	assert_int_equal(dfa.states, count_prefixes(p, 300));
	insp_dfa_free(&dfa);

	/* case-insensitive only: one state per trie node of the folded patterns */
	for (size_t i = 0; i < 300; i++)
		p[i].nocase = true;
	build(p, 300, &dfa);
	check_layout(&dfa);
	assert_int_equal(dfa.states, count_prefixes(p, 300));
	insp_dfa_free(&dfa);

	/* mixed */
	for (size_t i = 0; i < 300; i++)
		p[i].nocase = rnd(&r) & 1;
	build(p, 300, &dfa);
	check_layout(&dfa);
	insp_dfa_free(&dfa);
	free(p);
}

static void test_state_limit(void **state)
{
	struct insp_pattern *p = calloc(100, sizeof(*p));
	struct insp_pattern m[] = {spat("xaz", true, 1), spat("ab", false, 2)};
	struct rng r = {7};
	struct errmsg em = {0};
	struct insp_dfa dfa;

	/* 100 patterns of 10 bytes, distinct first bytes: 1 + 1000 states */
	assert_non_null(p);
	for (size_t i = 0; i < 100; i++) {
		p[i].len = 10;
		p[i].id = (uint32_t)i + 1;
		p[i].bytes[0] = (uint8_t)i;
		for (size_t j = 1; j < 10; j++)
			p[i].bytes[j] = (uint8_t)rnd(&r);
	}
	assert_int_equal(insp_dfa_build(p, 100, 1000, &dfa, &em), -E2BIG);
	assert_string_equal(em.msg, "patterns need 1001 DFA states; the limit is 1000");
	assert_null(dfa.rows);
	assert_null(dfa.out);
	assert_int_equal(dfa.states, 0);
	memset(&em, 0, sizeof(em));
	assert_int_equal(insp_dfa_build(p, 100, 1001, &dfa, &em), 0);
	assert_int_equal(dfa.states, 1001);
	check_layout(&dfa);
	insp_dfa_free(&dfa);

	/* mixed case: counted by building, the exact number too */
	assert_int_equal(insp_dfa_build(m, 2, 6, &dfa, &em), -E2BIG);
	assert_string_equal(em.msg, "patterns need 7 DFA states; the limit is 6");
	assert_int_equal(insp_dfa_build(m, 2, 7, &dfa, &em), 0);
	insp_dfa_free(&dfa);

	/* mixed, far past the limit: counting stops, "more than" */
	for (size_t i = 0; i < 100; i++) {
		p[i].nocase = i & 1;
		for (size_t j = 0; j < 10; j++)
			p[i].bytes[j] = (uint8_t)('a' + rnd(&r) % 26);
	}
	memset(&em, 0, sizeof(em));
	assert_int_equal(insp_dfa_build(p, 100, 10, &dfa, &em), -E2BIG);
	assert_non_null(strstr(em.msg, "DFA states; the limit is 10"));
	free(p);
}

/* Mixed case far past the limit: counting stops, the message says "more than". */
static void test_state_limit_count_cap(void **state)
{
	enum { N = 3000 };
	struct insp_pattern *p = calloc(N, sizeof(*p));
	struct rng r = {11};
	struct errmsg em = {0};
	struct insp_dfa dfa;
	unsigned int more;

	assert_non_null(p);
	for (size_t i = 0; i < N; i++) {
		p[i].len = 20 + rnd(&r) % 11;
		p[i].nocase = i & 1;
		p[i].id = (uint32_t)i + 1;
		for (size_t j = 0; j < p[i].len; j++)
			p[i].bytes[j] = (uint8_t)(0x20 + rnd(&r) % 95);
	}
	assert_int_equal(insp_dfa_build(p, N, 16384, &dfa, &em), -E2BIG);
	assert_int_equal(
	    sscanf(em.msg, "patterns need more than %u DFA states; the limit is 16384", &more), 1);
	assert_true(more > 4 * 16384);
	assert_null(dfa.rows);
	free(p);
}

/* Each pattern keeps its action: drop[] marks states where a drop pattern ends. */
static void test_drop_flags(void **state)
{
	struct insp_pattern p[2] = {{.len = 3, .id = 1, .drop = true},
				    {.len = 3, .id = 2, .drop = false}};
	struct insp_dfa dfa;
	struct errmsg em = {0};
	uint32_t st = 0;
	size_t at;

	(void)state;
	memcpy(p[0].bytes, "bad", 3);
	memcpy(p[1].bytes, "odd", 3);
	assert_int_equal(insp_dfa_build(p, 2, 64, &dfa, &em), 0);
	assert_non_null(dfa.drop);
	assert_int_equal(insp_dfa_walk(&dfa, &st, (const uint8_t *)"xodd", 4, &at), 2);
	assert_false(dfa.drop[st]);
	st = 0;
	assert_int_equal(insp_dfa_walk(&dfa, &st, (const uint8_t *)"xbad", 4, &at), 1);
	assert_true(dfa.drop[st]);
	insp_dfa_free(&dfa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_doc_valid),
	    cmocka_unit_test(test_doc_limits_ok),
	    cmocka_unit_test(test_doc_errors),
	    cmocka_unit_test(test_doc_too_long),
	    cmocka_unit_test(test_doc_too_many),
	    cmocka_unit_test(test_doc_json_roundtrip),
	    cmocka_unit_test(test_example_file),
	    cmocka_unit_test(test_single),
	    cmocka_unit_test(test_multiple),
	    cmocka_unit_test(test_overlapping),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_nocase),
	    cmocka_unit_test(test_mixed_case),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_empty_and_bad_input),
	    cmocka_unit_test(test_random_vs_naive),
	    cmocka_unit_test(test_bfs_layout),
	    cmocka_unit_test(test_state_limit),
	    cmocka_unit_test(test_state_limit_count_cap),
	    cmocka_unit_test(test_drop_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
