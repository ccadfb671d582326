/*
 * app.h - what the console does with the store and the forms, below the
 * screens: unlock and lock the store, list interviews, find the forms on
 * offer, and (session.h) run one interview.  Views reach data only through
 * here, so the same calls serve the console, `senda summary` and tests.
 */
#ifndef SENDA_APP_APP_H
#define SENDA_APP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/data.h"
#include "util/status.h"

struct form;
struct store;

struct app_options {
	const char *data_dir;	/* store files; NULL: an in-memory store (tests) */
	const char *forms_dir;	/* *.ini offered for new interviews */
	int64_t kdf_memory;	/* for the store's key slots (KiB) */
	int64_t kdf_iterations;
	int passphrase_fd;	/* unused by the console; for commands */
};

/* One form on offer (loaded lazily, kept for the life of the app). */
struct app_form {
	char *path;
	char *id;		/* from the file (known once loaded) */
	struct form *form;	/* NULL until loaded */
	bool broken;		/* failed to load; the reason was logged */
};

struct app {
	struct app_options opt;
	struct store *store;	/* NULL while locked */
	struct app_form *forms;
	size_t n_forms, alloc_forms;
	int failed_unlocks;	/* for the growing delay */
};

/* Set up (nothing opened yet); lists forms_dir. */
struct app *app_new(const struct app_options *opt);
void app_free(struct app *app);

/* Whether a store exists in data_dir (else `senda init` first). */
bool app_store_exists(const struct app *app);
/*
 * Open the store with a passphrase.  ST_PASSPHRASE when wrong (the
 * caller waits app_unlock_delay_ms() before the next try).
 */
status_t app_unlock(struct app *app, const char *passphrase);
/* Milliseconds to wait after the latest failure: 0, 500, 1000, 2000, ... */
int app_unlock_delay_ms(const struct app *app);
/* Close the store and wipe its keys (idle lock, quit). */
void app_lock(struct app *app);
bool app_is_unlocked(const struct app *app);
/* Use an already open store (tests, benches, commands); app owns it. */
void app_adopt_store(struct app *app, struct store *st);

/* Forms on offer, loading each when first asked; NULL when it fails. */
size_t app_n_forms(const struct app *app);
const struct form *app_form_at(struct app *app, size_t i);
/* Find by form id (loading every form as needed). */
const struct form *app_form_by_id(struct app *app, const char *id);
/* Add one form file directly (tests). */
void app_add_form_path(struct app *app, const char *path);

/* Interviews for the case list (every status), newest change first. */
status_t app_cases(struct app *app, struct store_interview_list *out);
/* Outbox items still to deliver, for the status line (0 when locked). */
size_t app_queued(struct app *app);

#endif
