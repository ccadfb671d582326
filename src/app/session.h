/*
 * session.h - one interview being run: the form engine's state for it
 * joined to its rows in the store.  Every accepted answer is committed to
 * the store before the call returns (autosave: a power cut loses at most
 * the answer being typed), together with the position to resume at.
 *
 * Navigation works on "items": the questions a caseworker steps through in
 * form order, where a repeat group appears once as a group item (its
 * members are listed and edited one at a time, as a member scope).
 * Calculations are never items; notes are.
 */
#ifndef SENDA_APP_SESSION_H
#define SENDA_APP_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "form/form.h"
#include "store/data.h"

enum app_item_kind { APP_ITEM_QUESTION, APP_ITEM_GROUP };

struct app_item {
	enum app_item_kind kind;
	struct form_ref ref;	/* QUESTION: the instance */
	size_t repeat;		/* GROUP: the repeat */
	size_t section;
};

struct app_session {
	struct app *app;
	const struct form *form;
	struct form_state *fs;
	struct store_interview iv;
	size_t lang;			/* index into form->languages */
	bool saved;			/* the last change reached the store */
	bool amending;			/* editing a completed interview */
	/* Navigation scope: the whole form, or one member of a repeat. */
	size_t scope_repeat;		/* FORM_NONE: whole form */
	size_t scope_inst;
	size_t last_member;		/* the member most recently scoped to */
	struct app_item *items;		/* visible items in the scope */
	size_t n_items, alloc_items;
	size_t cur;			/* index into items */
};

/*
 * Start a new interview of form form_id in language lang (a language of
 * the form) and save it as a draft.
 */
status_t app_session_new(struct app *app, const char *form_id, const char *lang,
			 const char *respondent, struct app_session **out);
/* Load an interview with all its answers, positioned where it was left. */
status_t app_session_resume(struct app *app, const char *id, struct app_session **out);
void app_session_free(struct app_session *s);

/*
 * Parse text for question r, set it and save it with the resume position.
 * ST_INVALID (with detail) when the text does not parse: nothing changes.
 */
status_t app_session_answer(struct app_session *s, struct form_ref r, const char *text);
/* Set a parsed value (select widgets) and save it. */
status_t app_session_set(struct app_session *s, struct form_ref r,
			 const struct form_value *v);
status_t app_session_clear(struct app_session *s, struct form_ref r);
/* Acknowledge the warning on r (kept with the answer in the store). */
status_t app_session_ack_warning(struct app_session *s, struct form_ref r);

/* Add a member (saved at once as a placeholder), or remove one (renumbers). */
status_t app_session_member_add(struct app_session *s, size_t repeat, size_t *index_out);
status_t app_session_member_remove(struct app_session *s, size_t repeat, size_t index);

/* Switch the interview's language (a language of the form); saved. */
status_t app_session_set_language(struct app_session *s, size_t lang);

/* ---- navigation ---- */
/* Rebuild items after any change (skip logic); keeps cur on the same item. */
void app_session_refresh(struct app_session *s);
/* Scope to one member (FORM_NONE: whole form); cur goes to its first item. */
void app_session_scope(struct app_session *s, size_t repeat, size_t inst);
const struct app_item *app_session_current(const struct app_session *s);
/* Move by delta items / to next or previous section; false at the ends. */
bool app_session_move(struct app_session *s, int delta);
bool app_session_move_section(struct app_session *s, int delta);
/* Go to a question path ("age", "members[2].age") or a repeat id. */
bool app_session_goto(struct app_session *s, const char *path);
/* Save the current item as the resume position (no answer change). */
status_t app_session_save_position(struct app_session *s);
/* Path of an item, malloc'd (a question path or the repeat id). */
char *app_item_path(const struct app_session *s, const struct app_item *it);

/* ---- finish ---- */
/*
 * Problems that block finishing or need a look: required unanswered,
 * constraint errors, member counts, unacknowledged warnings.
 */
enum app_issue_kind { APP_ISSUE_REQUIRED, APP_ISSUE_ERROR, APP_ISSUE_WARNING,
		      APP_ISSUE_MEMBERS };
struct app_issue {
	enum app_issue_kind kind;
	char *path;
	char *label;		/* question label in the interview language */
	char *message;		/* the form's message */
};
struct app_issue_list {
	struct app_issue *v;
	size_t n, alloc;
};
void app_issue_list_release(struct app_issue_list *l);
void app_session_issues(struct app_session *s, struct app_issue_list *out);
/* true when no issue blocks (warnings must be acknowledged too). */
bool app_session_can_finish(struct app_session *s);
/*
 * The interview as sync sends it (interview and amendment items): form,
 * version, state, language, every answer, and "meta" (urgency and
 * protection flags for the review queue, no answers), as canonical JSON.
 * Free it.
 */
char *app_session_payload(struct app_session *s, const char *state);
/*
 * Mark completed (or resubmitted), make the referrals and queue the
 * interview (or its amendment) for sync, all in one transaction.  The
 * referrals stay pending on the device until the interview is approved
 * (docs/review.md); on a later finish they follow the latest answers.
 * ST_STATE when issues block.
 */
status_t app_session_finish(struct app_session *s);

/* The referrals the rules give now. */
size_t app_session_referrals(struct app_session *s, const struct form_referral **out);
/* Plain-text summary for the respondent in the interview language. */
char *app_session_summary(struct app_session *s);

/* Text helpers in the interview language. */
const char *app_label(const struct app_session *s, const struct form_text *t);
/* The current answer of r as text ("" when none), malloc'd. */
char *app_answer_text(const struct app_session *s, struct form_ref r);

#endif
