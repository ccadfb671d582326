/*
 * review.h - supervisor review over the store (issue 8, docs/review.md):
 * the review queue (waiting interviews sorted by urgency then age, with
 * filters), decisions (approve, return with comments, escalate) recorded
 * and queued for sync in one transaction, and the caseworker's side of a
 * return (the comments per question, returned interviews first).
 *
 * Both the console views and `senda review` use these calls; the
 * transitions are checked against the one lifecycle table
 * (proto/lifecycle.h) before anything is written.
 */
#ifndef SENDA_APP_REVIEW_H
#define SENDA_APP_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/data.h"
#include "util/status.h"

struct app;

/* Urgency as the queue sorts it: high first. */
enum app_urgency { APP_URG_HIGH, APP_URG_NORMAL, APP_URG_LOW };

/* What the queue knows of one interview, from its row and its meta JSON. */
struct app_review_item {
	struct store_interview iv;
	enum app_urgency urgency;
	bool escalated;		/* a supervisor escalated it here */
	int64_t received;	/* when it entered the queue (meta.received) */
	char *caseworker;	/* device id (meta.caseworker), "" unknown */
	char **flags;		/* protection flags (meta.flags) */
	size_t n_flags;
};

/* Filters; NULL / -1 means "any". */
struct app_review_filter {
	int status;		/* enum store_iv_status, -1 any waiting */
	const char *caseworker;	/* device id prefix */
	const char *form;	/* form id */
	const char *flag;	/* any interview carrying this flag */
	bool all;		/* include decided ones (approved, returned) */
};
#define APP_REVIEW_FILTER_INIT { -1, NULL, NULL, NULL, false }

struct app_review_queue {
	struct app_review_item *items;	/* every interview loaded */
	size_t n_items;
	size_t *shown;			/* indexes after filter and sort */
	size_t n_shown;
};
#define APP_REVIEW_QUEUE_INIT { NULL, 0, NULL, 0 }

/* Whether an interview in this status waits for a decision. */
bool app_review_waiting(enum store_iv_status s);

/* Load every interview of the store into q (replacing what it held). */
status_t app_review_queue_load(struct app *app, struct app_review_queue *q);
/* Filter and sort q->items into q->shown: urgency, then oldest first. */
void app_review_queue_apply(struct app_review_queue *q, const struct app_review_filter *f);
void app_review_queue_release(struct app_review_queue *q);
/*
 * The shown position after `pos` of the next interview still waiting for
 * a decision (wrapping around), or pos itself when there is none other.
 */
size_t app_review_queue_next(const struct app_review_queue *q, size_t pos);

/* ---- decisions ---- */
struct app_review_note {
	char *path;		/* question path */
	char *text;
};
/* A decision being composed: the overall comment and per-question notes. */
struct app_review_draft {
	char *comment;		/* may be NULL */
	struct app_review_note *v;
	size_t n, alloc;
};
#define APP_REVIEW_DRAFT_INIT { NULL, NULL, 0, 0 }
void app_review_draft_release(struct app_review_draft *d);
/* Set (text non-empty) or remove (NULL or "") the note on path. */
status_t app_review_draft_note(struct app_review_draft *d, const char *path, const char *text);
/* The note on path, or NULL. */
const char *app_review_draft_get(const struct app_review_draft *d, const char *path);
/* Set the overall comment (NULL clears); ST_INVALID over the limit. */
status_t app_review_draft_comment(struct app_review_draft *d, const char *text);

/*
 * Decide on an interview: action "approve", "return" or "escalate".  In
 * ONE transaction: check the lifecycle table (ST_STATE when the interview's
 * status cannot take the action), record the decision and its comments,
 * move the status (escalate marks meta.escalated instead: the device has
 * no escalated status), and queue a "decision" outbox item
 * {"action","comment","comments"}.  ST_INVALID for a return without any
 * comment, or a comment over the limits (docs/review.md).  draft may be
 * NULL.
 */
status_t app_review_decide(struct app *app, const char *interview_id, const char *action,
			   const struct app_review_draft *draft);

/* ---- the caseworker's side ---- */
/*
 * The comments of the latest decision on an interview (the overall one
 * has path ""), oldest first; appended to *out.
 */
status_t app_review_comments(struct app *app, const char *interview_id,
			     struct store_comment_list *out);
