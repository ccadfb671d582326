/*
 * view_interview.c - the question page: one question in focus with its
 * label, hint and the answer widget for its type, errors and warnings
 * beside it the moment an answer is accepted, and the other questions of
 * the section below it with their answers.
 *
 * Widgets: a UTF-8 line editor for text, numbers and dates; a choice list
 * for select-one (arrows or number keys, type to filter) and
 * select-multiple (Space toggles); yes/no.  Enter accepts: the answer is
 * committed to the store (app_session_*) before the page moves on.
 *
 * The same view runs a member of a repeat group: the repeat list opens it
 * with the session of the view below (borrowed) scoped to that member.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/session.h"
#include "form/form.h"
#include "ui/lineedit.h"
#include "ui/ui.h"
#include "util/log.h"
#include "util/util.h"

struct iv_view {
	struct app_session *s;
	bool borrowed;
	const struct app_item *shown;	/* item the widget was loaded for */
	struct app_item shown_copy;
	struct ui_line edit;		/* text widgets, and the choice filter */
	int sel;			/* choice widgets: highlighted row */
	bool *marked;			/* select_multiple: toggles per choice */
	size_t n_marked;
	bool yes;			/* yes_no highlighted value */
	bool yes_set;
	char *error;			/* shown beside the question */
	bool warn_pending;		/* Enter again acknowledges */
};

/* ---- helpers ---------------------------------------------------------- */

static const struct form_question *cur_q(struct iv_view *iv)
{
	const struct app_item *it = app_session_current(iv->s);

	if (!it || it->kind != APP_ITEM_QUESTION)
		return NULL;
	return &iv->s->form->questions[it->ref.q];
}

static const struct form_choice_list *cur_choices(struct iv_view *iv)
{
	const struct form_question *q = cur_q(iv);

	if (!q || q->choices == FORM_NONE)
		return NULL;
	return &iv->s->form->choice_lists[q->choices];
}

static void set_error(struct iv_view *iv, const char *msg)
{
	free(iv->error);
	iv->error = msg ? xstrdup(msg) : NULL;
}

/* Choices shown now: visible by choice_filter and matching the typed filter. */
static size_t visible_choices(struct iv_view *iv, size_t *out, size_t max)
{
	const struct form_choice_list *cl = cur_choices(iv);
	const struct app_item *it = app_session_current(iv->s);
	const char *filter = ui_line_text(&iv->edit);
	size_t i, n = 0;

	if (!cl)
		return 0;
	for (i = 0; i < cl->n && n < max; i++) {
		if (!form_state_choice_visible(iv->s->fs, it->ref, i))
			continue;
		if (*filter && !strcasestr(app_label(iv->s, &cl->v[i].label), filter) &&
		    !strcasestr(cl->v[i].value, filter))
			continue;
		out[n++] = i;
	}
	return n;
}

/* Load the widget from the stored answer when the focus moves. */
static void load_widget(struct iv_view *iv)
{
	const struct app_item *it = app_session_current(iv->s);
	const struct form_question *q = cur_q(iv);
	const struct form_value *v;

	iv->shown = it;
	if (it)
		iv->shown_copy = *it;
	ui_line_clear(&iv->edit);
	iv->sel = 0;
	free(iv->marked);
	iv->marked = NULL;
	iv->n_marked = 0;
	iv->warn_pending = false;
	set_error(iv, NULL);
	if (!q)
		return;
	v = form_state_answer(iv->s->fs, it->ref);
	switch (q->type) {
	case FORM_Q_YES_NO:
		iv->yes_set = v->type == FORM_V_BOOL;
		iv->yes = v->type == FORM_V_BOOL ? v->u.b : true;
		break;
	case FORM_Q_SELECT_ONE: {
		const struct form_choice_list *cl = cur_choices(iv);
		size_t vis[512], n = visible_choices(iv, vis, 512), i;
		for (i = 0; cl && v->type == FORM_V_TEXT && i < n; i++)
			if (!strcmp(cl->v[vis[i]].value, v->u.s))
				iv->sel = (int)i;
		break;
	}
	case FORM_Q_SELECT_MULTIPLE: {
		const struct form_choice_list *cl = cur_choices(iv);
		size_t i, j;
		if (!cl)
			break;
		iv->marked = xcalloc(cl->n + 1, sizeof(bool));
		iv->n_marked = cl->n;
		for (i = 0; v->type == FORM_V_MULTI && i < v->u.multi.n; i++)
			for (j = 0; j < cl->n; j++)
				if (!strcmp(cl->v[j].value, v->u.multi.v[i]))
					iv->marked[j] = true;
		break;
	}
	case FORM_Q_NOTE:
		break;
	default: {
		char *t = app_answer_text(iv->s, it->ref);
		ui_line_set(&iv->edit, t);
		memset(t, 0, strlen(t));
		free(t);
		break;
	}
	}
	/* An answer already in error says so when the page comes back to it. */
	if (form_state_error(iv->s->fs, it->ref) == FORM_ERR_CONSTRAINT ||
	    form_state_error(iv->s->fs, it->ref) == FORM_ERR_CHOICE)
		set_error(iv, form_state_error_message(iv->s->fs, it->ref, iv->s->lang));
}

