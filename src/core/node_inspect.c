// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inspection policies of a node: for every identity and direction that
 * some InspectionPolicy selects, the patterns of all selecting documents
 * are compiled into one DFA and loaded by the backend. Alerts come back
 * from the backend with the id the DFA gave the pattern, mapped here to
 * the pattern's text and policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hyperion/abi.h"
#include "core/node_priv.h"
#include "inspect/doc.h"
#include "inspect/inspect.h"
#include "lib/addr6.h"
#include "lib/keys.h"
#include "lib/log.h"

#define EVENTS_KEPT 256

struct insp_pat_ref {
	char policy[300];
	size_t index; /* in the document's pattern list */
	uint8_t action;
	char text[INSPECT_PATTERN_MAX * 4 + 1];
};

struct insp_live {
	uint32_t identity, dir;
	char snic[64];	/* one SNIC of the identity, for messages */
	char what[384]; /* "snic S ingress (policies NS/N, ...)", for messages */
};

struct insp_state {
	struct insp_live *live;
	size_t n_live;
	struct insp_pat_ref *pats; /* by pattern id, from 1 */
	size_t n_pats;
	json_object *events; /* recent alerts, newest last */
};

struct ident {
	uint32_t identity;
	struct labels labels;
	char snic[64];
};

struct build {
	struct insp_doc **docs;
	size_t n_docs;
	struct ident *ids;
	size_t n_ids;
};

static int doc_cb(const char *ns, const char *name, const char *doc, int64_t updated, void *ctx)
{
	struct build *b = ctx;
	struct errmsg em = {};
	json_object *o = json_tokener_parse(doc);
	struct insp_doc **nd, *d;
	int err;

	(void)updated;
	if (!o)
		return -EINVAL;
	err = insp_doc_from_json(o, &d, &em);
	json_object_put(o);
	if (err) {
		pr_warn("inspection %s/%s: stored document no longer valid: %s\n", ns, name,
			em.msg);
		return err;
	}
	nd = realloc(b->docs, (b->n_docs + 1) * sizeof(*nd));
	if (!nd) {
		insp_doc_free(d);
		return -ENOMEM;
	}
	b->docs = nd;
	b->docs[b->n_docs++] = d;
	return 0;
}

static int ident_cb(const struct snic_rec *r, void *ctx)
{
	struct build *b = ctx;
	struct ident *ni;

	for (size_t i = 0; i < b->n_ids; i++)
		if (b->ids[i].identity == r->identity)
			return 0;
	ni = realloc(b->ids, (b->n_ids + 1) * sizeof(*ni));
	if (!ni)
		return -ENOMEM;
	b->ids = ni;
	ni = &b->ids[b->n_ids];
	ni->identity = r->identity;
	snprintf(ni->snic, sizeof(ni->snic), "%s", r->name);
	if (labels__parse_canonical(&ni->labels, r->labels))
		return -EINVAL;
	b->n_ids++;
	return 0;
}

static void build_free(struct build *b)
{
	for (size_t i = 0; i < b->n_docs; i++)
		insp_doc_free(b->docs[i]);
	free(b->docs);
	free(b->ids);
}

static void state_free(struct insp_state *s)
{
	if (!s)
		return;
	free(s->live);
	free(s->pats);
	json_object_put(s->events);
	free(s);
}

/* "snic S DIR (policies NS/N, ...)": who a table is for, in messages. */
static void describe(char *buf, size_t len, const struct ident *id, int dir,
		     struct insp_doc *const *sel, size_t nsel)
{
	size_t at = (size_t)snprintf(buf, len, "snic %s %s (polic%s", id->snic,
				     dir == HYP_DIR_INGRESS ? "ingress" : "egress",
				     nsel == 1 ? "y" : "ies");

	for (size_t i = 0; i < nsel && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s/%s", i ? ", " : " ",
				       insp_doc_namespace(sel[i]), insp_doc_name(sel[i]));
	if (at < len)
		snprintf(buf + at, len - at, ")");
}

