/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The second half of the BPF tests' fixture: running a frame through the
 * bridge port program and counting, conntrack entries, and the policy and
 * inspection tables as the daemon loads them. Not included on its own:
 * fixture.h includes it at its end, after everything it uses.
 */
#ifndef HYP_TESTS_BPF_FIXTURE_RUN_H
#define HYP_TESTS_BPF_FIXTURE_RUN_H

#include "inspect/doc.h"

/* ---- running and counting ---- */

/* Non-zero: the runs are GSO frames of this segment size (BIG TCP tests). */
static uint32_t fx_gso_size;

/* One test run on FX_PORT; returns the verdict; *out_len the output length. */
static inline int fx_run_prog(int prog_fd, const uint8_t *in, size_t len, uint8_t *out,
			      uint32_t out_cap, uint32_t *out_len)
{
	struct __sk_buff ctx = {.ifindex = FX_PORT, .gso_size = fx_gso_size,
				.gso_segs = fx_gso_size ? 2 : 0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = out_cap, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	assert_int_equal(err, 0);
	if (out_len)
		*out_len = opts.data_size_out;
	return (int)opts.retval;
}

static inline uint64_t fx_percpu_packets(int fd, const void *key)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hyp_counter v[ncpu];
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(fd, key, v))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += v[i].packets;
	return sum;
}

static inline uint64_t fx_drops(struct fixture *f, uint32_t reason)
{
	struct hyp_drop_key k = {.ifindex = FX_PORT, .reason = reason};

	return fx_percpu_packets(FX_FD(f, hyp_drops), &k);
}

static inline uint64_t fx_stat(struct fixture *f, uint32_t stat)
{
	struct hyp_stat_key k = {.ifindex = FX_PORT, .stat = stat};

	return fx_percpu_packets(FX_FD(f, hyp_stats), &k);
}

/* Every drop counter of the port, v[reason]. */
static inline void fx_drops_all(struct fixture *f, uint64_t *v)
{
	for (uint32_t r = 0; r < __HYP_DROP_MAX; r++)
		v[r] = fx_drops(f, r);
}

/* Sends a frame as endpoint src (binding the port to it). */
static inline int fx_send(struct fixture *f, int src, const uint8_t *in, size_t len, uint8_t *out,
			  uint32_t *out_len)
{
	uint8_t scratch[FX_FRAME_MAX];

	if (src >= 0)
		fx_bind(f, src);
	return fx_run_prog(fx_port_fd(f), in, len, out ? out : scratch, FX_FRAME_MAX, out_len);
}

/* The frame is dropped, counted once under reason and once in the total. */
static inline void fx_expect_drop(struct fixture *f, int src, const uint8_t *in, size_t len,
				  uint32_t reason)
{
	uint64_t before[__HYP_DROP_MAX], after[__HYP_DROP_MAX], total = fx_stat(f, HYP_STAT_DROP);
	int v;

	fx_drops_all(f, before);
	v = fx_send(f, src, in, len, NULL, NULL);
	fx_drops_all(f, after);
	for (uint32_t r = 0; r < __HYP_DROP_MAX; r++)
		if (after[r] != before[r] && r != reason)
			fail_msg("expected drop reason %u, counted under %u (verdict %d)", reason,
				 r, v);
	assert_int_equal(v, TC_ACT_SHOT);
	assert_int_equal(after[reason], before[reason] + 1);
	assert_int_equal(fx_stat(f, HYP_STAT_DROP), total + 1);
}

/* The frame is forwarded to the endpoint with dst_mac: that MAC written
 * over the stamp, every other byte as sent, nothing counted as dropped. */