static bool focus_changed(struct iv_view *iv)
{
	const struct app_item *it = app_session_current(iv->s);

	if (!it || !iv->shown)
		return it != iv->shown;
	return it->kind != iv->shown_copy.kind || it->ref.q != iv->shown_copy.ref.q ||
	       it->ref.inst != iv->shown_copy.ref.inst || it->repeat != iv->shown_copy.repeat;
}

static void sync_widget(struct iv_view *iv)
{
	if (focus_changed(iv))
		load_widget(iv);
}

/* ---- open/close --------------------------------------------------------- */

static bool iv_open(struct ui *ui, struct view *v, void *argp)
{
	struct view_interview_arg *arg = argp;
	struct iv_view *iv = xcalloc(1, sizeof(*iv));
	status_t st;

	ui_line_init(&iv->edit);
	iv->edit.max_bytes = 4000;
	if (arg->session) {
		iv->s = arg->session;
		iv->borrowed = arg->borrowed;
		if (arg->borrowed)
			app_session_scope(iv->s, arg->repeat, arg->inst);
	} else {
		st = app_session_resume(ui->app, arg->id, &iv->s);
		if (st != ST_OK) {
			ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
			ui_line_release(&iv->edit);
			free(iv);
			return false;
		}
		if (iv->s->amending)
			ui_message(ui, UI_A_WARN, "%s", M(AMENDING));
		else if (iv->s->iv.position && iv->s->cur > 0)
			ui_message(ui, 0, M(RESUME_AT), iv->s->iv.position);
	}
	if (!iv->borrowed)
		memcpy(ui->resume_id, iv->s->iv.id, sizeof(ui->resume_id));
	v->priv = iv;
	if (!iv->borrowed && iv->s->scope_repeat != FORM_NONE) {
		load_widget(iv);
		ui_interview_show_member(ui, iv->s);
		return true;
	}
	load_widget(iv);
	return true;
}

/*
 * The session was moved inside a member (a resume, a review jump) while
 * the view on top runs the whole form: put that view at the group, with
 * the member list and the member above it, so that Esc walks back out the
 * way it would have been entered.
 */
void ui_interview_show_member(struct ui *ui, struct app_session *s)
{
	size_t rp = s->scope_repeat, inst = s->scope_inst;
	struct view_interview_arg marg = { NULL, s, true, rp, inst };
	struct view *top = ui_top(ui);
	char *pos;

	if (rp == FORM_NONE)
		return;
	pos = xstrdup(s->iv.position ? s->iv.position : "");
	{
		struct form_ref r;
		/* Prefer the question the session is on over the saved position. */
		const struct app_item *it = app_session_current(s);
		if (it && it->kind == APP_ITEM_QUESTION) {
			r = it->ref;
			free(pos);
			pos = form_ref_path(s->form, r);
		}
	}
	app_session_scope(s, FORM_NONE, 0);
	app_session_goto(s, s->form->repeats[rp].id);
	s->last_member = inst;
	if (top && top->ops == &view_interview_ops)
		load_widget(top->priv);
	if (ui_push(ui, &view_repeat_ops, s) && ui_push(ui, &view_interview_ops, &marg))
		app_session_goto(s, pos);
	free(pos);
}

