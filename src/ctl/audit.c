// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperctl audit [--baseline] [-j]: attacks the live node from throw-away
 * containers attached as SNICs, and with --baseline the same attacks on a
 * plain Linux bridge in the host netns, then prints what got through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <linux/if_addr.h>

#include "audit/audit.h"
#include "ctl/audit_cp.h"
#include "ctl/ctl.h"
#include "lib/addr.h"
#include "lib/addr6.h"
#include "lib/netns.h"
#include "lib/nl.h"

struct topo {
	char ns[3][32];
	char snic[3][40];
	int fds[3];
	bool made_ns[3], made_snic[3];
	char bridge[16];
	char veth[3][16];
};

static const char *const roles[3] = {"att", "vic", "bys"};

/*
 * Progress on stderr while the attacks run (stdout keeps the report, or
 * the JSON): one line per attack, rewritten in place on a terminal.
 */
static const char *progress_what = "hyperion";

static void progress(int i, int n, const char *attack)
{
	bool tty = isatty(STDERR_FILENO);

	fprintf(stderr, "%saudit (%s): %d/%d %s%s", tty ? "\r\033[K" : "", progress_what, i, n,
		attack, tty ? "" : "\n");
}

static void progress_done(void)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
}

/* Control-plane probes (audit_cp.h): a file each, run after the frame probes. */
static const audit_cp_probe cp_probes[] = {
    audit_cp_namespace_claim,
    audit_cp_inspect_evasion,
    audit_cp_ip6_only,
    audit_cp_ct_flood,
};

static void topo_init(struct topo *t, const char *tag)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < 3; i++) {
		snprintf(t->ns[i], sizeof(t->ns[i]), "hyp-audit-%s-%s", tag, roles[i]);
		snprintf(t->snic[i], sizeof(t->snic[i]), "audit-%s-%s", tag, roles[i]);
		t->fds[i] = -1;
	}
}

static int topo_ns(struct topo *t)
{
	for (int i = 0; i < 3; i++) {
		int err = netns_create_named(t->ns[i]);

		if (err)
			return err;
		t->made_ns[i] = true;
		err = netns_open(t->ns[i], &t->fds[i]);
		if (err)
			return err;
	}
	return 0;
}

static void topo_cleanup(struct ctl *c, struct topo *t)
{
	struct nl *nl;
	struct nl_link l;

	for (int i = 0; i < 3; i++) {
		if (t->made_snic[i]) {
			json_object *args = json_object_new_object(), *res;

			json_object_object_add(args, KEY_NAME, json_object_new_string(t->snic[i]));
			if (!ctl_call(c, "snic.del", args, &res))
				json_object_put(res);
		}
		if (t->fds[i] >= 0)
			close(t->fds[i]);
		if (t->made_ns[i])
			netns_delete_named(t->ns[i]);
	}
	if (t->bridge[0] && !nl__open(-1, &nl)) {
		if (!nl__link_get(nl, t->bridge, &l))
			nl__link_del(nl, l.ifindex);
		nl__close(nl);
	}
}

static int host_from_json(json_object *o, struct audit_host *h)
{
	json_object *v;
	struct cidr4 c;

	if (!json_object_object_get_ex(o, KEY_IP, &v) || cidr4_parse(json_object_get_string(v), &c))
		return -EINVAL;
	h->ip = c.addr;
	if (json_object_object_get_ex(o, KEY_IP6, &v)) { /* "ADDR/N" */
		char a[64], *slash;

		snprintf(a, sizeof(a), "%s", json_object_get_string(v));
		slash = strchr(a, '/');
		if (slash)
			*slash = '\0';
		h->has_ip6 = !ipv6_parse(a, h->ip6) &&
			     json_object_object_get_ex(o, KEY_GATEWAY6, &v) &&
			     !ipv6_parse(json_object_get_string(v), h->gw6);
	}
	if (!json_object_object_get_ex(o, KEY_MAC, &v) ||
	    mac_parse(json_object_get_string(v), h->mac))
		return -EINVAL;
	snprintf(h->ifname, sizeof(h->ifname), "eth0");
	return 0;
}

struct counter_ctx {
	struct ctl *c;
	const char *snic;
};

