/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixture of the policy compiler's unit tests (test_policy_compile*.c): a
 * small world of endpoints in three namespaces (prod, dev, default) with
 * the administrator's namespace labels, compilation with pol_compile and
 * evaluation with pol_eval, the datapath's evaluation; ALLOW and DENY name
 * the flow that went the wrong way.
 */
#ifndef HYP_TESTS_POLICY_WORLD_FIXTURE_H
#define HYP_TESTS_POLICY_WORLD_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hyperion/abi.h>

#include "policy/policy.h"

#define TCP  6
#define UDP  17
#define SCTP 132
#define ICMP 1

enum { WEB, WEB2, API, DB, DWEB, DAPI, TOOL, MISC, N_EPS };

enum { NS_PROD, NS_DEV, NS_DEFAULT, N_NS };

struct world {
	struct labels ls[N_EPS];
	struct pol_endpoint eps[N_EPS];
	/* namespace labels, as the administrator sets them */
	struct labels nsl[N_NS];
	struct pol_namespace nss[N_NS];
};

static const struct {
	const char *name;
	const char *labels;
} ns_def[N_NS] = {
    [NS_PROD] = {"prod", "env=production,team=shop"},
    [NS_DEV] = {"dev", "env=dev"},
    [NS_DEFAULT] = {"default", ""},
};

static const struct {
	const char *name;
	uint32_t identity;
	uint32_t ip;
	const char *labels;
} world_def[N_EPS] = {
    /* prod: env=production, team=shop */
    [WEB] = {"web", 300, 0x0a00000a, "app=web,role=frontend"},
    [WEB2] = {"web2", 300, 0x0a00000b, "app=web,role=frontend"},
    [API] = {"api", 301, 0x0a000014, "app=api"},
    [DB] = {"db", 302, 0x0a00001e, "app=db"},
    /* dev: env=dev */
    [DWEB] = {"dweb", 400, 0x0a00010a, "app=web,role=frontend"},
    [DAPI] = {"dapi", 402, 0x0a000114, "app=api"},
    [TOOL] = {"tool", 401, 0x0a000115, "app=tool"},
    /* default namespace, no namespace labels */
    [MISC] = {"misc", 500, 0x0a00020a, "app=misc"},
};

static inline void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	for (int i = 0; i < N_EPS; i++) {
		char buf[256];

		if (i <= DB)
			snprintf(buf, sizeof(buf), "%s,namespace=prod", world_def[i].labels);
		else if (i <= TOOL)
			snprintf(buf, sizeof(buf), "%s,namespace=dev", world_def[i].labels);
		else
			snprintf(buf, sizeof(buf), "%s", world_def[i].labels);
		assert_int_equal(labels__parse_canonical(&w->ls[i], buf), 0);
		w->eps[i] = (struct pol_endpoint){
		    .name = world_def[i].name,
		    .identity = world_def[i].identity,
		    .ip = world_def[i].ip,
		    .labels = &w->ls[i],
		};
	}
	for (int i = 0; i < N_NS; i++) {
		assert_int_equal(labels__parse_canonical(&w->nsl[i], ns_def[i].labels), 0);
		w->nss[i] = (struct pol_namespace){.name = ns_def[i].name, .labels = &w->nsl[i]};
	}
}

static inline int compile_max(struct world *w, const char *yaml, size_t max, struct pol_program *p,
			      struct errmsg *em)
{
	struct pol_doc **docs = NULL;
	size_t n = 0;
	int err;

	memset(em, 0, sizeof(*em));
	err = yaml ? pol_parse(yaml, strlen(yaml), &docs, &n, em) : 0;
	if (err)
		fail_msg("pol_parse: %s\n%s", em->msg, yaml);
	err = pol_compile(docs, n, w->eps, N_EPS, w->nss, N_NS, max, p, em);
	pol_docs_free(docs, n);
	return err;
}

static inline void compile(struct world *w, const char *yaml, struct pol_program *p)
{
	struct errmsg em;
	int err = compile_max(w, yaml, 100000, p, &em);

	if (err)
		fail_msg("pol_compile (%d): %s", err, em.msg);
}

static inline struct pol_verdict eval(const struct pol_program *p, const struct world *w, int src,
				      int dst, uint8_t proto, uint16_t port)
{
	struct pol_verdict v;

	pol_eval(p, &w->eps[src], &w->eps[dst], proto, port, &v);
	return v;
}

static inline bool ok(const struct pol_program *p, const struct world *w, int src, int dst,
		      uint8_t proto, uint16_t port)
{
	return eval(p, w, src, dst, proto, port).allowed;
}

#define ALLOW(p, w, s, d, pr, po)                                                                  \
	do {                                                                                       \
		if (!ok(p, w, s, d, pr, po))                                                       \
			fail_msg("%s -> %s proto %d port %d denied, should pass", #s, #d, pr, po); \
	} while (0)
#define DENY(p, w, s, d, pr, po)                                                                   \
	do {                                                                                       \
		if (ok(p, w, s, d, pr, po))                                                        \
			fail_msg("%s -> %s proto %d port %d allowed, should drop", #s, #d, pr,     \
				 po);                                                              \
	} while (0)

#define NP(ns, name)                                                                               \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " name            \
	", namespace: " ns "}\nspec:\n"
#define SEP "---\n"

#define PORT_POLICY(ports)                                                                         \
	NP("prod", "ports")                                                                        \
	"  podSelector: {matchLabels: {app: db}}\n"                                                \
	"  ingress:\n"                                                                             \
	"  - ports: " ports "\n"

#endif
