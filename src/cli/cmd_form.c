/*
 * cmd_form.c - `senda form check FILE...` (the linter) and `senda form
 * fill FORM --answers F.json` (the headless engine: one deterministic JSON
 * document, so golden files can test forms and rules end to end).
 *
 * The form engine does no I/O; this file reads the answers JSON with
 * jansson, feeds it to a form_state and writes the result.  Output keys
 * are sorted and lists follow form order (docs/forms.md describes it).
 */
#include "app/app.h"
#include "app/value_json.h"
#include "app/session.h"
#include "cli/cli.h"
#include "cli/store_unlock.h"
#include "form/form.h"
#include "store/data.h"
#include "util/util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- check ----------------------------------------------------------- */

static int form_check(struct cli *cli, int argc, char **argv)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int rc = 0;

	(void)cli;
	if (argc < 2)
		return cli_usage_error("usage: senda form check FILE...");
	for (int i = 1; i < argc; i++) {
		struct form f;

		if (form_load_file(&f, argv[i], &dl) == ST_OK)
			form_release(&f);
		st_clear();
	}
	diag_sort(&dl);
	diag_print(&dl, stdout, true);
	if (diag_count(&dl, DIAG_ERROR))
		rc = 1;
	diag_list_release(&dl);
	return rc;
}

/* ---- answers JSON -> state ------------------------------------------ */

/*
 * Where answers go: the engine's state (always, to validate and report),
 * then with --save an app session that writes each one to the store.
 */
struct fill_sink {
	status_t (*set)(void *data, struct form_ref r, const struct form_value *v);
	status_t (*add)(void *data, size_t repeat, size_t *index_out);
	void *data;
};

struct fill {
	const char *answers_path;
	const struct form *f;
	struct fill_sink sink;
	char *err;		/* first problem, "F.json: path: message" */
};

static status_t state_set(void *data, struct form_ref r, const struct form_value *v)
{
	return form_state_set(data, r, v);
}

static status_t state_add(void *data, size_t repeat, size_t *index_out)
{
	return form_state_repeat_add(data, repeat, index_out);
}

static status_t session_set(void *data, struct form_ref r, const struct form_value *v)
{
	return app_session_set(data, r, v);
}

static status_t session_add(void *data, size_t repeat, size_t *index_out)
{
	return app_session_member_add(data, repeat, index_out);
}

static bool fill_err(struct fill *fl, const char *path, const char *msg)
{
	if (!fl->err)
		fl->err = xasprintf("%s: %s: %s", fl->answers_path, path, msg);
	return false;
}

/* A JSON value as the form_value question q takes. */
static bool json_to_value(struct fill *fl, const char *path, size_t q, json_t *j,
			  struct form_value *out)
{
	const struct form_question *fq = &fl->f->questions[q];

	out->type = FORM_V_EMPTY;
	if (json_is_null(j))
		return true;
	switch (fq->type) {
	case FORM_Q_TEXT:
	case FORM_Q_SELECT_ONE:
		if (!json_is_string(j))
			return fill_err(fl, path, "expected a string");
		out->type = FORM_V_TEXT;
		out->u.s = (char *)json_string_value(j);
		return true;
	case FORM_Q_INTEGER:
		if (!json_is_integer(j))
			return fill_err(fl, path, "expected a whole number");
		out->type = FORM_V_INT;
		out->u.i = (int64_t)json_integer_value(j);
		return true;
	case FORM_Q_DECIMAL:
		if (!json_is_number(j))
			return fill_err(fl, path, "expected a number");
		out->type = FORM_V_DEC;
		out->u.d = json_number_value(j);
		return true;
	case FORM_Q_DATE:
		if (!json_is_string(j) || !parse_date(json_string_value(j), &out->u.date))
			return fill_err(fl, path, "expected a date \"YYYY-MM-DD\"");
		out->type = FORM_V_DATE;
		return true;
	case FORM_Q_YES_NO:
		if (!json_is_boolean(j))
			return fill_err(fl, path, "expected true or false");
		out->type = FORM_V_BOOL;
		out->u.b = json_is_true(j);
		return true;
	case FORM_Q_SELECT_MULTIPLE: {
		size_t i;
		json_t *e;

		if (!json_is_array(j))
			return fill_err(fl, path, "expected an array of choice values");
		out->type = FORM_V_MULTI;
		out->u.multi.n = json_array_size(j);
		out->u.multi.v = xcalloc(out->u.multi.n + 1, sizeof(char *));
		json_array_foreach(j, i, e) {
			if (!json_is_string(e)) {
				free(out->u.multi.v);
				out->type = FORM_V_EMPTY;
				return fill_err(fl, path, "expected an array of choice values");
			}
			out->u.multi.v[i] = (char *)json_string_value(e);
		}
		return true;
	}
	default:
		return fill_err(fl, path, "this question takes no answer");
	}
}

