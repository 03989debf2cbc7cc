/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Document toolkit: spec "ports" lists as Kubernetes writes them,
 * [{protocol: TCP, port: 80, endPort: 90}], validated with a struct vctx
 * (lib/validate.h) and written back as canonical JSON (lib/jbuild.h). Each
 * document kind gives its dialect: which protocols it takes and how it
 * words a refusal.
 */
#ifndef HYP_LIB_PORTS_H
#define HYP_LIB_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "lib/validate.h"
#include "lib/jbuild.h"

/* One ports entry. */
struct doc_port {
	uint8_t proto;	   /* IPPROTO_* of one of the dialect's protocols */
	uint16_t port;	   /* 0: every port */
	uint16_t end_port; /* 0: port alone */
	const char *name;  /* a named port (dialect named_ports): port and end_port 0 */
};

struct port_proto {
	const char *name; /* "TCP" */
	uint8_t num;	  /* IPPROTO_TCP */
};

struct port_dialect {
	const struct port_proto *protos; /* those accepted; the first is the default */
	size_t n_protos;
	const char *protos_text; /* for messages: "TCP, UDP or SCTP" */
	bool null_protocol;	 /* protocol: null means the default (else refused) */
	/*
	 * Kubernetes' wording: port: null "is empty (null)", a quoted number
	 * "must be a number ..., without quotes", a name "named port ... is
	 * not supported". Else "must be a number" and "is a string".
	 */
	bool k8s_messages;
	/* The list as a whole: null means none (else "ports is empty (null)"). */
	bool null_list;
	/* port may be a name (IANA_SVC_NAME) the endpoints declare (lib/named_ports.h) */
	bool named_ports;
};

/* map["ports"] into *ports (from c's arena); path element "ports". */
int ports_parse(struct vctx *c, const struct port_dialect *d, json_object *map,
		struct doc_port **ports, size_t *n);
/* The list as canonical JSON: every protocol written out. */
json_object *ports_json(struct jbuild *b, const struct port_dialect *d, const struct doc_port *p,
			size_t n);

#endif
