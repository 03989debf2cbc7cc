/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Member names of the JSON on the control API, defined once for both
 * sides: the arguments hyperctl sends, the views hyperiond builds
 * (src/core/node_json.c, node_policy.c, node_inspect.c) and hyperctl
 * prints as text or, with -j, as JSON (src/ctl).
 */
#ifndef HYP_KEYS_H
#define HYP_KEYS_H

/* request arguments (snic.*, policy.*) */
#define KEY_NAME   "name"
#define KEY_NETNS  "netns"
#define KEY_IFNAME "ifname"
#define KEY_IP	   "ip"
#define KEY_IP6	   "ip6" /* a SNIC's IPv6 address: ADDR/N */
#define KEY_LABELS "labels"
#define KEY_OWNER  "owner"
#define KEY_TEXT   "text"
#define KEY_SRC	   "src"
#define KEY_DST	   "dst"
#define KEY_PROTO  "proto"
#define KEY_PORT   "port"

/* cni.add: the pod's labels (labels: the administrator's; namespace: the runtime's) */
#define KEY_POD_LABELS "pod_labels"

/* the reply of policy.apply: the documents applied, the parser's warnings */
#define KEY_APPLIED  "applied"
#define KEY_WARNINGS "warnings"

/* a SNIC: name, netns, ifname, ip, then these, labels and owner */
#define KEY_GATEWAY	 "gateway"
#define KEY_GATEWAY6	 "gateway6"
#define KEY_ADDRESS6	 "address6" /* the uplink's IPv6 address: ADDR/N */
#define KEY_LINK_LOCAL	 "link_local"
#define KEY_MAC		 "mac"
#define KEY_PORT_IFINDEX "port_ifindex"
#define KEY_IFINDEX	 "ifindex"
#define KEY_IDENTITY	 "identity"
#define KEY_GUARD	 "guard"
#define KEY_BIG_TCP	 "big_tcp"
#define KEY_CREATED	 "created"
/* its named ports: in, ["http=8080/tcp", ...]; out, "http=8080/tcp,..." */
#define KEY_NAMED_PORTS "named_ports"

/* status; gateway and guard as above */
#define KEY_INSTANCE	      "instance"
#define KEY_BACKEND	      "backend"
#define KEY_BRIDGE_NETNS      "bridge_netns"
#define KEY_PIN_ROOT	      "pin_root"
#define KEY_SOCKET	      "socket"
#define KEY_POOL	      "pool"
#define KEY_POOL6	      "pool6" /* an IPv6 CIDR or "none" */
#define KEY_ADDRESSES6_USED   "addresses6_used"
#define KEY_ADDRESSES_USED    "addresses_used"
#define KEY_ADDRESSES_TOTAL   "addresses_total"
#define KEY_SNICS	      "snics"
#define KEY_IDENTITIES	      "identities" /* label sets in use: one identity each */
#define KEY_CONNTRACK_ENTRIES "conntrack_entries"
#define KEY_CONNTRACK_QUOTA   "conntrack_quota"
#define KEY_API		      "api" /* {group, refused, timed_out} */
#define KEY_API_GROUP	      "group"
#define KEY_API_REFUSED	      "refused"
#define KEY_API_TIMED_OUT     "timed_out"
#define KEY_PORTS	      "ports"  /* by SNIC name: counters, drops, port */
#define KEY_GUARDS	      "guards" /* by SNIC name: drops */
#define KEY_DROPS	      "drops"  /* by drop reason name (lib/reasons.c) */
/* status "inspection": what the inspection tables hold */
#define KEY_INSPECTION	       "inspection"
#define KEY_INSPECT_TABLES     "tables"	    /* inspected endpoint directions */
#define KEY_INSPECT_AUTOMATA   "automata"   /* distinct automata: equal sets share one */
#define KEY_INSPECT_ROWS       "rows"	    /* DFA rows they take */
#define KEY_INSPECT_ROWS_TOTAL "rows_total" /* DFA rows of the table */
/* the counters of a port (HYP_STAT_*) */
#define KEY_STAT_RX	     "rx"
#define KEY_STAT_FORWARDED   "forwarded"
#define KEY_STAT_ARP_REPLIES "arp_replies"
#define KEY_STAT_DROPPED     "dropped"
#define KEY_STAT_RELATED     "icmp_related"

