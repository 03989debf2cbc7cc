/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to src/policy: the validated form of a NetworkPolicy and the
 * validation context shared by netpol.c and selector.c.
 */
#ifndef HYP_POLICY_NETPOL_H
#define HYP_POLICY_NETPOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "lib/addr.h"
#include "lib/errmsg.h"
#include "lib/labels.h"
#include "policy/policy.h"

#define POL_API_VERSION	      "networking.k8s.io/v1"
#define POL_KIND	      "NetworkPolicy"
#define POL_DEFAULT_NAMESPACE "default"
#define POL_NS_NAME_LABEL     "kubernetes.io/metadata.name"
#define POL_NS_LABEL_PREFIX   "namespace.hyperion.io/"
#define POL_EP_NS_LABEL	      "namespace"

struct pol_proto {
	const char *name;
	uint8_t num;
};

#define POL_N_PROTOCOLS 3
extern const struct pol_proto pol_protocols[POL_N_PROTOCOLS]; /* TCP first: the default */

enum sel_op { SEL_IN, SEL_NOT_IN, SEL_EXISTS, SEL_DOES_NOT_EXIST };

struct sel_req {
	const char *key;
	enum sel_op op;
	bool match_label; /* from matchLabels (op In, one value) */
	const char **values;
	size_t n_values;
};

/* A label selector: every requirement must hold; none selects everything. */
struct pol_selector {
	struct sel_req *reqs;
	size_t n;
};

struct pol_port {
	uint8_t proto;	   /* 6, 17 or 132 */
	uint16_t port;	   /* 0: every port */
	uint16_t end_port; /* 0: port alone */
};

struct pol_peer {
	struct pol_selector *pods;	 /* NULL: absent */
	struct pol_selector *namespaces; /* NULL: absent */
	bool ip_block;			 /* then neither selector */
	struct cidr4 cidr;
	struct cidr4 *except;
	size_t n_except;
};

struct pol_rule {
	struct pol_peer *peers; /* none: every peer */
	size_t n_peers;
	struct pol_port *ports; /* none: every port and protocol */
	size_t n_ports;
};

struct pol_kv {
	const char *key;
	const char *val;
};

struct pol_arena;

struct pol_doc {
	struct pol_arena *arena; /* owns everything below */
	const char *name;
	const char *ns;
	struct pol_kv *labels, *annotations; /* metadata, kept for pol_doc_json */
	size_t n_labels, n_annotations;
	struct pol_selector pods;
	uint8_t types;		   /* HYP_ENFORCE_INGRESS | HYP_ENFORCE_EGRESS */
	struct pol_rule *rules[2]; /* by hyp_policy_dir */
	size_t n_rules[2];
};

static inline uint8_t pol_dir_flag(int dir)
{
	return dir == 0 /* HYP_DIR_INGRESS */ ? 0x1 : 0x2;
}

/* Validation context: where we are, for messages, and the doc's arena. */
struct vctx {
	struct errmsg *em;
	int doc;	  /* document index from 1; 0: not from a text */
	const char *name; /* metadata.name once valid */
	struct pol_arena **arena;
	char path[160]; /* field path, e.g. spec.ingress[0].ports[1] */
	size_t plen;
};

int vc_err(struct vctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *vc_alloc(struct vctx *c, size_t size);
const char *vc_strdup(struct vctx *c, const char *s);
/* Appends ".key" or "[i]" to the path; vc_pop(c, mark) undoes it. */
size_t vc_key(struct vctx *c, const char *key);
size_t vc_idx(struct vctx *c, size_t i);
void vc_pop(struct vctx *c, size_t mark);
/* Rejects any key of map not in known (NULL-terminated): typos must not pass. */
int vc_fields(struct vctx *c, json_object *map, const char *const *known);
/* o is a mapping; names what is expected otherwise. */
int vc_want_map(struct vctx *c, json_object *o, int line, const char *what);
/* map[key] is absent or not null: an empty value must not mean "everything". */
int vc_not_null(struct vctx *c, json_object *map, const char *key);
/* Shared by the NetworkPolicy and InspectionPolicy validators. */
json_object *vc_field(json_object *map, const char *key);
/* A line for element e of list, else the list's, else line. */
int vc_elem_line(json_object *list, json_object *e, int line);
/* DNS-1123 label ([a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63) and subdomain. */
bool vc_dns_label(const char *s);
bool vc_dns_subdomain(const char *s);
/* metadata.name of a document if it is valid, for messages; else NULL. */
const char *vc_peek_name(json_object *root);
/* metadata.name (required) and metadata.namespace (default "default"). */
int vc_meta_name(struct vctx *c, json_object *md, const char **name);
int vc_meta_namespace(struct vctx *c, json_object *md, const char **ns);
/* o is a list or null (count 0); fills *n. */
int vc_want_list(struct vctx *c, json_object *o, int line, const char *what, size_t *n);

/*
 * JSON building with a sticky failure flag, so that an allocation failure
 * can never yield a partial (and so wider) policy: check b->failed once.
 * Each call takes ownership of val and tolerates NULL arguments.
 */
struct jbuild {
	bool failed;
};

json_object *jb_obj(struct jbuild *b);
json_object *jb_arr(struct jbuild *b);
json_object *jb_str(struct jbuild *b, const char *s);
json_object *jb_int(struct jbuild *b, int64_t v);
void jb_set(struct jbuild *b, json_object *obj, const char *key, json_object *val);
void jb_push(struct jbuild *b, json_object *arr, json_object *val);

/* selector.c */
int sel_parse(struct vctx *c, json_object *o, int line, struct pol_selector *out);
bool sel_matches(const struct pol_selector *s, const struct labels *ls);
json_object *sel_json(struct jbuild *b, const struct pol_selector *s);

#endif