static int hyp_counter(void *ctx, bool guard, const char *reason, uint64_t *val)
{
	struct counter_ctx *cc = ctx;
	json_object *st, *side, *me, *drops, *v;

	*val = 0;
	if (ctl_call(cc->c, "status", NULL, &st))
		return -EIO;
	if (json_object_object_get_ex(st, guard ? KEY_GUARDS : KEY_PORTS, &side) &&
	    json_object_object_get_ex(side, cc->snic, &me) &&
	    json_object_object_get_ex(me, KEY_DROPS, &drops) &&
	    json_object_object_get_ex(drops, reason, &v))
		*val = (uint64_t)json_object_get_int64(v);
	json_object_put(st);
	return 0;
}

/* Existing SNICs as attacker, victim, bystander (for tests that watch them). */
static int use_existing(struct ctl *c, struct topo *t, char *const names[3],
			struct audit_host *hosts[3])
{
	json_object *args, *res, *v;
	int err;

	for (int i = 0; i < 3; i++) {
		args = json_object_new_object();
		json_object_object_add(args, KEY_NAME, json_object_new_string(names[i]));
		err = ctl_call(c, "snic.show", args, &res);
		if (err)
			return err;
		err = host_from_json(res, hosts[i]);
		if (!err && json_object_object_get_ex(res, KEY_IFNAME, &v))
			snprintf(hosts[i]->ifname, sizeof(hosts[i]->ifname), "%s",
				 json_object_get_string(v));
		if (!err && json_object_object_get_ex(res, KEY_NETNS, &v))
			err = netns_open(json_object_get_string(v), &t->fds[i]);
		json_object_put(res);
		if (err) {
			fprintf(stderr, "hyperctl: audit: snic %s: %s\n", names[i], strerror(-err));
			return err;
		}
		snprintf(t->snic[i], sizeof(t->snic[i]), "%s", names[i]);
		hosts[i]->name = t->snic[i];
		hosts[i]->netns_fd = t->fds[i];
	}
	return 0;
}

static int run_hyperion(struct ctl *c, const char *tag, char *const existing[3],
			struct audit_row *rows, int *n)
{
	struct topo t;
	struct audit_env env = {.secure = true, .counter = hyp_counter, .progress = progress};
	struct counter_ctx cc = {.c = c};
	struct audit_host *hosts[3] = {&env.att, &env.vic, &env.bys};
	json_object *res, *st, *v;
	struct cidr4 gw;
	int err;

	topo_init(&t, tag);
	if (existing[0]) {
		err = use_existing(c, &t, existing, hosts);
		if (err)
			goto out;
		goto run;
	}
	err = topo_ns(&t);
	if (err) {
		fprintf(stderr, "hyperctl: audit: cannot create namespaces: %s\n", strerror(-err));
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		json_object *args = json_object_new_object();

		json_object_object_add(args, KEY_NAME, json_object_new_string(t.snic[i]));
		json_object_object_add(args, KEY_NETNS, json_object_new_string(t.ns[i]));
		err = ctl_call(c, "snic.add", args, &res);
		if (err)
			goto out;
		t.made_snic[i] = true;
		err = host_from_json(res, hosts[i]);
		json_object_put(res);
		if (err)
			goto out;
		hosts[i]->name = t.snic[i];
		hosts[i]->netns_fd = t.fds[i];
	}
run:
	err = ctl_call(c, "status", NULL, &st);
	if (err)
		goto out;
	if (!json_object_object_get_ex(st, KEY_GATEWAY, &v) ||
	    ipv4_parse(json_object_get_string(v), &gw.addr))
		err = -EINVAL;
	json_object_put(st);
	if (err)
		goto out;
	env.gw = gw.addr;
	cc.snic = t.snic[0];
	env.ctx = &cc;
	*n = audit_run(&env, rows, AUDIT_MAX_ROWS);
	for (size_t i = 0; i < sizeof(cp_probes) / sizeof(cp_probes[0]) && *n < AUDIT_MAX_ROWS;
	     i++) {
		memset(&rows[*n], 0, sizeof(rows[*n]));
		progress((int)i + 1, (int)(sizeof(cp_probes) / sizeof(cp_probes[0])),
			 "control-plane attack");
		cp_probes[i](c, tag, &rows[(*n)++]);
	}
	progress_done();
out:
	topo_cleanup(c, &t);
	return err;
}