/* namespace.label {namespace, labels}, namespace.unlabel {namespace, keys};
 * namespace list: [{name, snics, labels}] */
#define KEY_KEYS "keys"

/* uplink show: ifname, address, gateway, ifindex, mac, then these */
#define KEY_ADDRESS	"address"
#define KEY_MTU		"mtu"
#define KEY_GATEWAY_MAC "gateway_mac"
#define KEY_UPLINK	"uplink" /* in status: the uplink, with its counters */
#define KEY_COUNTERS	"counters"
#define KEY_ROUTED	"routed" /* snic: routed mode (no SNAT) */
#define KEY_FAMILY	"family" /* snic add: 4 or 6, only that family's address */
/* publish add {snic, mapping}; list [{port, proto, snic, snic_port, ip}] */
#define KEY_SNIC      "snic"
#define KEY_MAPPING   "mapping"
#define KEY_SNIC_PORT "snic_port"
/* cni.add: the pod's port mappings, [{mapping, host_ip}] */
#define KEY_PUBLISH "publish"
#define KEY_HOST_IP "host_ip"

/* policy list: kind, namespace, name, updated, document */
#define KEY_KIND      "kind"
#define KEY_NAMESPACE "namespace"
#define KEY_UPDATED   "updated"
#define KEY_DOCUMENT  "document"

/* policy trace: src and dst {snic, ip, identity, labels}, proto, port,
 * verdict, egress and ingress {enforced, allowed_by}, drop_reason */
#define KEY_SNIC	"snic"
#define KEY_VERDICT	"verdict"
#define KEY_EGRESS	"egress"
#define KEY_INGRESS	"ingress"
#define KEY_ENFORCED	"enforced"
#define KEY_ALLOWED_BY	"allowed_by"
#define KEY_DROP_REASON "drop_reason"
#define KEY_NOT_MATCHED "not_matched" /* a denial: each rule of the side and why not */

/* an inspection event; identity, src, dst and proto as above */
#define KEY_TIME      "time" /* UTC, RFC 3339 with ms */
#define KEY_ENDPOINT  "endpoint"
#define KEY_DIRECTION "direction"
#define KEY_SPORT     "sport"
#define KEY_DPORT     "dport"
#define KEY_PATTERN   "pattern"
#define KEY_POLICY    "policy"
#define KEY_OFFSET    "offset"
#define KEY_ACTION    "action"

/* hyperctl audit (a view of hyperctl's own): instance, hyperion and
 * baseline (rows), failed; a row is attack, description, expected,
 * observed, blocked and (hyperion rows) pass */
#define KEY_HYPERION	"hyperion"
#define KEY_BASELINE	"baseline"
#define KEY_FAILED	"failed"
#define KEY_ATTACK	"attack"
#define KEY_DESCRIPTION "description"
#define KEY_EXPECTED	"expected"
#define KEY_OBSERVED	"observed"
#define KEY_BLOCKED	"blocked"
#define KEY_PASS	"pass"

/* monitor (docs/observability.md): the request's filters, and an event:
 * seq, time, type, verdict, reason, src and dst (snic, namespace, ip,
 * port, identity, labels), proto, tcp_flags, policy, pattern, node */
#define KEY_MON_FROM	  "from"
#define KEY_MON_TO	  "to"
#define KEY_MON_TYPE	  "type"
#define KEY_MON_VERDICT	  "verdict"
#define KEY_MON_PORT	  "port"
#define KEY_MON_NAMESPACE "namespace"
#define KEY_MON_LAST	  "last"
#define KEY_MON_FOLLOW	  "follow"
#define KEY_MON_SEQ	  "seq"
#define KEY_MON_TIME	  "time"
#define KEY_MON_REASON	  "reason"
#define KEY_MON_STAGE	  "stage"
#define KEY_MON_NAT	  "nat"
#define KEY_MON_FLAGS	  "tcp_flags"
#define KEY_MON_NODE	  "node"
#define KEY_MON_LEN	  "bytes"
#define KEY_MON_LOST	  "lost"
#define KEY_MON_EVENTS	  "events"

#endif
