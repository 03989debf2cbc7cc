/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Payload inspection: InspectionPolicy documents (hyperion.io/v1), and
 * their compilation into Aho-Corasick DFAs whose transition rows the
 * datapath walks (see the DFA section of include/hyperion/abi.h).
 *
 * Document:
 *   apiVersion: hyperion.io/v1
 *   kind: InspectionPolicy
 *   metadata: {name: NAME, namespace: NS}       # namespace default "default"
 *   spec:
 *     podSelector: {matchLabels: ..., matchExpressions: ...}   # as NetworkPolicy
 *     direction: ingress | egress               # traffic into / out of the selected pods
 *     ports: [{protocol: TCP|UDP, port: N, endPort: M}]        # optional: all ports
 *     action: drop | alert
 *     patterns:
 *     - pattern: "/etc/passwd"                   # literal; \xNN hex escapes, \\ for '\'
 *       caseInsensitive: true                    # optional, default false
 */
#ifndef HYP_INSPECT_H
#define HYP_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "lib/errmsg.h"
#include "lib/labels.h"

#define INSPECT_PATTERN_MAX  256  /* bytes of one pattern */
#define INSPECT_PATTERNS_MAX 4096 /* patterns of one document */

struct insp_doc;

/* Validates one parsed document (from yj_parse); line numbers via yj_line.
 * doc_index is the document's position in its stream, for messages. */
int insp_doc_parse(json_object *o, size_t doc_index, struct insp_doc **out, struct errmsg *em);
void insp_doc_free(struct insp_doc *d);
const char *insp_doc_namespace(const struct insp_doc *d);
const char *insp_doc_name(const struct insp_doc *d);
json_object *insp_doc_json(const struct insp_doc *d); /* canonical, for the store */
/* Does the document select an endpoint with these labels (namespace rules
 * as NetworkPolicy: label "namespace", default "default")? */
bool insp_doc_selects(const struct insp_doc *d, const struct labels *ls);
int insp_doc_direction(const struct insp_doc *d); /* HYP_DIR_INGRESS / HYP_DIR_EGRESS */
int insp_doc_action(const struct insp_doc *d);	  /* HYP_INSPECT_DROP / HYP_INSPECT_ALERT */

struct insp_pattern {
	uint8_t bytes[INSPECT_PATTERN_MAX];
	size_t len;
	bool nocase;
	bool drop;   /* a drop pattern (else alert) */
	uint32_t id; /* from 1; the daemon maps it back to document and index */
};

/*
 * A DFA in the datapath's layout: rows[s * 256 + byte] = (next << 1) | hit,
 * next a state index local to this DFA (0 = start), hit set when next
 * ends at least one pattern. out[s] = id of one pattern ending at s (0:
 * none). States are numbered in BFS order.
 */
struct insp_dfa {
	uint32_t *rows;
	uint32_t *out;
	uint8_t *drop; /* drop[s]: some drop pattern ends at s */
	uint32_t states;
	uint32_t longest; /* bytes of the longest pattern: from the start state, any
			   * input that long leaves the DFA in the state it is in */
};

/* Fails with -E2BIG (and a message naming the size) above max_states. */
int insp_dfa_build(const struct insp_pattern *pats, size_t n, uint32_t max_states,
		   struct insp_dfa *dfa, struct errmsg *em);
void insp_dfa_free(struct insp_dfa *dfa);
/* Reference walk over a buffer from state *state; returns the id of the
 * first pattern found (0: none) and its end offset in *at. */
uint32_t insp_dfa_walk(const struct insp_dfa *dfa, uint32_t *state, const uint8_t *buf, size_t len,
		       size_t *at);
/* Patterns of a document, in order, ids from first_id. */
int insp_doc_patterns(const struct insp_doc *d, uint32_t first_id, struct insp_pattern **pats,
		      size_t *n);

#endif
