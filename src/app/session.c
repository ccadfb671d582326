/*
 * session.c - one interview: the form engine's state joined to the store
 * (see session.h).  The rule that shapes this file: a change is first made
 * in the form state (so it is validated and recomputed), then committed to
 * the store in one transaction together with the resume position, and only
 * then does the screen move on.
 *
 * Paths in the store are the form engine's ("age", "members[0].age").  A
 * member with no answers yet is kept by a marker path "members[0]"; an
 * acknowledged warning by "<path>:ack" holding the answer acknowledged.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/session.h"
#include "app/review.h"
#include "app/value_json.h"
#include "form/form.h"
#include "store/data.h"
#include "util/log.h"
#include "util/util.h"

#define ACK_SUFFIX ":ack"

const char *app_label(const struct app_session *s, const struct form_text *t)
{
	return form_text(s->form, t, s->lang);
}

char *app_answer_text(const struct app_session *s, struct form_ref r)
{
	return form_value_format(form_state_answer(s->fs, r));
}

static bool editable(const struct app_session *s)
{
	return s->iv.status == STORE_IV_DRAFT || s->iv.status == STORE_IV_RETURNED;
}

/* ---- items ------------------------------------------------------------ */

static size_t item_order(const struct app_session *s, const struct app_item *it)
{
	if (it->kind == APP_ITEM_GROUP) {
		const struct form_repeat *rp = &s->form->repeats[it->repeat];
		return rp->n_questions ? rp->questions[0] : 0;
	}
	return it->ref.q;
}

static bool item_same(const struct app_item *a, const struct app_item *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == APP_ITEM_GROUP)
		return a->repeat == b->repeat;
	return a->ref.q == b->ref.q && a->ref.inst == b->ref.inst;
}

static void push_item(struct app_session *s, const struct app_item *it)
{
	ALLOC_GROW(s->items, s->n_items + 1, s->alloc_items);
	s->items[s->n_items++] = *it;
}

void app_session_refresh(struct app_session *s)
{
	const struct form *f = s->form;
	struct app_item old, it;

	memset(&old, 0, sizeof(old));
	bool had = s->cur < s->n_items;
	size_t q, i;

	if (had)
		old = s->items[s->cur];
	s->n_items = 0;
	if (s->scope_repeat == FORM_NONE) {
		for (q = 0; q < f->n_questions; q++) {
			const struct form_question *fq = &f->questions[q];
			if (fq->repeat != FORM_NONE) {
				if (fq->repeat_pos == 0) {
					memset(&it, 0, sizeof(it));
					it.kind = APP_ITEM_GROUP;
					it.repeat = fq->repeat;
					it.section = fq->section;
					push_item(s, &it);
				}
				continue;
			}
			if (fq->type == FORM_Q_CALCULATE)
				continue;
			memset(&it, 0, sizeof(it));
			it.kind = APP_ITEM_QUESTION;
			it.ref.q = q;
			it.ref.inst = 0;
			it.section = fq->section;
			if (form_state_relevant(s->fs, it.ref))
				push_item(s, &it);
		}
	} else {
		const struct form_repeat *rp = &f->repeats[s->scope_repeat];
		for (i = 0; i < rp->n_questions; i++) {
			const struct form_question *fq = &f->questions[rp->questions[i]];
			if (fq->type == FORM_Q_CALCULATE)
				continue;
			memset(&it, 0, sizeof(it));
			it.kind = APP_ITEM_QUESTION;
			it.ref.q = rp->questions[i];
			it.ref.inst = s->scope_inst;
			it.section = fq->section;
			if (form_state_relevant(s->fs, it.ref))
				push_item(s, &it);
		}
	}
	if (!had) {
		s->cur = 0;
		return;
	}
	/* Stay on the same item; if it vanished, on the next one in form order. */
	for (i = 0; i < s->n_items; i++) {
		if (item_same(&s->items[i], &old)) {
			s->cur = i;
			return;
		}
	}
	for (i = 0; i < s->n_items; i++)
		if (item_order(s, &s->items[i]) > item_order(s, &old))
			break;
	s->cur = i < s->n_items ? i : (s->n_items ? s->n_items - 1 : 0);
}

void app_session_scope(struct app_session *s, size_t repeat, size_t inst)
{
	s->scope_repeat = repeat;
	s->scope_inst = inst;
	if (repeat != FORM_NONE)
		s->last_member = inst;
	s->cur = (size_t)-1;
	app_session_refresh(s);
	s->cur = 0;
}