/* Text typed but not accepted when the view goes (idle lock): keep it if valid. */
static void keep_typed(struct iv_view *iv)
{
	const struct app_item *it = app_session_current(iv->s);
	const struct form_question *q = cur_q(iv);
	char *saved;

	if (!it || !q || !iv->s->app->store || q->type == FORM_Q_NOTE ||
	    q->type == FORM_Q_YES_NO || q->type == FORM_Q_SELECT_ONE ||
	    q->type == FORM_Q_SELECT_MULTIPLE || iv->edit.text.len == 0)
		return;
	saved = app_answer_text(iv->s, it->ref);
	if (strcmp(saved, ui_line_text(&iv->edit)))
		app_session_answer(iv->s, it->ref, ui_line_text(&iv->edit));
	memset(saved, 0, strlen(saved));
	free(saved);
}

static void iv_close(struct ui *ui, struct view *v)
{
	struct iv_view *iv = v->priv;

	if (ui->depth > 0 && ui->app->store)
		keep_typed(iv);
	if (iv->borrowed) {
		/* Back to the whole form, focused on the group item. */
		size_t rp = iv->s->scope_repeat;
		app_session_scope(iv->s, FORM_NONE, 0);
		if (rp != FORM_NONE)
			app_session_goto(iv->s, iv->s->form->repeats[rp].id);
	} else {
		app_session_free(iv->s);
	}
	ui_line_release(&iv->edit);
	free(iv->marked);
	free(iv->error);
	free(iv);
}

static void iv_resume(struct ui *ui, struct view *v)
{
	struct iv_view *iv = v->priv;

	(void)ui;
	app_session_refresh(iv->s);
	load_widget(iv);
}

/* ---- drawing ------------------------------------------------------------ */

static int draw_choices(struct iv_view *iv, struct ui_screen *scr, int row, int max_rows,
			bool multi)
{
	const struct form_choice_list *cl = cur_choices(iv);
	size_t vis[512], n = visible_choices(iv, vis, 512), i, top = 0;
	const struct app_item *it = app_session_current(iv->s);
	const struct form_value *v = form_state_answer(iv->s->fs, it->ref);
	int r = 0;

	if (iv->sel >= (int)n)
		iv->sel = n ? (int)n - 1 : 0;
	if (iv->edit.text.len) {
		ui_printf(scr, row + r++, 4, UI_A_DIM, -1, "/ %s", ui_line_text(&iv->edit));
		max_rows--;
	}
	if (max_rows < 1)
		max_rows = 1;
	if (iv->sel >= max_rows)
		top = (size_t)(iv->sel - max_rows + 1);
	for (i = top; i < n && (int)(i - top) < max_rows; i++) {
		const struct form_choice *c = &cl->v[vis[i]];
		bool on = multi ? iv->marked && iv->marked[vis[i]] :
			  v->type == FORM_V_TEXT && !strcmp(v->u.s, c->value);
		int attr = (int)i == iv->sel ? UI_A_REVERSE : 0;
		ui_printf(scr, row + r, 4, attr, scr->cols - 6, "%s %2zu. %s",
			  multi ? (on ? "[x]" : "[ ]") : (on ? "(*)" : "( )"), i + 1,
			  app_label(iv->s, &c->label));
		r++;
	}
	return r;
}

