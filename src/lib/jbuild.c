// SPDX-License-Identifier: GPL-2.0-only
/*
 * Document toolkit: JSON builders with a sticky failure flag (lib/jbuild.h).
 */
#include "lib/jbuild.h"

static json_object *jb_chk(struct jbuild *b, json_object *o)
{
	if (!o)
		b->failed = true;
	return o;
}

json_object *jb_obj(struct jbuild *b)
{
	return jb_chk(b, json_object_new_object());
}

json_object *jb_arr(struct jbuild *b)
{
	return jb_chk(b, json_object_new_array());
}

json_object *jb_str(struct jbuild *b, const char *s)
{
	return jb_chk(b, json_object_new_string(s));
}

json_object *jb_int(struct jbuild *b, int64_t v)
{
	return jb_chk(b, json_object_new_int64(v));
}

json_object *jb_bool(struct jbuild *b, bool v)
{
	return jb_chk(b, json_object_new_boolean(v));
}

void jb_set(struct jbuild *b, json_object *obj, const char *key, json_object *val)
{
	if (!obj || !val || json_object_object_add(obj, key, val)) {
		b->failed = true;
		json_object_put(val);
	}
}

void jb_push(struct jbuild *b, json_object *arr, json_object *val)
{
	if (!arr || !val || json_object_array_add(arr, val)) {
		b->failed = true;
		json_object_put(val);
	}
}

json_object *jb_done(struct jbuild *b, json_object *o)
{
	if (!b->failed)
		return o;
	json_object_put(o);
	return NULL;
}