/* The baseline's IPv6, dual stack as Hyperion's: the bridge fdad:0:TAG::1/64
 * (the gateway), host i ::10+i, default route via the gateway; both
 * without DAD, as Hyperion's. A host without IPv6 (disabled in the host
 * netns) gets none: the IPv6 rows are left out, the IPv4 ones still run. */
static void baseline6(struct nl *nl, uint32_t ifindex, struct audit_host *h, int i,
		      const uint8_t gw6[16])
{
	memcpy(h->ip6, gw6, 16);
	h->ip6[15] = (uint8_t)(0x10 + i);
	memcpy(h->gw6, gw6, 16);
	h->has_ip6 = !nl__addr6_add(nl, ifindex, h->ip6, 64, IFA_F_NODAD) &&
		     !nl__route6_default_add(nl, ifindex, gw6);
}

/* Three namespaces on a Linux bridge in the host netns, docker0 style. */
static int build_baseline(struct topo *t, const char *tag, struct audit_env *env)
{
	struct audit_host *hosts[3] = {&env->att, &env->vic, &env->bys};
	struct nl *hnl = NULL, *cnl = NULL;
	struct nl_link br, l;
	uint32_t net = 0x0ad50000u | ((uint32_t)(tag[0] * 7 + tag[1]) & 0xff) << 8;
	uint8_t gw6[16] = {0xfd, 0xad, 0, 0, 0, (uint8_t)(net >> 8), [15] = 1};
	bool v6 = false;
	int err;

	snprintf(t->bridge, sizeof(t->bridge), "hab%s", tag);
	err = nl__open(-1, &hnl);
	if (!err)
		err = nl__bridge_add(hnl, t->bridge);
	if (!err)
		err = nl__link_get(hnl, t->bridge, &br);
	if (!err)
		err = nl__addr_add(hnl, br.ifindex, net | 1, 24);
	if (!err)
		v6 = !nl__addr6_add(hnl, br.ifindex, gw6, 64, IFA_F_NODAD);
	if (!err)
		err = nl__link_up(hnl, br.ifindex);
	env->gw = net | 1;
	for (int i = 0; !err && i < 3; i++) {
		struct audit_host *h = hosts[i];

		h->ip = net | (uint32_t)(10 + i);
		mac_from_ipv4(h->ip, h->mac);
		h->netns_fd = t->fds[i];
		h->name = t->ns[i];
		snprintf(h->ifname, sizeof(h->ifname), "eth0");
		snprintf(t->veth[i], sizeof(t->veth[i]), "hav%s%d", tag, i);
		err = nl__veth_add(hnl, t->veth[i], "eth0", t->fds[i], h->mac);
		if (!err)
			err = nl__link_get(hnl, t->veth[i], &l);
		if (!err)
			err = nl__link_set_master(hnl, l.ifindex, br.ifindex);
		if (!err)
			err = nl__link_up(hnl, l.ifindex);
		if (!err)
			err = nl__open(t->fds[i], &cnl);
		if (!err)
			err = nl__link_get(cnl, "eth0", &l);
		if (!err)
			err = nl__addr_add(cnl, l.ifindex, h->ip, 24);
		if (!err)
			err = nl__link_up(cnl, l.ifindex);
		if (!err)
			err = nl__route_default_add(cnl, l.ifindex, env->gw);
		if (!err && v6)
			baseline6(cnl, l.ifindex, h, i, gw6);
		nl__close(cnl);
		cnl = NULL;
	}
	nl__close(hnl);
	return err;
}

static int run_baseline(struct ctl *c, const char *tag, struct audit_row *rows, int *n)
{
	struct topo t;
	struct audit_env env = {.secure = false, .progress = progress};
	int err;

	topo_init(&t, tag);
	for (int i = 0; i < 3; i++)
		snprintf(t.ns[i], sizeof(t.ns[i]), "hyp-audit-%s-base-%s", tag, roles[i]);
	err = topo_ns(&t);
	progress_what = "linux bridge baseline";
	if (!err)
		err = build_baseline(&t, tag, &env);
	if (err)
		fprintf(stderr, "hyperctl: audit: cannot build the Linux bridge baseline: %s\n",
			strerror(-err));
	else
		*n = audit_run(&env, rows, AUDIT_MAX_ROWS);
	progress_done();
	topo_cleanup(c, &t);
	return err;
}

