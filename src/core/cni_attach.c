// SPDX-License-Identifier: GPL-2.0-only
/* CNI attachment keys and SNIC names (see cni_attach.h). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/cni_attach.h"
#include "lib/addr.h"

_Static_assert(CNI_KEY_MAX < 192, "the key must fit snic_rec.owner");

static int valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !isalnum((unsigned char)s[0]))
		return -EINVAL;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return -EINVAL;
	return 0;
}

int cni_validate_container_id(const char *id)
{
	return id ? valid_name(id, CNI_CONTAINERID_MAX) : -EINVAL;
}

int cni_validate_network(const char *name)
{
	return name ? valid_name(name, CNI_NETWORK_MAX) : -EINVAL;
}

int cni_validate_netns_path(const char *path)
{
	const char *p;

	if (!path || path[0] != '/' || strlen(path) >= 256)
		return -EINVAL;
	for (p = path; *p; p++)
		if (isspace((unsigned char)*p))
			return -EINVAL;
	/* no "." or ".." component: the path names what it says */
	for (p = path; (p = strchr(p, '/')); p++) {
		if (p[1] == '.' && (p[2] == '/' || !p[2]))
			return -EINVAL;
		if (p[1] == '.' && p[2] == '.' && (p[3] == '/' || !p[3]))
			return -EINVAL;
	}
	return 0;
}

int cni_attachment_key(const char *network, const char *cid, const char *ifname, char *buf,
		       size_t len)
{
	int n;

	if (cni_validate_network(network) || cni_validate_container_id(cid) || !ifname ||
	    validate_ifname(ifname))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s/%s", network, cid, ifname);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* FNV-1a 64: collisions only make an ADD fail with "exists", never alias. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int cni_snic_name(const char *key, const char *cid, char *buf, size_t len)
{
	int n = snprintf(buf, len, "cni-%.24s-%016llx", cid, (unsigned long long)fnv1a(key));

	if (n < 0 || (size_t)n >= len || n > CNI_SNIC_NAME_MAX)
		return -ENAMETOOLONG;
	return validate_object_name(buf);
}

int cni_attachment_init(struct cni_attachment *a, const char *network, const char *cid,
			const char *ifname, const char *netns, struct errmsg *em)
{
	memset(a, 0, sizeof(*a));
	a->network = network;
	a->cid = cid;
	a->ifname = ifname;
	a->netns = netns;
	if (cni_validate_network(network))
		return em_set(em, -EINVAL, "invalid network name '%s'", network ? network : "");
	if (cni_validate_container_id(cid))
		return em_set(em, -EINVAL, "invalid container id '%s'", cid ? cid : "");
	if (cni_attachment_key(network, cid, ifname, a->key, sizeof(a->key)))
		return em_set(em, -EINVAL, "invalid interface name '%s'", ifname ? ifname : "");
	if (cni_snic_name(a->key, cid, a->name, sizeof(a->name)))
		return em_set(em, -EINVAL, "attachment %s: no valid SNIC name", a->key);
	if (netns && cni_validate_netns_path(netns))
		return em_set(em, -EINVAL, "invalid netns path '%s'", netns);
	return 0;
}
