/*
 * server_db.h - the sync server's storage on SQLite: devices, enrolment
 * codes, seen nonces, stored items, kept conflicts, interview states and
 * gap-free streams (a device's decisions feed, a team's review queue).
 *
 * These are storage primitives only; the rules (dedupe, team isolation,
 * the review state machine) live in src/server, which reaches this file
 * through its struct srv_backend vtable so that a PostgreSQL backend can
 * replace it without touching the HTTP layer.  Only src/store includes
 * sqlite3.h.  Every function returns ST_OK or a status with st_error() set;
 * none logs or records personal data.
 */
#ifndef SENDA_STORE_SERVER_DB_H
#define SENDA_STORE_SERVER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/status.h"

struct server_db;

#define SDB_ID_LEN 36
#define SDB_TEAM_MAX 64

struct sdb_device {
	char id[SDB_ID_LEN + 1];
	char team[SDB_TEAM_MAX + 1];
	char role[16];			/* "caseworker" or "supervisor" */
	char public_key[65];		/* hex */
	char label[65];
	int64_t created;
	int64_t revoked;		/* 0 when active */
};

struct sdb_item {
	int64_t seq;			/* server sequence: the receipt number */
	char id[SDB_ID_LEN + 1];
	char kind[16];
	char interview[SDB_ID_LEN + 1];
	char hash[72];
	char device[SDB_ID_LEN + 1];
	char team[SDB_TEAM_MAX + 1];
	int64_t at;
	const char *payload;		/* in: text to store; not filled by lookups */
	size_t payload_len;
};

struct sdb_interview {
	char id[SDB_ID_LEN + 1];
	char team[SDB_TEAM_MAX + 1];
	char owner[SDB_ID_LEN + 1];	/* device */
	char state[16];
};

/* One entry of a stream ("d:<device>" feed or "t:<team>" queue). */
struct sdb_entry {
	int64_t seq;
	const char *id;
	const char *interview;		/* may be "" */
	const char *kind;
	int64_t at;
	const char *payload;
	const char *device;		/* queue entries; else "" */
	const char *hash;		/* queue entries; else "" */
};
typedef status_t (*sdb_entry_fn)(void *ctx, const struct sdb_entry *e);

/*
 * A referral the server received: where it stands in the referral
 * machine (sent, accepted, declined, closed, revoked).  Ids and the
 * service only; the shared fields stay in the stored item.
 */
struct sdb_referral {
	char id[SDB_ID_LEN + 1];
	char interview[SDB_ID_LEN + 1];
	char team[SDB_TEAM_MAX + 1];
	char owner[SDB_ID_LEN + 1];	/* the device that sent it */
	char service[64];
	char state[16];
	int64_t updated;
};
typedef status_t (*sdb_referral_fn)(void *ctx, const struct sdb_referral *r);
typedef status_t (*sdb_device_fn)(void *ctx, const struct sdb_device *d);

/*
 * The server's data lives in an encrypted store (store/store.h) in dir:
 * every page AES-256-GCM, rollback journal, synchronous=FULL, so a commit
 * that returned is on disk.  create makes a new store (ST_EXISTS when
 * there is one) and fills recovery with its recovery key; open unlocks an
 * existing one.  Both add the server's tables as needed.
 */
status_t server_db_create(const char *dir, const char *pass, size_t pass_len,
			  uint32_t kdf_memory_kib, uint32_t kdf_iterations,
			  char recovery[STORE_RECOVERY_KEY_LEN], struct server_db **out);
status_t server_db_unlock(const char *dir, const char *pass, size_t pass_len,
			  struct server_db **out);
/*
 * For tools and tests: open the data directory path (or "DIR/server.db",
 * the name of the plain file before the store was encrypted) with the
 * passphrase in DIR/passphrase, where `senda-server init` puts it.
 */
status_t server_db_open(const char *path, struct server_db **out);
/* An in-memory database for unit tests (nothing touches the disk). */
status_t server_db_open_memory(struct server_db **out);
void server_db_close(struct server_db *db);

status_t server_db_begin(struct server_db *db);
status_t server_db_commit(struct server_db *db);
void server_db_rollback(struct server_db *db);
/*
 * A savepoint inside the transaction, so that one request's work can be
 * undone without undoing the others that share its commit.
 */
