// SPDX-License-Identifier: GPL-2.0-only
/* SNIC add and check: validation, allocation, backend, store, rollback. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "core/node_priv.h"
#include "lib/fault.h"
#include "lib/log.h"
#include "lib/netns.h"

/* Builds the backend's view of a stored SNIC. netns_fd is opened if possible. */
void node_spec_from_rec(const struct node *n, const struct snic_rec *r, struct hyp_snic_spec *s,
			struct hyp_snic_hw *hw)
{
	uint64_t dev, ino;
	int fd = -1;

	memset(s, 0, sizeof(*s));
	s->id = r->id;
	s->name = r->name;
	s->ifname = r->ifname;
	s->ip = r->ip;
	s->prefix = r->prefix;
	memcpy(s->mac, r->mac, 6);
	s->identity = r->identity;
	memcpy(s->key, r->key, sizeof(s->key));
	s->guard = !(r->flags & SNIC_F_NO_GUARD);
	s->routed = r->flags & SNIC_F_ROUTED;
	s->host = r->flags & SNIC_F_HOST;
	if (r->prefix6) {
		memcpy(s->ip6, r->ip6, 16);
		s->prefix6 = r->prefix6;
	}
	/* the netns must be the same one, not a new one under the same name */
	if (!netns_open(r->netns, &fd) &&
	    (netns_identity(fd, &dev, &ino) || dev != r->netns_dev || ino != r->netns_ino)) {
		close(fd);
		fd = -1;
	}
	s->netns_fd = fd;
	memset(hw, 0, sizeof(*hw));
	snprintf(hw->state, sizeof(hw->state), "%s", r->hw);
	(void)n;
}

int node__snic_get(struct node *n, const char *name, struct snic_rec *out, struct errmsg *em)
{
	int err = store__snic_get(n->st, name, out);

	if (err == -ENOENT)
		return em_set(em, err, "snic %s not found", name);
	return err ? em_set(em, err, "snic %s: store error", name) : 0;
}

static int validate_req(const struct snic_req *req, struct errmsg *em)
{
	if (!req->name || validate_object_name(req->name))
		return em_set(em, -EINVAL,
			      "invalid SNIC name '%s' (1-63 of A-Z a-z 0-9 _ . -, starting "
			      "alphanumeric)",
			      req->name ? req->name : "");
	if (validate_ifname(req->ifname))
		return em_set(em, -EINVAL,
			      "invalid interface name '%s' (1-15 characters, no '/', ':' or "
			      "whitespace, not '.' or '..')",
			      req->ifname);
	if (!req->netns || !*req->netns)
		return em_set(em, -EINVAL, "snic %s: --netns is required", req->name);
	return ident_check_admin(&req->labels, em);
}

/* A network namespace other than the host's and a NIC's (netns_open_target) */
static int open_netns(const struct snic_req *req, int *fd, struct errmsg *em)
{
	char path[512], why[320];
	int err;

	if (req->host) /* the host endpoint: the host netns on purpose */
		err = netns_open(req->netns, fd);
	else
		err = netns_open_target(req->netns, backend_netns_is_domain, fd, why, sizeof(why));
	if (!err)
		return 0;
	if (netns_resolve(req->netns, path, sizeof(path)))
		return em_set(em, -EINVAL, "snic %s: invalid netns '%s'", req->name, req->netns);
	if (err == -ENOENT)
		return em_set(em, err, "snic %s: netns '%s' not found (%s)", req->name, req->netns,
			      path);
	if (err == -ENOTSUP)
		return em_set(em, err, "snic %s: %s is not a network namespace", req->name, path);
	if (err == -EPERM)
		return em_set(em, err, "snic %s: netns %s refused: it is %s", req->name, path, why);
	return em_set(em, err, "snic %s: cannot open netns %s: %s", req->name, path,
		      strerror(-err));
}

