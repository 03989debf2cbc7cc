/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Document toolkit: building canonical JSON (what the store keeps and
 * `show` prints) with a sticky failure flag, so that an allocation failure
 * can never yield a partial (and so wider) document: check b->failed once.
 * Each call takes ownership of val and tolerates NULL arguments.
 */
#ifndef HYP_LIB_JBUILD_H
#define HYP_LIB_JBUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

struct jbuild {
	bool failed;
};

json_object *jb_obj(struct jbuild *b);
json_object *jb_arr(struct jbuild *b);
json_object *jb_str(struct jbuild *b, const char *s);
json_object *jb_int(struct jbuild *b, int64_t v);
json_object *jb_bool(struct jbuild *b, bool v);
void jb_set(struct jbuild *b, json_object *obj, const char *key, json_object *val);
void jb_push(struct jbuild *b, json_object *arr, json_object *val);
/* o, or NULL (and o released) when anything failed: the end of a build. */
json_object *jb_done(struct jbuild *b, json_object *o);

#endif