static bool set_one(struct fill *fl, const char *path, struct form_ref r, json_t *j)
{
	struct form_value v = FORM_VALUE_INIT;
	status_t st;
	bool ok;

	if (!json_to_value(fl, path, r.q, j, &v))
		return false;
	st = fl->sink.set(fl->sink.data, r, &v);
	ok = st == ST_OK || fill_err(fl, path, st_detail(st));
	st_clear();
	/* the strings were borrowed from the JSON document */
	if (v.type == FORM_V_MULTI)
		free(v.u.multi.v);
	return ok;
}

static bool fill_members(struct fill *fl, size_t r, json_t *arr)
{
	const struct form *f = fl->f;
	const char *rid = f->repeats[r].id;
	size_t i;
	json_t *m;

	if (!json_is_array(arr))
		return fill_err(fl, rid, "expected an array of member objects");
	json_array_foreach(arr, i, m) {
		size_t idx;
		const char *key;
		json_t *val;
		char path[256];

		snprintf(path, sizeof(path), "%s[%zu]", rid, i);
		if (!json_is_object(m))
			return fill_err(fl, path, "expected an object");
		status_t st = fl->sink.add(fl->sink.data, r, &idx);

		if (st != ST_OK) {
			bool ok = fill_err(fl, path, st_detail(st));

			st_clear();
			return ok;
		}
		json_object_foreach(m, key, val) {
			size_t q = form_find_question(f, key);

			snprintf(path, sizeof(path), "%s[%zu].%s", rid, i, key);
			if (q == FORM_NONE || f->questions[q].repeat != r)
				return fill_err(fl, path, "not a question of this repeat group");
			if (!set_one(fl, path, (struct form_ref){ q, idx }, val))
				return false;
		}
	}
	return true;
}

static bool fill_answers(struct fill *fl, json_t *root)
{
	const struct form *f = fl->f;
	const char *key;
	json_t *val;

	if (!json_is_object(root))
		return fill_err(fl, "(top)", "expected an object of answers");
	json_object_foreach(root, key, val) {
		size_t q = form_find_question(f, key);
		size_t r = form_find_repeat(f, key);

		if (r != FORM_NONE) {
			if (!fill_members(fl, r, val))
				return false;
		} else if (q == FORM_NONE) {
			return fill_err(fl, key, "unknown question");
		} else if (f->questions[q].repeat != FORM_NONE) {
			return fill_err(fl, key, "belongs to a repeat group; give it inside the group's array");
		} else if (!set_one(fl, key, (struct form_ref){ q, 0 }, val)) {
			return false;
		}
	}
	return true;
}

/* ---- state -> output JSON ------------------------------------------- */

static void add_problem(json_t *list, const char *path, const char *code, const char *msg)
{
	json_t *o = json_object();

	json_object_set_new(o, "path", json_string(path));
	if (code)
		json_object_set_new(o, "code", json_string(code));
	json_object_set_new(o, "message", json_string(msg));
	json_array_append_new(list, o);
}

/* The values of exactly the fields rule r shares. */
static json_t *shared_json(struct form_state *st, const struct form_rule *r)
{
	const struct form *f = form_state_form(st);
	json_t *o = json_object();
	bool *in = xcalloc(f->n_questions + 1, sizeof(bool));
	bool *rep = xcalloc(f->n_repeats + 1, sizeof(bool));

	for (size_t k = 0; k < r->n_share; k++) {
		const struct form_share *sh = &r->share[k];

		if (sh->repeat != FORM_NONE) {
			rep[sh->repeat] = true;
			for (size_t i = 0; i < f->repeats[sh->repeat].n_questions; i++)
				in[f->repeats[sh->repeat].questions[i]] = true;
		} else if (sh->question != FORM_NONE) {
			in[sh->question] = true;
			if (f->questions[sh->question].repeat != FORM_NONE)
				rep[f->questions[sh->question].repeat] = true;
			else
				json_object_set_new(o, sh->id,
						    app_value_json(form_state_value(st, (struct form_ref){ sh->question, 0 })));
		}
	}
	for (size_t g = 0; g < f->n_repeats; g++) {
		json_t *arr;

		if (!rep[g])
			continue;
		arr = json_array();
		for (size_t m = 0; m < form_state_repeat_count(st, g); m++) {
			json_t *mo = json_object();

			for (size_t i = 0; i < f->repeats[g].n_questions; i++) {
				size_t q = f->repeats[g].questions[i];

				if (in[q] && f->questions[q].type != FORM_Q_NOTE)
					json_object_set_new(mo, f->questions[q].id,
							    app_value_json(form_state_value(st, (struct form_ref){ q, m })));
			}
			json_array_append_new(arr, mo);
		}
		json_object_set_new(o, f->repeats[g].id, arr);
	}
	free(in);
	free(rep);
	return o;
}

