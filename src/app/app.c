/*
 * app.c - the console's link to the store and the forms (see app.h):
 * unlocking with a growing delay after wrong passphrases, locking that
 * closes the store (its keys are wiped by store_close), the forms folder,
 * and the case list.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "form/form.h"
#include "store/store.h"
#include "util/diag.h"
#include "util/log.h"
#include "util/util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void app_add_form_path(struct app *app, const char *path)
{
	struct app_form *f;

	ALLOC_GROW(app->forms, app->n_forms + 1, app->alloc_forms);
	f = &app->forms[app->n_forms++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
}

/* Offer every *.ini in the forms folder, sorted by file name. */
static void scan_forms(struct app *app)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;

	if (!app->opt.forms_dir || !(d = opendir(app->opt.forms_dir)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !str_ends_with(de->d_name, ".ini"))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char *p = path_join(app->opt.forms_dir, names[i]);
		app_add_form_path(app, p);
		free(p);
		free(names[i]);
	}
	free(names);
}

struct app *app_new(const struct app_options *opt)
{
	struct app *app = xcalloc(1, sizeof(*app));

	app->opt = *opt;
	app->opt.data_dir = opt->data_dir ? xstrdup(opt->data_dir) : NULL;
	app->opt.forms_dir = opt->forms_dir ? xstrdup(opt->forms_dir) : NULL;
	scan_forms(app);
	return app;
}

void app_free(struct app *app)
{
	size_t i;

	if (!app)
		return;
	app_lock(app);
	for (i = 0; i < app->n_forms; i++) {
		if (app->forms[i].form) {
			form_release(app->forms[i].form);
			free(app->forms[i].form);
		}
		free(app->forms[i].path);
		free(app->forms[i].id);
	}
	free(app->forms);
	free((char *)app->opt.data_dir);
	free((char *)app->opt.forms_dir);
	free(app);
}

bool app_store_exists(const struct app *app)
{
	return app->opt.data_dir && store_exists(app->opt.data_dir);
}

status_t app_unlock(struct app *app, const char *passphrase)
{
	struct store_open_opts so;
	status_t st;

	if (app->store)
		return ST_OK;
	if (!app->opt.data_dir)
		return store_open_memory(&app->store);
	memset(&so, 0, sizeof(so));
	so.kdf.memory_kib = (uint32_t)app->opt.kdf_memory;
	so.kdf.iterations = (uint32_t)app->opt.kdf_iterations;
	st = store_open(app->opt.data_dir, passphrase, strlen(passphrase), false, &so,
			&app->store);
	if (st == ST_OK) {
		app->failed_unlocks = 0;
		store_set_actor("caseworker");
		log_info("store unlocked");
	} else {
		app->store = NULL;
		if (st == ST_PASSPHRASE)
			app->failed_unlocks++;
		log_warn("unlock failed: %s", status_name(st));
	}
	return st;
}

int app_unlock_delay_ms(const struct app *app)
{
	int n = app->failed_unlocks;

	if (n <= 0)
		return 0;
	if (n > 6)
		n = 6;
	return 250 << n;	/* 500 ms, 1 s, 2 s, ... 16 s */
}

void app_lock(struct app *app)
{
	if (app->store) {
		store_close(app->store);
		app->store = NULL;
		log_info("store locked");
	}
}

bool app_is_unlocked(const struct app *app)
{
	return app->store != NULL;
}

void app_adopt_store(struct app *app, struct store *st)
{
	app_lock(app);
	app->store = st;
}

size_t app_n_forms(const struct app *app)
{
	return app->n_forms;
}

const struct form *app_form_at(struct app *app, size_t i)
{
	struct app_form *af;
	struct diag_list dl = DIAG_LIST_INIT;

	if (i >= app->n_forms)
		return NULL;
	af = &app->forms[i];
	if (af->form || af->broken)
		return af->form;
	af->form = xcalloc(1, sizeof(*af->form));
	if (form_load_file(af->form, af->path, &dl) != ST_OK) {
		/* Never print: curses may own the screen.  The log gets the count. */
		log_error("%s: form has %zu errors; run 'senda form check'", af->path,
			  diag_count(&dl, DIAG_ERROR));
		free(af->form);
		af->form = NULL;
		af->broken = true;
	} else {
		af->id = xstrdup(af->form->id);
	}
	diag_list_release(&dl);
	return af->form;
}

const struct form *app_form_by_id(struct app *app, const char *id)
{
	size_t i;

	for (i = 0; i < app->n_forms; i++) {
		const struct form *f = app_form_at(app, i);
		if (f && !strcmp(f->id, id))
			return f;
	}
	return NULL;
}

status_t app_cases(struct app *app, struct store_interview_list *out)
{
	if (!app->store)
		return st_error(ST_STATE, "the store is locked");
	return store_interviews_list(app->store, 0, out);
}

size_t app_queued(struct app *app)
{
	int64_t counts[STORE_OUTBOX_N_STATES];

	if (!app->store || store_outbox_counts(app->store, counts) != ST_OK)
		return 0;
	return (size_t)(counts[STORE_OUTBOX_QUEUED] + counts[STORE_OUTBOX_SENDING]);
}