/* Puts "what: " before the message the compiler left in em. */
static void em_prefix(struct errmsg *em, const char *what)
{
	char msg[sizeof(em->msg)];
	size_t at;

	if (!em || !em->msg[0])
		return;
	memcpy(msg, em->msg, sizeof(msg));
	at = (size_t)snprintf(em->msg, sizeof(em->msg), "%s: ", what);
	if (at < sizeof(em->msg))
		memcpy(em->msg + at, msg, strnlen(msg, sizeof(em->msg) - at - 1) + 1);
	em->msg[sizeof(em->msg) - 1] = 0;
}

/* Patterns of the documents selecting (identity, dir); records their refs. */
static int gather(struct build *b, const struct ident *id, int dir, struct insp_state *st,
		  struct insp_pattern **pats, size_t *np, struct insp_doc ***sel, size_t *nsel,
		  uint8_t *action)
{
	*np = *nsel = 0;
	*pats = NULL;
	*action = HYP_INSPECT_ALERT;
	*sel = calloc(b->n_docs + 1, sizeof(**sel));
	if (!*sel)
		return -ENOMEM;
	for (size_t i = 0; i < b->n_docs; i++) {
		struct insp_doc *d = b->docs[i];
		struct insp_pattern *dp = NULL, *grown;
		struct insp_pat_ref *refs;
		size_t dn = 0;
		int err;

		if (insp_doc_direction(d) != dir || !insp_doc_selects(d, &id->labels))
			continue;
		(*sel)[(*nsel)++] = d;
		if (insp_doc_action(d) == HYP_INSPECT_DROP)
			*action =
			    HYP_INSPECT_DROP; /* the table's default; each pattern keeps its own */
		err = insp_doc_patterns(d, (uint32_t)st->n_pats + 1, &dp, &dn);
		if (err)
			return err;
		grown = realloc(*pats, (*np + dn + 1) * sizeof(**pats));
		refs = realloc(st->pats, (st->n_pats + dn + 1) * sizeof(*refs));
		if (!grown || !refs) {
			free(dp);
			free(grown ? grown : *pats);
			*pats = NULL;
			if (refs)
				st->pats = refs;
			return -ENOMEM;
		}
		*pats = grown;
		st->pats = refs;
		if (!st->n_pats)
			memset(&st->pats[0], 0, sizeof(st->pats[0]));
		for (size_t k = 0; k < dn; k++) {
			struct insp_pat_ref *r = &st->pats[st->n_pats + 1 + k];

			snprintf(r->policy, sizeof(r->policy), "%s/%s", insp_doc_namespace(d),
				 insp_doc_name(d));
			r->index = k;
			r->action = (uint8_t)insp_doc_action(d);
			insp_pattern_escape(dp[k].bytes, dp[k].len, r->text, sizeof(r->text));
			(*pats)[*np + k] = dp[k];
		}
		st->n_pats += dn;
		*np += dn;
		free(dp);
	}
	return 0;
}

/* The DFA of one endpoint direction, if any pattern applies, as entry *ne. */
static int compile_dir(struct build *b, const struct ident *id, int dir, struct insp_state *st,
		       struct hyp_inspect_entry *ents, struct insp_dfa *dfas, size_t *ne,
		       uint32_t max_states, struct errmsg *em)
{
	struct insp_live *live = &st->live[*ne];
	struct insp_pattern *pats = NULL;
	struct insp_doc **sel = NULL;
	size_t np, nsel;
	uint8_t action;
	int err;

	err = gather(b, id, dir, st, &pats, &np, &sel, &nsel, &action);
	if (!err && np) {
		describe(live->what, sizeof(live->what), id, dir, sel, nsel);
		err = insp_dfa_build(pats, np, max_states, &dfas[*ne], em);
		if (err)
			em_prefix(em, live->what);
	}
	if (!err && np) {
		ents[*ne] = (struct hyp_inspect_entry){
		    .identity = id->identity,
		    .dir = (uint8_t)dir,
		    .action = action,
		    .dfa = &dfas[*ne],
		    .name = live->what,
		};
		insp_docs_scope(sel, nsel, &ents[*ne].proto, &ents[*ne].port_lo,
				&ents[*ne].port_hi);
		live->identity = id->identity;
		live->dir = (uint32_t)dir;
		snprintf(live->snic, sizeof(live->snic), "%s", id->snic);
		(*ne)++;
	}
	free(pats);
	free(sel);
	return err;
}

