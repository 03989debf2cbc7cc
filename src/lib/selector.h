/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Document toolkit: Kubernetes label selectors (matchLabels and
 * matchExpressions): validation with a struct vctx (lib/validate.h), matching
 * against a label set, canonical JSON (lib/jbuild.h). Every requirement
 * must hold; a selector without any selects everything.
 *
 * Pods: an endpoint's namespace is its label "namespace" (absent:
 * "default"); a namespaced document's podSelector selects the endpoints
 * of its own namespace only.
 */
#ifndef HYP_LIB_SELECTOR_H
#define HYP_LIB_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "lib/validate.h"
#include "lib/jbuild.h"
#include "lib/labels.h"

#define SEL_EP_NS_LABEL "namespace"

enum sel_op { SEL_IN, SEL_NOT_IN, SEL_EXISTS, SEL_DOES_NOT_EXIST };

struct sel_req {
	const char *key;
	enum sel_op op;
	bool match_label; /* from matchLabels (op In, one value) */
	const char **values;
	size_t n_values;
};

struct label_selector {
	struct sel_req *reqs;
	size_t n;
};

/* o (at line, for messages) into out, allocated from c's arena. */
int sel_parse(struct vctx *c, json_object *o, int line, struct label_selector *out);
bool sel_matches(const struct label_selector *s, const struct labels *ls);
/* The same for map[key]; key is the path element. */
int sel_parse_key(struct vctx *c, json_object *map, const char *key, struct label_selector *out);
json_object *sel_json(struct jbuild *b, const struct label_selector *s);

/* The namespace of an endpoint with labels ls. */
const char *sel_pod_namespace(const struct labels *ls);
/* Does podSelector s of a document in namespace ns select that endpoint? */
bool sel_selects_pod(const struct label_selector *s, const char *ns, const struct labels *ls);

#endif