static void draw_section_list(struct iv_view *iv, struct ui_screen *scr, int row, int last)
{
	struct app_session *s = iv->s;
	size_t sec, i, first;
	int r = row;

	if (s->cur >= s->n_items || row > last)
		return;
	sec = s->items[s->cur].section;
	first = s->cur;
	while (first > 0 && s->items[first - 1].section == sec)
		first--;
	/* Keep the current question inside the window. */
	if (s->cur - first > (size_t)(last - row) / 2)
		first = s->cur - (size_t)(last - row) / 2;
	ui_fill(scr, r, 0, scr->cols, UI_A_DIM);
	for (i = 0; i < (size_t)scr->cols; i++)
		ui_put(scr, r, (int)i, UI_A_DIM, 1, "─");
	r++;
	for (i = first; i < s->n_items && r <= last; i++) {
		const struct app_item *it = &s->items[i];
		int attr = i == s->cur ? UI_A_BOLD : 0;
		if (it->section != sec)
			break;
		if (it->kind == APP_ITEM_GROUP) {
			ui_printf(scr, r, 1, attr, 46, "%s %s", i == s->cur ? ">" : " ",
				  app_label(s, &s->form->repeats[it->repeat].label));
			ui_printf(scr, r, 49, attr, -1, M(MEMBERS),
				  form_state_repeat_count(s->fs, it->repeat));
		} else {
			const struct form_question *q = &s->form->questions[it->ref.q];
			char *ans;
			enum form_error e = form_state_error(s->fs, it->ref);
			ui_printf(scr, r, 1, attr, 46, "%s %s", i == s->cur ? ">" : " ",
				  app_label(s, &q->label));
			if (q->type == FORM_Q_SELECT_ONE || q->type == FORM_Q_SELECT_MULTIPLE ||
			    q->type == FORM_Q_YES_NO) {
				const struct form_value *v = form_state_answer(s->fs, it->ref);
				if (v->type == FORM_V_TEXT && q->choices != FORM_NONE) {
					size_t c = form_find_choice(s->form, it->ref.q, v->u.s);
					ans = xstrdup(c == FORM_NONE ? v->u.s : app_label(s,
						&s->form->choice_lists[q->choices].v[c].label));
				} else if (v->type == FORM_V_BOOL) {
					ans = xstrdup(form_message(s->form, v->u.b ? FORM_MSG_YES :
							   FORM_MSG_NO, s->lang));
				} else {
					ans = form_value_format(v);
				}
			} else {
				ans = app_answer_text(s, it->ref);
			}
			ui_put(scr, r, 49, e == FORM_ERR_CONSTRAINT || e == FORM_ERR_CHOICE ?
			       UI_A_ERROR : attr, -1, ans);
			free(ans);
		}
		r++;
	}
}