/* Compiles the inspection set of the store; load: and loads it. */
static int inspect_build(struct node *n, bool load, struct errmsg *em)
{
	struct build b = {};
	struct insp_state *st = calloc(1, sizeof(*st));
	struct hyp_inspect_entry *ents = NULL;
	struct hyp_backend_limits lim = {};
	struct insp_dfa *dfas = NULL;
	size_t ne = 0;
	int err;

	if (!st)
		return -ENOMEM;
	n->be->limits(n->bep, &lim);
	err = store__doc_foreach(n->st, STORE_DOC_INSPECTION, doc_cb, &b);
	/* no inspection policy selects anything: no walk of every SNIC per add */
	if (!err && b.n_docs)
		err = store__snic_foreach(n->st, ident_cb, &b);
	if (err) {
		em_set(em, err, "cannot read inspection policies from the store");
		goto out;
	}
	ents = calloc(2 * b.n_ids + 1, sizeof(*ents));
	dfas = calloc(2 * b.n_ids + 1, sizeof(*dfas));
	st->live = calloc(2 * b.n_ids + 1, sizeof(*st->live));
	if (!ents || !dfas || !st->live) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; !err && i < b.n_ids; i++)
		for (int dir = 0; !err && dir < 2; dir++)
			err = compile_dir(&b, &b.ids[i], dir, st, ents, dfas, &ne,
					  lim.inspect_states, em);
	if (err) {
		if (err != -E2BIG)
			em_set(em, err, "cannot compile the inspection patterns");
		goto out;
	}
	if (!load)
		goto out;
	err = n->be->inspect_load(n->bep, ents, ne, em);
	if (err)
		goto out;
	st->n_live = ne;
	/* said when it changes: not again on every SNIC added */
	if (!n->insp || n->insp->n_live != ne || n->insp->n_pats != st->n_pats)
		pr_info("inspection: %zu inspected endpoint directions, %zu patterns\n", ne,
			st->n_pats);
	st->events = n->insp ? json_object_get(n->insp->events) : node_events_load(n);
	state_free(n->insp);
	n->insp = st;
	st = NULL;
out:
	for (size_t i = 0; dfas && i < ne; i++)
		insp_dfa_free(&dfas[i]);
	free(dfas);
	free(ents);
	state_free(st);
	build_free(&b);
	return err;
}

int node__inspect_sync(struct node *n, struct errmsg *em)
{
	return inspect_build(n, true, em);
}

int node__inspect_check(struct node *n, struct errmsg *em)
{
	return inspect_build(n, false, em);
}

/* The SNIC named in messages for the endpoint direction an alert is about. */
static const char *alert_snic(const struct insp_state *st, const struct hyp_inspect_alert *a)
{
	for (size_t i = 0; st && i < st->n_live; i++)
		if (st->live[i].identity == a->identity && st->live[i].dir == a->dir)
			return st->live[i].snic;
	return "?";
}

