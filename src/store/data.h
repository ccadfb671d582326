/*
 * data.h - the data API of a senda store: the only way other modules read
 * and write interviews, answers, referrals, the outbox, review decisions,
 * comments and conflicts, sync state and the audit trail.  Open the store
 * first (store/store.h); every function here takes that struct store.
 * docs/data.md describes the tables, migrations and state machines.
 *
 * Conventions (as in git's strbuf.h, the invariants first):
 *
 *  - Every function returns status_t; on failure the one-line detail is in
 *    st_detail() (never with answers or names in it).  ST_NOTFOUND for an
 *    unknown id, ST_STATE for a transition the state machine forbids,
 *    ST_INVALID for a bad argument, ST_BUSY when another process holds the
 *    store past the busy timeout, ST_DAMAGED when a page fails to decrypt.
 *
 *  - Each writing function is ONE transaction: it commits before it returns
 *    (an answer saved is an answer kept, whatever happens next), and it
 *    appends its audit entry in that same transaction.  To make several
 *    calls atomic (finish an interview: status, referrals and outbox items
 *    together), wrap them in store_begin() ... store_commit(); inside, each
 *    call becomes a savepoint, and a failing call undoes only itself.
 *
 *  - Records come back in structs the caller owns, and lists in
 *    `struct X_list { X *v; size_t n, alloc; }`.  Free with X_release() /
 *    X_list_release().  A *_get() function first clears its out struct
 *    without freeing what it held (it may be uninitialised; release it
 *    yourself before reusing it), so releasing it afterwards is always
 *    safe, whether the get succeeded or not.  Loaders append to a list,
 *    which must be initialised (X_LIST_INIT); release it before reuse if
 *    you want only the new rows.
 *
 *  - Ids are canonical UUID strings (36 characters + NUL).  Times are
 *    seconds since the epoch from util_now() (tests pin SENDA_NOW).
 *
 *  - Question paths name one answer, repeat index included and 1-based:
 *    "consent", "members[2].age".  Values are text or JSON as the form
 *    engine chooses; the store never interprets them.
 */
#ifndef SENDA_STORE_DATA_H
#define SENDA_STORE_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

struct store;
struct store_answer_list;

/* ---------------------------------------------------------------------
 * Transactions
 */

/*
 * Start a write transaction (BEGIN IMMEDIATE, so a second process waits for
 * the busy timeout instead of failing half-way).  Not nestable: ST_STATE if
 * one is already open.  Every data call until store_commit() or
 * store_rollback() is part of it.
 */
status_t store_begin(struct store *st);
status_t store_commit(struct store *st);
/* Undo everything since store_begin(); harmless when none is open. */
void store_rollback(struct store *st);

/*
 * The actor written in audit entries: "caseworker", "supervisor", "sync",
 * a device id.  Process-wide (a process is one actor); default "local".
 * Never a person's name.
 */
void store_set_actor(const char *actor);

/* ---------------------------------------------------------------------
 * Interviews
 *
 * Status machine (issue 8, enforced by store_interview_set_status()):
 *
 *   draft -> completed -> submitted -> approved
 *                  \           \----> returned -> resubmitted -> submitted
 *                   \-> approved, returned        resubmitted -> approved,
 *                                                                returned
 *
 * "completed" means finished on this device; sync moves it to "submitted"
 * once the server has it; the supervisor's decision makes it "approved" or
 * "returned" (a decision may overtake the delivery, hence completed ->
 * approved/returned).  An interview is editable while draft or returned.
 */
#define STORE_IV_STATUS_LIST(_) \
	_(DRAFT,       "draft") \
	_(COMPLETED,   "completed") \
	_(SUBMITTED,   "submitted") \
	_(APPROVED,    "approved") \
	_(RETURNED,    "returned") \
	_(RESUBMITTED, "resubmitted")

enum store_iv_status {
#define STORE_IV_ENUM_(name, str) STORE_IV_##name,
	STORE_IV_STATUS_LIST(STORE_IV_ENUM_)
#undef STORE_IV_ENUM_
	STORE_IV_N_STATUS
};
/* Bit for a status in a status mask: STORE_IV_BIT(STORE_IV_DRAFT). */
#define STORE_IV_BIT(s) (1u << (s))