static void iv_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct iv_view *iv = v->priv;
	struct app_session *s = iv->s;
	const struct app_item *it;
	const struct form_question *q;
	char title[256];
	int row = 2, width = scr->cols - 4, last = scr->rows - 3, list_row;

	sync_widget(iv);
	it = app_session_current(s);
	q = cur_q(iv);
	snprintf(title, sizeof(title), "#%lld  %s  [%s]", (long long)s->iv.seq,
		 form_text(s->form, &s->form->title, s->lang), s->form->languages[s->lang]);
	ui_draw_title(ui, scr, title);
	if (!it) {
		ui_put(scr, 2, 2, 0, -1, M(REVIEW_OK));
		return;
	}
	{
		const struct form_section *sec = &s->form->sections[it->section];
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, app_label(s, &sec->title));
		if (s->scope_repeat != FORM_NONE) {
			strbuf_addf(&sb, "  >  %s: ",
				    app_label(s, &s->form->repeats[s->scope_repeat].label));
			strbuf_addf(&sb, M(MEMBER_N), s->scope_inst + 1);
		}
		ui_put(scr, 1, 1, UI_A_BOLD | UI_A_UNDERLINE, -1, sb.buf);
		strbuf_release(&sb);
	}
	if (it->kind == APP_ITEM_GROUP) {
		const struct form_repeat *rp = &s->form->repeats[it->repeat];
		row += ui_wrap(scr, row, 2, width, 3, UI_A_BOLD, app_label(s, &rp->label));
		ui_printf(scr, row++, 2, 0, -1, M(MEMBERS), form_state_repeat_count(s->fs, it->repeat));
		ui_put(scr, ++row, 2, UI_A_DIM, -1, M(MEMBERS_OPEN));
		row++;
		if (form_state_repeat_count_error(s->fs, it->repeat))
			ui_put(scr, ++row, 2, UI_A_ERROR, -1, M(REVIEW_MEMBERS));
		draw_section_list(iv, scr, row + 2, last);
		return;
	}
	/* Label (with a mark when required), hint, widget, error. */
	{
		char *label = xasprintf("%s%s", app_label(s, &q->label), q->required ? " *" : "");
		row += ui_wrap(scr, row, 2, width, 4, UI_A_BOLD, label);
		free(label);
	}
	if (*app_label(s, &q->hint))
		row += ui_wrap(scr, row, 2, width, 3, UI_A_DIM, app_label(s, &q->hint));
	row++;
	list_row = row + 4;
	switch (q->type) {
	case FORM_Q_NOTE:
		list_row = row;
		break;
	case FORM_Q_YES_NO:
		/* read aloud in the respondent's language, like the question */
		ui_printf(scr, row, 4, iv->yes_set && iv->yes ? UI_A_REVERSE : 0, 12, " %s ",
			  form_message(s->form, FORM_MSG_YES, s->lang));
		ui_printf(scr, row, 14, iv->yes_set && !iv->yes ? UI_A_REVERSE : 0, 12, " %s ",
			  form_message(s->form, FORM_MSG_NO, s->lang));
		ui_put(scr, row + 1, 4, UI_A_DIM, -1, M(YESNO_HINT));
		row += 2;
		list_row = row + 2;
		break;
	case FORM_Q_SELECT_ONE:
	case FORM_Q_SELECT_MULTIPLE: {
		int room = last - row - 4;
		int used = draw_choices(iv, scr, row, room > 3 ? room : 3,
					q->type == FORM_Q_SELECT_MULTIPLE);
		row += used;
		ui_put(scr, row++, 4, UI_A_DIM, -1,
		       q->type == FORM_Q_SELECT_ONE ? M(SELECT_HINT) : M(MULTI_HINT));
		list_row = row + 2;
		break;
	}
	default:
		ui_put(scr, row, 2, UI_A_BOLD, 2, ">");
		ui_line_draw(&iv->edit, scr, row, 4, width - 2, UI_A_UNDERLINE, true);
		if (q->type == FORM_Q_DATE)
			ui_put(scr, row + 1, 4, UI_A_DIM, -1, M(DATE_HINT));
		row += 2;
		list_row = row + 2;
		break;
	}
	if (iv->error) {
		row += ui_wrap(scr, row, 4, width - 2, 2, UI_A_ERROR, iv->error);
		list_row = row + 1;
	} else if (iv->warn_pending) {
		row += ui_wrap(scr, row, 4, width - 2, 2, UI_A_WARN,
			       form_state_warning_message(s->fs, it->ref, s->lang));
		ui_put(scr, row++, 4, UI_A_WARN, -1, M(WARN_ACK));
		list_row = row + 1;
	}
	draw_section_list(iv, scr, list_row, last);
}

static void iv_status(struct ui *ui, struct view *v, char *buf, size_t n)
{
	struct iv_view *iv = v->priv;
	struct app_session *s = iv->s;
	const struct app_item *it = app_session_current(s);
	struct form_progress p;
	size_t used;

	form_state_progress(s->fs, &p);
	snprintf(buf, n, M(SECTION_N), it ? it->section + 1 : 0, s->form->n_sections);
	used = strlen(buf);
	snprintf(buf + used, n - used, " | ");
	used = strlen(buf);
	snprintf(buf + used, n - used, M(ANSWERED), p.answered, p.visible);
	used = strlen(buf);
	/* Required-but-unanswered apart from real errors: the first is work
	 * still to do, the second something to fix. */
	if (p.required_left) {
		snprintf(buf + used, n - used, ", ");
		used = strlen(buf);
		snprintf(buf + used, n - used, M(REQUIRED_LEFT), p.required_left);
		used = strlen(buf);
	}
	if (p.errors > p.required_left) {
		snprintf(buf + used, n - used, ", ");
		used = strlen(buf);
		snprintf(buf + used, n - used, M(ERRORS), p.errors - p.required_left);
		used = strlen(buf);
	}
	snprintf(buf + used, n - used, " | %s | ", s->saved ? M(SAVED) : M(NOT_SAVED));
	used = strlen(buf);
	snprintf(buf + used, n - used, M(SYNC_OFFLINE), app_queued(ui->app));
}