static int pick_address(struct node *n, const struct snic_req *req, uint32_t *ip, struct errmsg *em)
{
	char pool[32], addr[16];
	struct cidr4 c;
	struct snic_rec other;
	int err;

	ipv4_format(n->net.addr, addr, sizeof(addr));
	snprintf(pool, sizeof(pool), "%s/%u", addr, n->net.prefix);
	if (!req->ip) {
		err = pool__alloc(n->pool, ip);
		return err ? em_set(em, err, "snic %s: address pool %s exhausted", req->name, pool)
			   : 0;
	}
	if (cidr4_parse(req->ip, &c))
		return em_set(em, -EINVAL, "snic %s: bad CIDR '%s' (want A.B.C.D/N)", req->name,
			      req->ip);
	if (c.prefix != n->net.prefix)
		return em_set(em, -EINVAL, "snic %s: prefix /%u of %s does not match pool %s",
			      req->name, c.prefix, req->ip, pool);
	err = pool__reserve(n->pool, c.addr);
	ipv4_format(c.addr, addr, sizeof(addr));
	if (err == -ERANGE)
		return em_set(em, err, "snic %s: %s is outside the pool %s", req->name, addr, pool);
	if (err == -EADDRNOTAVAIL)
		return em_set(em, err, "snic %s: %s is reserved (network, gateway or broadcast)",
			      req->name, addr);
	if (err == -EADDRINUSE) {
		if (!store__snic_by_ip(n->st, c.addr, &other))
			return em_set(em, err, "snic %s: IP %s already used by %s", req->name, addr,
				      other.name);
		return em_set(em, err, "snic %s: IP %s already in use", req->name, addr);
	}
	*ip = c.addr;
	return err;
}

static int new_key(struct node *n, uint8_t key[16])
{
	static const uint8_t zero[16];

	(void)n;
	do {
		if (getrandom(key, 16, 0) != 16)
			return -errno;
	} while (!memcmp(key, zero, 16));
	return 0;
}

static int fill_rec(struct node *n, const struct snic_req *req, int fd, struct snic_rec *r,
		    struct errmsg *em)
{
	int err;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", req->name);
	snprintf(r->netns, sizeof(r->netns), "%s", req->netns);
	snprintf(r->ifname, sizeof(r->ifname), "%s", req->ifname);
	snprintf(r->owner, sizeof(r->owner), "%s", req->owner ? req->owner : "");
	err = netns_identity(fd, &r->netns_dev, &r->netns_ino);
	if (err)
		return em_set(em, err, "snic %s: cannot stat netns", req->name);
	err = labels__canonical(&req->labels, r->labels, sizeof(r->labels));
	if (err)
		return em_set(em, err, "snic %s: label set too long", req->name);
	err = named_ports__format(&req->ports, r->ports, sizeof(r->ports));
	if (err)
		return em_set(em, err, "snic %s: named ports too long", req->name);
	err = new_key(n, r->key);
	if (err)
		return em_set(em, err, "snic %s: no randomness for the stamp key", req->name);
	r->prefix = n->pool ? n->net.prefix : 0;
	r->flags = (n->guard ? 0 : SNIC_F_NO_GUARD) | (req->routed ? SNIC_F_ROUTED : 0) |
		   (req->host ? SNIC_F_HOST : 0);
	r->created = (int64_t)time(NULL);
	return 0;
}

/* Which families a SNIC gets: 4 and/or 6 (bit 0: IPv4, bit 1: IPv6) */
static int families(const struct node *n, const struct snic_req *req, unsigned int *fam,
		    struct errmsg *em)
{
	if (req->family && req->family != 4 && req->family != 6)
		return em_set(em, -EINVAL, "snic %s: invalid family %d (4 or 6)", req->name,
			      req->family);
	*fam = (n->pool && req->family != 6 ? 1 : 0) |
	       (n->pool6 && req->family != 4 && !req->host ? 2 : 0);
	if (req->family == 4 && !n->pool)
		return em_set(em, -EINVAL,
			      "snic %s: family 4: the instance has no IPv4 pool "
			      "(hyperiond --pool none)",
			      req->name);
	if (req->family == 6 && !n->pool6)
		return em_set(em, -EINVAL,
			      "snic %s: family 6: the instance has no IPv6 pool "
			      "(hyperiond --pool6 none)",
			      req->name);
	if (req->ip && !(*fam & 1))
		return em_set(em, -EINVAL, "snic %s: %s: %s", req->name, req->ip,
			      n->pool ? "an IPv4 address for an IPv6-only SNIC (--family 6)"
				      : "the instance has no IPv4 pool (hyperiond --pool none)");
	if (req->ip6 && req->family == 4)
		return em_set(em, -EINVAL,
			      "snic %s: %s: an IPv6 address for an IPv4-only SNIC "
			      "(--family 4)",
			      req->name, req->ip6);
	if (!*fam)
		return em_set(em, -EINVAL, "snic %s: the host endpoint needs an IPv4 pool",
			      req->name);
	return 0;
}