const char *store_iv_status_name(enum store_iv_status s);
bool store_iv_status_parse(const char *name, enum store_iv_status *out);
/* Whether the status machine allows from -> to. */
bool store_iv_transition_ok(enum store_iv_status from, enum store_iv_status to);

/* Sync state of the newest outbox item about an interview, or NONE. */
#define STORE_SYNC_NONE (-1)

struct store_interview {
	char id[37];		/* UUID; create fills it in when empty */
	int64_t seq;		/* local sequence number 1, 2, 3, ... */
	char *form_id;
	char *form_version;
	char *language;		/* "es", "en", "fr", "ht", "pt" */
	enum store_iv_status status;
	char *respondent;	/* display name, may be NULL */
	char *position;		/* question path to resume at, may be NULL */
	int progress_done;	/* set by the app: answered required questions */
	int progress_total;	/* ... of how many */
	int amendment;		/* edits saved after completion */
	char *readonly_note;	/* non-NULL: read-only (reassigned), why */
	char *meta;		/* JSON object for queues: urgency, flags,
				   caseworker device; "{}" by default */
	int64_t created, updated;
	/* Filled by get/list, ignored by create: */
	int n_answers;		/* answers stored */
	int sync_state;		/* enum store_outbox_state or STORE_SYNC_NONE */
};
#define STORE_INTERVIEW_INIT { .status = STORE_IV_DRAFT, .sync_state = STORE_SYNC_NONE }
void store_interview_init(struct store_interview *iv);
void store_interview_release(struct store_interview *iv);

struct store_interview_list {
	struct store_interview *v;
	size_t n, alloc;
};
#define STORE_INTERVIEW_LIST_INIT { NULL, 0, 0 }
void store_interview_list_release(struct store_interview_list *l);

/*
 * Create an interview from iv's form_id, form_version, language (required),
 * respondent, position and status (draft unless the caller imports one, e.g.
 * a supervisor's copy from the review queue, with its id set).  Fills in
 * iv->id when empty, iv->seq, created and updated.  ST_EXISTS if the id is
 * taken.
 */
status_t store_interview_create(struct store *st, struct store_interview *iv);

/* Load one interview by id into *out. */
status_t store_interview_get(struct store *st, const char *id,
			     struct store_interview *out);

/* Find by local sequence number (what `senda summary 12` names). */
status_t store_interview_get_seq(struct store *st, int64_t seq,
				 struct store_interview *out);

/*
 * Append interviews whose status is in status_mask (0 = all) to *out,
 * newest change first, each with n_answers and sync_state.
 */
status_t store_interviews_list(struct store *st, unsigned status_mask,
			       struct store_interview_list *out);

/*
 * Move an interview to a new status, checking the status machine (ST_STATE
 * with "interview 7: cannot go from approved to draft").  Setting the
 * current status again is a no-op.
 */
status_t store_interview_set_status(struct store *st, const char *id,
				    enum store_iv_status to);

/* Where to resume (NULL clears) and the progress counts shown in lists. */
status_t store_interview_set_position(struct store *st, const char *id,
				      const char *position, int progress_done,
				      int progress_total);

/* Change the respondent's display name (NULL clears) or the language. */
status_t store_interview_set_respondent(struct store *st, const char *id,
					const char *respondent);
status_t store_interview_set_language(struct store *st, const char *id,
				      const char *language);

/* Replace the metadata JSON (NULL = "{}"); the store does not parse it. */
status_t store_interview_set_meta(struct store *st, const char *id,
				  const char *meta);

/*
 * Store an interview as another party has it, in one transaction: the
 * supervisor's copy from the review queue, or the server's version after a
 * reassignment.  iv->id is required; when the interview exists its form,
 * language, status, respondent, position, progress and meta are replaced
 * (the status without the state machine: the sender's word is the state)
 * and ALL its answers become those in *answers; otherwise it is created.
 * Fills iv->seq, created, updated.
 */
