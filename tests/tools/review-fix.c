/*
 * review-fix.c - the caseworker's fix of a returned interview, for the
 * review end-to-end tests, through the same session calls the console
 * uses: resume the interview, answer PATH with TEXT (an amendment of a
 * returned interview), and resubmit it (app_review_resubmit: queued).
 *
 * usage: review-fix --dir DIR --form FILE [--no-finish | --amend] INTERVIEW-ID PATH TEXT
 *
 * --amend finishes with app_session_finish() instead: an amendment of an
 * interview that was not returned (the crossed-edit test).
 * The passphrase is read as one line from standard input.  Exit 0 when
 * done, 1 with one line on stderr otherwise.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/review.h"
#include "app/session.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "util/util.h"

static int die(const char *what, status_t s)
{
	fprintf(stderr, "review-fix: %s: %s\n", what, st_detail(s));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "form", required_argument, NULL, 'f' },
		{ "no-finish", no_argument, NULL, 'n' },
		{ "amend", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *form = NULL;
	bool finish = true, amend = false;
	struct store_open_opts so;
	struct app_options ao;
	struct app_session *s = NULL;
	struct store *st = NULL;
	struct form_ref r;
	struct app *app;
	char *pass = NULL;
	size_t len = 0;
	status_t rc;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'f': form = optarg; break;
		case 'n': finish = false; break;
		case 'a': amend = true; break;
		default: return 2;
		}
	}
	if (!dir || !form || optind + 3 != argc) {
		fprintf(stderr, "usage: review-fix --dir DIR --form FILE [--no-finish|--amend] ID PATH TEXT\n");
		return 2;
	}
	if ((rc = crypto_passphrase_read(0, NULL, &pass, &len)) != ST_OK)
		return die("passphrase", rc);
	memset(&so, 0, sizeof(so));
	so.kdf.memory_kib = 64;
	so.kdf.iterations = 1;
	rc = store_open(dir, pass, len, false, &so, &st);
	crypto_secure_free(pass);
	if (rc != ST_OK)
		return die("opening the store", rc);
	memset(&ao, 0, sizeof(ao));
	app = app_new(&ao);
	app_add_form_path(app, form);
	app_adopt_store(app, st);
	store_set_actor("caseworker");
	rc = app_session_resume(app, argv[optind], &s);
	if (rc == ST_OK && !form_state_resolve(s->fs, argv[optind + 1], &r))
		rc = st_error(ST_INVALID, "no question %s", argv[optind + 1]);
	if (rc == ST_OK)
		rc = app_session_answer(s, r, argv[optind + 2]);
	if (rc == ST_OK && finish)
		rc = amend ? app_session_finish(s) : app_review_resubmit(s);
	app_session_free(s);
	app_free(app);
	return rc == ST_OK ? 0 : die("fixing the interview", rc);
}
