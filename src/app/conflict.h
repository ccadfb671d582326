/*
 * conflict.h - crossed edits for the console (issue 8, docs/review.md):
 * when a caseworker's amendment and a supervisor's decision cross, each
 * device keeps both values of every question concerned as an open
 * conflict (store_conflict_*) until a person picks one.  The console lists
 * them on the interview, marks interviews that have any in its lists, and
 * resolves the focused one: keep mine (this device's value) or keep
 * theirs (the other side's).  `senda review resolve` is the same from the
 * command line.
 */
#ifndef SENDA_APP_CONFLICT_H
#define SENDA_APP_CONFLICT_H

#include <stdbool.h>
#include <stddef.h>

#include "store/data.h"
#include "util/status.h"

struct app;

/* Append the open conflicts of one interview to *out, oldest first. */
status_t app_conflicts_open(struct app *app, const char *interview_id,
			    struct store_conflict_list *out);

/*
 * The interviews with at least one open conflict, for the marks in the
 * case list and the review queue: loaded once per list refresh, then
 * looked up per row (sorted ids, binary search).
 */
struct app_conflict_set {
	char (*ids)[37];
	size_t n;
};
#define APP_CONFLICT_SET_INIT { NULL, 0 }
/* Replace *set with the store's interviews that have open conflicts. */
status_t app_conflict_set_load(struct app *app, struct app_conflict_set *set);
bool app_conflict_set_has(const struct app_conflict_set *set, const char *interview_id);
void app_conflict_set_release(struct app_conflict_set *set);

/* Which value a person keeps. */
enum app_conflict_keep {
	APP_KEEP_MINE,		/* this device's value ("local") */
	APP_KEEP_THEIRS,	/* the other side's value ("remote") */
};

/*
 * Resolve one open conflict by id: the kept value becomes the answer
 * (an amendment) and the conflict is closed, with its audit entry
 * (`conflict.resolve`), in one transaction.  ST_NOTFOUND when no open
 * conflict has that id, ST_STATE when the interview is read-only.
 */
status_t app_conflict_resolve(struct app *app, const char *conflict_id,
			      enum app_conflict_keep keep);

#endif
