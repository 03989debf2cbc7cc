/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CNI attachments as the daemon records them, shared by hyperiond and the
 * hyperion CNI plugin: the owner key of an attachment, the SNIC name derived
 * from it, and the error codes the plugin reports (docs/cni.md).
 */
#ifndef HYP_CNI_ATTACH_H
#define HYP_CNI_ATTACH_H

#include <stddef.h>

#include "lib/errmsg.h"

/* Spec well-known error codes (CNI 1.1.0) and the plugin's own (100+). */
enum cni_code {
	CNI_ERR_INCOMPATIBLE = 1, /* cniVersion not supported */
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3, /* no such attachment / netns gone */
	CNI_ERR_INVALID_ENV = 4,       /* CNI_* variable missing or invalid */
	CNI_ERR_IO = 5,		       /* stdin unreadable */
	CNI_ERR_DECODE = 6,	       /* stdin is not JSON */
	CNI_ERR_INVALID_CONFIG = 7,
	CNI_ERR_TRY_AGAIN = 11,	    /* hyperiond not running: retry later */
	CNI_ERR_NOT_AVAILABLE = 50, /* STATUS: cannot serve ADD now */
	CNI_ERR_DAMAGED = 51,	    /* STATUS: ... and the datapath is damaged */
	CNI_ERR_DAEMON = 100,	    /* hyperiond failed the request */
	CNI_ERR_POOL_EXHAUSTED = 101,
	CNI_ERR_LABEL = 102,	/* a label is not valid Kubernetes syntax */
	CNI_ERR_NETNS = 103,	/* CNI_NETNS missing or not a network namespace */
	CNI_ERR_EXISTS = 104,	/* the interface or attachment already exists */
	CNI_ERR_CHECK = 105,	/* CHECK: the attachment is not as ADD left it */
	CNI_ERR_PROTOCOL = 106, /* hyperiond unreachable (permission) or bad reply */
	CNI_ERR_RESERVED = 107, /* a pod label with a reserved key (lib/identity.h) */
	CNI_ERR_PUBLISH = 108,	/* a port mapping cannot be published (conflict, no uplink) */
};

#define CNI_NETWORK_MAX	    63
#define CNI_CONTAINERID_MAX 100
/* "NETWORK/CONTAINERID/IFNAME" fits snic_rec.owner (192) */
#define CNI_KEY_MAX	  (CNI_NETWORK_MAX + 1 + CNI_CONTAINERID_MAX + 1 + 15)
#define CNI_SNIC_NAME_MAX 63

/* ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$, 1-100 characters */
int cni_validate_container_id(const char *id);
/* the spec's network name syntax, 1-63 characters */
int cni_validate_network(const char *name);
/* An absolute path without "." or ".." components, shorter than 256. */
int cni_validate_netns_path(const char *path);
/*
 * The owner key of an attachment, "NETWORK/CONTAINERID/IFNAME". The network
 * is part of it so that GC of one network never touches another's
 * attachments on the same instance. -EINVAL when a part is invalid.
 */
int cni_attachment_key(const char *network, const char *cid, const char *ifname, char *buf,
		       size_t len);
/*
 * SNIC name of an attachment: "cni-" + up to 24 characters of the container
 * id + "-" + 16 hex digits of a hash of the key (unique per attachment,
 * readable in hyperctl, valid as an object name).
 */
int cni_snic_name(const char *key, const char *cid, char *buf, size_t len);

#define CNI_FAMILY_DUAL 46 /* the network asks for both families */

/* One attachment as a CNI request names it, validated, with its key and SNIC name. */
struct cni_attachment {
	const char *network, *cid, *ifname;
	const char *netns; /* NULL when the request has none */
	int family;	   /* the network's ipFamily: 0 (the instance's), 4, 6, CNI_FAMILY_DUAL */
	char key[CNI_KEY_MAX + 1];
	char name[CNI_SNIC_NAME_MAX + 1];
};

/*
 * Validates the parts (netns may be NULL) and derives key and name;
 * -EINVAL with a message naming the first invalid part. The strings are
 * borrowed, not copied.
 */
int cni_attachment_init(struct cni_attachment *a, const char *network, const char *cid,
			const char *ifname, const char *netns, struct errmsg *em);

#endif
