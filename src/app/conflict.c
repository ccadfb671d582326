/*
 * conflict.c - open conflicts for the console (see conflict.h).  The store
 * keeps each conflict with both values and closes it atomically with the
 * chosen answer and an audit entry; this file only finds them and maps
 * "keep mine / keep theirs" onto the store's local/remote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/conflict.h"
#include "util/util.h"

static status_t need_store(struct app *app)
{
	if (!app->store)
		return st_error(ST_STATE, "the store is locked");
	return ST_OK;
}

status_t app_conflicts_open(struct app *app, const char *interview_id,
			    struct store_conflict_list *out)
{
	status_t ret = need_store(app);

	if (ret != ST_OK)
		return ret;
	return store_conflicts_load(app->store, interview_id, true, out);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

status_t app_conflict_set_load(struct app *app, struct app_conflict_set *set)
{
	struct store_conflict_list xl = STORE_CONFLICT_LIST_INIT;
	status_t ret;
	size_t i, n = 0;

	app_conflict_set_release(set);
	if ((ret = app_conflicts_open(app, NULL, &xl)) != ST_OK)
		return ret;
	set->ids = xcalloc(xl.n + 1, sizeof(*set->ids));
	for (i = 0; i < xl.n; i++)
		snprintf(set->ids[i], sizeof(set->ids[i]), "%s",
			 xl.v[i].interview_id ? xl.v[i].interview_id : "");
	qsort(set->ids, xl.n, sizeof(*set->ids), cmp_id);
	/* One entry per interview, however many questions conflict. */
	for (i = 0; i < xl.n; i++)
		if (n == 0 || strcmp(set->ids[n - 1], set->ids[i]))
			memmove(set->ids[n++], set->ids[i], sizeof(set->ids[i]));
	set->n = n;
	store_conflict_list_release(&xl);
	return ST_OK;
}

bool app_conflict_set_has(const struct app_conflict_set *set, const char *interview_id)
{
	char key[37];

	if (!set->n || !interview_id)
		return false;
	snprintf(key, sizeof(key), "%s", interview_id);
	return bsearch(key, set->ids, set->n, sizeof(*set->ids), cmp_id) != NULL;
}

void app_conflict_set_release(struct app_conflict_set *set)
{
	free(set->ids);
	set->ids = NULL;
	set->n = 0;
}

status_t app_conflict_resolve(struct app *app, const char *conflict_id,
			      enum app_conflict_keep keep)
{
	struct store_conflict_list xl = STORE_CONFLICT_LIST_INIT;
	const struct store_conflict *x = NULL;
	status_t ret;
	size_t i;

	if ((ret = app_conflicts_open(app, NULL, &xl)) != ST_OK)
		return ret;
	for (i = 0; conflict_id && i < xl.n; i++)
		if (!strcmp(xl.v[i].id, conflict_id))
			x = &xl.v[i];
	if (!x)
		ret = st_error(ST_NOTFOUND, "no open conflict %s", conflict_id ? conflict_id : "");
	else if (keep == APP_KEEP_MINE)
		ret = store_conflict_resolve(app->store, x->id, x->local_value, "local");
	else
		ret = store_conflict_resolve(app->store, x->id, x->remote_value, "remote");
	store_conflict_list_release(&xl);
	return ret;
}