status_t store_interview_import(struct store *st, struct store_interview *iv,
				const struct store_answer_list *answers);

/* Make read-only with a note (reassigned), or editable again with NULL. */
status_t store_interview_set_readonly(struct store *st, const char *id,
				      const char *note);

/*
 * Delete an interview and everything about it (answers, referrals,
 * decisions, comments, conflicts, and its outbox items, delivered ones too:
 * their payloads are copies of the answers): the respondent asked for
 * deletion.  The audit trail keeps only the id.  secure_delete overwrites
 * the freed pages.
 */
status_t store_interview_delete(struct store *st, const char *id);

/* ---------------------------------------------------------------------
 * Answers
 */
struct store_answer {
	char *path;		/* "members[2].age" */
	char *value;		/* text or JSON */
	int64_t changed;
};
struct store_answer_list {
	struct store_answer *v;
	size_t n, alloc;
};
#define STORE_ANSWER_LIST_INIT { NULL, 0, 0 }
void store_answer_list_release(struct store_answer_list *l);
/* Append a copy of (path, value, changed) to l; for building replace sets. */
void store_answer_list_add(struct store_answer_list *l, const char *path,
			   const char *value, int64_t changed);

/*
 * Autosave one answer: in ONE transaction set (value non-NULL) or clear
 * (value NULL) the answer at path, touch the interview's updated time and,
 * when resume_at is non-NULL, its resume position.  Allowed while the
 * interview is draft or returned (an edit of a returned interview counts
 * as an amendment); otherwise ST_STATE: use store_answer_amend().
 */
status_t store_answer_save(struct store *st, const char *interview_id,
			   const char *path, const char *value,
			   const char *resume_at);

/*
 * Same, for an interview in any status unless read-only: an amendment
 * to a completed interview, made after the caseworker confirmed it.
 * Counts the amendment (iv.amendment) unless the interview is a draft.
 */
status_t store_answer_amend(struct store *st, const char *interview_id,
			    const char *path, const char *value);

/*
 * Replace every answer whose path starts with prefix (e.g. "members[" when
 * a member is removed and the rest renumbered) by the answers in *set, in
 * one transaction.  Paths in set need not share the prefix.
 */
status_t store_answers_replace(struct store *st, const char *interview_id,
			       const char *prefix,
			       const struct store_answer_list *set);

/* One answer's value (malloc'd) or ST_NOTFOUND. */
status_t store_answer_get(struct store *st, const char *interview_id,
			  const char *path, char **value);

/* Append all answers of an interview to *out, ordered by path. */
status_t store_answers_load(struct store *st, const char *interview_id,
			    struct store_answer_list *out);

/* ---------------------------------------------------------------------
 * Referrals
 *
 *   pending -> sent -> accepted -> closed
 *                  \-> declined -> closed
 *   pending, sent, accepted -> revoked (consent withdrawn)
 *
 * Forward moves may skip a step (pending -> accepted when the server's feed
 * is ahead; sent -> closed); nothing moves back.  Without consent a
 * referral can only stay pending or be revoked (ST_DENIED otherwise).
 */
#define STORE_REF_STATE_LIST(_) \
	_(PENDING,  "pending") \
	_(SENT,     "sent") \
	_(ACCEPTED, "accepted") \
	_(DECLINED, "declined") \
	_(CLOSED,   "closed") \
	_(REVOKED,  "revoked")

enum store_ref_state {
#define STORE_REF_ENUM_(name, str) STORE_REF_##name,
	STORE_REF_STATE_LIST(STORE_REF_ENUM_)
#undef STORE_REF_ENUM_
	STORE_REF_N_STATES
};
const char *store_ref_state_name(enum store_ref_state s);
bool store_ref_state_parse(const char *name, enum store_ref_state *out);
bool store_ref_transition_ok(enum store_ref_state from, enum store_ref_state to);