const struct app_item *app_session_current(const struct app_session *s)
{
	return s->cur < s->n_items ? &s->items[s->cur] : NULL;
}

bool app_session_move(struct app_session *s, int delta)
{
	long n = (long)s->cur + delta;

	if (n < 0 || n >= (long)s->n_items)
		return false;
	s->cur = (size_t)n;
	return true;
}

bool app_session_move_section(struct app_session *s, int delta)
{
	size_t i, sec;

	if (s->cur >= s->n_items)
		return false;
	sec = s->items[s->cur].section;
	if (delta > 0) {
		for (i = s->cur + 1; i < s->n_items; i++)
			if (s->items[i].section != sec) {
				s->cur = i;
				return true;
			}
		return false;
	}
	/* Back: to the first item of this section, or of the one before. */
	i = s->cur;
	while (i > 0 && s->items[i - 1].section == sec)
		i--;
	if (i != s->cur) {
		s->cur = i;
		return true;
	}
	if (i == 0)
		return false;
	sec = s->items[i - 1].section;
	i--;
	while (i > 0 && s->items[i - 1].section == sec)
		i--;
	s->cur = i;
	return true;
}

char *app_item_path(const struct app_session *s, const struct app_item *it)
{
	if (it->kind == APP_ITEM_GROUP)
		return xstrdup(s->form->repeats[it->repeat].id);
	return form_ref_path(s->form, it->ref);
}

bool app_session_goto(struct app_session *s, const char *path)
{
	struct form_ref r;
	size_t rp, i;

	if (!path || !*path)
		return false;
	rp = form_find_repeat(s->form, path);
	if (rp != FORM_NONE) {
		if (s->scope_repeat != FORM_NONE)
			app_session_scope(s, FORM_NONE, 0);
		for (i = 0; i < s->n_items; i++)
			if (s->items[i].kind == APP_ITEM_GROUP && s->items[i].repeat == rp) {
				s->cur = i;
				return true;
			}
		return false;
	}
	if (!form_state_resolve(s->fs, path, &r))
		return false;
	rp = s->form->questions[r.q].repeat;
	if (rp != FORM_NONE)
		app_session_scope(s, rp, r.inst);
	else if (s->scope_repeat != FORM_NONE)
		app_session_scope(s, FORM_NONE, 0);
	for (i = 0; i < s->n_items; i++)
		if (s->items[i].kind == APP_ITEM_QUESTION && s->items[i].ref.q == r.q &&
		    s->items[i].ref.inst == r.inst) {
			s->cur = i;
			return true;
		}
	return false;
}

/* ---- saving ----------------------------------------------------------- */

static char *current_path(struct app_session *s)
{
	const struct app_item *it = app_session_current(s);
	return it ? app_item_path(s, it) : NULL;
}


static void progress_counts(struct app_session *s, int *done, int *total)
{
	struct form_progress p;

	form_state_progress(s->fs, &p);
	*done = (int)p.answered;
	*total = (int)p.visible;
}

/* Commit one path (value NULL clears) with the resume position. */
static status_t save_path(struct app_session *s, const char *path, const char *value,
			  const char *resume_at)
{
	status_t st;

	if (!s->app->store)
		return st_error(ST_STATE, "the store is locked");
	if (editable(s))
		st = store_answer_save(s->app->store, s->iv.id, path, value, resume_at);
	else
		st = store_answer_amend(s->app->store, s->iv.id, path, value);
	s->saved = st == ST_OK;
	if (st != ST_OK)
		log_error("interview %lld: saving an answer failed: %s",
			  (long long)s->iv.seq, status_name(st));
	return st;
}

status_t app_session_save_position(struct app_session *s)
{
	char *pos = current_path(s);
	int done, total;
	status_t st;

	if (!s->app->store || !pos) {
		free(pos);
		return ST_OK;
	}
	progress_counts(s, &done, &total);
	st = store_interview_set_position(s->app->store, s->iv.id, pos, done, total);
	free(s->iv.position);
	s->iv.position = pos;
	return st;
}

/*
 * Where to resume after answering r: the next item when the answer is
 * complete (the console moves on), else r itself (it stays to show the
 * error or the warning to acknowledge).
 */
