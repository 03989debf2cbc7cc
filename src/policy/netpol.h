/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to src/policy: the validated form of a NetworkPolicy (netpol.c
 * makes it with the document toolkit of src/lib, netpol_json.c writes it
 * back, compile.c compiles it).
 */
#ifndef HYP_POLICY_NETPOL_H
#define HYP_POLICY_NETPOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "lib/addr.h"
#include "lib/validate.h"
#include "lib/meta.h"
#include "lib/ports.h"
#include "lib/selector.h"
#include "policy/policy.h"

#define POL_API_VERSION	  "networking.k8s.io/v1"
#define POL_KIND	  "NetworkPolicy"
#define POL_NS_NAME_LABEL "kubernetes.io/metadata.name"

struct pol_peer {
	struct label_selector *pods;	   /* NULL: absent */
	struct label_selector *namespaces; /* NULL: absent */
	bool ip_block;			   /* then neither selector */
	/*
	 * An IPv6 block: valid, kept (as text, canonical), and it matches
	 * no endpoint, since Hyperion carries IPv4 only. cidr and except
	 * are then unused.
	 */
	bool ipv6;
	struct cidr4 cidr;
	struct cidr4 *except;
	size_t n_except;
	const char *cidr6;    /* ipv6: "fd00::/8" */
	const char **except6; /* ipv6: n_except of them */
};

struct pol_rule {
	struct pol_peer *peers; /* none: every peer */
	size_t n_peers;
	struct doc_port *ports; /* none: every port and protocol */
	size_t n_ports;
};

struct pol_doc {
	struct doc_arena *arena; /* owns everything below */
	struct doc_meta meta;	 /* labels and annotations kept for pol_doc_json */
	struct label_selector pods;
	uint8_t types; /* HYP_ENFORCE_INGRESS | HYP_ENFORCE_EGRESS */
	/* by hyp_policy_dir; a direction outside types keeps its rules, ignored */
	struct pol_rule *rules[2];
	size_t n_rules[2];
	struct doc_warnings warn; /* pol_doc_warning() */
	uint64_t serial;	  /* unique per parsed document (compile_inc.c) */
};

static inline uint8_t pol_dir_flag(int dir)
{
	return dir == 0 /* HYP_DIR_INGRESS */ ? 0x1 : 0x2;
}

extern const struct doc_kind pol_kind;
extern const struct port_dialect pol_ports; /* TCP, UDP, SCTP; Kubernetes' wording */

struct vctx;
/* An IPv6 ipBlock p selects ep: ep has an IPv6 address in cidr6 and in no except6
 * (compile6.c). */
bool pol_ip6_selected(const struct pol_peer *p, const struct pol_endpoint *ep);
/* The ipBlock of peer p into out (netpol_cidr.c). */
int netpol_parse_ipblock(struct vctx *c, json_object *p, struct pol_peer *out);

#endif
