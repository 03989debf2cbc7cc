// SPDX-License-Identifier: GPL-2.0-only
/*
 * The input of a policy apply: every YAML/JSON document of it parsed and
 * validated, NetworkPolicies and InspectionPolicies apart; all or nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/node_priv.h"
#include "policy/policy.h"
#include "lib/yaml.h"
#include "inspect/inspect.h"
#include "inspect/doc.h"

void node_parsed_free(struct parsed *p)
{
	pol_docs_free(p->net, p->n_net);
	for (size_t i = 0; i < p->n_insp; i++)
		insp_doc_free(p->insp[i]);
	free(p->insp);
	memset(p, 0, sizeof(*p));
}

static const char *root_kind(json_object *root)
{
	json_object *k;

	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "kind", &k) ||
	    !json_object_is_type(k, json_type_string))
		return "";
	return json_object_get_string(k);
}

/* Every document of text, NetworkPolicy or InspectionPolicy; all or nothing. */
int node_parse_all(const char *text, size_t len, struct parsed *p, struct errmsg *em)
{
	json_object **roots = NULL;
	size_t n = 0;
	int err;

	memset(p, 0, sizeof(*p));
	err = yj_parse(text, len, &roots, &n, em);
	if (err)
		return err;
	p->net = calloc(n + 1, sizeof(*p->net));
	p->insp = calloc(n + 1, sizeof(*p->insp));
	if (!p->net || !p->insp)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		const char *kind;

		if (!roots[i])
			continue;
		kind = root_kind(roots[i]);
		if (!strcmp(kind, INSPECT_KIND)) {
			err = insp_doc_parse(roots[i], i + 1, &p->insp[p->n_insp], em);
			if (!err)
				p->n_insp++;
		} else if (!strcmp(kind, "NetworkPolicy")) {
			err = pol_parse_root(roots[i], (int)i + 1, &p->net[p->n_net], em);
			if (!err)
				p->n_net++;
		} else {
			err = em_set(em, -EINVAL,
				     "document %zu, line %d: kind must be NetworkPolicy or "
				     "InspectionPolicy, not \"%s\"",
				     i + 1, yj_key_line(roots[i], "kind"), kind);
		}
	}
	for (size_t i = 0; !err && i < p->n_net; i++)
		for (size_t j = 0; !err && j < i; j++)
			if (!strcmp(pol_doc_namespace(p->net[i]), pol_doc_namespace(p->net[j])) &&
			    !strcmp(pol_doc_name(p->net[i]), pol_doc_name(p->net[j])))
				err = em_set(em, -EINVAL, "NetworkPolicy %s/%s is defined twice",
					     pol_doc_namespace(p->net[i]), pol_doc_name(p->net[i]));
	for (size_t i = 0; !err && i < p->n_insp; i++)
		for (size_t j = 0; !err && j < i; j++)
			if (!strcmp(insp_doc_namespace(p->insp[i]),
				    insp_doc_namespace(p->insp[j])) &&
			    !strcmp(insp_doc_name(p->insp[i]), insp_doc_name(p->insp[j])))
				err = em_set(em, -EINVAL, "InspectionPolicy %s/%s is defined twice",
					     insp_doc_namespace(p->insp[i]),
					     insp_doc_name(p->insp[i]));
	if (!err && !p->n_net && !p->n_insp)
		err = em_set(em, -EINVAL, "no policy document in the input");
	yj_docs_free(roots, n);
	if (err)
		node_parsed_free(p);
	return err;
}

