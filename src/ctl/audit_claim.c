// SPDX-License-Identifier: GPL-2.0-only
/*
 * Audit probe "namespace-claim" (control plane): a pod whose runtime puts
 * it in namespace audit-TAG asks, through the labels a runtime passes on
 * from the pod (cni.add pod_labels), for namespace kube-system, and for a
 * namespace label. Both ADDs must be refused with CNI code 107; the twin,
 * the same pod asking for an ordinary label, must attach in audit-TAG.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/cni_attach.h"
#include "ctl/audit_cp.h"
#include "lib/api.h"
#include "lib/netns.h"

struct claim {
	struct ctl *c;
	char net[40], ns[40], netns[80], runtime_ns[24];
};

/* cni.add of attachment cid with one pod label; *code: 0 or the CNI code. */
static json_object *add(struct claim *k, const char *cid, const char *key, const char *val,
			int *code)
{
	json_object *req = json_object_new_object(), *args = json_object_new_object();
	json_object *pl = json_object_new_object(), *rep = NULL, *v, *res = NULL;

	json_object_object_add(pl, key, json_object_new_string(val));
	json_object_object_add(args, "network", json_object_new_string(k->net));
	json_object_object_add(args, "containerid", json_object_new_string(cid));
	json_object_object_add(args, "ifname", json_object_new_string("eth0"));
	json_object_object_add(args, KEY_NETNS, json_object_new_string(k->netns));
	json_object_object_add(args, KEY_NAMESPACE, json_object_new_string(k->runtime_ns));
	json_object_object_add(args, KEY_POD_LABELS, pl);
	json_object_object_add(req, "cmd", json_object_new_string("cni.add"));
	json_object_object_add(req, "args", args);
	*code = -1;
	if (!api_call(k->c->paths.socket, req, &rep)) {
		*code = json_object_object_get_ex(rep, "cni_code", &v) ? json_object_get_int(v) : 0;
		if (json_object_object_get_ex(rep, "result", &v))
			res = json_object_get(v);
	}
	json_object_put(rep);
	json_object_put(req);
	return res;
}

static void del(struct claim *k, const char *cid)
{
	json_object *req = json_object_new_object(), *args = json_object_new_object(), *rep = NULL;

	json_object_object_add(args, "network", json_object_new_string(k->net));
	json_object_object_add(args, "containerid", json_object_new_string(cid));
	json_object_object_add(args, "ifname", json_object_new_string("eth0"));
	json_object_object_add(req, "cmd", json_object_new_string("cni.del"));
	json_object_object_add(req, "args", args);
	api_call(k->c->paths.socket, req, &rep);
	json_object_put(rep);
	json_object_put(req);
}

void audit_cp_namespace_claim(struct ctl *c, const char *tag, struct audit_row *row)
{
	struct claim k = {.c = c};
	char cid[3][40];
	json_object *snic, *ls, *v;
	int code_ns = -1, code_lbl = -1, code_twin = -1;
	const char *got = "-";

	snprintf(row->name, sizeof(row->name), "namespace-claim");
	snprintf(row->desc, sizeof(row->desc),
		 "pod labels claim namespace kube-system / a namespace label (CNI ADD)");
	snprintf(row->expected, sizeof(row->expected), "refused (CNI %d); twin in own ns",
		 CNI_ERR_RESERVED);
	snprintf(k.net, sizeof(k.net), "hyp-audit-%s", tag);
	snprintf(k.ns, sizeof(k.ns), "hyp-audit-%s-claim", tag);
	snprintf(k.netns, sizeof(k.netns), "/run/netns/%s", k.ns);
	snprintf(k.runtime_ns, sizeof(k.runtime_ns), "audit-%s", tag);
	for (int i = 0; i < 3; i++)
		snprintf(cid[i], sizeof(cid[i]), "audit-%s-%d", tag, i);
	if (netns_create_named(k.ns)) {
		snprintf(row->observed, sizeof(row->observed), "cannot create netns %s", k.ns);
		return;
	}
	json_object_put(add(&k, cid[0], "namespace", "kube-system", &code_ns));
	json_object_put(add(&k, cid[1], "namespace.hyperion.io/team", "audit", &code_lbl));
	snic = add(&k, cid[2], "audit", "twin", &code_twin);
	if (snic && json_object_object_get_ex(snic, KEY_LABELS, &ls) &&
	    json_object_object_get_ex(ls, KEY_NAMESPACE, &v))
		got = json_object_get_string(v);
	row->blocked = code_ns == CNI_ERR_RESERVED && code_lbl == CNI_ERR_RESERVED;
	row->pass = row->blocked && snic && !strcmp(got, k.runtime_ns);
	snprintf(row->observed, sizeof(row->observed),
		 "namespace: code %d, namespace label: code %d; twin: %s, namespace %s", code_ns,
		 code_lbl, snic ? "attached" : "FAILED", got);
	json_object_put(snic);
	for (int i = 0; i < 3; i++)
		del(&k, cid[i]);
	netns_delete_named(k.ns);
}
