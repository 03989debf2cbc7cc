/* SPDX-License-Identifier: GPL-2.0-only */
/* Persistent state of an instance (SQLite): SNICs, identities, settings, policies,
 * namespace labels. */
#ifndef HYP_STORE_H
#define HYP_STORE_H

#include <stdint.h>
#include <stddef.h>

struct store;

#define STORE_HW_MAX 256

struct snic_rec {
	int64_t id;
	char name[64];
	char netns[256]; /* as given: name under /run/netns or a path */
	uint64_t netns_dev;
	uint64_t netns_ino;
	char ifname[16];
	uint32_t ip; /* host order */
	uint8_t prefix;
	uint8_t mac[6];
	char labels[2048]; /* canonical */
	uint32_t identity;
	uint8_t key[16]; /* stamp key */
	uint32_t flags;
	char owner[192]; /* "" or the CNI attachment "containerid/ifname" */
	int64_t created;
	char hw[STORE_HW_MAX]; /* what the backend made: its own string, stored unread */
	char ports[1024];      /* the named ports it declares, canonical (lib/named_ports.h) */
	uint8_t ip6[16];       /* network order; zero with prefix6 0: no IPv6 */
	uint8_t prefix6;
};

typedef int (*store_snic_cb)(const struct snic_rec *rec, void *ctx);

int store__open(const char *path, struct store **out);
void store__close(struct store *s);
int store__begin(struct store *s);
int store__commit(struct store *s);
void store__rollback(struct store *s);

int store__meta_get(struct store *s, const char *key, char *buf, size_t len);
int store__meta_set(struct store *s, const char *key, const char *val);

/* Assigns rec->id. -EEXIST when the name or the IP is taken. */
int store__snic_insert(struct store *s, struct snic_rec *rec);
/* Writes rec->hw alone. */
int store__snic_update_hw(struct store *s, const struct snic_rec *rec);
int store__snic_delete(struct store *s, int64_t id);
int store__snic_get(struct store *s, const char *name, struct snic_rec *rec);
int store__snic_by_ip(struct store *s, uint32_t ip, struct snic_rec *rec);
/* by the MAC (an IPv6-only SNIC's is derived from its IPv6 address: checked free) */
int store__snic_by_mac(struct store *s, const uint8_t mac[6], struct snic_rec *rec);
/* by the IPv6 address (network order) */
int store__snic_by_ip6(struct store *s, const uint8_t ip6[16], struct snic_rec *rec);
int store__snic_by_id(struct store *s, int64_t id, struct snic_rec *rec);
int store__snic_by_owner(struct store *s, const char *owner, struct snic_rec *rec);
int store__snic_foreach(struct store *s, store_snic_cb cb, void *ctx);
/* By id, those after after_id; a callback's non-zero return stops it and is returned. */
int store__snic_foreach_after(struct store *s, int64_t after_id, store_snic_cb cb, void *ctx);
int store__snic_count(struct store *s);

/* Identity of a canonical label set, created on first use (from 256 up). */
int store__identity_get(struct store *s, const char *labels, uint32_t *id);
/* Drops identities that no SNIC uses any more. */
/* The number of labels if this store has one; -ENOENT. */
int store__identity_find(struct store *s, const char *labels, uint32_t *id);
/* Records the cluster's number for labels; -EEXIST when this node has the number for another set. */
int store__identity_put(struct store *s, const char *labels, uint32_t id);
int store__identity_gc(struct store *s);
int store__identity_count(struct store *s);

/*
 * Namespace labels, set by the administrator (what a NetworkPolicy's
 * namespaceSelector matches, besides kubernetes.io/metadata.name).
 */
typedef int (*store_ns_label_cb)(const char *ns, const char *key, const char *val, void *ctx);

/* Sets or replaces ns's label key. */
int store__ns_label_set(struct store *s, const char *ns, const char *key, const char *val);
/* -ENOENT when ns has no label key. */
int store__ns_label_delete(struct store *s, const char *ns, const char *key);
/* Every label of every namespace, by namespace then key. */
int store__ns_label_foreach(struct store *s, store_ns_label_cb cb, void *ctx);

typedef int (*store_policy_cb)(const char *ns, const char *name, const char *doc, int64_t updated,
			       void *ctx);

/* Policy documents by kind: NetworkPolicy or InspectionPolicy. */
enum store_doc_kind { STORE_DOC_NETPOL, STORE_DOC_INSPECTION };

int store__doc_put(struct store *s, enum store_doc_kind kind, const char *ns, const char *name,
		   const char *doc, int64_t updated);
int store__doc_delete(struct store *s, enum store_doc_kind kind, const char *ns, const char *name);
int store__doc_foreach(struct store *s, enum store_doc_kind kind, store_policy_cb cb, void *ctx);

int store__policy_put(struct store *s, const char *ns, const char *name, const char *doc,
		      int64_t updated);
/* -ENOENT when there is no such policy. */
int store__policy_delete(struct store *s, const char *ns, const char *name);
int store__policy_foreach(struct store *s, store_policy_cb cb, void *ctx);

/* Published ports (store_publish.c): uplink-addr:port/proto -> snic:snic_port. */
struct pub_rec {
	uint16_t port;
	uint8_t proto; /* IPPROTO_TCP / IPPROTO_UDP */
	int64_t snic;  /* snics.id */
	uint16_t snic_port;
};

typedef int (*store_pub_cb)(const struct pub_rec *r, void *ctx);
/* -EEXIST: the port is published, or the SNIC's port already is. */
int store__publish_add(struct store *s, const struct pub_rec *r);
/* -ENOENT: not published. */
int store__publish_del(struct store *s, uint16_t port, uint8_t proto);
int store__publish_del_snic(struct store *s, int64_t snic);
int store__publish_foreach(struct store *s, store_pub_cb cb, void *ctx);

#endif