static inline void fx_expect_fwd(struct fixture *f, int src, const uint8_t *in, size_t len,
				 const uint8_t *dst_mac)
{
	uint64_t before[__HYP_DROP_MAX], after[__HYP_DROP_MAX];
	uint64_t drops = fx_stat(f, HYP_STAT_DROP), fwd = fx_stat(f, HYP_STAT_FWD);
	uint8_t out[FX_FRAME_MAX];
	uint32_t n = 0;
	int v;

	fx_drops_all(f, before);
	v = fx_send(f, src, in, len, out, &n);
	if (v != TC_ACT_REDIRECT) {
		fx_drops_all(f, after);
		for (uint32_t r = 0; r < __HYP_DROP_MAX; r++)
			if (after[r] != before[r])
				fail_msg("expected forwarded, dropped with reason %u", r);
		fail_msg("expected forwarded (7), verdict %d", v);
	}
	assert_int_equal(n, len);
	assert_memory_equal(out, dst_mac, 6);
	assert_memory_equal(out + 6, in + 6, len - 6);
	assert_int_equal(fx_stat(f, HYP_STAT_DROP), drops);
	assert_int_equal(fx_stat(f, HYP_STAT_FWD), fwd + 1);
}

/* Forwarded to endpoint dst. */
static inline void fx_expect_to(struct fixture *f, int src, const uint8_t *in, size_t len, int dst)
{
	fx_expect_fwd(f, src, in, len, f->eps[dst].mac);
}

/* ---- conntrack ---- */

static inline struct hyp_ct_key fx_ct_key(uint32_t saddr, uint32_t daddr, uint8_t proto,
					  uint16_t sport, uint16_t dport)
{
	struct hyp_ct_key k;

	memset(&k, 0, sizeof(k));
	k.saddr = htonl(saddr);
	k.daddr = htonl(daddr);
	k.sport = sport; /* host order, as the datapath stores them */
	k.dport = dport;
	k.proto = proto;
	return k;
}

static inline int fx_ct_get(struct fixture *f, const struct hyp_ct_key *k, struct hyp_ct_val *v)
{
	return bpf_map_lookup_elem(FX_FD(f, hyp_ct), k, v);
}

static inline void fx_ct_put(struct fixture *f, const struct hyp_ct_key *k,
			     const struct hyp_ct_val *v)
{
	assert_int_equal(bpf_map_update_elem(FX_FD(f, hyp_ct), k, v, BPF_ANY), 0);
}

/* Gives n entries back to owner's count, as the daemon's collector does. */
static inline void fx_ct_release(struct fixture *f, uint32_t owner, uint32_t n)
{
	struct hyp_ct_release a = {.owner = owner, .n = n};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));

	assert_int_equal(
	    bpf_prog_test_run_opts(bpf_program__fd(f->port->progs.hyp_ct_release), &opts), 0);
}

/* Removes an entry as the daemon's collector does: its charge goes back. */
static inline void fx_ct_del(struct fixture *f, const struct hyp_ct_key *k)
{
	struct hyp_ct_val v;

	if (!bpf_map_lookup_and_delete_elem(FX_FD(f, hyp_ct), k, &v))
		fx_ct_release(f, v.owner, 1);
}

/* ---- policy, as the daemon loads it ---- */

/* The namespace labels of every fixture world, as `hyperctl namespace label` sets them. */
static inline void fx_namespaces(struct labels ls[2], struct pol_namespace nss[2])
{
	static const char *const names[2] = {"prod", "dev"};

	for (int i = 0; i < 2; i++) {
		memset(&ls[i], 0, sizeof(ls[i]));
		assert_int_equal(labels__set(&ls[i], "env", names[i]), 0);
		nss[i] = (struct pol_namespace){.name = names[i], .labels = &ls[i]};
	}
}

/* NULL text: no policy. On success prog holds the compiled program (the
 * caller frees it) and the tables hold it as the active generation. */
static inline int fx_policy_prog(struct fixture *f, const char *text, struct pol_program *prog,
				 struct errmsg *em)
{
	struct pol_endpoint eps[FX_MAX_EPS];
	struct pol_doc **docs = NULL, **stored = NULL;
	struct pol_namespace nss[2];
	struct labels nsl[2];
	size_t n = 0;
	int err = 0;

	memset(prog, 0, sizeof(*prog));
	fx_namespaces(nsl, nss);
	if (text)
		err = pol_parse(text, strlen(text), &docs, &n, em);
	if (err)
		return err;
	/* the daemon keeps each document as canonical JSON and compiles what
	 * it reads back from its store */
	stored = calloc(n + 1, sizeof(*stored));
	if (!stored)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		json_object *j = pol_doc_json(docs[i]);
		json_object *o = j ? json_tokener_parse(json_object_to_json_string(j)) : NULL;