static json_object *alert_json(const struct hyp_inspect_alert *a, const char *snic,
			       const struct insp_pat_ref *ref, const char *src, const char *dst)
{
	json_object *o = json_object_new_object();
	char buf[40];

	json_object_object_add(o, KEY_TIME,
			       json_object_new_string(node_wall_time(a->ts, buf, sizeof(buf))));
	json_object_object_add(o, KEY_ENDPOINT, json_object_new_string(snic));
	json_object_object_add(o, KEY_IDENTITY, json_object_new_int64(a->identity));
	json_object_object_add(
	    o, KEY_DIRECTION,
	    json_object_new_string(a->dir == HYP_DIR_INGRESS ? "ingress" : "egress"));
	json_object_object_add(o, KEY_SRC, json_object_new_string(src));
	json_object_object_add(o, KEY_DST, json_object_new_string(dst));
	json_object_object_add(o, KEY_SPORT, json_object_new_int(a->sport));
	json_object_object_add(o, KEY_DPORT, json_object_new_int(a->dport));
	json_object_object_add(o, KEY_PROTO,
			       json_object_new_string(node_proto_name(a->proto, buf, sizeof(buf))));
	json_object_object_add(o, KEY_PATTERN, json_object_new_string(ref ? ref->text : ""));
	json_object_object_add(o, KEY_POLICY, json_object_new_string(ref ? ref->policy : ""));
	json_object_object_add(o, KEY_OFFSET, json_object_new_int64(a->offset));
	json_object_object_add(
	    o, KEY_ACTION,
	    json_object_new_string(a->action == HYP_INSPECT_DROP ? "drop" : "alert"));
	return o;
}

static int on_alert(const struct hyp_inspect_alert *a, void *ctx)
{
	struct node *n = ctx;
	struct insp_state *st = n->insp;
	const struct insp_pat_ref *ref = NULL;
	const char *snic = "?";
	char src[IP6_STRLEN], dst[IP6_STRLEN];

	if (st && a->pattern) {
		snic = alert_snic(st, a);
		if (a->pattern <= st->n_pats)
			ref = &st->pats[a->pattern];
	}
	if (a->v6) {
		ipv6_format(a->saddr6, src, sizeof(src));
		ipv6_format(a->daddr6, dst, sizeof(dst));
	} else {
		ipv4_format(a->saddr, src, sizeof(src));
		ipv4_format(a->daddr, dst, sizeof(dst));
	}
	pr_warn("inspect %s: %s %s:%u -> %s:%u proto %u: pattern \"%s\" (%s) at offset %u: %s\n",
		a->dir == HYP_DIR_INGRESS ? "ingress" : "egress", snic, src, a->sport, dst,
		a->dport, a->proto, ref ? ref->text : "?", ref ? ref->policy : "?", a->offset,
		a->action == HYP_INSPECT_DROP ? "flow dropped" : "alert");
	node_monitor_alert(n, a, ref ? ref->policy : "", ref ? ref->text : "");
	if (!st)
		return 0;
	if (json_object_array_length(st->events) >= EVENTS_KEPT)
		json_object_array_del_idx(st->events, 0, 1);
	json_object_array_add(st->events, alert_json(a, snic, ref, src, dst));
	n->events_dirty = true;
	return 0;
}

int node__inspect_poll(struct node *n)
{
	int err = n->be->inspect_events(n->bep, on_alert, n);

	if (n->events_dirty && n->insp && !node_events_save(n, n->insp->events))
		n->events_dirty = false;
	return err;
}

int node__inspect_event_fd(struct node *n)
{
	return n->be->inspect_event_fd(n->bep);
}

json_object *node__events_json(struct node *n)
{
	node__inspect_poll(n);
	return n->insp ? json_object_get(n->insp->events) : node_events_load(n);
}

/* What the inspection tables hold: inspected endpoint directions, distinct
 * automata (shared by equal compiled sets) and the DFA rows they take. */
json_object *node_inspect_usage_json(struct node *n)
{
	struct hyp_inspect_usage u = {};
	json_object *o = json_object_new_object();

	if (n->be->inspect_usage)
		n->be->inspect_usage(n->bep, &u);
	json_object_object_add(o, KEY_INSPECT_TABLES, json_object_new_int64(u.tables));
	json_object_object_add(o, KEY_INSPECT_AUTOMATA, json_object_new_int64(u.automata));
	json_object_object_add(o, KEY_INSPECT_ROWS, json_object_new_int64(u.rows));
	json_object_object_add(o, KEY_INSPECT_ROWS_TOTAL, json_object_new_int64(u.rows_total));
	return o;
}

void node_inspect_free(struct node *n)
{
	state_free(n->insp);
	n->insp = NULL;
}
