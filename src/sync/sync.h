/*
 * sync.h - the sync client: enrol a device, push the outbox to
 * senda-server in batches, pull the supervisor's decisions
 * (docs/sync-protocol.md).
 *
 * The outbox is the single source of truth for what still has to go: an
 * item is marked sending before its batch leaves and delivered only after
 * the server's 200 names it stored or duplicate, each step committed, so a
 * process killed at any point resends at worst (the server dedupes by id)
 * and never loses an item.  One bad item is quarantined (rejected,
 * conflict, or a request it keeps breaking) while the rest keeps flowing.
 *
 * Credentials (device id, Ed25519 secret, server URL, pinned key) live in
 * the store's key-value table, encrypted at rest like everything else.
 */
#ifndef SENDA_SYNC_SYNC_H
#define SENDA_SYNC_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;
struct store_outbox_item;

/* Keys in the store's key-value table. */
#define SYNC_KV_URL "sync.url"
#define SYNC_KV_PIN "sync.pin"
#define SYNC_KV_DEVICE "sync.device"
#define SYNC_KV_TEAM "sync.team"
#define SYNC_KV_ROLE "sync.role"
#define SYNC_KV_KEY "sync.key"		/* Ed25519 seed, hex */
#define SYNC_KV_CURSOR "decisions.cursor"
#define SYNC_KV_LAST "sync.last"	/* time of the last complete pass */
#define SYNC_KV_AUDIT_SENT "sync.audit_sent"	/* last audit seq queued for the server */

/*
 * Audit entries in one `audit` outbox item, and a bound on its payload:
 * each item also costs an envelope (id, content hash, the chain's ends,
 * its own outbox entries) of ~150 bytes on the wire, so items of 500
 * rather than 100 keep a day's autosave entries under issue 7's 400 bytes
 * per referral; the byte bound keeps an item of long entries well inside
 * the server's max_item (256 KiB by default).
 */
#define SYNC_AUDIT_PER_ITEM 500
#define SYNC_AUDIT_ITEM_BYTES (64u << 10)

/* Server failures in a row (500, item sent alone) before quarantine. */
#define SYNC_MAX_BREAKS 5
/* Transport failures in a row before a pass gives up (exit 75). */
#define SYNC_MAX_TRANSPORT_FAILS 3

/* What happened to an item, for --verbose and the progress bar. */
enum sync_event {
	SYNC_EV_DELIVERED,	/* stored now */
	SYNC_EV_DUPLICATE,	/* the server had it already: delivered */
	SYNC_EV_QUARANTINED,
	SYNC_EV_RETRY,		/* failed this time, stays queued */
};

struct sync_opts {
	size_t batch_size;	/* items per request (config sync.batch_size) */
	long timeout_s;		/* per request (config sync.timeout) */
	bool gzip;		/* compress batches (default true) */
	bool pull;		/* pull decisions after the push (default true) */
	/*
	 * Reach the server at this URL instead of the enrolled one (config
	 * sync.server: the server moved, or a test puts a proxy in between);
	 * the pinned key still applies.  NULL or "": the enrolled URL.
	 */
	const char *server_url;
	/* Called once per item outcome; detail is plain words or NULL. */
	void (*on_item)(void *ctx, const struct store_outbox_item *it,
			enum sync_event ev, const char *detail);
	/*
	 * Called for each decision-feed entry applied: kind ("returned"),
	 * the local interview id, and what came with it in plain words
	 * ("comments on q14, q20"), never the comment text.
	 */
	void (*on_decision)(void *ctx, const char *kind, const char *interview,
			    const char *detail);
	/* Called after every batch: done of total items this pass. */
	void (*on_progress)(void *ctx, size_t done, size_t total);
	void *ctx;
};
void sync_opts_init(struct sync_opts *o);

struct sync_stats {
	size_t delivered;	/* stored + duplicate */
	size_t duplicate;
	size_t quarantined;
	size_t retry;		/* left queued for a later pass */
	size_t requests;	/* HTTP requests sent (including re-signed) */
	size_t decisions;	/* decision-feed entries applied */
	size_t recovered;	/* items found "sending" after a crash */
	size_t audit;		/* audit items delivered (not in `delivered`) */
	/*
	 * Non-zero when the server refused this computer's clock (the pass
	 * then fails with ST_DENIED): the server's time, for the message.
	 * A skewed clock gets fixed (NTP) while `sync --watch` runs, so that
	 * failure is worth another try; a revoked device is not.
	 */
	int64_t skew_server_time;
};

/*
 * One pass: recover items a crash left sending, push everything due, then
 * pull decisions.  ST_OK when every due item got an answer and the pull
 * finished; ST_UNREACHABLE (exit 75) when the server could not be reached
 * (items stay queued); ST_DENIED when the server refuses the device
 * (revoked, clock skew: st_detail says which, in plain words);
 * ST_NOTFOUND when the device is not enrolled.
 */
status_t sync_pass(struct store *st, const struct sync_opts *o, struct sync_stats *stats);

struct sync_enrollment {
	char device[37];
	char team[64];
	char role[32];
	char pin[128];		/* "" on a plain loopback server */
};

/*
 * Enrol this device: make an Ed25519 key pair, register it with the
 * one-time code, pin the server's key (the given pin must match; without
 * one, trust the server's answer and check it at once with a signed
 * request), and keep it all in the store.  ST_EXISTS when already enrolled
 * unless force.  label may be NULL.
 */
status_t sync_enroll(struct store *st, const char *url, const char *code,
		     const char *pin, const char *label, long timeout_s, bool force,
		     struct sync_enrollment *out);

/*
 * Queue the audit entries after the high-water mark as `audit` items (up
 * to SYNC_AUDIT_PER_ITEM entries and about SYNC_AUDIT_ITEM_BYTES each) and
 * move the mark, in one
 * transaction; nothing when only the sync's own bookkeeping is new.
 * sync_pass() calls it before pushing.  items_out (may be NULL) receives
 * the number of items queued.
 */
status_t sync_audit_queue(struct store *st, size_t *items_out);

/* Whether this store holds an enrolment (device id and key). */
bool sync_enrolled(struct store *st);

#endif
