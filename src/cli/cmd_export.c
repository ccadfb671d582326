/*
 * cmd_export.c - `senda export --format csv|json [--form ID] [--out DIR]`:
 * interviews out of the encrypted store, ODK-style, for analysis.
 *
 * CSV: one file per form (FORM.csv, one row per interview) and one per
 * repeat group (FORM-GROUP.csv, one row per member, joined by the
 * interview id).  JSON: one document per interview (ID.json) whose
 * "answers" have the shape `senda form fill --answers` reads.  Values are
 * what the form engine sees: hidden questions are empty, calculations are
 * included.  Export is the one place plaintext leaves the store, so the
 * files are created new (never overwritten) with mode 0600 in a 0700
 * directory, a warning says they are not encrypted, and the audit trail
 * records the export (counts only).
 */
#include "app/app.h"
#include "app/value_json.h"
#include "app/session.h"
#include "cli/cli.h"
#include "cli/store_unlock.h"
#include "form/form.h"
#include "ini/options.h"
#include "store/data.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * One CSV field (RFC 4180).  Text that a spreadsheet would run as a
 * formula (= + - @ at the start) gets a leading ' so opening the file
 * cannot execute what a respondent said.
 */
static void csv_field(struct strbuf *sb, const char *s, bool text)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (text && (*s == '=' || *s == '+' || *s == '-' || *s == '@')) {
		quote = true;
		strbuf_addstr(sb, "\"'");
	} else if (quote) {
		strbuf_addch(sb, '"');
	}
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	if (quote)
		strbuf_addch(sb, '"');
}

static void csv_value(struct strbuf *sb, const struct form_value *v)
{
	char *t = form_value_format(v);

	csv_field(sb, t, v->type == FORM_V_TEXT);
	free(t);
}

/*
 * Questions marked sensitive (protection data, names, contacts) stay out of
 * exports unless --include-sensitive asks for them: an export is plaintext
 * on disk, so by default it carries what analysis needs and no more.
 */
static bool export_sensitive;

static bool exported(const struct form_question *q)
{
	return q->type != FORM_Q_NOTE && (!q->sensitive || export_sensitive);
}

/* The CSV files of one form: main table and one per repeat group. */
struct csv_set {
	const struct form *form;
	struct strbuf main;
	struct strbuf *groups;
	size_t rows;
};

static void csv_start(struct csv_set *cs, const struct form *f)
{
	cs->form = f;
	strbuf_init(&cs->main, 0);
	cs->groups = xcalloc(f->n_repeats + 1, sizeof(*cs->groups));
	cs->rows = 0;
	strbuf_addstr(&cs->main, "interview_id,seq,status,language,created,updated");
	for (size_t q = 0; q < f->n_questions; q++)
		if (f->questions[q].repeat == FORM_NONE && exported(&f->questions[q]))
			strbuf_addf(&cs->main, ",%s", f->questions[q].id);
	strbuf_addstr(&cs->main, "\r\n");
	for (size_t r = 0; r < f->n_repeats; r++) {
		strbuf_init(&cs->groups[r], 0);
		strbuf_addstr(&cs->groups[r], "interview_id,member");
		for (size_t k = 0; k < f->repeats[r].n_questions; k++) {
			const struct form_question *q = &f->questions[f->repeats[r].questions[k]];
			if (exported(q))
				strbuf_addf(&cs->groups[r], ",%s", q->id);
		}
		strbuf_addstr(&cs->groups[r], "\r\n");
	}
}

static void iso_time(int64_t t, char out[21])
{
	char day[11];
	int64_t s = t % 86400;

	if (s < 0)
		s += 86400;
	format_date((t - s) / 86400, day);
	snprintf(out, 21, "%sT%02d:%02d:%02dZ", day, (int)(s / 3600), (int)(s / 60 % 60),
		 (int)(s % 60));
}

