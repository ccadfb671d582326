/*
 * lifecycle.c - the one transition table of the review and referral
 * lifecycles (issue 8, docs/review.md).  The server checks supervisor
 * decisions against it before storing them, the device checks the
 * supervisor's actions before queueing them, and a unit test holds the
 * store's own status checks to it, so the machines cannot drift apart.
 *
 * A table rather than code: the document, the tests and both sides read
 * the same rows, and adding a state is adding rows.
 */
#include "proto/lifecycle.h"

#include <stdio.h>
#include <string.h>

#define CW LC_CASEWORKER
#define SV LC_SUPERVISOR
#define SR LC_SERVER

const struct lc_transition lc_transitions[] = {
	/* Interviews: a caseworker finishes, the server receives, a
	 * supervisor decides.  A decision may overtake the delivery receipt
	 * on the device, hence completed -> approved|returned. */
	{ LC_INTERVIEW, "draft",       "complete", "completed",   CW, "the caseworker finished the interview" },
	{ LC_INTERVIEW, "completed",   "deliver",  "submitted",   SR, "the server stored the interview" },
	{ LC_INTERVIEW, "completed",   "approve",  "approved",    SV, "approved before the receipt arrived" },
	{ LC_INTERVIEW, "completed",   "return",   "returned",    SV, "returned before the receipt arrived" },
	{ LC_INTERVIEW, "completed",   "escalate", "escalated",   SV, "escalated before the receipt arrived" },
	{ LC_INTERVIEW, "submitted",   "approve",  "approved",    SV, "the supervisor approved it" },
	{ LC_INTERVIEW, "submitted",   "return",   "returned",    SV, "the supervisor returned it with comments" },
	{ LC_INTERVIEW, "submitted",   "escalate", "escalated",   SV, "the supervisor escalated it (urgent)" },
	{ LC_INTERVIEW, "escalated",   "approve",  "approved",    SV, "approved after escalation" },
	{ LC_INTERVIEW, "escalated",   "return",   "returned",    SV, "returned after escalation" },
	{ LC_INTERVIEW, "returned",    "resubmit", "resubmitted", CW, "the caseworker fixed and resubmitted it" },
	{ LC_INTERVIEW, "resubmitted", "deliver",  "submitted",   SR, "the server stored the amendment" },
	{ LC_INTERVIEW, "resubmitted", "approve",  "approved",    SV, "the supervisor approved the amendment" },
	{ LC_INTERVIEW, "resubmitted", "return",   "returned",    SV, "returned again" },
	{ LC_INTERVIEW, "resubmitted", "escalate", "escalated",   SV, "the amendment was escalated" },

	/* Referrals: only after approval, only with consent (the device
	 * never queues one whose consent answer is not yes). */
	{ LC_REFERRAL, "pending",  "send",    "sent",     CW | SR, "sent to the partner after approval" },
	{ LC_REFERRAL, "pending",  "revoke",  "revoked",  CW | SV, "consent withdrawn before sending" },
	{ LC_REFERRAL, "sent",     "accept",  "accepted", SR,      "the partner accepted it" },
	{ LC_REFERRAL, "sent",     "decline", "declined", SR,      "the partner declined it" },
	{ LC_REFERRAL, "sent",     "revoke",  "revoked",  CW | SV, "consent withdrawn" },
	{ LC_REFERRAL, "accepted", "close",   "closed",   SR | SV, "the service was given" },
	{ LC_REFERRAL, "accepted", "revoke",  "revoked",  CW | SV, "consent withdrawn" },
	{ LC_REFERRAL, "declined", "close",   "closed",   SR | SV, "closed after the partner declined" },
};
const size_t lc_n_transitions = sizeof(lc_transitions) / sizeof(lc_transitions[0]);

/* States with no transition out; listed so a state with none is known. */
static const struct {
	enum lc_machine machine;
	const char *state;
} lc_finals[] = {
	{ LC_INTERVIEW, "approved" },
	{ LC_REFERRAL, "closed" },
	{ LC_REFERRAL, "revoked" },
};

static const struct {
	const char *action, *feed;
} lc_feeds[] = {
	{ "approve", "approved" },
	{ "return", "returned" },
	{ "escalate", "escalated" },
};

const struct lc_transition *lc_find(enum lc_machine m, const char *from,
				    const char *event, unsigned actor)
{
	size_t i;

	if (!from || !event)
		return NULL;
	for (i = 0; i < lc_n_transitions; i++) {
		const struct lc_transition *t = &lc_transitions[i];
		if (t->machine == m && !strcmp(t->from, from) && !strcmp(t->event, event) &&
		    (!actor || (t->actors & actor)))
			return t;
	}
	return NULL;
}

bool lc_allows(enum lc_machine m, const char *from, const char *to)
{
	size_t i;

	if (!from || !to)
		return false;
	for (i = 0; i < lc_n_transitions; i++) {
		const struct lc_transition *t = &lc_transitions[i];
		if (t->machine == m && !strcmp(t->from, from) && !strcmp(t->to, to))
			return true;
	}
	return false;
}

int lc_steps(enum lc_machine m, const char *from, const char *to)
{
	/* Breadth first over state names; the machines have a handful of states. */
	const char *frontier[32], *seen[32];
	size_t n_front = 0, n_seen = 0, i, k, j;
	int depth = 0;

	if (!from || !to)
		return -1;
	if (!strcmp(from, to))
		return 0;
	frontier[n_front++] = from;
	seen[n_seen++] = from;
	while (n_front) {
		const char *next[32];
		size_t n_next = 0;
		depth++;
		for (i = 0; i < n_front; i++)
			for (k = 0; k < lc_n_transitions; k++) {
				const struct lc_transition *t = &lc_transitions[k];
				if (t->machine != m || strcmp(t->from, frontier[i]))
					continue;
				if (!strcmp(t->to, to))
					return depth;
				for (j = 0; j < n_seen && strcmp(seen[j], t->to); j++)
					;
				if (j == n_seen && n_seen < 32 && n_next < 32) {
					seen[n_seen++] = t->to;
					next[n_next++] = t->to;
				}
			}
		memcpy(frontier, next, n_next * sizeof(*next));
		n_front = n_next;
	}
	return -1;
}

bool lc_is_state(enum lc_machine m, const char *name)
{
	size_t i;

	if (!name)
		return false;
	for (i = 0; i < lc_n_transitions; i++)
		if (lc_transitions[i].machine == m &&
		    (!strcmp(lc_transitions[i].from, name) || !strcmp(lc_transitions[i].to, name)))
			return true;
	return false;
}

bool lc_is_final(enum lc_machine m, const char *state)
{
	size_t i;

	for (i = 0; state && i < sizeof(lc_finals) / sizeof(lc_finals[0]); i++)
		if (lc_finals[i].machine == m && !strcmp(lc_finals[i].state, state))
			return true;
	return false;
}

const char *lc_refusal(enum lc_machine m, const char *from, const char *event,
		       char *buf, size_t n)
{
	snprintf(buf, n, "the %s is %s; it cannot take '%s'",
		 m == LC_INTERVIEW ? "interview" : "referral",
		 from ? from : "unknown", event ? event : "");
	return buf;
}

const char *lc_feed_kind(const char *action)
{
	size_t i;

	for (i = 0; action && i < sizeof(lc_feeds) / sizeof(lc_feeds[0]); i++)
		if (!strcmp(lc_feeds[i].action, action))
			return lc_feeds[i].feed;
	return NULL;
}