static json_t *fill_output(struct form_state *st, size_t lang, int64_t today)
{
	const struct form *f = form_state_form(st);
	json_t *out = json_object(), *visible = json_array(), *errors = json_array();
	json_t *warnings = json_array(), *calc = json_object(), *refs = json_array();
	json_t *form = json_object();
	const struct form_referral *rv;
	struct form_progress p;
	size_t n;
	char day[11];

	for (size_t q = 0; q < f->n_questions; q++) {
		size_t rp = f->questions[q].repeat;
		const size_t *qs = &q;
		size_t nq = 1, nm = 1;

		/* a repeat group reads member by member, at its first question */
		if (rp != FORM_NONE) {
			if (f->repeats[rp].questions[0] != q)
				continue;
			qs = f->repeats[rp].questions;
			nq = f->repeats[rp].n_questions;
			nm = form_state_repeat_count(st, rp);
		}
		for (size_t m = 0; m < nm; m++) {
			for (size_t k = 0; k < nq; k++) {
				struct form_ref r = { qs[k], m };
				char *path;

				if (!form_state_relevant(st, r))
					continue;
				path = form_ref_path(f, r);
				json_array_append_new(visible, json_string(path));
				if (f->questions[r.q].type == FORM_Q_CALCULATE)
					json_object_set_new(calc, path, app_value_json(form_state_value(st, r)));
				if (form_state_error(st, r) != FORM_ERR_NONE)
					add_problem(errors, path, form_error_name(form_state_error(st, r)),
						    form_state_error_message(st, r, lang));
				if (form_state_warning(st, r))
					add_problem(warnings, path, NULL,
						    form_state_warning_message(st, r, lang));
				free(path);
			}
		}
		if (rp != FORM_NONE) {
			int ce = form_state_repeat_count_error(st, rp);
			char *msg = form_state_repeat_count_message(st, rp, lang);

			if (ce)
				add_problem(errors, f->repeats[rp].id, ce < 0 ? "min" : "max", msg);
			free(msg);
		}
	}
	n = form_state_referrals(st, &rv);
	for (size_t i = 0; i < n; i++) {
		const struct form_rule *r = rv[i].rule;
		json_t *o = json_object();

		json_object_set_new(o, "rule", json_string(r->id));
		json_object_set_new(o, "service", json_string(r->service));
		json_object_set_new(o, "partner", json_string(r->partner));
		json_object_set_new(o, "urgency", json_string(form_urgency_name(rv[i].urgency)));
		json_object_set_new(o, "reason", json_string(form_text(f, &r->reason, lang)));
		json_object_set_new(o, "consent", json_boolean(rv[i].consent));
		json_object_set_new(o, "sendable", json_boolean(rv[i].sendable));
		json_object_set_new(o, "shared", shared_json(st, r));
		json_array_append_new(refs, o);
	}
	form_state_progress(st, &p);
	format_date(today, day);
	json_object_set_new(form, "id", json_string(f->id));
	json_object_set_new(form, "version", json_string(f->version));
	json_object_set_new(out, "form", form);
	json_object_set_new(out, "language", json_string(f->languages[lang]));
	json_object_set_new(out, "today", json_string(day));
	json_object_set_new(out, "complete", json_boolean(p.complete));
	json_object_set_new(out, "visible", visible);
	json_object_set_new(out, "errors", errors);
	json_object_set_new(out, "warnings", warnings);
	json_object_set_new(out, "calculated", calc);
	json_object_set_new(out, "referrals", refs);
	return out;
}

/*
 * --save: the same answers again, through an app session, so each is
 * written to the store as the console would; warnings shown in the output
 * count as acknowledged; then the interview is finished (completed and
 * queued for sync, its referrals stored until approval).  Only a complete interview is
 * saved: the caller checked that first, so nothing half-done is left.
 */
