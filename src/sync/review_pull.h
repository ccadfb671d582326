/*
 * review_pull.h - a supervisor device's copy of its team's review queue
 * (docs/sync-protocol.md section 6, docs/review.md): completed interviews
 * and amendments pulled from GET /v1/review-queue into the encrypted
 * store, so the queue works offline.
 */
#ifndef SENDA_SYNC_REVIEW_PULL_H
#define SENDA_SYNC_REVIEW_PULL_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;
struct store_answer_list;

#define SYNC_KV_REVIEW_CURSOR "review.cursor"

struct sync_review_stats {
	size_t interviews;	/* new or refreshed interviews */
	size_t amendments;	/* amendments applied */
	size_t conflicts;	/* answers kept as conflicts (crossed with a decision) */
	size_t skipped;		/* entries of unknown kind or a bad payload */
};

/*
 * Pull the review queue from the cursor on, each page in one transaction
 * with the new cursor.  ST_DENIED (403) when this device is not a
 * supervisor, ST_UNREACHABLE when the server cannot be reached, as
 * sync_pass().  url_override as sync_opts.server_url; timeout in seconds.
 */
status_t sync_review_pull(struct store *st, const char *url_override, long timeout_s,
			  struct sync_review_stats *stats);

/*
 * Apply one queue entry to the store (what the pull does for each; tests
 * call it directly): kind "interview" or "amendment", the server's
 * interview id, the caseworker device, the time it was received and the
 * payload as the caseworker sent it ({"form","form_version","language",
 * "state","answers":{path: value}} and optionally "meta":{"urgency",
 * "flags"}).  An amendment to an interview this supervisor already
 * approved keeps both values of every changed answer as a conflict.
 */
status_t sync_review_apply(struct store *st, const char *kind, const char *interview,
			   const char *device, int64_t at, const char *payload,
			   struct sync_review_stats *stats);

/*
 * The sync-state key holding what the other side did about the conflict
 * at path of an interview, as three words "ROLE DEVICE8 HOW" (HOW: local,
 * they kept theirs; remote, they took this device's; other), e.g.
 * "supervisor 0b7e12ab remote"; set when its "resolved" feed entry arrives
 * (malloc'd).  app_review_conflict_other() reads it.
 */
char *sync_conflict_note_key(const char *interview, const char *path);

struct json_t;
/*
 * An answer's JSON value as the store keeps it ("yes"/"no", numbers in
 * decimal, a select_multiple as its values joined by spaces), or NULL for
 * null (no answer); malloc'd.
 */
char *sync_review_answer_text(struct json_t *v);

#endif