/* ---- answering ------------------------------------------------------------ */

/* Leave the last item: review for the whole form, the list for a member. */
static void past_end(struct ui *ui, struct iv_view *iv)
{
	if (iv->borrowed)
		ui_pop(ui);
	else
		ui_push(ui, &view_review_ops, iv->s);
}

static void move_on(struct ui *ui, struct iv_view *iv)
{
	if (!app_session_move(iv->s, 1))
		past_end(ui, iv);
	else
		load_widget(iv);
}

/*
 * After a value reached the store: show a constraint error at once and
 * stay; show an unacknowledged warning and wait for a second Enter; else
 * move on.
 */
static enum ui_result after_answer(struct ui *ui, struct iv_view *iv, status_t st)
{
	const struct app_item *it = app_session_current(iv->s);
	enum form_error e;

	if (st == ST_INVALID) {
		set_error(iv, st_detail(st));
		return UI_REDRAW;
	}
	if (st != ST_OK) {
		ui_message(ui, UI_A_ERROR, "%s: %s", M(NOT_SAVED), st_detail(st));
		return UI_REDRAW;
	}
	sync_widget(iv);
	if (!it || focus_changed(iv)) {
		/* The answer hid this very question (rare): go on from here. */
		load_widget(iv);
		return UI_REDRAW;
	}
	e = form_state_error(iv->s->fs, it->ref);
	if (e == FORM_ERR_CONSTRAINT || e == FORM_ERR_CHOICE) {
		set_error(iv, form_state_error_message(iv->s->fs, it->ref, iv->s->lang));
		return UI_REDRAW;
	}
	set_error(iv, NULL);
	if (form_state_warning(iv->s->fs, it->ref) &&
	    !form_state_warning_acked(iv->s->fs, it->ref)) {
		iv->warn_pending = true;
		return UI_REDRAW;
	}
	move_on(ui, iv);
	return UI_REDRAW;
}

static enum ui_result accept(struct ui *ui, struct iv_view *iv)
{
	const struct app_item *it = app_session_current(iv->s);
	const struct form_question *q = cur_q(iv);
	status_t st;

	if (!it) {
		past_end(ui, iv);
		return UI_REDRAW;
	}
	if (it->kind == APP_ITEM_GROUP) {
		ui_push(ui, &view_repeat_ops, iv->s);
		return UI_REDRAW;
	}
	if (iv->warn_pending) {
		st = app_session_ack_warning(iv->s, it->ref);
		iv->warn_pending = false;
		if (st != ST_OK)
			return after_answer(ui, iv, st);
		ui_message(ui, 0, "%s", M(WARN_ACKED));
		move_on(ui, iv);
		return UI_REDRAW;
	}
	switch (q->type) {
	case FORM_Q_NOTE:
		move_on(ui, iv);
		return UI_REDRAW;
	case FORM_Q_YES_NO: {
		struct form_value v = FORM_VALUE_INIT;
		if (!iv->yes_set) {
			/* Nothing chosen: Enter on a required question says so. */
			if (q->required) {
				set_error(iv, form_state_error_message(iv->s->fs, it->ref, iv->s->lang));
				return UI_REDRAW;
			}
			move_on(ui, iv);
			return UI_REDRAW;
		}
		v.type = FORM_V_BOOL;
		v.u.b = iv->yes;
		return after_answer(ui, iv, app_session_set(iv->s, it->ref, &v));
	}
	case FORM_Q_SELECT_ONE: {
		size_t vis[512], n = visible_choices(iv, vis, 512);
		const struct form_choice_list *cl = cur_choices(iv);
		if (n == 0 || !cl)
			return UI_HANDLED;
		ui_line_clear(&iv->edit);
		return after_answer(ui, iv, app_session_answer(iv->s, it->ref,
							       cl->v[vis[iv->sel]].value));
	}
	case FORM_Q_SELECT_MULTIPLE: {
		const struct form_choice_list *cl = cur_choices(iv);
		struct strbuf sb = STRBUF_INIT;
		size_t i;
		for (i = 0; cl && i < iv->n_marked; i++) {
			if (!iv->marked[i])
				continue;
			if (sb.len)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb, cl->v[i].value);
		}
		ui_line_clear(&iv->edit);
		st = app_session_answer(iv->s, it->ref, sb.buf);
		strbuf_release(&sb);
		return after_answer(ui, iv, st);
	}
	default: {
		/* Unchanged and already answered: Enter just moves on. */
		char *old = app_answer_text(iv->s, it->ref);
		bool same = !strcmp(old, ui_line_text(&iv->edit)) && *old;
		free(old);
		if (same && !iv->error) {
			move_on(ui, iv);
			return UI_REDRAW;
		}
		return after_answer(ui, iv, app_session_answer(iv->s, it->ref,
							       ui_line_text(&iv->edit)));
	}
	}
}

