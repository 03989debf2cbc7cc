/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Document toolkit: what every document kind has around its spec, in
 * Kubernetes' shape: apiVersion, kind, metadata (name, namespace, and for
 * the kinds that keep them labels and annotations). Validation (with a
 * struct vctx, lib/validate.h) and canonical JSON (lib/jbuild.h).
 */
#ifndef HYP_LIB_META_H
#define HYP_LIB_META_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "lib/validate.h"
#include "lib/jbuild.h"

#define DOC_DEFAULT_NAMESPACE "default"

/* A document kind, as its validator and its JSON writer see it. */
struct doc_kind {
	const char *api_version; /* "networking.k8s.io/v1" */
	const char *kind;	 /* "NetworkPolicy" */
	const char *what;	 /* for "... must be a mapping": "a document (a NetworkPolicy)" */
	const char *const *meta_fields; /* metadata keys it accepts, NULL-terminated */
};

struct doc_kv {
	const char *key;
	const char *val;
};

/* A validated metadata; everything lives in the document's arena. */
struct doc_meta {
	const char *name;
	const char *ns;
	struct doc_kv *labels, *annotations; /* when meta_fields lists them */
	size_t n_labels, n_annotations;
};

/*
 * root is a mapping with apiVersion and kind of k and no field but those,
 * metadata and spec; c->name gets metadata.name when it is valid, for the
 * messages until doc_metadata has checked it.
 */
int doc_header(struct vctx *c, json_object *root, const struct doc_kind *k);
/* root's metadata: name (required), namespace (default "default"), labels, annotations. */
int doc_metadata(struct vctx *c, json_object *root, const struct doc_kind *k, struct doc_meta *m);
/* A new object with apiVersion, kind and metadata, for the caller to add spec to. */
json_object *doc_meta_json(struct jbuild *b, const struct doc_kind *k, const struct doc_meta *m);

/* DNS-1123 label ([a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63) and subdomain. */
bool vc_dns_label(const char *s);
bool vc_dns_subdomain(const char *s);

#endif
