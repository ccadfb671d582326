/*
 * view_review_iv.h - what the review views share: the read-only interview
 * view opens an interview by id, and may ask the queue below it to open
 * the next waiting one when it closes.
 */
#ifndef SENDA_UI_VIEW_REVIEW_IV_H
#define SENDA_UI_VIEW_REVIEW_IV_H

#include <stdbool.h>

struct app_review_item;

struct view_review_iv_arg {
	const char *id;		/* interview to show */
	bool *open_next;	/* set when the user asked for the next one; may be NULL */
	/* The queue's view of it (urgency, protection flags), or NULL. */
	const struct app_review_item *item;
};

/* An item's urgency as the queue shows it, in the console's language. */
const char *view_review_urgency(const struct app_review_item *it);

#endif