static void csv_add(struct csv_set *cs, const struct store_interview *iv,
		    const struct form_state *fs)
{
	const struct form *f = cs->form;
	char created[21], updated[21];

	iso_time(iv->created, created);
	iso_time(iv->updated, updated);
	strbuf_addf(&cs->main, "%s,%lld,%s,", iv->id, (long long)iv->seq,
		    store_iv_status_name(iv->status));
	csv_field(&cs->main, iv->language ? iv->language : "", false);
	strbuf_addf(&cs->main, ",%s,%s", created, updated);
	for (size_t q = 0; q < f->n_questions; q++) {
		if (f->questions[q].repeat != FORM_NONE || !exported(&f->questions[q]))
			continue;
		strbuf_addch(&cs->main, ',');
		csv_value(&cs->main, form_state_value(fs, (struct form_ref){ q, 0 }));
	}
	strbuf_addstr(&cs->main, "\r\n");
	for (size_t r = 0; r < f->n_repeats; r++) {
		for (size_t m = 0; m < form_state_repeat_count(fs, r); m++) {
			strbuf_addf(&cs->groups[r], "%s,%zu", iv->id, m);
			for (size_t k = 0; k < f->repeats[r].n_questions; k++) {
				size_t q = f->repeats[r].questions[k];

				if (!exported(&f->questions[q]))
					continue;
				strbuf_addch(&cs->groups[r], ',');
				csv_value(&cs->groups[r], form_state_value(fs, (struct form_ref){ q, m }));
			}
			strbuf_addstr(&cs->groups[r], "\r\n");
		}
	}
	cs->rows++;
}

static status_t csv_finish(struct csv_set *cs, const char *dir, size_t *files)
{
	const struct form *f = cs->form;
	status_t st;
	char *path = xasprintf("%s/%s.csv", dir, f->id);

	st = file_write_new(path, cs->main.buf, cs->main.len);
	free(path);
	*files += st == ST_OK;
	for (size_t r = 0; st == ST_OK && r < f->n_repeats; r++) {
		path = xasprintf("%s/%s-%s.csv", dir, f->id, f->repeats[r].id);
		st = file_write_new(path, cs->groups[r].buf, cs->groups[r].len);
		*files += st == ST_OK;
		free(path);
	}
	return st;
}

static void csv_release(struct csv_set *cs)
{
	strbuf_release(&cs->main);
	for (size_t r = 0; cs->groups && r < cs->form->n_repeats; r++)
		strbuf_release(&cs->groups[r]);
	free(cs->groups);
	cs->groups = NULL;
}

