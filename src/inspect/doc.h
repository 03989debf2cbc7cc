/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * InspectionPolicy documents: what src/inspect/inspect.h leaves out and
 * the store and the daemon need.
 *
 * doc_index (insp_doc_parse) counts from 1, as yj_parse's messages do;
 * 0 means "not from a text" and messages then say "policy NAME: ...".
 */
#ifndef HYP_INSPECT_DOC_H
#define HYP_INSPECT_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "inspect/inspect.h"
#include "lib/errmsg.h"
#include "lib/ports.h"

#define INSPECT_API_VERSION "hyperion.io/v1"
#define INSPECT_KIND	    "InspectionPolicy"

/* Rebuilds a document from insp_doc_json() output (the store's copy). */
int insp_doc_from_json(json_object *o, struct insp_doc **out, struct errmsg *em);
/* spec.ports (protocol IPPROTO_TCP or IPPROTO_UDP); none (0): every TCP
 * and UDP port. Valid while d lives. */
size_t insp_doc_ports(const struct insp_doc *d, const struct doc_port **ports);
/*
 * What the documents selecting one endpoint direction cover together, as
 * the one port range and protocol set its table holds: lo = hi = 0 every
 * port; proto IPPROTO_TCP or IPPROTO_UDP, 0 both. A document without
 * ports covers every port and protocol (TCP and UDP payload walked, any
 * other payload refused). Several port lists merge into the smallest
 * range covering them: more ports inspected, never fewer.
 */
void insp_docs_scope(struct insp_doc *const *docs, size_t n, uint8_t *proto, uint16_t *lo,
		     uint16_t *hi);
size_t insp_doc_npatterns(const struct insp_doc *d);
/*
 * Pattern bytes in the canonical escaped form of insp_doc_json: printable
 * ASCII as is, '\' as "\\", every other byte as "\xNN". Returns the
 * length it needs (like snprintf); buf gets a NUL-terminated prefix.
 */
size_t insp_pattern_escape(const uint8_t *bytes, size_t len, char *buf, size_t size);

#endif