/* An IPv6-only SNIC's MAC (mac_from_ipv6) must be no other's nor the gateway's. */
static int mac_check(struct node *n, const struct snic_rec *r, struct errmsg *em)
{
	struct snic_rec other;
	char mac[18];

	mac_format(r->mac, mac, sizeof(mac));
	if (!memcmp(r->mac, n->dom.gw_mac, 6))
		return em_set(em, -EADDRINUSE,
			      "snic %s: its MAC %s would be the gateway's: "
			      "pick another IPv6 address (--ip)",
			      r->name, mac);
	if (!store__snic_by_mac(n->st, r->mac, &other))
		return em_set(em, -EADDRINUSE,
			      "snic %s: its MAC %s is used by %s: pick another "
			      "IPv6 address (--ip)",
			      r->name, mac, other.name);
	return 0;
}

/* r's addresses (each family it gets) and MAC; *have_ip: an IPv4 one was taken. */
static int pick_addresses(struct node *n, const struct snic_req *req, struct snic_rec *r,
			  bool *have_ip, struct errmsg *em)
{
	unsigned int fam = 0;
	int err = families(n, req, &fam, em);

	if (!err && (fam & 1)) {
		err = pick_address(n, req, &r->ip, em);
		*have_ip = !err;
	}
	if (!err && ((fam & 2) || req->ip6)) /* an ip6 without a pool6: refused there */
		err = node_pick_ip6(n, req, r, em);
	if (err)
		return err;
	if (fam & 1) {
		mac_from_ipv4(r->ip, r->mac);
		return 0;
	}
	r->prefix = 0;
	mac_from_ipv6(r->ip6, r->mac);
	return mac_check(n, r, em);
}

/* Opens the transaction of the add (*in_txn) and records the SNIC in it. */
static int record_begin(struct node *n, struct snic_rec *r, bool *in_txn, struct errmsg *em)
{
	int err = store__begin(n->st);

	if (err)
		return em_set(em, err, "snic %s: store busy", r->name);
	*in_txn = true;
	if (r->flags & SNIC_F_HOST) {
		r->identity = HYP_ID_HOST; /* reserved: no label set, never selected */
	} else if (n->ident_fn && store__identity_find(n->st, r->labels, &r->identity) == 0) {
		err = 0; /* in use here: its cluster number is known (and kept while used) */
	} else if (n->ident_fn) {
		err = n->ident_fn(n->ident_arg, r->labels, &r->identity, em);
		if (err)
			return err;
		err = store__identity_put(n->st, r->labels, r->identity);
		if (err == -EEXIST)
			return em_set(em, err, "snic %s: identity %u is another label set's here",
				      r->name, r->identity);
	} else {
		err = store__identity_get(n->st, r->labels, &r->identity);
	}
	if (!err)
		err = store__snic_insert(n->st, r);
	return err ? em_set(em, err, "snic %s: cannot record it", r->name) : 0;
}

static double ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* t: the add's start, record, policy sync, datapath, commit (ms_now) */
static void log_added(struct node *n, const struct snic_rec *r, const struct hyp_snic_hw *hw,
		      const double *t)
{
	struct hyp_snic_info info = {};

	n->be->snic_info(n->bep, hw, &info);
	pr_info("snic %s added (port %s, %s)\n", r->name, info.port, r->netns);
	pr_debug("snic %s: %.1f ms: checks and address %.1f, policy and inspection %.1f, "
		 "datapath %.1f, store commit %.1f\n",
		 r->name, t[4] - t[0], t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3]);
	node_monitor_snic(n, r, HYP_EV_SNIC_ADD);
}

/* Undoes a failed add: its datapath, its transaction, its addresses. */
static void add_undo(struct node *n, struct snic_rec *r, struct hyp_snic_spec *s,
		     struct hyp_snic_hw *hw, bool made, bool in_txn, bool have_ip)
{
	if (made)
		n->be->snic_destroy(n->bep, s, hw);
	if (in_txn) {
		store__rollback(n->st);
		node__policy_sync(n, NULL);
		node__inspect_sync(n, NULL);
	}
	if (have_ip && r->ip)
		pool__release(n->pool, r->ip);
	node_release_ip6(n, r);
}

