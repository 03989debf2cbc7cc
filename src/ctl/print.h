/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One output path for text and JSON (-j), after iproute2's print_*():
 * a view calls these once per value, and the mode chosen at pr_init()
 * decides what comes out.
 *
 *   text: fmt is printed with the value's text form; every fmt takes
 *         exactly one %s (numbers and booleans are formatted first, so a
 *         width works for them too: "%12s"). fmt NULL: nothing.
 *   JSON: the value becomes member key of the innermost open object, or
 *         the next element of the innermost open array (key NULL there).
 *         The document is written at pr_end(), pretty-printed.
 *
 * pr_text() is text only; a NULL fmt makes a call JSON only.
 */
#ifndef HYP_CTL_PRINT_H
#define HYP_CTL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

void pr_init(bool json);
bool pr_is_json(void);
/* Writes the JSON document, if any value was given, and resets. */
void pr_end(void);

void pr_open_object(const char *key);
void pr_close_object(void);
void pr_open_array(const char *key);
void pr_close_array(void);

void pr_string(const char *key, const char *fmt, const char *value);
void pr_int(const char *key, const char *fmt, long long value);
/* JSON: a boolean; text: yes or no. */
void pr_bool(const char *key, const char *fmt, bool value, const char *yes, const char *no);
/*
 * A value as the daemon sent it, in its own JSON type (NULL: left out).
 * Text form: a string as is, a number or boolean as in JSON, an object
 * as its members "k=v" joined by ',' ("-" when empty or NULL).
 */
void pr_value(const char *key, const char *fmt, json_object *value);
void pr_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A view of the members of o, in o's order: each one goes to JSON as it
 * is, and to text with the fmt of its field (a member without a field is
 * JSON only). A field with a view prints the member itself.
 */
struct pr_field {
	const char *key;
	const char *fmt;
	void (*view)(const char *key, json_object *value, const char *fmt);
};

void pr_members(const char *key, json_object *o, const struct pr_field *fields);
/* A view for pr_field: a boolean as "on" or "off". */
void pr_view_onoff(const char *key, json_object *value, const char *fmt);

/*
 * A table of rows (a JSON array of objects): JSON, the array as it is;
 * text, a header and a line per row, each column as wide as its widest
 * cell (long names fit), empty printed instead when there are no rows.
 */
struct pr_col {
	const char *key;    /* the member of each row */
	const char *header; /* upper case */
	/* the cell's text, or NULL: the member's text form ("-" when missing) */
	const char *(*text)(json_object *row, const char *key, char *buf, size_t len);
	bool right; /* right-aligned (numbers) */
};

void pr_table(json_object *rows, const struct pr_col *cols, const char *empty);

/* Prints o as JSON now, in both modes (documents, e.g. policy show). */
void pr_document(json_object *o);

/* The member key of o, or NULL. */
json_object *jget(json_object *o, const char *key);
/* Its string form, or "-" when o has no member key. */
const char *jstr(json_object *o, const char *key);

#endif
