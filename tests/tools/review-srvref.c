/*
 * review-srvref - what the referral tests compare between a device and
 * senda-server: for every referral in the device's store, its consent,
 * state and whether an outbox item was made for it; for every referral
 * item in the outbox, its payload and whether the server stores that very
 * record (same id, same content hash: the server recomputes the hash from
 * what it stored, so an equal hash means equal content).
 *
 * usage: review-srvref --store DIR --data SRVDIR
 * The device's passphrase is read from standard input.  Run it after the
 * server has stopped.  Prints, one per line:
 *   local RULE consent=0|1 state=STATE
 *   item ID on-server=yes|no|different fields=KEY,KEY... PAYLOAD
 * (the keys of payload.fields, sorted: what the referral shares)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "proto/proto.h"
#include "store/data.h"
#include "store/server_db.h"
#include "store/store.h"
#include "util/util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
	struct store_open_opts so;
	struct store_interview_list ivs = STORE_INTERVIEW_LIST_INIT;
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	struct server_db *db = NULL;
	struct store *st = NULL;
	char *pass = NULL, *path;
	size_t len = 0, i, k;
	status_t s;

	if (argc != 5 || strcmp(argv[1], "--store") || strcmp(argv[3], "--data")) {
		fprintf(stderr, "usage: review-srvref --store DIR --data SRVDIR\n");
		return 2;
	}
	if ((s = crypto_passphrase_read(0, NULL, &pass, &len)) != ST_OK)
		goto fail;
	memset(&so, 0, sizeof(so));
	so.kdf.memory_kib = 64;
	so.kdf.iterations = 1;
	s = store_open(argv[2], pass, len, false, &so, &st);
	crypto_secure_free(pass);
	if (s != ST_OK)
		goto fail;
	path = path_join(argv[4], "server.db");
	s = server_db_open(path, &db);
	free(path);
	if (s != ST_OK)
		goto fail;
	if ((s = store_interviews_list(st, 0, &ivs)) != ST_OK)
		goto fail;
	for (i = 0; i < ivs.n; i++) {
		struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
		if ((s = store_referrals_load(st, ivs.v[i].id, &rl)) != ST_OK)
			goto fail;
		for (k = 0; k < rl.n; k++)
			printf("local %s consent=%d state=%s\n", rl.v[k].rule_id, rl.v[k].consent_ok,
			       store_ref_state_name(rl.v[k].state));
		store_referral_list_release(&rl);
	}
	if ((s = store_outbox_list(st, 0, &ob)) != ST_OK)
		goto fail;
	for (i = 0; i < ob.n; i++) {
		struct sdb_item it;
		char hash[PROTO_HASH_LEN + 1], *canon;
		const char *where;
		if (strcmp(ob.v[i].kind, "referral"))
			continue;
		canon = proto_canonical(ob.v[i].payload, strlen(ob.v[i].payload));
		proto_item_hash(canon ? canon : "", canon ? strlen(canon) : 0, hash);
		free(canon);
		memset(&it, 0, sizeof(it));
		s = server_db_item_get(db, ob.v[i].id, &it);
		if (s == ST_NOTFOUND) {
			st_clear();
			where = "no";
		} else if (s != ST_OK) {
			goto fail;
		} else {
			where = !strcmp(it.hash, hash) && !strcmp(it.kind, "referral") ? "yes" : "different";
		}
		{
			json_t *p = json_loads(ob.v[i].payload, 0, NULL);
			json_t *f = json_object_get(p, "fields");
			const char **keys = xcalloc(json_object_size(f) + 1, sizeof(*keys));
			const char *key;
			json_t *v;
			size_t n = 0, a;
			json_object_foreach(f, key, v)
				keys[n++] = key;
			qsort(keys, n, sizeof(*keys), cmp_str);
			printf("item %s on-server=%s fields=", ob.v[i].id, where);
			for (a = 0; a < n; a++)
				printf("%s%s", a ? "," : "", keys[a]);
			printf(" %s\n", ob.v[i].payload);
			free(keys);
			json_decref(p);
		}
	}
	s = ST_OK;
fail:
	if (s != ST_OK)
		fprintf(stderr, "review-srvref: %s\n", st_detail(s));
	store_outbox_list_release(&ob);
	store_interview_list_release(&ivs);
	server_db_close(db);
	store_close(st);
	return s == ST_OK ? 0 : 1;
}