struct store_referral {
	char id[37];		/* UUID; add fills it in when empty */
	char *interview_id;
	char *rule_id;
	char *service;		/* "legal_orientation", "shelter", ... */
	char *partner;
	char *urgency;		/* "high", "normal", ... as the rules say */
	char *reason;		/* in the interview's language */
	bool consent_ok;	/* false: must never leave the device */
	char *shared_fields;	/* JSON array of question paths */
	enum store_ref_state state;
	int64_t created, updated;
};
struct store_referral_list {
	struct store_referral *v;
	size_t n, alloc;
};
#define STORE_REFERRAL_LIST_INIT { NULL, 0, 0 }
void store_referral_release(struct store_referral *r);
void store_referral_list_release(struct store_referral_list *l);

/* Add a referral (state pending unless set); fills id, created, updated. */
status_t store_referral_add(struct store *st, struct store_referral *r);
status_t store_referral_get(struct store *st, const char *id,
			    struct store_referral *out);
/* Append an interview's referrals to *out, oldest first. */
status_t store_referrals_load(struct store *st, const char *interview_id,
			      struct store_referral_list *out);
/* Move a referral along its state machine (ST_STATE if not allowed,
 * ST_DENIED for a referral without consent). */
status_t store_referral_set_state(struct store *st, const char *id,
				  enum store_ref_state to);
/*
 * Delete an interview's pending referrals that have no consent, so never
 * left the device (before re-running the rules).  Consented ones were
 * queued when made and are kept, so an amendment never sends one twice.
 */
status_t store_referrals_clear_pending(struct store *st,
				       const char *interview_id);
/*
 * Withdraw a referral's outbox items that have not left: the queued and
 * quarantined "referral" items whose payload names referral_id are
 * deleted (a revoked referral is never sent).  *in_flight (may be NULL)
 * says whether one is sending or delivered, so the server may have it.
 * *n (may be NULL) gets how many were withdrawn.
 */
status_t store_referral_withdraw(struct store *st, const char *referral_id,
				 bool *in_flight, int *n);

/* ---------------------------------------------------------------------
 * Outbox: what sync must deliver, exactly once.
 *
 *   queued -> sending -> delivered
 *     ^          |
 *     +----------+ (failed: attempts+1, next_try later)
 *   queued, sending -> quarantined -> queued (retry after a fix)
 */
#define STORE_OUTBOX_STATE_LIST(_) \
	_(QUEUED,      "queued") \
	_(SENDING,     "sending") \
	_(DELIVERED,   "delivered") \
	_(QUARANTINED, "quarantined")

enum store_outbox_state {
#define STORE_OUTBOX_ENUM_(name, str) STORE_OUTBOX_##name,
	STORE_OUTBOX_STATE_LIST(STORE_OUTBOX_ENUM_)
#undef STORE_OUTBOX_ENUM_
	STORE_OUTBOX_N_STATES
};
#define STORE_OUTBOX_BIT(s) (1u << (s))
const char *store_outbox_state_name(enum store_outbox_state s);
bool store_outbox_state_parse(const char *name, enum store_outbox_state *out);

struct store_outbox_item {
	int64_t seq;		/* queue order */
	char id[37];		/* UUID, made when queued */
	char *kind;		/* "interview", "amendment", "referral",
				   "decision", "audit", ... */
	char *object_id;	/* the interview/referral/decision id, or "" */
	char *payload;		/* JSON */
	char hash[65];		/* SHA-256 of payload, lower-case hex */
	enum store_outbox_state state;
	int attempts;
	int64_t next_try;	/* not before this time */
	char *last_error;	/* plain words, NULL if none */
	int64_t created;
	int64_t delivered;	/* 0 until delivered */
	char *receipt;		/* the server's receipt, NULL until delivered */
};
struct store_outbox_list {
	struct store_outbox_item *v;
	size_t n, alloc;
};
#define STORE_OUTBOX_LIST_INIT { NULL, 0, 0 }
void store_outbox_item_release(struct store_outbox_item *it);
void store_outbox_list_release(struct store_outbox_list *l);

/*
 * Queue an item.  Call it inside the transaction that makes the thing
 * queued (store_begin() ... store_commit()) so both exist or neither.
 * id_out (may be NULL) receives the new UUID.
 */