int node__snic_add(struct node *n, const struct snic_req *req, struct snic_rec *out,
		   struct errmsg *em)
{
	struct snic_rec r, other;
	struct hyp_snic_spec s;
	struct hyp_snic_hw hw;
	bool have_ip = false, in_txn = false, made = false;
	double t[5] = {ms_now()}; /* where an add spends its time (-v) */
	int fd = -1, err;

	err = validate_req(req, em);
	if (err)
		return err;
	if (!store__snic_get(n->st, req->name, &other))
		return em_set(em, -EEXIST, "snic %s already exists", req->name);
	err = open_netns(req, &fd, em);
	if (err)
		return err;
	err = fill_rec(n, req, fd, &r, em);
	if (err)
		goto out;
	err = pick_addresses(n, req, &r, &have_ip, em);
	if (err)
		goto out;

	err = record_begin(n, &r, &in_txn, em);
	if (err)
		goto out;
	fault_point("snic-add-recorded");
	t[1] = ms_now();
	/* policy first: the endpoint is enforced before its first frame */
	err = node__policy_sync(n, em);
	if (!err)
		err = node__inspect_sync(n, em);
	if (err)
		goto out;
	t[2] = ms_now();
	fault_point("snic-add-synced");
	node_spec_from_rec(n, &r, &s, &hw);
	if (s.netns_fd >= 0)
		close(s.netns_fd);
	s.netns_fd = fd;
	err = n->be->snic_create(n->bep, &s, &hw, em);
	if (err)
		goto out;
	made = true;
	fault_point("snic-add-created");
	t[3] = ms_now();
	snprintf(r.hw, sizeof(r.hw), "%s", hw.state);
	err = store__snic_update_hw(n->st, &r);
	if (!err)
		err = store__commit(n->st);
	t[4] = ms_now();
	if (err) {
		em_set(em, err, "snic %s: cannot record it", req->name);
		goto out;
	}
	in_txn = false;
	if (out)
		*out = r;
	fault_point("snic-add-committed");
	log_added(n, &r, &hw, t);
out:
	if (err)
		add_undo(n, &r, &s, &hw, made, in_txn, have_ip);
	if (fd >= 0)
		close(fd);
	return err;
}

int node__snic_check(struct node *n, const char *name, struct errmsg *em)
{
	struct snic_rec r;
	struct hyp_snic_spec s;
	struct hyp_snic_hw hw;
	int err, res;

	err = node__snic_get(n, name, &r, em);
	if (err)
		return err;
	node_spec_from_rec(n, &r, &s, &hw);
	if (s.netns_fd < 0)
		return em_set(em, -ENOENT, "snic %s: netns %s is gone", name, r.netns);
	err = n->be->container_check(n->bep, &s, &hw, em);
	if (err)
		goto out;
	res = n->be->snic_check(n->bep, &s, &hw, false, em);
	if (res == HYP_CHECK_GONE)
		err = em_set(em, -ENODEV, "snic %s: bridge port missing", name);
	else if (res < 0)
		err = res;
out:
	close(s.netns_fd);
	return err;
}

void node__set_ident_source(struct node *n, node_ident_fn fn, void *arg)
{
	n->ident_fn = fn;
	n->ident_arg = arg;
}

int node__snic_foreach(struct node *n, store_snic_cb cb, void *ctx)
{
	return store__snic_foreach(n->st, cb, ctx);
}

void node__set_remote_source(struct node *n, node_remote_fn fn, void *arg)
{
	n->remote_fn = fn;
	n->remote_arg = arg;
}

/* Reconcile: the host endpoint's port went (its interface deleted in the
 * host netns): made again with the same address, key and identity. */
int node_host_rebuild(struct node *n, const struct snic_rec *r, struct hyp_snic_hw *hw)
{
	struct hyp_snic_spec s;
	struct errmsg em = {};
	int err;

	node_spec_from_rec(n, r, &s, hw);
	if (s.netns_fd < 0)
		return -ENOENT;
	n->be->snic_destroy(n->bep, &s, hw);
	memset(hw, 0, sizeof(*hw));
	err = n->be->snic_create(n->bep, &s, hw, &em);
	close(s.netns_fd);
	if (err)
		pr_warn("reconcile: host endpoint: %s\n", em.msg);
	else
		pr_info("reconcile: host endpoint %s made again\n", r->ifname);
	return err;
}