static char *resume_path(struct app_session *s, struct form_ref r)
{
	const struct app_item *it = app_session_current(s);
	enum form_error e = form_state_error(s->fs, r);
	bool stay = e == FORM_ERR_CONSTRAINT || e == FORM_ERR_CHOICE ||
		    (form_state_warning(s->fs, r) && !form_state_warning_acked(s->fs, r));

	if (!stay && it && it->kind == APP_ITEM_QUESTION && it->ref.q == r.q &&
	    it->ref.inst == r.inst && s->cur + 1 < s->n_items)
		return app_item_path(s, &s->items[s->cur + 1]);
	return current_path(s);
}

/*
 * The case list shows who an interview is about: the answers to questions
 * named given_name and family_name (the convention of the shipped forms),
 * kept in the interview row, which the store encrypts like everything else.
 */
static void update_respondent(struct app_session *s, size_t q)
{
	static const char *const parts[] = { "given_name", "family_name" };
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (strcmp(s->form->questions[q].id, parts[0]) &&
	    strcmp(s->form->questions[q].id, parts[1]))
		return;
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		size_t pq = form_find_question(s->form, parts[i]);
		char *t;
		struct form_ref r;
		if (pq == FORM_NONE)
			continue;
		r.q = pq;
		r.inst = 0;
		t = app_answer_text(s, r);
		if (*t) {
			if (sb.len)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb, t);
		}
		free(t);
	}
	if (store_interview_set_respondent(s->app->store, s->iv.id,
					   sb.len ? sb.buf : NULL) == ST_OK) {
		free(s->iv.respondent);
		s->iv.respondent = sb.len ? xstrdup(sb.buf) : NULL;
	}
	strbuf_release(&sb);
}

/*
 * After a change: refresh items (skip logic may hide or show questions) and
 * commit path=value, the resume position and the progress counts in one
 * transaction.  A stale "<path>:ack" may stay: it holds the answer it
 * acknowledged, so it no longer matches and is ignored on resume.
 */
static status_t commit_answer(struct app_session *s, struct form_ref r)
{
	char *path = form_ref_path(s->form, r);
	char *text = app_answer_text(s, r);
	char *pos;
	status_t st;
	struct store *db = s->app->store;
	int done, total;

	app_session_refresh(s);
	pos = resume_path(s, r);
	if (!db) {
		st = st_error(ST_STATE, "the store is locked");
	} else {
		st = store_begin(db);
		if (st == ST_OK)
			st = save_path(s, path, *text ? text : NULL, pos);
		if (st == ST_OK && editable(s)) {
			progress_counts(s, &done, &total);
			st = store_interview_set_position(db, s->iv.id, pos, done, total);
		}
		if (st == ST_OK)
			st = store_commit(db);
		else
			store_rollback(db);
	}
	s->saved = st == ST_OK;
	if (st == ST_OK && s->form->questions[r.q].repeat == FORM_NONE)
		update_respondent(s, r.q);
	free(s->iv.position);
	s->iv.position = pos;
	memset(text, 0, strlen(text));
	free(text);
	free(path);
	return st;
}

status_t app_session_answer(struct app_session *s, struct form_ref r, const char *text)
{
	status_t st = form_state_set_text(s->fs, r, text);

	if (st != ST_OK)
		return st;
	return commit_answer(s, r);
}

status_t app_session_set(struct app_session *s, struct form_ref r, const struct form_value *v)
{
	status_t st = form_state_set(s->fs, r, v);

	if (st != ST_OK)
		return st;
	return commit_answer(s, r);
}

status_t app_session_clear(struct app_session *s, struct form_ref r)
{
	struct form_value v = FORM_VALUE_INIT;

	return app_session_set(s, r, &v);
}

status_t app_session_ack_warning(struct app_session *s, struct form_ref r)
{
	char *path = form_ref_path(s->form, r);
	char *ack = xasprintf("%s%s", path, ACK_SUFFIX);
	char *text = app_answer_text(s, r);
	status_t st;

	form_state_ack_warning(s->fs, r);
	st = save_path(s, ack, text, NULL);
	memset(text, 0, strlen(text));
	free(text);
	free(ack);
	free(path);
	return st;
}

static char *marker_path(const struct app_session *s, size_t repeat, size_t i)
{
	return xasprintf("%s[%zu]", s->form->repeats[repeat].id, i);
}

