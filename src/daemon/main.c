// SPDX-License-Identifier: GPL-2.0-only
/* hyperiond: the Hyperion control plane of one instance, in the foreground. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "hyperion/abi.h"
#include "daemon/daemon.h"
#include "lib/api.h"
#include "lib/log.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: hyperiond [--instance NAME] [--pool CIDR|none] [--pool6 CIDR|none] [--backend emu] [-v]\n"
	    "                 [--reconcile-ms MS] [--no-guard] [--api-group GROUP] [--ct-quota N]\n"
	    "                 [--cluster ENDPOINTS --node NAME [--node-addr IP]]\n"
	    "                 [--big-tcp BYTES] [--events LIST] [--event-rate N] [--event-burst "
	    "N]\n"
	    "                 [--web IP:PORT [--web-allow-remote]] [--metrics-endpoints]\n"
	    "                 [--uplink IFNAME [--uplink-addr CIDR [--uplink-gateway IP]]\n"
	    "                  [--uplink-addr6 CIDR [--uplink-gateway6 IP]]]\n"
	    "  --instance NAME  instance name (default %s); every name and path derives from it\n"
	    "  --pool CIDR|none  address pool, fixed at creation (default %s); none: IPv6-only\n"
	    "                   (every SNIC IPv6-only; needs the IPv6 pool)\n"
	    "  --pool6 CIDR|none  IPv6 pool (/48-/120), fixed at creation; default: a new\n"
	    "                   unique local /64 (RFC 4193); none: IPv4 only. Not with --cluster:\n"
	    "                   the node's /64 of the cluster's pool6 (cluster init --pool6)\n"
	    "  --no-guard       no container-side guard and no source stamp (benchmarks only)\n"
	    "  --api-group GROUP  members of GROUP (name or GID) may use the API too: socket\n"
	    "                   mode 0660 with that group (default: root only, mode 0600)\n"
	    "  --ct-quota N     conntrack entries one endpoint's flows may hold, 1-%u\n"
	    "                   (default %u, of a %u-entry table)\n"
	    "  --cluster ENDPOINTS  join the cluster whose etcd is at ENDPOINTS\n"
	    "                   (http://HOST:PORT[,...]); the pool is then this node's block\n"
	    "  --node NAME      this node's name in the cluster\n"
	    "  --node-addr IP   the address other nodes send overlay traffic to (the uplink's)\n"
	    "  --overlay-integrity  the overlay authenticator covers payloads too (sent and required)\n"
	    "  --big-tcp BYTES  BIG TCP: GSO/GRO max size on both ends of every SNIC,\n"
	    "                   65536-524280 (default: the kernel's, 65536)\n"
	    "  --events LIST    flow events of the datapath: flows,drops (default), flows,\n"
	    "                   drops, or off (hyperctl monitor; docs/observability.md)\n"
	    "  --event-rate N   events per second each endpoint may cause, 1-1000000 (default %u)\n"
	    "  --event-burst N  events an endpoint may cause at once, 1-1000000 (default %u)\n"
	    "  --web IP:PORT    serve /metrics (Prometheus) and the flow page at / (default off);\n"
	    "                   a loopback IP unless --web-allow-remote (no authentication)\n"
	    "  --metrics-endpoints  per-endpoint series in /metrics (one set per SNIC)\n"
	    "  --uplink IFNAME  move IFNAME from the host netns into the bridge as its port to\n"
	    "                   the outside (kept in the state; given back at uplink clear\n"
	    "                   or teardown); --uplink-addr CIDR its address (outside the\n"
	    "                   pool), --uplink-gateway IP the next hop off its subnet;\n"
	    "                   --uplink-addr6 CIDR, --uplink-gateway6 IP: routed IPv6.\n"
	    "                   --uplink-addr is required with an IPv4 pool; with --pool none\n"
	    "                   only --uplink-addr6 (the uplink carries IPv6 only)\n"
	    "  -v               debug logging\n"
	    "  --version        print the version and exit\n"
	    "  -h, --help       print this help and exit (nothing is started)\n"
	    "Example: hyperiond --instance lab --pool 10.77.0.0/24\n"
	    "         hyperiond --instance lab --web 127.0.0.1:9490   (/metrics, the flow page)\n"
	    "As a service: systemctl start hyperiond (see hyperiond(8)).\n",
	    HYP_DEFAULT_INSTANCE, HYP_DEFAULT_POOL, HYP_CT_MAX, HYP_CT_QUOTA_DEFAULT, HYP_CT_MAX,
	    HYP_EVENT_RATE_DEFAULT, HYP_EVENT_BURST_DEFAULT);
}

/* 10.77.0.5/24 is refused: the pool is a network, 10.77.0.0/24 */
static int pool_host_bits(const struct cidr4 *c, const char *arg)
{
	uint32_t mask = cidr4_mask(c->prefix);
	char net[16];

	if (!(c->addr & ~mask))
		return 0;
	ipv4_format(c->addr & mask, net, sizeof(net));
	fprintf(stderr,
		"hyperiond: --pool %s has host bits set: the pool is a network, give %s/%u\n", arg,
		net, c->prefix);
	return -EINVAL;
}