status_t server_db_savepoint(struct server_db *db);
status_t server_db_release(struct server_db *db);
/* Undo back to the savepoint and drop it. */
void server_db_rollback_to(struct server_db *db);

/* Devices. ST_NOTFOUND when absent. */
status_t server_db_device_add(struct server_db *db, const struct sdb_device *d);
status_t server_db_device_get(struct server_db *db, const char *id, struct sdb_device *out);
status_t server_db_device_list(struct server_db *db, sdb_device_fn fn, void *ctx);
/* ST_NOTFOUND when no such device. */
status_t server_db_device_revoke(struct server_db *db, const char *id, int64_t now);

/* Enrolment codes, by SHA-256 of the normalised code. */
status_t server_db_code_add(struct server_db *db, const char *code_hash, const char *team,
			    const char *role, int64_t expires);
/* Consume a valid unused code; ST_DENIED when unknown, used or expired. */
status_t server_db_code_take(struct server_db *db, const char *code_hash, int64_t now,
			     char team[SDB_TEAM_MAX + 1], char role[16]);

/* Remember a nonce; ST_EXISTS when the device used it before (a replay). */
status_t server_db_nonce_add(struct server_db *db, const char *device, const char *nonce,
			     int64_t at);
status_t server_db_nonce_prune(struct server_db *db, int64_t before);

/* Items.  get: ST_NOTFOUND when absent (payload not returned). */
status_t server_db_item_get(struct server_db *db, const char *id, struct sdb_item *out);
/* Store; it->seq is set. */
status_t server_db_item_add(struct server_db *db, struct sdb_item *it);
/* Keep a conflicting version for a person; *seq is its number. */
status_t server_db_conflict_add(struct server_db *db, const struct sdb_item *it, int64_t *seq);
/*
 * Every stored item of one kind in arrival order, as entries (seq is the
 * receipt number, payload the stored text): the devices' audit items for
 * checking their chains.
 */
status_t server_db_items_of_kind(struct server_db *db, const char *kind, sdb_entry_fn fn,
				 void *ctx);
/*
 * The payload (malloc'd) of the interview or amendment a supervisor last
 * decided on: the newest one stored before the interview's newest
 * decision.  ST_NOTFOUND when there is none.
 */
status_t server_db_item_decided(struct server_db *db, const char *interview, char **payload);
/*
 * The newest interview or amendment item of an interview (hash NULL), or
 * the newest with that content hash: its payload (malloc'd) and hash
 * (hash_out may be NULL).  ST_NOTFOUND when there is none.
 */
status_t server_db_item_version(struct server_db *db, const char *interview, const char *hash,
				char **payload, char hash_out[72]);
/* Count items and conflicts (for tests and `status`). */
status_t server_db_counts(struct server_db *db, int64_t *items, int64_t *conflicts);

status_t server_db_interview_get(struct server_db *db, const char *id, struct sdb_interview *out);
/* Insert or replace. */
status_t server_db_interview_put(struct server_db *db, const struct sdb_interview *iv);

/* Append to a stream with the next sequence number (gap-free); *seq set. */
status_t server_db_stream_append(struct server_db *db, const char *stream,
				 const struct sdb_entry *e, int64_t *seq);
/* The oldest kept and the last issued sequence (0, 0 for an empty stream). */
status_t server_db_stream_bounds(struct server_db *db, const char *stream,
				 int64_t *oldest, int64_t *last);
/* Entries with seq > after, at most limit, in order. */
status_t server_db_stream_read(struct server_db *db, const char *stream, int64_t after,
			       int limit, sdb_entry_fn fn, void *ctx);
/* Drop entries older than before (seconds); sequence numbers are kept. */
status_t server_db_stream_prune(struct server_db *db, int64_t before);

/* Referral states.  get: ST_NOTFOUND when absent; put inserts or replaces. */
status_t server_db_referral_get(struct server_db *db, const char *id, struct sdb_referral *out);
status_t server_db_referral_put(struct server_db *db, const struct sdb_referral *r);
/* Every referral (team NULL or "") or one team's, oldest change first. */
status_t server_db_referral_list(struct server_db *db, const char *team, sdb_referral_fn fn,
				 void *ctx);

/* Record a batch; *id is its number (the batch receipt). */
status_t server_db_batch_add(struct server_db *db, const char *device, int64_t at, int n,
			     int64_t *id);

#endif