		err = o ? pol_doc_from_json(o, &stored[i], em) : -ENOMEM;
		json_object_put(o);
		json_object_put(j);
	}
	pol_docs_free(docs, n);
	for (size_t i = 0; i < f->n_eps; i++)
		eps[i] = (struct pol_endpoint){
		    .name = f->eps[i].name,
		    .identity = f->eps[i].identity,
		    .ip = f->eps[i].ip,
		    .labels = &f->eps[i].labels,
		    /* fd00:1::<last byte of the IPv4>, as ip6_fixture.h */
		    .ip6 = {htonl(0xfd000001), 0, 0, htonl(f->eps[i].ip & 0xff)},
		    .has_ip6 = true,
		};
	if (!err)
		err = pol_compile(stored, n, eps, f->n_eps, nss, 2, HYP_POLICY_MAX_ENTRIES / 2,
				  prog, em);
	pol_docs_free(stored, n);
	if (!err)
		err = emu_policy_load(&f->emu, prog, em);
	return err;
}

/* 0 when the active generation of the policy tables holds exactly prog:
 * as many entries (and enforced identities), each key with its rule. */
/* Entries of generation gen in the IPv6 ipBlock table. */
static inline size_t fx_policy6_count(struct fixture *f, __u32 gen)
{
	struct hyp_policy6_key k, nk, *prev = NULL;
	size_t n = 0;

	while (!bpf_map_get_next_key(FX_FD(f, hyp_policy6), prev, &nk)) {
		n += nk.gen == gen;
		k = nk;
		prev = &k;
	}
	return n;
}

static inline int fx_policy_table_is(struct fixture *f, const struct pol_program *prog)
{
	int pfd = FX_FD(f, hyp_policy), efd = FX_FD(f, hyp_enforce);
	__u32 gen = fx_config(f).policy_gen & 1;
	struct hyp_policy_key k, nk, *prev = NULL;
	struct hyp_enforce_key ek, nek, *eprev = NULL;
	size_t n = 0, ne = 0;

	while (!bpf_map_get_next_key(pfd, prev, &nk)) {
		n += nk.gen == gen;
		k = nk;
		prev = &k;
	}
	while (!bpf_map_get_next_key(efd, eprev, &nek)) {
		ne += nek.gen == gen;
		ek = nek;
		eprev = &ek;
	}
	n += fx_policy6_count(f, gen);
	if (n != prog->n_entries || ne != prog->n_enforce) {
		print_message("# active generation: %zu entries, %zu enforced; program: %zu, %zu\n",
			      n, ne, prog->n_entries, prog->n_enforce);
		return -1;
	}
	for (size_t i = 0; i < prog->n_entries; i++) {
		struct hyp_policy_val v;

		if (emu_policy6_kind(prog->entries[i].kind)) {
			struct hyp_policy6_key k6;

			emu_policy6_key(&prog->entries[i], gen, &k6);
			if (bpf_map_lookup_elem(FX_FD(f, hyp_policy6), &k6, &v) ||
			    v.rule_id != prog->entries[i].rule_id)
				return -1;
			continue;
		}
		emu_policy_key(&prog->entries[i], gen, &k);
		if (bpf_map_lookup_elem(pfd, &k, &v) || v.rule_id != prog->entries[i].rule_id)
			return -1;
	}
	for (size_t i = 0; i < prog->n_enforce; i++) {
		__u32 flags;

		ek = (struct hyp_enforce_key){.gen = gen, .identity = prog->enforce[i].identity};
		if (bpf_map_lookup_elem(efd, &ek, &flags) || flags != prog->enforce[i].flags)
			return -1;
	}
	return 0;
}

static inline void fx_policy(struct fixture *f, const char *text)
{
	struct pol_program prog;
	struct errmsg em = {};
	int err = fx_policy_prog(f, text, &prog, &em);

	if (err)
		fail_msg("policy load failed (%d): %s\n%s", err, em.msg, text ? text : "");
	pol_program_free(&prog);
}

