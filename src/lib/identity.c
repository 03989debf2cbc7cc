// SPDX-License-Identifier: GPL-2.0-only
/* The label set of an identity: sources, precedence, reserved keys (identity.h). */
#include <errno.h>
#include <string.h>

#include "lib/identity.h"

/* Keys that are unique per pod: never part of an identity. */
static const char *const per_pod_keys[] = {
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
};

bool ident_key_reserved(const char *key)
{
	const char *slash = strchr(key, '/');
	size_t dlen = strlen(IDENT_DOMAIN), plen;

	if (!strcmp(key, IDENT_NS_KEY))
		return true;
	if (!slash)
		return false;
	plen = (size_t)(slash - key);
	if (plen == dlen && !strncmp(key, IDENT_DOMAIN, dlen))
		return true;
	/* a subdomain: "<x>.hyperion.io/" */
	return plen > dlen && key[plen - dlen - 1] == '.' &&
	       !strncmp(slash - dlen, IDENT_DOMAIN, dlen);
}

bool ident_key_retired(const char *key)
{
	return !strncmp(key, IDENT_NS_PREFIX_OLD, strlen(IDENT_NS_PREFIX_OLD));
}

bool ident_key_per_pod(const char *key)
{
	for (size_t i = 0; i < sizeof(per_pod_keys) / sizeof(per_pod_keys[0]); i++)
		if (!strcmp(key, per_pod_keys[i]))
			return true;
	return false;
}

static int retired(const struct label *l, struct errmsg *em)
{
	return em_set(em, -EPERM,
		      "label %s=%s refused: namespace labels are not a SNIC's; the administrator "
		      "sets them per namespace (hyperctl namespace label NS KEY=VALUE)",
		      l->key, l->val);
}

static int bad_namespace(const char *ns, const char *who, struct errmsg *em)
{
	return em_set(em, -EINVAL,
		      "namespace '%s' (%s) is no namespace name: want 1-63 of A-Z a-z 0-9 - _ ., "
		      "alphanumeric at both ends",
		      ns, who);
}

static int reserved(const struct label *l, struct errmsg *em)
{
	const char *why;

	if (!strcmp(l->key, IDENT_NS_KEY))
		why = "a pod's namespace comes from the runtime (K8S_POD_NAMESPACE) or the "
		      "network config, never from the pod";
	else if (ident_key_retired(l->key))
		why = "namespace labels are set by the administrator (hyperctl namespace label)";
	else
		why = "keys under " IDENT_DOMAIN " are the administrator's";
	return em_set(em, -EPERM, "pod label %s=%s refused: the key is reserved: %s", l->key,
		      l->val, why);
}

static int too_many(struct errmsg *em)
{
	return em_set(em, -E2BIG, "more than %d labels", LABELS_MAX);
}

int ident_check_admin(const struct labels *ls, struct errmsg *em)
{
	const char *ns = labels__get(ls, IDENT_NS_KEY);

	for (size_t i = 0; i < ls->n; i++)
		if (ident_key_retired(ls->l[i].key))
			return retired(&ls->l[i], em);
	if (ns && !*ns)
		return bad_namespace(ns, "label namespace", em);
	return 0;
}

/* The pod's labels on the keys still free in out. */
static int add_pod(const struct labels *pod, struct labels *out, struct errmsg *em)
{
	for (size_t i = 0; i < pod->n; i++) {
		const struct label *l = &pod->l[i];
		int err;

		if (ident_key_reserved(l->key))
			return reserved(l, em);
		if (ident_key_per_pod(l->key) || labels__get(out, l->key))
			continue;
		err = labels__set(out, l->key, l->val);
		if (err == -E2BIG)
			return too_many(em);
		if (err)
			return em_set(em, err, "invalid pod label %s=%s", l->key, l->val);
	}
	return 0;
}

int ident_labels(const struct ident_sources *s, struct labels *out, struct errmsg *em)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (s->admin) {
		err = ident_check_admin(s->admin, em);
		if (err)
			return err;
		*out = *s->admin;
	}
	if (s->ns && (!*s->ns || label_validate_value(s->ns)))
		return bad_namespace(s->ns, "K8S_POD_NAMESPACE", em);
	if (s->ns && !labels__get(out, IDENT_NS_KEY)) {
		err = labels__set(out, IDENT_NS_KEY, s->ns);
		if (err)
			return err == -E2BIG ? too_many(em) : bad_namespace(s->ns, "runtime", em);
	}
	return s->pod ? add_pod(s->pod, out, em) : 0;
}
