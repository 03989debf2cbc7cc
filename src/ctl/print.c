// SPDX-License-Identifier: GPL-2.0-only
/* hyperctl's printer: text or one JSON document, from the same calls. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl/print.h"

#define PR_DEPTH 16

/* Process-wide, like stdout: set once by main, one document per run. */
static struct {
	bool json;
	json_object *root;
	json_object *open[PR_DEPTH]; /* innermost last; owned by their parents */
	int depth;
	int lost; /* opened beyond PR_DEPTH: their values are dropped */
} pr;

void pr_init(bool json)
{
	memset(&pr, 0, sizeof(pr));
	pr.json = json;
}

bool pr_is_json(void)
{
	return pr.json;
}

void pr_document(json_object *o)
{
	printf("%s\n", o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE |
								 JSON_C_TO_STRING_SPACED)
			 : "null");
}

void pr_end(void)
{
	if (pr.json && pr.root)
		pr_document(pr.root);
	json_object_put(pr.root);
	pr_init(pr.json);
}

/*
 * Adds v (consumed) to the innermost open container, or makes it the
 * document; -EINVAL when it has no place (a member without a key, a
 * second document) and is dropped.
 */
static int add(const char *key, json_object *v)
{
	json_object *top;

	if (!pr.depth && !pr.root && !pr.lost) {
		pr.root = v;
		return 0;
	}
	top = pr.depth && !pr.lost ? pr.open[pr.depth - 1] : NULL;
	if (json_object_is_type(top, json_type_array))
		return json_object_array_add(top, v) ? -ENOMEM : 0;
	if (top && key)
		return json_object_object_add(top, key, v) ? -ENOMEM : 0;
	json_object_put(v);
	return -EINVAL;
}

static void open_container(const char *key, json_object *c)
{
	if (pr.depth == PR_DEPTH || add(key, json_object_get(c))) {
		json_object_put(c);
		pr.lost++;
		return;
	}
	pr.open[pr.depth++] = c;
	json_object_put(c); /* its parent (or the document) holds it */
}

static void close_container(void)
{
	if (pr.lost)
		pr.lost--;
	else if (pr.depth)
		pr.depth--;
}

void pr_open_object(const char *key)
{
	if (pr.json)
		open_container(key, json_object_new_object());
}

void pr_close_object(void)
{
	if (pr.json)
		close_container();
}

void pr_open_array(const char *key)
{
	if (pr.json)
		open_container(key, json_object_new_array());
}

void pr_close_array(void)
{
	if (pr.json)
		close_container();
}

/* The views' formats are literals, each with one %s (print.h). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void text(const char *fmt, const char *s)
{
	if (fmt)
		printf(fmt, s);
}
#pragma GCC diagnostic pop

void pr_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void pr_string(const char *key, const char *fmt, const char *value)
{
	if (pr.json)
		add(key, json_object_new_string(value));
	else
		text(fmt, value);
}

void pr_int(const char *key, const char *fmt, long long value)
{
	char buf[24];

	if (pr.json) {
		add(key, json_object_new_int64(value));
		return;
	}
	snprintf(buf, sizeof(buf), "%lld", value);
	text(fmt, buf);
}

void pr_bool(const char *key, const char *fmt, bool value, const char *yes, const char *no)
{
	if (pr.json)
		add(key, json_object_new_boolean(value));
	else
		text(fmt, value ? yes : no);
}

/* "k=v,k=v" of an object's members; cut at the member that does not fit. */
static const char *kv_list(json_object *o, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	json_object_object_foreach(o, k, v)
	{
		int w = snprintf(buf + off, len - off, "%s%s=%s", off ? "," : "", k,
				 json_object_get_string(v));

		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
	return buf[0] ? buf : "-";
}

void pr_value(const char *key, const char *fmt, json_object *value)
{
	char buf[1024];

	if (pr.json) {
		if (value)
			add(key, json_object_get(value));
	} else if (!value) {
		text(fmt, "-");
	} else if (json_object_is_type(value, json_type_object)) {
		text(fmt, kv_list(value, buf, sizeof(buf)));
	} else {
		text(fmt, json_object_get_string(value));
	}
}

void pr_view_onoff(const char *key, json_object *value, const char *fmt)
{
	pr_bool(key, fmt, json_object_get_boolean(value), "on", "off");
}

void pr_members(const char *key, json_object *o, const struct pr_field *fields)
{
	pr_open_object(key);
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v)
		{
			const struct pr_field *f = fields;

			while (f && f->key && strcmp(f->key, k))
				f++;
			if (f && f->key && f->view)
				f->view(k, v, f->fmt);
			else
				pr_value(k, f && f->key ? f->fmt : NULL, v);
		}
	}
	pr_close_object();
}

json_object *jget(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v ? json_object_get_string(v) : "-";
}

/* A cell's text: the column's own view, or the value's text form. */
static const char *cell(json_object *row, const struct pr_col *c, char *buf, size_t len)
{
	json_object *v = jget(row, c->key);

	if (c->text)
		return c->text(row, c->key, buf, len);
	if (!v)
		return "-";
	if (json_object_is_type(v, json_type_object))
		return kv_list(v, buf, len);
	snprintf(buf, len, "%s", json_object_get_string(v));
	return buf[0] ? buf : "-";
}

#define PR_COLS 16

void pr_table(json_object *rows, const struct pr_col *cols, const char *empty)
{
	size_t n = json_object_array_length(rows), w[PR_COLS] = {}, nc = 0;
	char buf[1024];

	if (pr.json) {
		pr_value(NULL, NULL, rows);
		return;
	}
	if (!n && empty) {
		printf("%s\n", empty);
		return;
	}
	for (; cols[nc].key && nc < PR_COLS; nc++) {
		w[nc] = strlen(cols[nc].header);
		for (size_t r = 0; r < n; r++) {
			size_t l = strlen(
			    cell(json_object_array_get_idx(rows, r), &cols[nc], buf, sizeof(buf)));

			w[nc] = l > w[nc] ? l : w[nc];
		}
	}
	for (size_t r = 0; r <= n; r++) {
		for (size_t c = 0; c < nc; c++) {
			const char *s = r ? cell(json_object_array_get_idx(rows, r - 1), &cols[c],
						 buf, sizeof(buf))
					  : cols[c].header;

			if (c + 1 == nc)
				printf("%s\n", s);
			else
				printf(cols[c].right ? "%*s  " : "%-*s  ", (int)w[c], s);
		}
	}
}