static enum ui_result choice_input(struct iv_view *iv, int key, bool multi)
{
	size_t vis[512], n = visible_choices(iv, vis, 512);

	switch (key) {
	case UI_KEY_UP:
		if (iv->sel > 0)
			iv->sel--;
		return UI_REDRAW;
	case UI_KEY_DOWN:
		if (iv->sel + 1 < (int)n)
			iv->sel++;
		return UI_REDRAW;
	case ' ':
		if (multi && n && iv->marked) {
			iv->marked[vis[iv->sel]] = !iv->marked[vis[iv->sel]];
			return UI_REDRAW;
		}
		return UI_HANDLED;
	case UI_KEY_BACKSPACE:
	case UI_CTRL('u'):
		ui_line_key(&iv->edit, key);
		iv->sel = 0;
		return UI_REDRAW;
	default:
		break;
	}
	/* A number picks (toggles) that row when no filter is being typed. */
	if (key >= '1' && key <= '9' && iv->edit.text.len == 0) {
		size_t i = (size_t)(key - '1');
		if (i < n) {
			iv->sel = (int)i;
			if (multi && iv->marked)
				iv->marked[vis[i]] = !iv->marked[vis[i]];
			return UI_REDRAW;
		}
		return UI_HANDLED;
	}
	if (ui_key_is_text(key)) {
		ui_line_key(&iv->edit, key);
		iv->sel = 0;
		return UI_REDRAW;
	}
	return UI_UNHANDLED;
}

/*
 * While typing a number or a date, say at once when the text cannot be one
 * (a date only once it is complete); range checks come with Enter, when
 * the answer is set and the form's own rules run.
 */
static void live_check(struct iv_view *iv, const struct form_question *q)
{
	const struct app_item *it = app_session_current(iv->s);
	const char *text = ui_line_text(&iv->edit);
	struct form_value v = FORM_VALUE_INIT;

	set_error(iv, NULL);
	if (!it || !*text)
		return;
	if (q->type != FORM_Q_INTEGER && q->type != FORM_Q_DECIMAL &&
	    !(q->type == FORM_Q_DATE && strlen(text) >= 10))
		return;
	if (form_value_parse(iv->s->form, it->ref.q, text, &v) != ST_OK)
		set_error(iv, st_detail(ST_INVALID));
	form_value_release(&v);
}

static enum ui_result iv_input(struct ui *ui, struct view *v, int key)
{
	struct iv_view *iv = v->priv;
	const struct form_question *q;