status_t app_session_member_add(struct app_session *s, size_t repeat, size_t *index_out)
{
	size_t idx;
	status_t st = form_state_repeat_add(s->fs, repeat, &idx);
	char *m;

	if (st != ST_OK)
		return st;
	m = marker_path(s, repeat, idx);
	st = save_path(s, m, "1", NULL);
	free(m);
	if (index_out)
		*index_out = idx;
	app_session_refresh(s);
	return st;
}

/* Every stored answer of a repeat's members, as the state now has them. */
static void member_answers(struct app_session *s, size_t repeat, struct store_answer_list *set)
{
	const struct form_repeat *rp = &s->form->repeats[repeat];
	size_t n = form_state_repeat_count(s->fs, repeat), i, j;
	int64_t now = util_now();

	for (i = 0; i < n; i++) {
		char *m = marker_path(s, repeat, i);
		store_answer_list_add(set, m, "1", now);
		free(m);
		for (j = 0; j < rp->n_questions; j++) {
			struct form_ref r = { rp->questions[j], i };
			char *text, *path;
			if (s->form->questions[r.q].type == FORM_Q_CALCULATE)
				continue;
			text = app_answer_text(s, r);
			if (*text) {
				path = form_ref_path(s->form, r);
				store_answer_list_add(set, path, text, now);
				if (form_state_warning_acked(s->fs, r)) {
					char *ack = xasprintf("%s%s", path, ACK_SUFFIX);
					store_answer_list_add(set, ack, text, now);
					free(ack);
				}
				free(path);
			}
			memset(text, 0, strlen(text));
			free(text);
		}
	}
}

status_t app_session_member_remove(struct app_session *s, size_t repeat, size_t index)
{
	struct store_answer_list set = STORE_ANSWER_LIST_INIT;
	char *prefix;
	status_t st = form_state_repeat_remove(s->fs, repeat, index);

	if (st != ST_OK)
		return st;
	if (!s->app->store)
		return st_error(ST_STATE, "the store is locked");
	member_answers(s, repeat, &set);
	prefix = xasprintf("%s[", s->form->repeats[repeat].id);
	st = store_answers_replace(s->app->store, s->iv.id, prefix, &set);
	s->saved = st == ST_OK;
	free(prefix);
	store_answer_list_release(&set);
	app_session_refresh(s);
	return st;
}

status_t app_session_set_language(struct app_session *s, size_t lang)
{
	status_t st = ST_OK;

	if (lang >= s->form->n_languages)
		return st_error(ST_INVALID, "no such language");
	s->lang = lang;
	if (s->app->store) {
		st = store_interview_set_language(s->app->store, s->iv.id,
						  s->form->languages[lang]);
		if (st == ST_OK) {
			free(s->iv.language);
			s->iv.language = xstrdup(s->form->languages[lang]);
		}
	}
	return st;
}

/* ---- open ------------------------------------------------------------- */

static struct app_session *session_alloc(struct app *app, const struct form *f)
{
	struct app_session *s = xcalloc(1, sizeof(*s));

	s->app = app;
	s->form = f;
	s->fs = form_state_new(f, util_today());
	s->scope_repeat = FORM_NONE;
	s->saved = true;
	store_interview_init(&s->iv);
	return s;
}

status_t app_session_new(struct app *app, const char *form_id, const char *lang,
			 const char *respondent, struct app_session **out)
{
	const struct form *f = app_form_by_id(app, form_id);
	struct app_session *s;
	status_t st;
	size_t li;

	*out = NULL;
	if (!f)
		return st_error(ST_NOTFOUND, "form '%s' not found", form_id);
	if (!app->store)
		return st_error(ST_STATE, "the store is locked");
	li = lang ? form_find_language(f, lang) : f->default_language;
	if (li == FORM_NONE)
		return st_error(ST_INVALID, "form '%s' has no language '%s'", form_id, lang);
	s = session_alloc(app, f);
	s->lang = li;
	s->iv.form_id = xstrdup(f->id);
	s->iv.form_version = xstrdup(f->version ? f->version : "");
	s->iv.language = xstrdup(f->languages[li]);
	s->iv.respondent = respondent ? xstrdup(respondent) : NULL;
	st = store_interview_create(app->store, &s->iv);
	if (st != ST_OK) {
		app_session_free(s);
		return st;
	}
	app_session_refresh(s);
	app_session_save_position(s);
	log_info("interview %lld started (form %s)", (long long)s->iv.seq, f->id);
	*out = s;
	return ST_OK;
}

