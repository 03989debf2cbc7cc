// SPDX-License-Identifier: GPL-2.0-only
/*
 * The node's key pair and the record of its membership, kept in the
 * state directory (cluster.json, mode 0600, written whole then renamed),
 * and the pair keys derived from X25519: never sent, never stored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <json-c/json.h>

#include "cluster/cluster_priv.h"

int64_t cluster_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cluster_keypair(uint8_t sk[32], uint8_t pk[32])
{
	if (sodium_init() < 0)
		return -EIO;
	randombytes_buf(sk, 32);
	return crypto_scalarmult_base(pk, sk) ? -EIO : 0;
}

int cluster_pair_key(const uint8_t sk[32], const uint8_t pk_self[32], const uint8_t pk_peer[32],
		     uint8_t key[16])
{
	static const char ctx[] = "hyperion overlay pair key v1";
	uint8_t shared[32];
	crypto_generichash_state st;
	bool self_first = memcmp(pk_self, pk_peer, 32) < 0;

	if (sodium_init() < 0 || crypto_scalarmult(shared, sk, pk_peer))
		return -EINVAL; /* a low-order peer key gives an all-zero secret */
	crypto_generichash_init(&st, shared, sizeof(shared), 16);
	crypto_generichash_update(&st, (const uint8_t *)ctx, sizeof(ctx) - 1);
	crypto_generichash_update(&st, self_first ? pk_self : pk_peer, 32);
	crypto_generichash_update(&st, self_first ? pk_peer : pk_self, 32);
	crypto_generichash_final(&st, key, 16);
	sodium_memzero(shared, sizeof(shared));
	return 0;
}

static void add_b64(json_object *o, const char *k, const uint8_t *p, size_t n)
{
	char s[64];

	b64_encode(p, n, s);
	json_object_object_add(o, k, json_object_new_string(s));
}

static int get_b64(json_object *o, const char *k, uint8_t *p, size_t want)
{
	const char *v = etcd_json_str(o, k);
	uint8_t buf[48];
	size_t n = 0;

	if (!v || strlen(v) > 64 || b64_decode(v, buf, &n) || n != want)
		return -EINVAL;
	memcpy(p, buf, want);
	return 0;
}

int cluster_record_save(const char *path, const struct cluster_record *r)
{
	json_object *o = json_object_new_object();
	char tmp[340], blk[32], blk6[IP6_STRLEN + 8];
	const char *s;
	int fd, err = 0;

	json_object_object_add(o, "node", json_object_new_string(r->node));
	json_object_object_add(o, "id", json_object_new_int64(r->id));
	cidr4_format(&r->block, blk, sizeof(blk));
	json_object_object_add(o, "block", json_object_new_string(blk));
	if (r->block6.prefix) {
		cidr6_format(&r->block6, blk6, sizeof(blk6));
		json_object_object_add(o, "block6", json_object_new_string(blk6));
	}
	add_b64(o, "sk", r->sk, 32);
	if (r->has_prev)
		add_b64(o, "prev_sk", r->prev_sk, 32);
	json_object_object_add(o, "key_epoch", json_object_new_int64(r->key_epoch));
	json_object_object_add(o, "key_time", json_object_new_int64(r->key_time));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s) || fsync(fd))
		err = -errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	json_object_put(o);
	return err;
}

int cluster_record_load(const char *path, struct cluster_record *r)
{
	json_object *o = json_object_from_file(path), *v;
	int err = -EINVAL;

	memset(r, 0, sizeof(*r));
	if (!o)
		return access(path, F_OK) ? -ENOENT : -EINVAL;
	if (!etcd_json_str(o, "node") || strlen(etcd_json_str(o, "node")) >= sizeof(r->node))
		goto out;
	snprintf(r->node, sizeof(r->node), "%s", etcd_json_str(o, "node"));
	if (!json_object_object_get_ex(o, "id", &v))
		goto out;
	r->id = (uint32_t)json_object_get_int64(v);
	if (!etcd_json_str(o, "block") || cidr4_parse(etcd_json_str(o, "block"), &r->block))
		goto out;
	if (cluster_block6_get(o, "block6", &r->block6)) /* absent: joined without IPv6 */
		goto out;
	if (get_b64(o, "sk", r->sk, 32) || crypto_scalarmult_base(r->pk, r->sk))
		goto out;
	r->has_prev = !get_b64(o, "prev_sk", r->prev_sk, 32) &&
		      !crypto_scalarmult_base(r->prev_pk, r->prev_sk);
	if (json_object_object_get_ex(o, "key_epoch", &v))
		r->key_epoch = (uint32_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "key_time", &v))
		r->key_time = json_object_get_int64(v);
	err = r->id && r->id <= HYP_CLUSTER_MAX_ID ? 0 : -EINVAL;
out:
	json_object_put(o);
	return err;
}
