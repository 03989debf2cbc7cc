// SPDX-License-Identifier: GPL-2.0-only
/*
 * emu backend: the uplink's record (how the interface was found in the
 * host netns) and giving the interface back as it was. No BPF object is
 * opened: emu_purge, a teardown without the daemon, uses this too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "backend/emu.h"
#include "backend/emu_uplink.h"
#include "lib/log.h"
#include "lib/netns.h"

static int rec_route_json(const struct nl_route *r, json_object *arr)
{
	json_object *o = json_object_new_object();

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "dst", json_object_new_int64(r->dst));
	json_object_object_add(o, "len", json_object_new_int(r->dst_len));
	json_object_object_add(o, "gw", json_object_new_int64(r->gw));
	json_object_object_add(o, "metric", json_object_new_int64(r->metric));
	json_object_object_add(o, "proto", json_object_new_int(r->protocol));
	json_object_object_add(o, "scope", json_object_new_int(r->scope));
	json_object_object_add(o, "prefsrc", json_object_new_int64(r->prefsrc));
	return json_object_array_add(arr, o) ? -ENOMEM : 0;
}

static json_object *rec_json(const struct emu_uplink_rec *r)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	json_object *rt = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "mtu", json_object_new_int64(r->mtu));
	json_object_object_add(o, "up", json_object_new_boolean(r->up));
	for (size_t i = 0; i < r->n_addrs; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "ip", json_object_new_int64(r->addrs[i].ip));
		json_object_object_add(x, "prefix", json_object_new_int(r->addrs[i].prefix));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "addrs", a);
	for (size_t i = 0; i < r->n_routes; i++)
		rec_route_json(&r->routes[i], rt);
	json_object_object_add(o, "routes", rt);
	json_object_object_add(o, "ip", json_object_new_int64(r->spec_ip));
	json_object_object_add(o, "prefix", json_object_new_int(r->spec_prefix));
	json_object_object_add(o, "gw", json_object_new_int64(r->spec_gw));
	return o;
}

int emu_uplink_rec_write(const char *path, const struct emu_uplink_rec *r)
{
	json_object *o = rec_json(r);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);
	int fd, err = 0;

	if (mkdir(EMU_REC_DIR, 0700) && errno != EEXIST) {
		err = -errno;
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (write(fd, s, len) != (ssize_t)len)
		err = -EIO;
	if (fsync(fd) && !err)
		err = -errno;
	close(fd);
out:
	json_object_put(o);
	return err;
}

static int64_t get_i64(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static void rec_routes_from(json_object *rt, struct emu_uplink_rec *r)
{
	for (size_t i = 0; i < json_object_array_length(rt) && r->n_routes < EMU_UPLINK_MAX_ROUTES;
	     i++) {
		json_object *x = json_object_array_get_idx(rt, i);
		struct nl_route *nr = &r->routes[r->n_routes++];

		nr->dst = (uint32_t)get_i64(x, "dst");
		nr->dst_len = (uint8_t)get_i64(x, "len");
		nr->gw = (uint32_t)get_i64(x, "gw");
		nr->metric = (uint32_t)get_i64(x, "metric");
		nr->protocol = (uint8_t)get_i64(x, "proto");
		nr->scope = (uint8_t)get_i64(x, "scope");
		nr->prefsrc = (uint32_t)get_i64(x, "prefsrc");
	}
}

int emu_uplink_rec_read(const char *path, struct emu_uplink_rec *r)
{
	json_object *o = json_object_from_file(path), *v, *a;

	memset(r, 0, sizeof(*r));
	if (!o)
		return access(path, F_OK) ? -ENOENT : -EIO;
	if (!json_object_object_get_ex(o, "name", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		json_object_put(o);
		return -EIO;
	}
	snprintf(r->name, sizeof(r->name), "%s", json_object_get_string(v));
	r->mtu = (uint32_t)get_i64(o, "mtu");
	r->up = json_object_object_get_ex(o, "up", &v) && json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "addrs", &a))
		for (size_t i = 0;
		     i < json_object_array_length(a) && r->n_addrs < EMU_UPLINK_MAX_ADDRS; i++) {
			json_object *x = json_object_array_get_idx(a, i);

			r->addrs[r->n_addrs].ip = (uint32_t)get_i64(x, "ip");
			r->addrs[r->n_addrs++].prefix = (uint8_t)get_i64(x, "prefix");
		}
	if (json_object_object_get_ex(o, "routes", &a))
		rec_routes_from(a, r);
	r->spec_ip = (uint32_t)get_i64(o, "ip");
	r->spec_prefix = (uint8_t)get_i64(o, "prefix");
	r->spec_gw = (uint32_t)get_i64(o, "gw");
	json_object_put(o);
	return 0;
}

static int addr_rec_cb(uint32_t ip, uint8_t prefix, void *ctx)
{
	struct emu_uplink_rec *r = ctx;

	if (r->n_addrs == EMU_UPLINK_MAX_ADDRS)
		return -E2BIG;
	r->addrs[r->n_addrs].ip = ip;
	r->addrs[r->n_addrs++].prefix = prefix;
	return 0;
}

static int route_rec_cb(const struct nl_route *rt, void *ctx)
{
	struct emu_uplink_rec *r = ctx;

	if (r->n_routes == EMU_UPLINK_MAX_ROUTES)
		return -E2BIG;
	r->routes[r->n_routes++] = *rt;
	return 0;
}

int emu_uplink_rec_capture(struct nl *nl, const struct nl_link *l, struct emu_uplink_rec *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", l->name);
	r->mtu = l->mtu;
	r->up = l->up;
	err = nl__addr_dump(nl, l->ifindex, addr_rec_cb, r);
	return err ? err : nl__route_dump(nl, l->ifindex, route_rec_cb, r);
}

/* Addresses, MTU, admin state and routes as recorded, on ifindex in nl's netns. */
static int restore(struct nl *nl, uint32_t ifindex, const struct emu_uplink_rec *r)
{
	int err = nl__link_set(nl, ifindex, false, r->mtu);

	for (size_t i = 0; !err && i < r->n_addrs; i++) {
		err = nl__addr_add(nl, ifindex, r->addrs[i].ip, r->addrs[i].prefix);
		if (err == -EEXIST)
			err = 0;
	}
	if (!err && r->up)
		err = nl__link_set(nl, ifindex, true, 0);
	/* a route through a link that is down does not exist: only when up */
	for (size_t i = 0; !err && r->up && i < r->n_routes; i++) {
		err = nl__route_add(nl, ifindex, &r->routes[i]);
		if (err == -EEXIST)
			err = 0;
	}
	return err;
}