/* "members[3]..." -> repeat index and member index; false otherwise. */
static bool path_member(const struct form *f, const char *path, size_t *repeat, size_t *inst)
{
	const char *br = strchr(path, '[');
	char *id, *end;
	unsigned long n;

	if (!br)
		return false;
	id = xstrndup(path, (size_t)(br - path));
	*repeat = form_find_repeat(f, id);
	free(id);
	if (*repeat == FORM_NONE)
		return false;
	n = strtoul(br + 1, &end, 10);
	if (*end != ']' || end == br + 1 || n > 100000)
		return false;
	*inst = n;
	return true;
}

/* Replay stored answers into the form state; returns how many were refused. */
static size_t load_answers(struct app_session *s, const struct store_answer_list *al)
{
	size_t i, bad = 0, rp, inst;

	/* Members first, so that every member path resolves. */
	for (i = 0; i < al->n; i++) {
		if (!path_member(s->form, al->v[i].path, &rp, &inst))
			continue;
		while (form_state_repeat_count(s->fs, rp) <= inst)
			if (form_state_repeat_add(s->fs, rp, NULL) != ST_OK)
				break;
	}
	for (i = 0; i < al->n; i++) {
		struct form_ref r;
		const char *p = al->v[i].path;
		if (str_ends_with(p, ACK_SUFFIX) || (strchr(p, '[') && !strchr(p, '.')))
			continue;
		if (!form_state_resolve(s->fs, p, &r) ||
		    form_state_set_text(s->fs, r, al->v[i].value) != ST_OK)
			bad++;
	}
	for (i = 0; i < al->n; i++) {
		struct form_ref r;
		char *base;
		const char *p = al->v[i].path;
		if (!str_ends_with(p, ACK_SUFFIX))
			continue;
		base = xstrndup(p, strlen(p) - strlen(ACK_SUFFIX));
		if (form_state_resolve(s->fs, base, &r)) {
			char *text = app_answer_text(s, r);
			if (!strcmp(text, al->v[i].value))
				form_state_ack_warning(s->fs, r);
			free(text);
		}
		free(base);
	}
	return bad;
}

status_t app_session_resume(struct app *app, const char *id, struct app_session **out)
{
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_answer_list al = STORE_ANSWER_LIST_INIT;
	const struct form *f;
	struct app_session *s;
	status_t st;
	size_t bad;

	*out = NULL;
	if (!app->store)
		return st_error(ST_STATE, "the store is locked");
	st = store_interview_get(app->store, id, &iv);
	if (st != ST_OK)
		return st;
	f = app_form_by_id(app, iv.form_id);
	if (!f) {
		st = st_error(ST_NOTFOUND, "form '%s' of this interview is not installed",
			      iv.form_id);
		store_interview_release(&iv);
		return st;
	}
	s = session_alloc(app, f);
	store_interview_release(&s->iv);
	s->iv = iv;
	s->lang = form_find_language(f, iv.language);
	if (s->lang == FORM_NONE)
		s->lang = f->default_language;
	st = store_answers_load(app->store, id, &al);
	if (st != ST_OK) {
		store_answer_list_release(&al);
		app_session_free(s);
		return st;
	}
	bad = load_answers(s, &al);
	if (bad)
		log_warn("interview %lld: %zu stored answers no longer fit the form",
			 (long long)s->iv.seq, bad);
	store_answer_list_release(&al);
	s->amending = !editable(s);
	app_session_refresh(s);
	if (s->iv.position)
		app_session_goto(s, s->iv.position);
	*out = s;
	return ST_OK;
}

void app_session_free(struct app_session *s)
{
	if (!s)
		return;
	form_state_free(s->fs);
	store_interview_release(&s->iv);
	free(s->items);
	free(s);
}

/* ---- review and finish -------------------------------------------------- */

void app_issue_list_release(struct app_issue_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].label);
		free(l->v[i].message);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void add_issue(struct app_issue_list *l, enum app_issue_kind k, char *path,
		      const char *label, const char *msg)
{
	struct app_issue *is;

	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	is = &l->v[l->n++];
	is->kind = k;
	is->path = path;
	is->label = xstrdup(label ? label : "");
	is->message = xstrdup(msg ? msg : "");
}