status_t store_outbox_add(struct store *st, const char *kind,
			  const char *object_id, const char *payload,
			  char id_out[37]);

/*
 * Append up to max queued items due at `now` (next_try <= now) to *out, in
 * queue order.  Changes nothing; mark them sending before the request.
 */
status_t store_outbox_due(struct store *st, int64_t now, size_t max,
			  struct store_outbox_list *out);

/* Append items whose state is in state_mask (0 = all), queue order: the ledger. */
status_t store_outbox_list(struct store *st, unsigned state_mask,
			   struct store_outbox_list *out);

/* Load one item; id may be a unique prefix of at least 8 characters. */
status_t store_outbox_get(struct store *st, const char *id,
			  struct store_outbox_item *out);

/* Items per state, for a status line. */
status_t store_outbox_counts(struct store *st,
			     int64_t counts[STORE_OUTBOX_N_STATES]);

/* queued -> sending; counts an attempt. */
status_t store_outbox_mark_sending(struct store *st, const char *id);
/* sending|queued -> delivered with the server's receipt (may be NULL). */
status_t store_outbox_mark_delivered(struct store *st, const char *id,
				     const char *receipt);
/* sending -> queued after a failure: keep the error, try again at next_try. */
status_t store_outbox_mark_failed(struct store *st, const char *id,
				  const char *error, int64_t next_try);
/* queued|sending -> quarantined (rejected, conflict, or keeps failing). */
status_t store_outbox_quarantine(struct store *st, const char *id,
				 const char *error);
/* quarantined -> queued, due now (`senda sync retry ID`; prefix allowed). */
status_t store_outbox_retry(struct store *st, const char *id);
/*
 * After a crash, items left "sending" go back to queued (the server's
 * dedupe makes the resend safe).  *n (may be NULL) gets how many.
 */
status_t store_outbox_recover(struct store *st, int64_t *n);

/*
 * Data minimisation: drop the payload (a copy of answers) of items
 * delivered before `before`, keeping the ledger row (id, kind, hash,
 * receipt, times).  The payload becomes "".  *n (may be NULL) gets how many.
 */
status_t store_outbox_prune(struct store *st, int64_t before, int64_t *n);

/* ---------------------------------------------------------------------
 * Review: decisions and comments
 */
#define STORE_COMMENT_MAX 2000	/* bytes of text in one comment or decision */

struct store_decision {
	int64_t seq;
	char id[37];		/* UUID; add fills it in when empty */
	char *interview_id;
	char *kind;		/* "approve", "return", "escalate" */
	char *author;		/* device or role, never a person's name */
	char *text;		/* overall comment, may be "" */
	int64_t created;
};
struct store_decision_list {
	struct store_decision *v;
	size_t n, alloc;
};
#define STORE_DECISION_LIST_INIT { NULL, 0, 0 }
void store_decision_release(struct store_decision *d);
void store_decision_list_release(struct store_decision_list *l);

struct store_comment {
	int64_t seq;
	char id[37];		/* UUID; add fills it in when empty */
	char *interview_id;
	char *decision_id;	/* "" for a loose comment */
	char *path;		/* question path, "" for the whole interview */
	char *author;
	char *text;
	int64_t created;
};
struct store_comment_list {
	struct store_comment *v;
	size_t n, alloc;
};
#define STORE_COMMENT_LIST_INIT { NULL, 0, 0 }
void store_comment_release(struct store_comment *c);
void store_comment_list_release(struct store_comment_list *l);

/*
 * Record a decision (fills id when empty, and created).  ST_INVALID if text
 * is longer than STORE_COMMENT_MAX; ST_EXISTS if a decision with this id is
 * already recorded: a feed entry applied twice, so skip it (and its
 * comments) whole.  Does not change the interview's status: do that with
 * store_interview_set_status() in the same transaction.
 */
status_t store_decision_add(struct store *st, struct store_decision *d);
/* Append an interview's decisions to *out, oldest first. */
status_t store_decisions_load(struct store *st, const char *interview_id,
			      struct store_decision_list *out);

