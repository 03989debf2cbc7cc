/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which labels make an endpoint's identity, and who may set them.
 *
 * An attachment's labels come from three sources, by trust:
 *  - the administrator: `hyperctl snic add --label`, the "labels" of the
 *    CNI network config (a file only root writes);
 *  - the runtime: the pod's namespace (CNI_ARGS K8S_POD_NAMESPACE);
 *  - the pod: labels a runtime passes on from what the pod's author wrote
 *    (the CNI config's "args", "runtimeConfig").
 * A key given by two sources takes the more trusted one's value. A pod may
 * not use a reserved key: "namespace" (its namespace is the runtime's or
 * the administrator's) or any key under the project's domain hyperion.io
 * or a subdomain of it (namespace.hyperion.io among them). Nobody may use
 * namespace.hyperion.io/: namespace labels are the administrator's, per
 * namespace (`hyperctl namespace label`), not an endpoint's.
 *
 * An identity is one per label set, so a label that names one pod would
 * make one identity per pod: the pod's name, uid and container id are not
 * labels, and the well-known per-pod keys (ident_key_per_pod) are left out
 * of a pod's labels, as Cilium leaves them out.
 */
#ifndef HYP_LIB_IDENTITY_H
#define HYP_LIB_IDENTITY_H

#include <stdbool.h>

#include "lib/errmsg.h"
#include "lib/labels.h"

#define IDENT_NS_KEY	    "namespace"
#define IDENT_DOMAIN	    "hyperion.io"
#define IDENT_NS_PREFIX_OLD "namespace.hyperion.io/"

/* Refused from a pod: "namespace", keys under hyperion.io and its subdomains. */
bool ident_key_reserved(const char *key);
/* Refused from everyone: namespace.hyperion.io/ (what namespace labels once were). */
bool ident_key_retired(const char *key);
/* Names one pod (a StatefulSet pod's name or index, a Job's controller uid). */
bool ident_key_per_pod(const char *key);

struct ident_sources {
	const struct labels *admin; /* NULL: none */
	const char *ns;		    /* the runtime's namespace; NULL: none */
	const struct labels *pod;   /* NULL: none */
};

/*
 * The identity's label set of an attachment: the administrator's labels,
 * the runtime's namespace unless the administrator set one, the pod's
 * labels on the keys still free, per-pod keys left out. -EPERM for a
 * reserved key from the pod or a retired key from anyone, -EINVAL for a
 * namespace that is no label value (or empty), -E2BIG for more than
 * LABELS_MAX labels; em names the label and the rule.
 */
int ident_labels(const struct ident_sources *s, struct labels *out, struct errmsg *em);

/* An administrator's set (hyperctl snic add): no retired key, no empty namespace. */
int ident_check_admin(const struct labels *ls, struct errmsg *em);

#endif