	sync_widget(iv);
	q = cur_q(iv);
	if (key == UI_KEY_ENTER)
		return accept(ui, iv);
	/* Letters never trigger actions on the question page, even where
	 * nothing is typed (a note, a group): they are answers elsewhere. */
	if (!q)
		return ui_key_is_text(key) ? UI_HANDLED : UI_UNHANDLED;
	if (iv->warn_pending && key != UI_KEY_ESC)
		iv->warn_pending = false;	/* any edit: the answer is not kept as is */
	switch (q->type) {
	case FORM_Q_NOTE:
		return ui_key_is_text(key) ? UI_HANDLED : UI_UNHANDLED;
	case FORM_Q_YES_NO:
		if (key == 'y' || key == 's' || key == 'Y' || key == 'S' || key == '1') {
			iv->yes = iv->yes_set = true;
			return accept(ui, iv);
		}
		if (key == 'n' || key == 'N' || key == '2') {
			iv->yes = false;
			iv->yes_set = true;
			return accept(ui, iv);
		}
		if (key == UI_KEY_LEFT || key == UI_KEY_RIGHT || key == ' ') {
			iv->yes = iv->yes_set ? !iv->yes : true;
			iv->yes_set = true;
			return UI_REDRAW;
		}
		return ui_key_is_text(key) ? UI_HANDLED : UI_UNHANDLED;
	case FORM_Q_SELECT_ONE:
		return choice_input(iv, key, false);
	case FORM_Q_SELECT_MULTIPLE:
		return choice_input(iv, key, true);
	default:
		if (key == UI_KEY_UP || key == UI_KEY_DOWN)
			return UI_UNHANDLED;
		if (ui_line_key(&iv->edit, key)) {
			live_check(iv, q);
			return UI_REDRAW;
		}
		return UI_UNHANDLED;
	}
}

static enum ui_result iv_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct iv_view *iv = v->priv;
	struct app_session *s = iv->s;
	const struct app_item *it = app_session_current(s);

	switch (a) {
	case UI_ACT_BACK:
		app_session_save_position(s);
		if (!iv->borrowed)
			ui->resume_id[0] = '\0';
		ui_pop(ui);
		return UI_REDRAW;
	case UI_ACT_ACCEPT:
		return accept(ui, iv);
	case UI_ACT_NEXT_QUESTION:
		if (!app_session_move(s, 1)) {
			past_end(ui, iv);
			return UI_REDRAW;
		}
		load_widget(iv);
		app_session_save_position(s);
		return UI_REDRAW;
	case UI_ACT_PREV_QUESTION:
		if (app_session_move(s, -1)) {
			load_widget(iv);
			app_session_save_position(s);
		}
		return UI_REDRAW;
	case UI_ACT_NEXT_SECTION:
	case UI_ACT_PREV_SECTION:
		if (app_session_move_section(s, a == UI_ACT_NEXT_SECTION ? 1 : -1)) {
			load_widget(iv);
			app_session_save_position(s);
		}
		return UI_REDRAW;
	case UI_ACT_SECTION_TREE:
		ui_push(ui, &view_tree_ops, s);
		return UI_REDRAW;
	case UI_ACT_REVIEW:
		if (iv->borrowed) {
			/* Review is of the whole form: from the form, not a member. */
			ui_message(ui, 0, "%s", M(REVIEW_FROM_FORM));
			return UI_REDRAW;
		}
		ui_push(ui, &view_review_ops, s);
		return UI_REDRAW;
	case UI_ACT_LANGUAGE: {
		status_t st = app_session_set_language(s, (s->lang + 1) % s->form->n_languages);
		if (st != ST_OK)
			ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		else
			ui_message(ui, 0, M(LANG_NOW), s->form->languages[s->lang]);
		load_widget(iv);
		return UI_REDRAW;
	}
	case UI_ACT_CLEAR_ANSWER:
		if (it && it->kind == APP_ITEM_QUESTION &&
		    s->form->questions[it->ref.q].type != FORM_Q_NOTE) {
			status_t st = app_session_clear(s, it->ref);
			if (st != ST_OK)
				ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
			load_widget(iv);
		}
		return UI_REDRAW;
	default:
		return UI_UNHANDLED;
	}
}

const struct view_ops view_interview_ops = {
	.name = "interview",
	.bit = V_INTERVIEW,
	.open = iv_open,
	.draw = iv_draw,
	.input = iv_input,
	.action = iv_action,
	.resume = iv_resume,
	.status = iv_status,
	.close = iv_close,
};
