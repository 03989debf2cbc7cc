// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pattern escapes of InspectionPolicy (\xNN and \\, nothing else). The
 * input is one pattern string. Invariants: the parser accepts exactly
 * what an independent reference decoder accepts and yields the same
 * bytes; the canonical escaped form (insp_pattern_escape, what the store
 * and `hyperctl policy show` print) is printable and decodes back to the
 * same bytes.
 */
#include <errno.h>

#include "fuzz.h"
#include "inspect/doc.h"
#include "inspect/inspect.h"
#include "lib/errmsg.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The reference: -1 on a bad escape, else the decoded length. */
static long ref_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; s[i];) {
		int b;

		if (s[i] != '\\')
			b = (uint8_t)s[i++];
		else if (s[i + 1] == '\\')
			b = '\\', i += 2;
		else if (s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0)
			b = hexval(s[i + 2]) * 16 + hexval(s[i + 3]), i += 4;
		else
			return -1;
		if (n < cap)
			out[n] = (uint8_t)b;
		n++;
	}
	return (long)n;
}

/* One document with one pattern, as the parser receives it from YAML. */
static int parse_one(const char *pattern, struct insp_doc **d, struct errmsg *em)
{
	char doc[] = "{\"apiVersion\":\"hyperion.io/v1\",\"kind\":\"InspectionPolicy\","
		     "\"metadata\":{\"name\":\"f\"},\"spec\":{\"podSelector\":{},"
		     "\"direction\":\"ingress\",\"action\":\"drop\",\"patterns\":[{}]}}";
	json_object *root = json_tokener_parse(doc), *spec, *pats;
	int err;

	json_object_object_get_ex(root, "spec", &spec);
	json_object_object_get_ex(spec, "patterns", &pats);
	json_object_object_add(json_object_array_get_idx(pats, 0), "pattern",
			       json_object_new_string(pattern));
	err = insp_doc_parse(root, 1, d, em);
	json_object_put(root);
	return err;
}

static void one_pattern(const struct insp_doc *d, struct insp_pattern *out)
{
	struct insp_pattern *p = NULL;
	size_t n = 0;

	if (insp_doc_patterns(d, 1, &p, &n) || n != 1)
		fz_fail("a parsed document with one pattern has %zu", n);
	*out = p[0];
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t ref[INSPECT_PATTERN_MAX];
	char esc[4 * INSPECT_PATTERN_MAX + 1];
	struct insp_pattern a, b;
	struct insp_doc *d = NULL, *d2 = NULL;
	struct errmsg em = {};
	char *s;
	long want;
	int err;

	fz_quiet();
	s = fz_str(data, size);
	want = ref_decode(s, ref, sizeof(ref));
	err = parse_one(s, &d, &em);
	if (want <= 0 || want > INSPECT_PATTERN_MAX) {
		/* bad escape, empty or too long: rejected, with a message */
		if (!err)
			fz_fail("accepted a pattern the reference rejects (%ld)", want);
		if (!em.msg[0])
			fz_fail("rejected without a message");
		goto out;
	}
	if (err)
		fz_fail("rejected a valid pattern (%d): %s", err, em.msg);
	one_pattern(d, &a);
	if (a.len != (size_t)want || memcmp(a.bytes, ref, a.len))
		fz_fail("decoded %zu bytes, the reference %ld", a.len, want);
	if (insp_pattern_escape(a.bytes, a.len, esc, sizeof(esc)) >= sizeof(esc))
		fz_fail("escaped form longer than 4 bytes per byte");
	for (const char *p = esc; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			fz_fail("escaped form holds byte 0x%02x", (uint8_t)*p);
	if (parse_one(esc, &d2, &em))
		fz_fail("escaped form '%s' rejected: %s", esc, em.msg);
	one_pattern(d2, &b);
	if (b.len != a.len || memcmp(a.bytes, b.bytes, a.len))
		fz_fail("escaped form '%s' decodes to other bytes", esc);
out:
	insp_doc_free(d);
	insp_doc_free(d2);
	free(s);
	return 0;
}