/* The comment on one path in a list, or NULL. */
const char *app_review_comment_at(const struct store_comment_list *l, const char *path);
/*
 * Order a case list with returned interviews first (stable otherwise):
 * what needs the caseworker's attention is on top.
 */
void app_review_returned_first(struct store_interview_list *l);

/*
 * After approval, referrals go out (app_review_queue_approved queues
 * them): every referral of an approved
 * interview that has consent, is pending and whose outbox item the server
 * has acknowledged moves to sent (lifecycle: pending --send--> sent).
 * Referrals without consent stay pending on the device for good.  Call it
 * after a sync or when showing interviews; *n (may be NULL) gets how many
 * moved.  Harmless to call again.
 */
status_t app_review_settle_referrals(struct app *app, size_t *n);
/* The same on an open store, for commands that have no struct app. */
status_t app_review_settle_store(struct store *st, size_t *n);

/*
 * Withdraw consent for one referral (referral_id: its UUID).  Checked
 * against the lifecycle table (ST_STATE for closed, declined, revoked;
 * ST_NOTFOUND for an unknown id).  In ONE transaction: a pending referral
 * becomes revoked and its outbox item, if it has not left yet, is deleted
 * (never sent); one that left (sent, accepted, or pending with its item
 * already delivered) becomes revoked and a "referral" item with
 * "event":"revoke" is queued so the server marks it revoked too
 * (docs/review.md, docs/sync-protocol.md section kinds).
 */
status_t app_review_revoke(struct app *app, const char *referral_id);
/* The same on an open store, for commands that have no struct app. */
status_t app_review_revoke_store(struct store *st, const char *referral_id);
/*
 * Whether the table lets this device revoke the referral now, changing
 * nothing: ST_OK, or ST_STATE with the table's reason (declined, closed,
 * revoked), ST_NOTFOUND.  *state (may be NULL) gets the referral's state.
 * The console asks it before asking for a confirmation.
 */
status_t app_review_revoke_check(struct app *app, const char *referral_id,
				 enum store_ref_state *state);

/* Revoke r inside the caller's transaction (no checks; finishing uses it). */
status_t app_review_revoke_tx(struct store *st, const struct store_referral *r);

/*
 * A consented referral waits for its interview's approval with its wire
 * payload (only its rule's share fields) held in the encrypted store;
 * payload NULL drops it.  Finishing holds it; approval queues it.
 */
status_t app_review_referral_hold(struct store *st, const char *referral_id,
				  const char *payload);
/*
 * Queue the held referrals of every approved interview (one transaction
 * per interview, with audit entries); *queued (may be NULL) gets how many.
 */
status_t app_review_queue_approved(struct store *st, size_t *queued);

/*
 * What the other side did about a conflict, when its "resolved" feed entry
 * arrived ("the supervisor (0b7e12ab) took this device's value"), or NULL;
 * malloc'd.  The conflict itself stays open until a person here resolves
 * it: nothing is overwritten.
 */
char *app_review_conflict_note(struct store *st, const struct store_conflict *x);
/*
 * The same as words, for a reader that says it in its own language (the
 * console): role "supervisor" or "caseworker" (or "device"), the first 8
 * characters of the device id, and how: "local" (they kept their own
 * value), "remote" (they took this device's) or "other".  False when the
 * other side has not resolved it.
 */
struct app_conflict_other {
	char role[16];
	char device[16];
	char how[16];
};
bool app_review_conflict_other(struct store *st, const struct store_conflict *x,
			       struct app_conflict_other *out);

struct sync_review_stats;
/*
 * What review needs after each successful sync pass, whichever command
 * ran it: a supervisor's device pulls the team's review queue (so it works
 * offline); the consented pending referrals of interviews the pull showed
 * approved are queued (*queued gets how many: push once more to send them
 * in the same pass), and those the server acknowledged are marked sent
 * (*sent).  rs, sent and queued may be NULL.
 */
status_t app_review_after_sync(struct store *st, const char *url_override, long timeout_s,
			       struct sync_review_stats *rs, size_t *sent, size_t *queued);

struct app_session;
/*
 * Resubmit a returned interview after the caseworker's fixes (the edits
 * themselves were saved as amendments): in ONE transaction move it to
 * resubmitted and queue an "amendment" item with every answer, which the
 * server applies to the interview it already has (an "interview" item
 * would make a second one).  Referrals already made are not made again.
 * ST_STATE unless the interview is returned and nothing blocks finishing.
 */
status_t app_review_resubmit(struct app_session *s);

#endif