/* Moves the link named r->name from the bridge netns into the caller's; -ENOENT: not there. */
static int move_home(const struct emu_names *nm, const struct emu_uplink_rec *r)
{
	struct nl *bnl = NULL;
	struct nl_link l;
	int bfd = -1, home = -1, err;

	if (!netns_exists_named(nm->netns))
		return -ENOENT;
	err = netns_open(nm->netns, &bfd);
	if (!err)
		err = nl__open(bfd, &bnl);
	if (!err)
		err = nl__link_get(bnl, r->name, &l);
	if (err == -ENODEV)
		err = -ENOENT;
	if (!err)
		err = nl__link_set(bnl, l.ifindex, false, 0);
	if (!err) {
		home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		err = home < 0 ? -errno : nl__link_set_netns(bnl, l.ifindex, home, NULL);
	}
	if (home >= 0)
		close(home);
	nl__close(bnl);
	if (bfd >= 0)
		close(bfd);
	return err;
}

int emu_uplink_giveback(const struct emu_names *nm, struct errmsg *em)
{
	struct emu_uplink_rec r;
	struct nl *nl = NULL;
	struct nl_link l;
	int err;

	err = emu_uplink_rec_read(nm->uplink_rec, &r);
	if (err == -ENOENT)
		return 0;
	if (err)
		return em_set(em, err, "uplink record %s unreadable", nm->uplink_rec);
	err = move_home(nm, &r);
	if (err && err != -ENOENT)
		return em_set(em, err, "uplink %s: cannot move it back to the host netns: %s",
			      r.name, strerror(-err));
	err = nl__open(-1, &nl);
	if (!err)
		err = nl__link_get(nl, r.name, &l);
	if (err == -ENODEV) {
		/* gone with its peer (a veth) or its driver: nothing to give back */
		pr_warn("uplink %s: no longer exists; nothing to give back\n", r.name);
		err = 0;
	} else if (!err) {
		err = restore(nl, l.ifindex, &r);
		if (err)
			em_set(em, err,
			       "uplink %s: back in the host netns, but restoring its "
			       "configuration failed: %s",
			       r.name, strerror(-err));
	}
	nl__close(nl);
	if (!err)
		unlink(nm->uplink_rec);
	return err;
}