void app_session_issues(struct app_session *s, struct app_issue_list *out)
{
	const struct form *f = s->form;
	size_t q, i, r;

	for (q = 0; q < f->n_questions; q++) {
		const struct form_question *fq = &f->questions[q];
		size_t n = form_state_instances(s->fs, q);
		for (i = 0; i < n; i++) {
			struct form_ref ref = { q, i };
			enum form_error e = form_state_error(s->fs, ref);
			const char *label = app_label(s, &fq->label);
			if (e == FORM_ERR_REQUIRED)
				add_issue(out, APP_ISSUE_REQUIRED, form_ref_path(f, ref), label,
					  form_state_error_message(s->fs, ref, s->lang));
			else if (e != FORM_ERR_NONE)
				add_issue(out, APP_ISSUE_ERROR, form_ref_path(f, ref), label,
					  form_state_error_message(s->fs, ref, s->lang));
			else if (form_state_warning(s->fs, ref) &&
				 !form_state_warning_acked(s->fs, ref))
				add_issue(out, APP_ISSUE_WARNING, form_ref_path(f, ref), label,
					  form_state_warning_message(s->fs, ref, s->lang));
		}
	}
	for (r = 0; r < f->n_repeats; r++) {
		if (form_state_repeat_count_error(s->fs, r))
			add_issue(out, APP_ISSUE_MEMBERS, xstrdup(f->repeats[r].id),
				  app_label(s, &f->repeats[r].label), NULL);
	}
}

bool app_session_can_finish(struct app_session *s)
{
	struct app_issue_list l = { NULL, 0, 0 };
	bool ok;

	app_session_issues(s, &l);
	ok = l.n == 0;
	app_issue_list_release(&l);
	return ok;
}

size_t app_session_referrals(struct app_session *s, const struct form_referral **out)
{
	return form_state_referrals(s->fs, out);
}

static char *dump_canonical(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	char *r = xstrdup(s ? s : "{}");
	free(s);
	json_decref(j);
	return r;
}

/* Urgency names from low to urgent, as forms write them. */
static int urgency_rank(const char *u)
{
	static const char *const names[] = { "low", "normal", "high", "urgent" };
	size_t i;

	for (i = 0; u && i < ARRAY_SIZE(names); i++)
		if (!strcmp(u, names[i]))
			return (int)i;
	return -1;
}

/*
 * What the supervisor's queue sorts and filters by, and nothing else: the
 * highest urgency among the referrals the rules produce and the
 * caseworker's own judgement (question caseworker_urgency, when the form
 * has one), and the protection flags of those rules (`flag =`), sorted.
 * No answer leaves through it.
 */
static json_t *review_meta(struct app_session *s)
{
	const struct form_referral *refs;
	json_t *m = json_object(), *flags = json_array();
	const char *urg = "normal";
	size_t n, i, k, q;

	n = app_session_referrals(s, &refs);
	for (i = 0; i < n; i++) {
		const char *u = form_urgency_name(refs[i].urgency);
		const char *flag = refs[i].rule->flag;
		if (urgency_rank(u) > urgency_rank(urg))
			urg = u;
		for (k = 0; flag && k < json_array_size(flags); k++)
			if (!strcmp(json_string_value(json_array_get(flags, k)), flag))
				break;
		if (flag && k == json_array_size(flags)) {
			/* Insert in order, so the payload is the same for the same flags. */
			for (k = 0; k < json_array_size(flags) &&
			     strcmp(json_string_value(json_array_get(flags, k)), flag) < 0; k++)
				;
			json_array_insert_new(flags, k, json_string(flag));
		}
	}
	q = form_find_question(s->form, "caseworker_urgency");
	if (q != FORM_NONE) {
		struct form_ref r = { q, 0 };
		const struct form_value *v = form_state_value(s->fs, r);
		if (v->type == FORM_V_TEXT && urgency_rank(v->u.s) > urgency_rank(urg))
			urg = v->u.s;
	}
	json_object_set_new(m, "urgency", json_string(urg));
	json_object_set_new(m, "flags", flags);
	return m;
}