static status_t fill_save(struct cli *cli, const char *form_path, const struct form *f,
			  size_t lang, json_t *root, const char *answers, char **id_out)
{
	struct app_options ao;
	struct app *app;
	struct store *sto = NULL;
	struct app_session *s = NULL;
	struct fill fl = { 0 };
	status_t rc;

	*id_out = NULL;
	if ((rc = cli_store_open(cli, false, &sto)) != ST_OK)
		return rc;
	memset(&ao, 0, sizeof(ao));
	ao.data_dir = cli->data_dir;
	ao.passphrase_fd = cli->passphrase_fd;
	app = app_new(&ao);
	app_add_form_path(app, form_path);
	app_adopt_store(app, sto);
	store_set_actor("cli");
	rc = app_session_new(app, f->id, f->languages[lang], NULL, &s);
	if (rc == ST_OK) {
		fl.answers_path = answers;
		fl.f = s->form;
		fl.sink = (struct fill_sink){ session_set, session_add, s };
		if (!fill_answers(&fl, root))
			rc = st_error(ST_INVALID, "%s", fl.err);
	}
	for (size_t q = 0; rc == ST_OK && q < s->form->n_questions; q++)
		for (size_t i = 0; i < form_state_instances(s->fs, q); i++) {
			struct form_ref r = { q, i };

			if (form_state_warning(s->fs, r) && rc == ST_OK)
				rc = app_session_ack_warning(s, r);
		}
	if (rc == ST_OK)
		rc = app_session_finish(s);
	if (rc == ST_OK)
		*id_out = xstrdup(s->iv.id);
	free(fl.err);
	app_session_free(s);
	app_free(app);
	return rc;
}

static int form_fill(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "answers", required_argument, NULL, 'a' },
		{ "lang", required_argument, NULL, 'l' },
		{ "today", required_argument, NULL, 't' },
		{ "save", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *answers = NULL, *lang_opt = NULL;
	int64_t today = util_today();
	struct diag_list dl = DIAG_LIST_INIT;
	struct fill fl = { 0 };
	json_error_t jerr;
	struct form f;
	struct form_state *st;
	json_t *root, *out = NULL;
	size_t lang;
	int c, rc = 0;
	bool save = false;
	char *text, *saved_id = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'a': answers = optarg; break;
		case 'l': lang_opt = optarg; break;
		case 's': save = true; break;
		case 't':
			if (!parse_date(optarg, &today))
				return cli_usage_error("--today: expected YYYY-MM-DD, not '%s'", optarg);
			break;
		case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1 || !answers)
		return cli_usage_error("usage: senda form fill FORM --answers FILE.json [--lang L] [--today YYYY-MM-DD] [--save]");
	/* a saved interview is evaluated and stored as of the real date */
	if (save && today != util_today())
		return cli_usage_error("--today cannot be used with --save");
	if (form_load_file(&f, argv[optind], &dl) != ST_OK) {
		diag_sort(&dl);
		diag_print(&dl, stderr, true);
		diag_list_release(&dl);
		fprintf(stderr, "%s\n", st_detail(ST_FORM));
		st_clear();
		return 1;
	}
	diag_list_release(&dl);
	lang = f.default_language;
	if (lang_opt && (lang = form_find_language(&f, lang_opt)) == FORM_NONE) {
		form_release(&f);
		return cli_usage_error("--lang: the form has no language '%s'", lang_opt);
	}
	root = json_load_file(answers, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (jerr.line > 0)
			fprintf(stderr, "%s:%d: %s\n", answers, jerr.line, jerr.text);
		else
			fprintf(stderr, "%s: %s\n", answers, jerr.text);
		form_release(&f);
		return 1;
	}
	st = form_state_new(&f, today);
	fl.answers_path = answers;
	fl.f = &f;
	fl.sink = (struct fill_sink){ state_set, state_add, st };
	if (!fill_answers(&fl, root)) {
		fprintf(stderr, "%s\n", fl.err);
		rc = 1;
	} else {
		out = fill_output(st, lang, today);
	}
	if (out && save) {
		struct form_progress p;
		status_t sr;

		form_state_progress(st, &p);
		if (!p.complete) {
			fprintf(stderr, "%s: not saved: the interview has errors (see \"errors\")\n",
				answers);
			rc = 1;
		} else if ((sr = fill_save(cli, argv[optind], &f, lang, root, answers,
					   &saved_id)) != ST_OK) {
			rc = cli_fail(sr);
			json_decref(out);
			out = NULL;
		} else {
			json_object_set_new(out, "saved", json_string(saved_id));
		}
	}
	if (out) {
		text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(out);
	}
	free(saved_id);
	free(fl.err);
	json_decref(root);
	form_state_free(st);
	form_release(&f);
	return rc;
}

/* ---- dispatch -------------------------------------------------------- */

static const struct {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
} form_cmds[] = {
	{ "check", form_check },
	{ "fill", form_fill },
};

int cmd_form(struct cli *cli, int argc, char **argv)
{
	if (argc >= 2)
		for (size_t i = 0; i < ARRAY_SIZE(form_cmds); i++)
			if (!strcmp(argv[1], form_cmds[i].name))
				return form_cmds[i].run(cli, argc - 1, argv + 1);
	return cli_usage_error("usage: senda form check FILE... | senda form fill FORM --answers FILE.json [--lang L] [--today YYYY-MM-DD] [--save]");
}