/* One interview as JSON; "answers" round-trips through `form fill`. */
static status_t json_write(const char *dir, const struct store_interview *iv,
			   const struct form_state *fs)
{
	const struct form *f = form_state_form(fs);
	json_t *doc = json_object(), *meta = json_object(), *ans = json_object();
	json_t *calc = json_object();
	char created[21], updated[21], *text, *path;
	status_t st;

	iso_time(iv->created, created);
	iso_time(iv->updated, updated);
	json_object_set_new(meta, "id", json_string(iv->id));
	json_object_set_new(meta, "seq", json_integer(iv->seq));
	json_object_set_new(meta, "form", json_string(f->id));
	json_object_set_new(meta, "form_version", json_string(iv->form_version ? iv->form_version : ""));
	json_object_set_new(meta, "status", json_string(store_iv_status_name(iv->status)));
	json_object_set_new(meta, "language", json_string(iv->language ? iv->language : ""));
	json_object_set_new(meta, "created", json_string(created));
	json_object_set_new(meta, "updated", json_string(updated));
	for (size_t q = 0; q < f->n_questions; q++) {
		const struct form_question *fq = &f->questions[q];
		const struct form_value *v;

		if (fq->repeat != FORM_NONE || !exported(fq))
			continue;
		v = form_state_value(fs, (struct form_ref){ q, 0 });
		if (v->type == FORM_V_EMPTY)
			continue;
		json_object_set_new(fq->type == FORM_Q_CALCULATE ? calc : ans, fq->id, app_value_json(v));
	}
	for (size_t r = 0; r < f->n_repeats; r++) {
		json_t *arr = json_array();

		for (size_t m = 0; m < form_state_repeat_count(fs, r); m++) {
			json_t *mo = json_object();

			for (size_t k = 0; k < f->repeats[r].n_questions; k++) {
				size_t q = f->repeats[r].questions[k];
				const struct form_value *v = form_state_value(fs, (struct form_ref){ q, m });

				if (v->type == FORM_V_EMPTY || f->questions[q].type == FORM_Q_CALCULATE ||
				    !exported(&f->questions[q]))
					continue;
				json_object_set_new(mo, f->questions[q].id, app_value_json(v));
			}
			json_array_append_new(arr, mo);
		}
		json_object_set_new(ans, f->repeats[r].id, arr);
	}
	json_object_set_new(doc, "interview", meta);
	json_object_set_new(doc, "answers", ans);
	json_object_set_new(doc, "calculated", calc);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
	json_decref(doc);
	if (!text)
		return st_error(ST_IO, "senda: cannot encode interview %lld", (long long)iv->seq);
	path = xasprintf("%s/%s.json", dir, iv->id);
	st = file_write_new(path, text, strlen(text));
	free(path);
	free(text);
	return st;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct store_interview *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "form", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "include-sensitive", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *form_id = NULL, *dir = ".";
	struct store_interview_list list = STORE_INTERVIEW_LIST_INIT;
	struct csv_set *sets = NULL;
	size_t n_sets = 0, files = 0, done = 0;
	struct app_options ao;
	struct store *sto = NULL;
	struct app *app;
	status_t st;
	bool json;
	int c;
	char detail[96];

	optind = 1;
	opterr = 0;
	export_sensitive = false;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'S': export_sensitive = true; break;
		case 'f': format = optarg; break;
		case 'F': form_id = optarg; break;
		case 'o': dir = optarg; break;
		case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc || !format || (strcmp(format, "csv") && strcmp(format, "json")))
		return cli_usage_error("usage: senda export --format csv|json [--form ID] [--out DIR] "
				       "[--include-sensitive]");
	json = !strcmp(format, "json");
	if ((st = path_mkdir_p(dir, 0700)) != ST_OK)
		return cli_fail(st);
	if ((st = cli_store_open(cli, false, &sto)) != ST_OK)
		return cli_fail(st);
	memset(&ao, 0, sizeof(ao));
	ao.data_dir = cli->data_dir;
	ao.forms_dir = opt_str(cli->config, "forms", "dir");
	app = app_new(&ao);
	app_adopt_store(app, sto);
	store_set_actor("cli");

	st = store_interviews_list(sto, 0, &list);
	if (st == ST_OK && list.n)
		qsort(list.v, list.n, sizeof(*list.v), cmp_seq);
	for (size_t i = 0; st == ST_OK && i < list.n; i++) {
		const struct store_interview *iv = &list.v[i];
		struct app_session *s = NULL;
		size_t k;

		if (form_id && strcmp(iv->form_id, form_id))
			continue;
		if (app_session_resume(app, iv->id, &s) != ST_OK) {
			fprintf(stderr, "senda: warning: interview %lld skipped: %s\n",
				(long long)iv->seq, st_detail(ST_NOTFOUND));
			st_clear();
			continue;
		}
		if (json) {
			st = json_write(dir, iv, s->fs);
		} else {
			for (k = 0; k < n_sets && sets[k].form != s->form; k++)
				;
			if (k == n_sets) {
				sets = xrealloc(sets, (n_sets + 1) * sizeof(*sets));
				csv_start(&sets[n_sets++], s->form);
			}
			csv_add(&sets[k], iv, s->fs);
		}
		done++;
		files += json && st == ST_OK;
		app_session_free(s);
	}
	for (size_t k = 0; k < n_sets; k++) {
		if (st == ST_OK)
			st = csv_finish(&sets[k], dir, &files);
		csv_release(&sets[k]);
	}
	free(sets);
	store_interview_list_release(&list);
	if (st == ST_OK) {
		snprintf(detail, sizeof(detail), "%s, %zu interviews, %zu files%s", format, done,
			 files, export_sensitive ? ", sensitive included" : "");
		store_audit_add(sto, "export", "-", detail);
	}
	app_free(app);
	if (st != ST_OK)
		return cli_fail(st);
	fprintf(stderr, "senda: exported %zu interviews to %zu files in %s\n", done, files, dir);
	if (files)
		fprintf(stderr, "senda: warning: these files are NOT encrypted; keep them safe and delete them when done\n");
	if (files && !export_sensitive)
		fprintf(stderr, "senda: sensitive questions were left out; --include-sensitive adds them\n");
	return 0;
}