/* ---- inspection, as the daemon loads it ---- */

/* The InspectionPolicy documents of text (at most 16), parsed. */
static inline size_t fx_inspect_docs(const char *text, struct insp_doc **docs)
{
	json_object **objs = NULL;
	size_t nobj = 0, nd = 0;
	struct errmsg em = {};

	if (yj_parse(text, strlen(text), &objs, &nobj, &em))
		fail_msg("inspection yaml: %s", em.msg);
	for (size_t i = 0; i < nobj; i++) {
		if (!objs[i])
			continue;
		assert_true(nd < 16);
		if (insp_doc_parse(objs[i], i + 1, &docs[nd], &em))
			fail_msg("inspection doc: %s", em.msg);
		nd++;
	}
	yj_docs_free(objs, nobj);
	return nd;
}

/*
 * Compiles the InspectionPolicy documents of text into one DFA per
 * (identity, direction) they select, as node__inspect_sync does (the
 * documents' patterns in order, the table's action drop when any
 * selecting document drops, their ports and protocols by
 * insp_docs_scope), and loads them with the emu backend. Returns the
 * number of tables; base[i]/states[i] (when not NULL) get the rows of
 * table i.
 */
static inline size_t fx_inspect(struct fixture *f, const char *text, uint32_t *base,
				uint32_t *states)
{
	struct hyp_inspect_entry ents[2 * FX_MAX_EPS];
	struct insp_dfa dfas[2 * FX_MAX_EPS];
	struct insp_doc *docs[16];
	uint32_t seen[FX_MAX_EPS];
	size_t nd = fx_inspect_docs(text, docs), ne = 0, nseen = 0;
	struct errmsg em = {};

	for (size_t e = 0; e < f->n_eps; e++) {
		bool dup = false;

		for (size_t s = 0; s < nseen; s++)
			dup |= seen[s] == f->eps[e].identity;
		if (dup)
			continue;
		seen[nseen++] = f->eps[e].identity;
		for (int dir = 0; dir < 2; dir++) {
			struct insp_pattern *pats = NULL;
			struct insp_doc *sel[16];
			size_t np = 0, nsel = 0;
			uint8_t action = HYP_INSPECT_ALERT;

			for (size_t d = 0; d < nd; d++) {
				struct insp_pattern *dp = NULL;
				size_t dn = 0;

				if (insp_doc_direction(docs[d]) != dir ||
				    !insp_doc_selects(docs[d], &f->eps[e].labels))
					continue;
				sel[nsel++] = docs[d];
				if (insp_doc_action(docs[d]) == HYP_INSPECT_DROP)
					action = HYP_INSPECT_DROP;
				assert_int_equal(
				    insp_doc_patterns(docs[d], (uint32_t)np + 1, &dp, &dn), 0);
				pats = realloc(pats, (np + dn + 1) * sizeof(*pats));
				assert_non_null(pats);
				memcpy(pats + np, dp, dn * sizeof(*pats));
				np += dn;
				free(dp);
			}
			if (np) {
				if (insp_dfa_build(pats, np, HYP_DFA_MAX_STATES, &dfas[ne], &em))
					fail_msg("dfa: %s", em.msg);
				ents[ne] = (struct hyp_inspect_entry){
				    .identity = f->eps[e].identity,
				    .dir = (uint8_t)dir,
				    .action = action,
				    .dfa = &dfas[ne],
				};
				insp_docs_scope(sel, nsel, &ents[ne].proto, &ents[ne].port_lo,
						&ents[ne].port_hi);
				ne++;
			}
			free(pats);
		}
	}
	for (size_t d = 0; d < nd; d++)
		insp_doc_free(docs[d]);
	if (emu_inspect_load(&f->emu, ents, ne, &em))
		fail_msg("inspect load: %s", em.msg);
	for (size_t i = 0; i < ne; i++) {
		if (base)
			base[i] = f->emu.insp[i].base;
		if (states)
			states[i] = dfas[i].states;
		insp_dfa_free(&dfas[i]);
	}
	return ne;
}

#endif /* HYP_TESTS_BPF_FIXTURE_RUN_H */