char *app_session_payload(struct app_session *s, const char *state)
{
	json_t *p = json_object(), *ans = json_object();
	size_t q, i;

	json_object_set_new(p, "form", json_string(s->form->id));
	json_object_set_new(p, "form_version", json_string(s->iv.form_version ? s->iv.form_version : ""));
	json_object_set_new(p, "state", json_string(state));
	json_object_set_new(p, "language", json_string(s->form->languages[s->lang]));
	for (q = 0; q < s->form->n_questions; q++) {
		size_t n = form_state_instances(s->fs, q);
		for (i = 0; i < n; i++) {
			struct form_ref r = { q, i };
			const struct form_value *v = form_state_value(s->fs, r);
			char *path;
			if (v->type == FORM_V_EMPTY)
				continue;
			path = form_ref_path(s->form, r);
			json_object_set_new(ans, path, app_value_json(v));
			free(path);
		}
	}
	json_object_set_new(p, "answers", ans);
	json_object_set_new(p, "meta", review_meta(s));
	return dump_canonical(p);
}

/* Exactly the fields a rule shares, with their values. */
static json_t *shared_fields(struct app_session *s, const struct form_rule *rule,
			     json_t **paths)
{
	json_t *fields = json_object();
	size_t i, m, k;

	*paths = json_array();
	for (i = 0; i < rule->n_share; i++) {
		const struct form_share *sh = &rule->share[i];
		if (sh->question != FORM_NONE) {
			struct form_ref r = { sh->question, 0 };
			json_object_set_new(fields, sh->id, app_value_json(form_state_value(s->fs, r)));
			json_array_append_new(*paths, json_string(sh->id));
		} else if (sh->repeat != FORM_NONE) {
			const struct form_repeat *rp = &s->form->repeats[sh->repeat];
			json_t *arr = json_array();
			size_t n = form_state_repeat_count(s->fs, sh->repeat);
			for (m = 0; m < n; m++) {
				json_t *o = json_object();
				for (k = 0; k < rp->n_questions; k++) {
					struct form_ref r = { rp->questions[k], m };
					const struct form_value *v = form_state_value(s->fs, r);
					if (v->type != FORM_V_EMPTY)
						json_object_set_new(o, s->form->questions[r.q].id,
								    app_value_json(v));
				}
				json_array_append_new(arr, o);
			}
			json_object_set_new(fields, sh->id, arr);
			json_array_append_new(*paths, json_string(sh->id));
		}
	}
	return fields;
}

static struct store_referral *referral_of_rule(struct store_referral_list *l, const char *rule)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].rule_id && !strcmp(l->v[i].rule_id, rule))
			return &l->v[i];
	return NULL;
}

/* What the server gets for one referral: only its rule's share fields. */
static char *referral_wire(struct app_session *s, const struct form_rule *rule,
			   const char *id, const char *partner, const char *urgency)
{
	json_t *paths, *p = json_object();

	json_object_set_new(p, "service", json_string(rule->service));
	json_object_set_new(p, "partner", json_string(partner));
	json_object_set_new(p, "rule", json_string(rule->id));
	json_object_set_new(p, "urgency", json_string(urgency));
	json_object_set_new(p, "referral", json_string(id));
	json_object_set_new(p, "fields", shared_fields(s, rule, &paths));
	json_decref(paths);
	return dump_canonical(p);
}

/*
 * Make the referrals the rules produce now, in the caller's transaction.
 * They stay pending on the device, and a consented one's wire payload is
 * held until the interview is approved (app_review_queue_approved): no
 * referral leaves before a supervisor approved.  On a later finish
 * (resubmission, amendment) referrals follow the latest answers: one still
 * pending is refreshed, or revoked when its consent became no or its rule
 * no longer applies; one that already left is never made twice.
 */