/* Record a comment (fills id when empty, and created); same limits. */
status_t store_comment_add(struct store *st, struct store_comment *c);
/* Append an interview's comments to *out, oldest first. */
status_t store_comments_load(struct store *st, const char *interview_id,
			     struct store_comment_list *out);

/* ---------------------------------------------------------------------
 * Conflicts: a caseworker's amendment and a supervisor's decision crossed.
 * One record per question path ("" when the status itself conflicts),
 * holding both values until a person picks one.
 */
struct store_conflict {
	int64_t seq;
	char id[37];		/* UUID; add fills it in */
	char *interview_id;
	char *path;		/* question path, "" for the status */
	char *local_value;	/* this device's value, NULL for no answer */
	char *remote_value;	/* the other side's value, NULL for no answer */
	char *resolution;	/* NULL while open; "local", "remote", "other" */
	int64_t created;
	int64_t resolved;	/* 0 while open */
};
struct store_conflict_list {
	struct store_conflict *v;
	size_t n, alloc;
};
#define STORE_CONFLICT_LIST_INIT { NULL, 0, 0 }
void store_conflict_release(struct store_conflict *c);
void store_conflict_list_release(struct store_conflict_list *l);

/* Record an open conflict (fills id and created). */
status_t store_conflict_add(struct store *st, struct store_conflict *c);
/*
 * Append conflicts of one interview (or of all, interview_id NULL), only
 * the open ones when open_only, oldest first.
 */
status_t store_conflicts_load(struct store *st, const char *interview_id,
			      bool open_only, struct store_conflict_list *out);
/*
 * Resolve a conflict: in one transaction the answer at its path becomes
 * value (NULL clears it; skipped for a status conflict, path "") and the
 * conflict is closed with resolution "local", "remote" or "other", and a
 * "resolution" outbox item {"by","path","resolution"} (never the value)
 * tells the other side.  The edit counts as an amendment.  ST_STATE if
 * already resolved or the interview is read-only.
 */
status_t store_conflict_resolve(struct store *st, const char *id,
				const char *value, const char *resolution);

/* ---------------------------------------------------------------------
 * Sync state: a small key-value table ("decisions.cursor", ...).
 */
/* The value (malloc'd) or ST_NOTFOUND. */
status_t store_kv_get(struct store *st, const char *key, char **value);
/* Set (value non-NULL) or delete (NULL) a key. */
status_t store_kv_set(struct store *st, const char *key, const char *value);

/* ---------------------------------------------------------------------
 * Audit trail
 *
 * Every change above appends one entry in its own transaction: time,
 * actor, action ("interview.create", "answer.save", ...), object id and a
 * detail without personal data (paths and states, never values or names).
 * Entry N (from 1) holds the SHA-256 of entry N-1 and its own hash over
 * all its fields; a head record repeats the last one.
 */
struct store_audit_entry {
	int64_t seq;		/* 1, 2, ... */
	int64_t time;
	char *actor;
	char *action;
	char *object;
	char *detail;
	char prev[65];		/* hash of entry seq-1; 64 zeros for the first */
	char hash[65];
};
struct store_audit_list {
	struct store_audit_entry *v;
	size_t n, alloc;
};
#define STORE_AUDIT_LIST_INIT { NULL, 0, 0 }
void store_audit_list_release(struct store_audit_list *l);

/*
 * Append an entry for something the data API cannot see (an interview
 * opened read-only, a summary printed).  detail must hold no personal data.
 */
status_t store_audit_add(struct store *st, const char *action,
			 const char *object, const char *detail);

/* Append up to max entries with seq > after_seq (0 = from the start). */
status_t store_audit_list(struct store *st, int64_t after_seq, size_t max,
			  struct store_audit_list *out);

/*
 * Walk the whole chain.  ST_OK with *n_entries set when intact; ST_DAMAGED
 * with *broken_at = the first bad entry (a changed, missing or reordered
 * entry, or entries cut off the end) and st_error "audit trail broken at
 * entry N".  Either pointer may be NULL.
 */
status_t store_audit_verify(struct store *st, int64_t *n_entries,
			    int64_t *broken_at);

#endif
