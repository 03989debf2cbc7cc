// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/lib/store.c: the SQLite state of an instance; schema,
 * settings, identities, transactions and documents. SNIC records are in
 * test_store_snic.c.
 */
#include "store_fixture.h"

static void test_open_creates_schema(void **state)
{
	struct fixture *f = *state;
	struct store *again = NULL;
	struct snic_rec r, got;
	char buf[32];

	/* freshly created: the tables exist and are empty */
	assert_int_equal(db_count(state,
				  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND"
				  " name IN ('meta', 'identities', 'snics')",
				  NULL),
			 3);
	assert_int_equal(db_count(state, "SELECT COUNT(*) FROM identities", NULL), 0);
	assert_int_equal(store__snic_count(f->s), 0);
	assert_int_equal(store__meta_get(f->s, "version", buf, sizeof(buf)), -ENOENT);

	mkrec(&r, "persist", IP(10, 0, 0, 2));
	assert_int_equal(store__snic_insert(f->s, &r), 0);
	assert_int_equal(store__meta_set(f->s, "version", "1"), 0);
	store__close(f->s);
	f->s = NULL;

	/* reopening keeps the data (CREATE TABLE IF NOT EXISTS) */
	assert_int_equal(store__open(f->path, &again), 0);
	f->s = again;
	assert_int_equal(store__snic_count(again), 1);
	assert_int_equal(store__snic_get(again, "persist", &got), 0);
	assert_rec_equal(&got, &r);
	assert_int_equal(store__meta_get(again, "version", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
}

static void test_open_bad_path(void **state)
{
	struct store *s = (struct store *)0x1;

	assert_int_equal(store__open("/nonexistent-dir-hyp/x/state.db", &s), -EIO);
	assert_ptr_equal(s, (struct store *)0x1);
	store__close(NULL);
}

static void test_meta(void **state)
{
	struct store *s = S(state);
	char buf[64], small[4];

	assert_int_equal(store__meta_get(s, "pool", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(store__meta_set(s, "pool", "10.0.0.0/24"), 0);
	assert_int_equal(store__meta_set(s, "gw_mac", "0a:58:0a:00:00:01"), 0);
	assert_int_equal(store__meta_get(s, "pool", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10.0.0.0/24");
	assert_int_equal(store__meta_get(s, "gw_mac", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0a:58:0a:00:00:01");

	/* set replaces */
	assert_int_equal(store__meta_set(s, "pool", "192.168.0.0/16"), 0);
	assert_int_equal(store__meta_get(s, "pool", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.168.0.0/16");

	/* empty value, and truncation to the buffer */
	assert_int_equal(store__meta_set(s, "empty", ""), 0);
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(store__meta_get(s, "empty", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(store__meta_get(s, "pool", small, sizeof(small)), 0);
	assert_string_equal(small, "192");

	assert_int_equal(store__meta_get(s, "Pool", buf, sizeof(buf)), -ENOENT);
}

static void test_identity(void **state)
{
	struct store *s = S(state);
	uint32_t a = 0, a2 = 0, b = 0, c = 0, e = 0;

	assert_int_equal(store__identity_get(s, "app=web", &a), 0);
	assert_true(a >= 256);
	assert_int_equal(store__identity_get(s, "app=web", &a2), 0);
	assert_int_equal(a, a2);

	assert_int_equal(store__identity_get(s, "app=db", &b), 0);
	assert_true(b >= 256);
	assert_int_not_equal(a, b);
	assert_int_equal(store__identity_get(s, "app=db,tier=back", &c), 0);
	assert_true(c >= 256);
	assert_int_not_equal(c, a);
	assert_int_not_equal(c, b);
	/* the empty label set is an identity too */
	assert_int_equal(store__identity_get(s, "", &e), 0);
	assert_true(e >= 256);
	assert_int_not_equal(e, a);
	assert_int_not_equal(e, b);
	assert_int_not_equal(e, c);

	/* still stable after others were created */
	assert_int_equal(store__identity_get(s, "app=web", &a2), 0);
	assert_int_equal(a2, a);
	assert_int_equal(store__identity_get(s, "app=db", &a2), 0);
	assert_int_equal(a2, b);
}

static void test_identity_persists(void **state)
{
	struct fixture *f = *state;
	uint32_t a = 0, again = 0;

	assert_int_equal(store__identity_get(f->s, "app=web", &a), 0);
	store__close(f->s);
	f->s = NULL;
	assert_int_equal(store__open(f->path, &f->s), 0);
	assert_int_equal(store__identity_get(f->s, "app=web", &again), 0);
	assert_int_equal(again, a);
}

static void test_identity_gc(void **state)
{
	struct store *s = S(state);
	struct snic_rec r1, r2;
	uint32_t used = 0, shared = 0, unused1 = 0, unused2 = 0, check = 0;

	assert_int_equal(store__identity_get(s, "app=used", &used), 0);
	assert_int_equal(store__identity_get(s, "app=unused1", &unused1), 0);
	assert_int_equal(store__identity_get(s, "app=shared", &shared), 0);
	assert_int_equal(store__identity_get(s, "app=unused2", &unused2), 0);
	assert_int_equal(db_count(state, "SELECT COUNT(*) FROM identities", NULL), 4);

	mkrec(&r1, "one", IP(10, 0, 0, 2));
	snprintf(r1.labels, sizeof(r1.labels), "app=used");
	r1.identity = used;
	assert_int_equal(store__snic_insert(s, &r1), 0);
	mkrec(&r2, "two", IP(10, 0, 0, 3));
	snprintf(r2.labels, sizeof(r2.labels), "app=shared");
	r2.identity = shared;
	assert_int_equal(store__snic_insert(s, &r2), 0);

	assert_int_equal(store__identity_gc(s), 0);
	assert_int_equal(identity_exists(state, "app=used"), 1);
	assert_int_equal(identity_exists(state, "app=shared"), 1);
	assert_int_equal(identity_exists(state, "app=unused1"), 0);
	assert_int_equal(identity_exists(state, "app=unused2"), 0);
	assert_int_equal(db_count(state, "SELECT COUNT(*) FROM identities", NULL), 2);

	/* the survivors keep their ids */
	assert_int_equal(store__identity_get(s, "app=used", &check), 0);
	assert_int_equal(check, used);
	assert_int_equal(store__identity_get(s, "app=shared", &check), 0);
	assert_int_equal(check, shared);

	/* once its SNIC is gone, an identity is collected too */
	assert_int_equal(store__snic_delete(s, r1.id), 0);
	assert_int_equal(store__identity_gc(s), 0);
	assert_int_equal(identity_exists(state, "app=used"), 0);
	assert_int_equal(identity_exists(state, "app=shared"), 1);

	/* and a later lookup creates it anew, still >= 256 */
	assert_int_equal(store__identity_get(s, "app=used", &check), 0);
	assert_true(check >= 256);
	assert_int_not_equal(check, shared);
	assert_int_equal(identity_exists(state, "app=used"), 1);
}

static void test_transaction_rollback(void **state)
{
	struct store *s = S(state);
	struct snic_rec r, got;
	uint32_t id = 0, before = 0;
	char buf[32];

	assert_int_equal(store__identity_get(s, "app=before", &before), 0);

	assert_int_equal(store__begin(s), 0);
	mkrec(&r, "tx", IP(10, 0, 0, 2));
	assert_int_equal(store__snic_insert(s, &r), 0);
	assert_int_equal(store__meta_set(s, "tx", "yes"), 0);
	assert_int_equal(store__identity_get(s, "app=tx", &id), 0);
	/* visible inside the transaction */
	assert_int_equal(store__snic_count(s), 1);
	assert_int_equal(store__snic_get(s, "tx", &got), 0);
	store__rollback(s);

	assert_int_equal(store__snic_count(s), 0);
	assert_int_equal(store__snic_get(s, "tx", &got), -ENOENT);
	assert_int_equal(store__snic_by_ip(s, IP(10, 0, 0, 2), &got), -ENOENT);
	assert_int_equal(store__meta_get(s, "tx", buf, sizeof(buf)), -ENOENT);
	/* the identity created in the transaction is gone, the older one not */
	assert_int_equal(identity_exists(state, "app=tx"), 0);
	assert_int_equal(identity_exists(state, "app=before"), 1);
	assert_int_equal(db_count(state, "SELECT COUNT(*) FROM snics", NULL), 0);
}

static void test_transaction_commit(void **state)
{
	struct fixture *f = *state;
	struct snic_rec r, got;
	char buf[32];

	assert_int_equal(store__begin(f->s), 0);
	/* no nesting */
	assert_int_not_equal(store__begin(f->s), 0);
	mkrec(&r, "tx", IP(10, 0, 0, 2));
	assert_int_equal(store__snic_insert(f->s, &r), 0);
	assert_int_equal(store__meta_set(f->s, "tx", "yes"), 0);
	assert_int_equal(store__commit(f->s), 0);
	/* nothing left to commit */
	assert_int_not_equal(store__commit(f->s), 0);

	store__close(f->s);
	f->s = NULL;
	assert_int_equal(store__open(f->path, &f->s), 0);
	assert_int_equal(store__snic_get(f->s, "tx", &got), 0);
	assert_rec_equal(&got, &r);
	assert_int_equal(store__meta_get(f->s, "tx", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "yes");
}

static void test_count(void **state)
{
	struct store *s = S(state);
	struct snic_rec r;
	char name[16];
	int64_t ids[20];

	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "snic%d", i);
		mkrec(&r, name, IP(10, 0, 1, i));
		assert_int_equal(store__snic_insert(s, &r), 0);
		ids[i] = r.id;
		assert_int_equal(store__snic_count(s), i + 1);
	}
	for (int i = 0; i < 20; i += 2)
		assert_int_equal(store__snic_delete(s, ids[i]), 0);
	assert_int_equal(store__snic_count(s), 10);
}

/* Collects what store__doc_foreach reports. */
struct docs {
	int n;
	char ns[4][32], name[4][32], doc[4][64];
	int64_t updated[4];
};

static int collect_doc(const char *ns, const char *name, const char *doc, int64_t updated,
		       void *ctx)
{
	struct docs *d = ctx;

	if (d->n < 4) {
		snprintf(d->ns[d->n], sizeof(d->ns[0]), "%s", ns);
		snprintf(d->name[d->n], sizeof(d->name[0]), "%s", name);
		snprintf(d->doc[d->n], sizeof(d->doc[0]), "%s", doc);
		d->updated[d->n] = updated;
	}
	d->n++;
	return 0;
}

/* Re-applying a policy under the same namespace/name replaces the stored
 * document (an INSERT OR IGNORE would keep the first one). */
static void test_policy_put_replaces(void **state)
{
	struct store *s = S(state);
	struct docs d = {};

	assert_int_equal(store__policy_put(s, "prod", "web", "{\"v\":1}", 100), 0);
	assert_int_equal(store__policy_foreach(s, collect_doc, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.doc[0], "{\"v\":1}");

	assert_int_equal(store__policy_put(s, "prod", "web", "{\"v\":2}", 200), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(store__policy_foreach(s, collect_doc, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.ns[0], "prod");
	assert_string_equal(d.name[0], "web");
	assert_string_equal(d.doc[0], "{\"v\":2}");
	assert_int_equal(d.updated[0], 200);
	/* behind the store's back too: one row, the new document */
	assert_int_equal(
	    db_count(state, "SELECT COUNT(*) FROM policies WHERE doc = ?", "{\"v\":2}"), 1);
	assert_int_equal(db_count(state, "SELECT COUNT(*) FROM policies", NULL), 1);
}

/* The key is namespace + name: the same name in another namespace is
 * another policy; deleting one leaves the other. */
static void test_policy_key_and_delete(void **state)
{
	struct store *s = S(state);
	struct docs d = {};

	assert_int_equal(store__policy_put(s, "prod", "web", "{\"p\":1}", 1), 0);
	assert_int_equal(store__policy_put(s, "dev", "web", "{\"d\":1}", 2), 0);
	assert_int_equal(store__policy_foreach(s, collect_doc, &d), 0);
	assert_int_equal(d.n, 2);
	/* ordered by namespace, name */
	assert_string_equal(d.ns[0], "dev");
	assert_string_equal(d.doc[0], "{\"d\":1}");
	assert_string_equal(d.ns[1], "prod");
	assert_string_equal(d.doc[1], "{\"p\":1}");

	assert_int_equal(store__policy_delete(s, "prod", "web"), 0);
	assert_int_equal(store__policy_delete(s, "prod", "web"), -ENOENT);
	memset(&d, 0, sizeof(d));
	assert_int_equal(store__policy_foreach(s, collect_doc, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.ns[0], "dev");
}

/* InspectionPolicy documents: their own table, replaced the same way. */
static void test_inspection_put_replaces(void **state)
{
	struct store *s = S(state);
	struct docs d = {};

	assert_int_equal(store__doc_put(s, STORE_DOC_INSPECTION, "prod", "ids", "{\"i\":1}", 1), 0);
	assert_int_equal(store__doc_put(s, STORE_DOC_INSPECTION, "prod", "ids", "{\"i\":2}", 2), 0);
	assert_int_equal(store__doc_foreach(s, STORE_DOC_INSPECTION, collect_doc, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.doc[0], "{\"i\":2}");
	assert_int_equal(d.updated[0], 2);
	/* not a NetworkPolicy */
	memset(&d, 0, sizeof(d));
	assert_int_equal(store__policy_foreach(s, collect_doc, &d), 0);
	assert_int_equal(d.n, 0);
}

struct ns_labels {
	char rows[8][128];
	int n;
};

static int collect_ns(const char *ns, const char *key, const char *val, void *ctx)
{
	struct ns_labels *l = ctx;

	if (l->n < 8)
		snprintf(l->rows[l->n++], sizeof(l->rows[0]), "%s %s=%s", ns, key, val);
	return 0;
}

/* Namespace labels: set replaces, delete of a missing one is -ENOENT, listed in order. */
static void test_namespace_labels(void **state)
{
	struct store *s = S(state);
	struct ns_labels l = {};

	assert_int_equal(store__ns_label_set(s, "prod", "team", "shop"), 0);
	assert_int_equal(store__ns_label_set(s, "dev", "env", "dev"), 0);
	assert_int_equal(store__ns_label_set(s, "prod", "env", "test"), 0);
	assert_int_equal(store__ns_label_set(s, "prod", "env", "production"), 0);
	assert_int_equal(store__ns_label_foreach(s, collect_ns, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.rows[0], "dev env=dev");
	assert_string_equal(l.rows[1], "prod env=production");
	assert_string_equal(l.rows[2], "prod team=shop");
	assert_int_equal(store__ns_label_delete(s, "prod", "team"), 0);
	assert_int_equal(store__ns_label_delete(s, "prod", "team"), -ENOENT);
	assert_int_equal(store__ns_label_delete(s, "qa", "env"), -ENOENT);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store__ns_label_foreach(s, collect_ns, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.rows[1], "prod env=production");
}

/* One identity per label set: the count follows its users. */
static void test_identity_count(void **state)
{
	struct store *s = S(state);
	uint32_t a, b;

	assert_int_equal(store__identity_count(s), 0);
	assert_int_equal(store__identity_get(s, "app=web,namespace=prod", &a), 0);
	assert_int_equal(store__identity_get(s, "app=web,namespace=prod", &b), 0);
	assert_int_equal(a, b);
	assert_int_equal(store__identity_count(s), 1);
	assert_int_equal(store__identity_get(s, "app=web,namespace=dev", &b), 0);
	assert_int_not_equal(a, b);
	assert_int_equal(store__identity_count(s), 2);
	assert_int_equal(store__identity_gc(s), 0);
	assert_int_equal(store__identity_count(s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_open_creates_schema),
	    T(test_open_bad_path),
	    T(test_meta),
	    T(test_identity),
	    T(test_identity_persists),
	    T(test_identity_gc),
	    T(test_transaction_rollback),
	    T(test_transaction_commit),
	    T(test_count),
	    T(test_policy_put_replaces),
	    T(test_policy_key_and_delete),
	    T(test_inspection_put_replaces),
	    T(test_namespace_labels),
	    T(test_identity_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
