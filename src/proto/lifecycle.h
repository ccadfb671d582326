/*
 * lifecycle.h - the review and referral state machines of issue 8 as ONE
 * table of transitions, shared by the device (app, sync) and the server,
 * so both sides refuse the same moves with the same words.  docs/review.md
 * draws the same machines in text; tests/unit/test_lifecycle.c checks the
 * table against that document and against the store's own status checks.
 *
 * A transition is (from state, event) -> to state, with who may cause it.
 * States and events are plain strings on the wire and in the store, so the
 * functions here take and return those strings.  Pure C, no I/O.
 */
#ifndef SENDA_PROTO_LIFECYCLE_H
#define SENDA_PROTO_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

/* Which machine a transition belongs to. */
enum lc_machine {
	LC_INTERVIEW,		/* draft -> completed -> submitted -> ... */
	LC_REFERRAL,		/* pending -> sent -> accepted|declined -> closed */
};

/* Who may cause a transition (a bit mask: some events have two actors). */
enum lc_actor {
	LC_CASEWORKER = 1 << 0,	/* the device that owns the interview */
	LC_SUPERVISOR = 1 << 1,	/* a supervisor device of the same team */
	LC_SERVER = 1 << 2,	/* the server itself (delivery, partner answer) */
};

struct lc_transition {
	enum lc_machine machine;
	const char *from;
	const char *event;	/* "complete", "approve", "send", ... */
	const char *to;
	unsigned actors;	/* enum lc_actor bits */
	const char *why;	/* one line for docs and the audit trail */
};

extern const struct lc_transition lc_transitions[];
extern const size_t lc_n_transitions;

/*
 * The transition that event takes from state `from`, or NULL when the
 * machine forbids it.  actor 0 means any actor.
 */
const struct lc_transition *lc_find(enum lc_machine m, const char *from,
				    const char *event, unsigned actor);

/* Whether some event leads from -> to (any actor).  Same state: false. */
bool lc_allows(enum lc_machine m, const char *from, const char *to);

/*
 * The fewest transitions from -> to (0 when equal), or -1 when `to` cannot
 * be reached.  A device applying the server's feed may be behind by a
 * step: the store lets a referral skip ONE intermediate state forward
 * (lc_steps <= 2: pending -> accepted), never move back.
 */
int lc_steps(enum lc_machine m, const char *from, const char *to);
#define LC_REFERRAL_CATCH_UP 2

/* Whether name is a state of machine m. */
bool lc_is_state(enum lc_machine m, const char *name);
/* Whether a state has no way out (approved, closed, revoked). */
bool lc_is_final(enum lc_machine m, const char *state);

/*
 * One line explaining a refusal, into buf: "the interview is approved; it
 * cannot take 'return'" (no personal data; safe for logs and the wire).
 */
const char *lc_refusal(enum lc_machine m, const char *from, const char *event,
		       char *buf, size_t n);

/*
 * The decision feed kind (docs/sync-protocol.md section 5) a supervisor's
 * action produces: "approve" -> "approved", "return" -> "returned",
 * "escalate" -> "escalated"; NULL for an unknown action.
 */
const char *lc_feed_kind(const char *action);

/* Limits of review text (bytes), documented in docs/review.md. */
#define LC_COMMENT_MAX 2000	/* the overall comment of a decision */
#define LC_QUESTION_COMMENT_MAX 1000	/* a comment on one question */
#define LC_MAX_QUESTION_COMMENTS 200	/* per decision */

#endif