static status_t make_referrals(struct app_session *s, struct store *db)
{
	struct store_referral_list done = STORE_REFERRAL_LIST_INIT;
	const struct form_referral *refs;
	bool *seen = NULL;
	size_t n, i;
	status_t st;

	st = store_referrals_clear_pending(db, s->iv.id);
	if (st == ST_OK)
		st = store_referrals_load(db, s->iv.id, &done);
	if (done.n)
		seen = xcalloc(done.n, sizeof(*seen));
	n = app_session_referrals(s, &refs);
	for (i = 0; st == ST_OK && i < n; i++) {
		const struct form_rule *rule = refs[i].rule;
		struct store_referral *old = referral_of_rule(&done, rule->id);
		const char *urgency = form_urgency_name(refs[i].urgency);
		const char *partner = rule->partner ? rule->partner : "";
		struct store_referral r;
		char *pl, *paths_s;
		json_t *paths;

		if (old) {
			seen[old - done.v] = true;
			if (old->state != STORE_REF_PENDING)
				continue;	/* left already, or revoked: never twice */
			if (!refs[i].sendable) {
				st = app_review_revoke_tx(db, old);
				continue;
			}
			pl = referral_wire(s, rule, old->id, partner, urgency);
			st = app_review_referral_hold(db, old->id, pl);
			free(pl);
			continue;
		}
		memset(&r, 0, sizeof(r));
		json_decref(shared_fields(s, rule, &paths));
		paths_s = json_dumps(paths, JSON_COMPACT);
		json_decref(paths);
		r.interview_id = s->iv.id;
		r.rule_id = rule->id;
		r.service = rule->service;
		r.partner = (char *)partner;
		r.urgency = (char *)urgency;
		r.reason = (char *)app_label(s, &rule->reason);
		r.consent_ok = refs[i].sendable;
		r.shared_fields = paths_s;
		r.state = STORE_REF_PENDING;
		st = store_referral_add(db, &r);
		/* A referral without consent never leaves the device. */
		if (st == ST_OK && refs[i].sendable) {
			pl = referral_wire(s, rule, r.id, partner, urgency);
			st = app_review_referral_hold(db, r.id, pl);
			free(pl);
		}
		free(paths_s);
	}
	/* A pending referral whose rule no longer applies is not sent. */
	for (i = 0; st == ST_OK && i < done.n; i++)
		if (!seen[i] && done.v[i].state == STORE_REF_PENDING)
			st = app_review_revoke_tx(db, &done.v[i]);
	free(seen);
	store_referral_list_release(&done);
	return st;
}

status_t app_session_finish(struct app_session *s)
{
	struct store *db = s->app->store;
	size_t n;
	enum store_iv_status to;
	status_t st;
	char *payload;
	const struct form_referral *refs;

	if (!db)
		return st_error(ST_STATE, "the store is locked");
	if (!app_session_can_finish(s))
		return st_error(ST_STATE, "the interview has unresolved questions");
	if (s->iv.status == STORE_IV_DRAFT)
		to = STORE_IV_COMPLETED;
	else if (s->iv.status == STORE_IV_RETURNED)
		to = STORE_IV_RESUBMITTED;
	else
		to = s->iv.status;	/* an amendment: the status stays */
	st = store_begin(db);
	if (st != ST_OK)
		return st;
	if (to != s->iv.status)
		st = store_interview_set_status(db, s->iv.id, to);
	if (st == ST_OK)
		st = make_referrals(s, db);
	if (st == ST_OK) {
		/*
		 * Only a first finish creates the interview on the server; a
		 * resubmitted (returned) or edited one is an amendment of it.
		 */
		const char *kind = s->iv.status == STORE_IV_DRAFT ? "interview" : "amendment";
		payload = app_session_payload(s, store_iv_status_name(to == s->iv.status ?
								    STORE_IV_COMPLETED : to));
		st = store_outbox_add(db, kind, s->iv.id, payload, NULL);
		free(payload);
	}
	if (st != ST_OK) {
		store_rollback(db);
		return st;
	}
	st = store_commit(db);
	if (st == ST_OK) {
		n = app_session_referrals(s, &refs);
		s->iv.status = to;
		s->amending = false;
		log_info("interview %lld finished, %zu referrals", (long long)s->iv.seq, n);
	}
	return st;
}

char *app_session_summary(struct app_session *s)
{
	struct strbuf sb = STRBUF_INIT;
	const struct form_referral *refs;
	size_t n, i;
	char today[11];

	format_date(util_today(), today);
	strbuf_addf(&sb, "%s\n", form_text(s->form, &s->form->title, s->lang));
	strbuf_addf(&sb, "%s  #%lld\n\n", today, (long long)s->iv.seq);
	n = app_session_referrals(s, &refs);
	for (i = 0; i < n; i++) {
		const struct form_rule *rule = refs[i].rule;
		strbuf_addf(&sb, "%zu. %s", i + 1, rule->service);
		if (rule->partner && *rule->partner)
			strbuf_addf(&sb, " (%s)", rule->partner);
		strbuf_addf(&sb, "\n   %s\n", app_label(s, &rule->reason));
	}
	if (n == 0)
		strbuf_addstr(&sb, "-\n");
	return strbuf_detach(&sb, NULL);
}
