/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control-plane probes of `hyperctl audit`: what a pod can ask of the
 * daemon through its runtime (a CNI ADD carries what the pod's author
 * wrote), as opposed to the frame-level probes of src/audit, which attack
 * the bridge from inside a container. Each probe is a file of its own and
 * a line in the table of src/ctl/audit.c; it writes one row, and leaves
 * nothing behind. tag is unique to this audit run.
 */
#ifndef HYP_CTL_AUDIT_CP_H
#define HYP_CTL_AUDIT_CP_H

#include "audit/audit.h"
#include "ctl/ctl.h"

typedef void (*audit_cp_probe)(struct ctl *c, const char *tag, struct audit_row *row);

/* audit_claim.c: a pod claims another namespace, or a namespace label. */
void audit_cp_namespace_claim(struct ctl *c, const char *tag, struct audit_row *row);
/* audit_inspect.c: frames that would get bytes past payload inspection. */
void audit_cp_inspect_evasion(struct ctl *c, const char *tag, struct audit_row *row);
/* audit_ct_flood.c: a container floods new flows to exhaust the conntrack table. */
void audit_cp_ct_flood(struct ctl *c, const char *tag, struct audit_row *row);
/* audit_ip6only.c: an IPv6-only SNIC sends IPv4 and ARP (it has no IPv4 binding). */
void audit_cp_ip6_only(struct ctl *c, const char *tag, struct audit_row *row);

#endif