/*
 * Rows of hyperion (secure: expected and pass) or of the baseline. Text:
 * the result and the attack, what it is, then what was expected and
 * what was seen on lines of their own, so no column is cut.
 */
static void rows_view(const char *key, const struct audit_row *rows, int n, bool secure)
{
	pr_open_array(key);
	for (int i = 0; i < n; i++) {
		pr_open_object(NULL);
		if (secure)
			pr_bool(KEY_PASS, "%-7s ", rows[i].pass, "PASS", "FAIL");
		pr_bool(KEY_BLOCKED, secure ? NULL : "%-7s ", rows[i].blocked, "blocked",
			"EXPOSED");
		pr_string(KEY_ATTACK, "%s", rows[i].name);
		pr_string(KEY_DESCRIPTION, ": %s\n", rows[i].desc[0] ? rows[i].desc : "-");
		pr_string(KEY_EXPECTED, secure ? "        expected  %s\n" : NULL, rows[i].expected);
		pr_string(KEY_OBSERVED, "        observed  %s\n", rows[i].observed);
		pr_close_object();
	}
	pr_close_array();
}

static void audit_view(struct ctl *c, const struct audit_row *rows, int n,
		       const struct audit_row *base, int nb, int fails)
{
	pr_open_object(NULL);
	pr_string(KEY_INSTANCE, "hyperion (instance %s): each attack, expected and observed\n",
		  c->instance);
	rows_view(KEY_HYPERION, rows, n, true);
	if (base) {
		pr_text("\nbaseline: the same attacks on a Linux bridge in the host netns\n");
		rows_view(KEY_BASELINE, base, nb, false);
	}
	pr_text("\n%d of %d attacks blocked and counted%s\n", n - fails, n,
		fails ? ": FAIL" : ": PASS");
	pr_int(KEY_FAILED, NULL, fails);
	pr_close_object();
}

int do_audit(struct ctl *c, const struct ctl_args *a)
{
	struct audit_row rows[AUDIT_MAX_ROWS], base[AUDIT_MAX_ROWS];
	int n = 0, nb = 0, fails = 0, err;
	bool baseline = ctl_flag(a, "baseline");
	char *existing[3] = {(char *)ctl_opt(a, "attacker"), (char *)ctl_opt(a, "victim"),
			     (char *)ctl_opt(a, "bystander")};
	uint8_t rnd[3];
	char tag[8];

	if ((existing[0] || existing[1] || existing[2]) &&
	    !(existing[0] && existing[1] && existing[2]))
		return ctl_usage(a, "--attacker, --victim and --bystander go together");
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return 1;
	snprintf(tag, sizeof(tag), "%02x%02x%02x", rnd[0], rnd[1], rnd[2]);
	err = run_hyperion(c, tag, existing, rows, &n);
	if (err)
		return 1;
	if (baseline && run_baseline(c, tag, base, &nb))
		return 1;
	for (int i = 0; i < n; i++)
		fails += !rows[i].pass;
	audit_view(c, rows, n, baseline ? base : NULL, nb, fails);
	return fails ? 1 : 0;
}

static const struct ctl_opt audit_opts[] = {
    {.name = "baseline", .help = "also run the attacks on a plain Linux bridge, side by side"},
    {.name = "attacker",
     .arg = "SNIC",
     .help = "use this existing SNIC as the attacker (with the next two)"},
    {.name = "victim", .arg = "SNIC", .help = "use this existing SNIC as the victim"},
    {.name = "bystander", .arg = "SNIC", .help = "use this existing SNIC as the bystander"},
    {},
};

static const struct ctl_verb audit_verb[] = {
    {.flags = CTL_JSON,
     .opts = audit_opts,
     .summary = "attack the node from throw-away containers and report what got through",
     .help = "Makes three namespaces with SNICs (attacker, victim, bystander), runs each attack\n"
	     "and checks it was blocked and counted; exit 1 when one was not.",
     .example = "hyperctl audit\nhyperctl audit --baseline",
     .run = do_audit},
    {},
};

const struct ctl_cmd cmd_audit = {"audit", "Attack the node, report what got through", audit_verb};