static int parse_quota(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > HYP_CT_MAX) {
		fprintf(stderr, "hyperiond: --ct-quota must be a number from 1 to %u\n",
			HYP_CT_MAX);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_big_tcp(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 65536 || v > 524280) {
		fprintf(stderr, "hyperiond: --big-tcp must be a size from 65536 to 524280 bytes\n");
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_events(const char *s, struct hyp_event_settings *e)
{
	char buf[64], *tok, *save = NULL;

	e->flows = e->drops = false;
	if (!strcmp(s, "off"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "flows"))
			e->flows = true;
		else if (!strcmp(tok, "drops"))
			e->drops = true;
		else
			goto bad;
	}
	if (e->flows || e->drops)
		return 0;
bad:
	fprintf(stderr, "hyperiond: --events: 'off' or a list of flows, drops (got '%s')\n", s);
	return -EINVAL;
}

static int parse_u32(const char *opt, const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > max) {
		fprintf(stderr, "hyperiond: %s must be a number from 1 to %u\n", opt, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* A group NAME, or a GID (with or without a name): the API's group */
static int parse_group(const char *arg, struct daemon *d)
{
	struct group *gr = NULL;
	unsigned long v = 0;
	bool numeric = *arg;
	char *end;

	for (const char *p = arg; *p; p++)
		numeric = numeric && *p >= '0' && *p <= '9';
	if (numeric) {
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || v >= (gid_t)-1) {
			fprintf(stderr, "hyperiond: --api-group: bad GID '%s'\n", arg);
			return -EINVAL;
		}
		gr = getgrgid((gid_t)v);
	} else {
		gr = getgrnam(arg);
		if (!gr) {
			fprintf(stderr, "hyperiond: --api-group: no group '%s'\n", arg);
			return -ENOENT;
		}
		v = gr->gr_gid;
	}
	if (!v) {
		fprintf(stderr, "hyperiond: --api-group: GID 0 is root's group; root always has "
				"access: give a group of its own\n");
		return -EINVAL;
	}
	d->api_group_set = true;
	d->api_gid = (gid_t)v;
	if (gr)
		snprintf(d->api_group, sizeof(d->api_group), "%s", gr->gr_name);
	else
		snprintf(d->api_group, sizeof(d->api_group), "%lu", v);
	return 0;
}

enum {
	OPT_EVENTS = 1000,
	OPT_EVENT_RATE,
	OPT_EVENT_BURST,
	OPT_WEB,
	OPT_WEB_REMOTE,
	OPT_METRICS_EPS,
	OPT_UPLINK,
	OPT_UPLINK_ADDR,
	OPT_UPLINK_GW,
	OPT_UPLINK_ADDR6,
	OPT_UPLINK_GW6,
	OPT_POOL6,
};

static int parse_args(int argc, char **argv, struct node_opts *o, struct daemon *d,
		      const char **web, bool *allow_remote)
{
	static const struct option opts[] = {
	    {"instance", required_argument, NULL, 'i'},
	    {"pool", required_argument, NULL, 'p'},
	    {"pool6", required_argument, NULL, OPT_POOL6},
	    {"backend", required_argument, NULL, 'b'},
	    {"no-guard", no_argument, NULL, 'G'},
	    {"reconcile-ms", required_argument, NULL, 'r'},
	    {"api-group", required_argument, NULL, 'g'},
	    {"ct-quota", required_argument, NULL, 'q'},
	    {"cluster", required_argument, NULL, 'C'},
	    {"node", required_argument, NULL, 'N'},
	    {"node-addr", required_argument, NULL, 'A'},
	    {"overlay-integrity", no_argument, NULL, 'I'},
	    {"big-tcp", required_argument, NULL, 'T'},
	    {"events", required_argument, NULL, OPT_EVENTS},
	    {"event-rate", required_argument, NULL, OPT_EVENT_RATE},
	    {"event-burst", required_argument, NULL, OPT_EVENT_BURST},
	    {"web", required_argument, NULL, OPT_WEB},
	    {"web-allow-remote", no_argument, NULL, OPT_WEB_REMOTE},
	    {"metrics-endpoints", no_argument, NULL, OPT_METRICS_EPS},
	    {"uplink", required_argument, NULL, OPT_UPLINK},
	    {"uplink-addr", required_argument, NULL, OPT_UPLINK_ADDR},
	    {"uplink-gateway", required_argument, NULL, OPT_UPLINK_GW},
	    {"uplink-addr6", required_argument, NULL, OPT_UPLINK_ADDR6},
	    {"uplink-gateway6", required_argument, NULL, OPT_UPLINK_GW6},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	int c;

	/* --help and --version anywhere: nothing else is looked at, nothing done */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(argv[i], "--version")) {
			printf("hyperiond %s (ABI %d)\n", HYP_VERSION, HYP_ABI_VERSION);
			exit(0);
		}
	}
	snprintf(o->instance, sizeof(o->instance), "%s", HYP_DEFAULT_INSTANCE);
	o->events = (struct hyp_event_settings){.flows = true,
						.drops = true,
						.rate = HYP_EVENT_RATE_DEFAULT,
						.burst = HYP_EVENT_BURST_DEFAULT};
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (strlen(optarg) >= sizeof(o->instance)) {
				fprintf(stderr, "hyperiond: instance name too long\n");
				return -EINVAL;
			}
			snprintf(o->instance, sizeof(o->instance), "%s", optarg);
			break;
		case 'p':
			if (!strcmp(optarg, "none")) { /* IPv6-only; node__open wants a pool6 */
				o->pool_none = true;
				break;
			}
			if (cidr4_parse(optarg, &o->pool)) {
				fprintf(stderr, "hyperiond: bad pool CIDR '%s' (want A.B.C.D/N)\n",
					optarg);
				return -EINVAL;
			}
			if (pool_host_bits(&o->pool, optarg))
				return -EINVAL;
			o->pool_set = true;
			break;
		case OPT_POOL6: /* checked by node__open, which names what is wrong */
			o->pool6 = optarg;
			break;
		case 'b':
			o->backend = optarg;
			break;
		case 'G':
			o->no_guard = true;
			break;
		case 'r':
			d->reconcile_ms = atoi(optarg);
			if (d->reconcile_ms < 100) {
				fprintf(stderr, "hyperiond: --reconcile-ms must be >= 100\n");
				return -EINVAL;
			}
			break;
		case 'g':
			if (parse_group(optarg, d))
				return -EINVAL;
			break;
		case 'q':
			if (parse_quota(optarg, &o->ct_quota))
				return -EINVAL;
			break;
		case 'C':
			d->cluster_opts.endpoints = optarg;
			break;
		case 'N':
			d->cluster_opts.node = optarg;
			break;
		case 'A':
			d->cluster_opts.addr = optarg;
			break;
		case 'I':
			d->ovl_flags |= HYP_OVL_SELF_F_PAYLOAD;
			break;
		case 'T':
			if (parse_big_tcp(optarg, &o->big_tcp))
				return -EINVAL;
			break;
		case OPT_EVENTS:
			if (parse_events(optarg, &o->events))
				return -EINVAL;
			break;
		case OPT_EVENT_RATE:
			if (parse_u32("--event-rate", optarg, 1000000, &o->events.rate))
				return -EINVAL;
			break;
		case OPT_EVENT_BURST:
			if (parse_u32("--event-burst", optarg, 1000000, &o->events.burst))
				return -EINVAL;
			break;
		case OPT_WEB:
			*web = optarg;
			break;
		case OPT_WEB_REMOTE:
			*allow_remote = true;
			break;
		case OPT_METRICS_EPS:
			d->metrics_endpoints = true;
			break;
		case OPT_UPLINK:
			o->uplink = optarg;
			break;
		case OPT_UPLINK_ADDR:
			o->uplink_addr = optarg;
			break;
		case OPT_UPLINK_GW:
			o->uplink_gw = optarg;
			break;
		case OPT_UPLINK_ADDR6:
			o->uplink_addr6 = optarg;
			break;
		case OPT_UPLINK_GW6:
			o->uplink_gw6 = optarg;
			break;
		case 'v':
			log_set_level(HYP_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (*allow_remote && !*web) {
		fprintf(stderr, "hyperiond: --web-allow-remote without --web\n");
		return -EINVAL;
	}
	if (!d->cluster_opts.endpoints != !d->cluster_opts.node ||
	    (d->cluster_opts.addr && !d->cluster_opts.endpoints)) {
		fprintf(stderr,
			"hyperiond: --cluster and --node go together (--node-addr with them)\n");
		return -EINVAL;
	}
	if (o->pool_none && o->pool_set) {
		fprintf(stderr, "hyperiond: --pool given twice (a CIDR and none)\n");
		return -EINVAL;
	}
	if (o->pool_none && d->cluster_opts.endpoints) {
		fprintf(stderr,
			"hyperiond: --pool none (IPv6-only): no --cluster (a cluster's nodes "
			"take IPv4 blocks; an IPv6-only cluster is not built yet)\n");
		return -EINVAL;
	}
	if (o->pool_none && (o->uplink_addr || o->uplink_gw)) {
		fprintf(stderr, "hyperiond: --pool none (IPv6-only): the uplink carries IPv6 only: "
				"--uplink-addr6 (--uplink-gateway6), no --uplink-addr or "
				"--uplink-gateway\n");
		return -EINVAL;
	}
	/* a cluster node's pools are its blocks (its pool6 none when the cluster has none) */
	if (d->cluster_opts.endpoints && (o->pool_set || o->pool6)) {
		fprintf(stderr, "hyperiond: with --cluster the pools are the node's blocks "
				"(cluster init --pool6): no --pool or --pool6\n");
		return -EINVAL;
	}
	/* which family the uplink must carry is the instance's (node_uplink.c) */
	if (!o->uplink != !(o->uplink_addr || o->uplink_addr6) ||
	    ((o->uplink_gw || o->uplink_gw6) && !o->uplink) ||
	    (o->uplink_gw6 && !o->uplink_addr6) || (o->uplink_gw && !o->uplink_addr)) {
		fprintf(stderr, "hyperiond: --uplink goes with --uplink-addr and/or --uplink-addr6 "
				"(--uplink-gateway with --uplink-addr, --uplink-gateway6 with "
				"--uplink-addr6)\n");
		return -EINVAL;
	}
	return 0;
}

/* One daemon per instance: an exclusive lock next to the socket. */
/*
 * A start that failed for an instance with no state (a new one refused)
 * leaves no lock file behind; an existing instance keeps its lock file
 * until teardown. Unlinked while still held, so no other daemon can hold
 * the old file at the same time.
 */
static void drop_lock(int lock, const struct hyp_paths *p)
{
	if (access(p->state_db, F_OK)) {
		unlink(p->lock);
		rmdir(HYP_RUN_DIR);
	}
	close(lock);
}

static int take_lock(const char *path)
{
	int fd;

	mkdir(HYP_RUN_DIR, 0755);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -EBUSY;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct node_opts o = {};
	struct daemon d = {.listen_fd = -1, .reconcile_ms = 2000, .api_gid = (gid_t)-1};
	struct errmsg em = {};
	const char *web = NULL;
	bool allow_remote = false;
	char where[384];
	int lock, err;

	log_set_prefix("hyperiond");
	log_set_timestamps(true);
	log_route_libbpf();
	if (parse_args(argc, argv, &o, &d, &web, &allow_remote))
		return 2;
	if (geteuid()) {
		pr_err("must run as root (it loads BPF programs and makes network namespaces); "
		       "start it with sudo, or as the service: systemctl start hyperiond\n");
		return 1;
	}
	d.started = (int64_t)time(NULL);
	/* before anything is made: a bad or busy address changes nothing */
	if (web && web_open(web, allow_remote, &d.web, &em)) {
		pr_warn("%s\n", em.msg);
		return 2;
	}
	struct hyp_paths paths;

	if (hyp_paths_init(o.instance, &paths)) {
		pr_warn("invalid instance name '%s' (1-24 of a-z, 0-9, '-')\n", o.instance);
		return 2;
	}
	lock = take_lock(paths.lock);
	if (lock < 0) {
		if (lock == -EBUSY)
			pr_err("instance %s: another hyperiond already runs it (lock %s)\n",
			       o.instance, paths.lock);
		else
			pr_err("instance %s: cannot create %s: %s (is %s writable?)\n", o.instance,
			       paths.lock, strerror(-lock), HYP_RUN_DIR);
		return 1;
	}
	err = d.cluster_opts.endpoints ? daemon_cluster_join(&d, &o, &em) : 0;
	if (!err)
		err = node__open(&o, true, &d.node, &em);
	if (!err && d.cluster)
		err = daemon_cluster_start(&d);
	if (err) {
		pr_err("%s\n", em.msg[0] ? em.msg : strerror(-err));
		cluster__close(d.cluster);
		if (d.node)
			node__close(d.node);
		drop_lock(lock, &paths);
		return 1;
	}
	err = node__reconcile(d.node);
	if (err)
		pr_warn("initial reconcile: %s\n", strerror(-err));
	d.listen_fd = api_listen(node__paths(d.node)->socket);
	if (d.listen_fd < 0) {
		pr_err("cannot listen on %s: %s (is %s writable?)\n", node__paths(d.node)->socket,
		       strerror(-d.listen_fd), HYP_RUN_DIR);
		node__close(d.node);
		return 1;
	}
	err = d.api_group_set ? api_allow_group(node__paths(d.node)->socket, d.api_gid) : 0;
	if (err) {
		pr_warn("cannot open %s to group %s: %s\n", node__paths(d.node)->socket,
			d.api_group, strerror(-err));
		close(d.listen_fd);
		unlink(node__paths(d.node)->socket);
		node__close(d.node);
		return 1;
	}
	node__domain_describe(d.node, where, sizeof(where));
	pr_info("instance %s ready: %s, socket %s (%s%s)\n", o.instance, where,
		node__paths(d.node)->socket, d.api_group_set ? "root and group " : "root only",
		d.api_group);
	if (d.web)
		pr_info("web: /metrics and the flow page on http://%s/\n", web);
	err = daemon_serve(&d);
	web_close(d.web);
	close(d.listen_fd);
	unlink(node__paths(d.node)->socket);
	if (d.torn_down)
		pr_info("instance %s torn down\n", o.instance);
	cluster__close(d.cluster);
	node__close(d.node);
	close(lock);
	return err ? 1 : 0;
}
