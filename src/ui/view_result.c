/*
 * view_result.c - the referral result after finishing: each referral with
 * its service, partner, urgency, the reason in the respondent's language
 * and whether consent lets it be sent; below, the plain-text summary to
 * read out or copy (`senda summary ID --out FILE` writes the same text).
 * A referral that is no longer pending says its state.  The referral at
 * the top of the screen is the focused one (scrolling moves the focus):
 * `x` withdraws the respondent's consent for it after a confirmation,
 * since that cannot be undone (app_review_revoke).  Esc goes back to the
 * case list.
 */
#include <stdlib.h>
#include <string.h>

#include "app/review.h"
#include "app/session.h"
#include "form/form.h"
#include "ui/ui.h"
#include "util/util.h"

struct result_view {
	struct app_session *s;
	int sel, top;		/* top is the first line shown */
	char **lines;		/* rendered lines, wrapped to the width */
	int *attrs;
	size_t n, alloc, alloc_a;
	int width;
	/* The stored referrals (ids, states) and the line each one starts at. */
	struct store_referral_list stored;
	char (*ref_id)[37];	/* per referral of the rules: its stored id, "" none */
	size_t *ref_line;
	size_t n_refs;
	bool confirming;	/* asked whether to revoke the focused referral */
};

static void add(struct result_view *r, int attr, const char *text)
{
	ALLOC_GROW(r->lines, r->n + 1, r->alloc);
	ALLOC_GROW(r->attrs, r->n + 1, r->alloc_a);
	r->lines[r->n] = xstrdup(text);
	r->attrs[r->n++] = attr;
}

static void clear_lines(struct result_view *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->lines[i]);
	r->n = 0;
}

/* The stored referral the rule made for this interview, or NULL. */
static const struct store_referral *stored_for(const struct result_view *r,
					       const struct form_rule *rule)
{
	size_t i;

	for (i = 0; i < r->stored.n; i++)
		if (r->stored.v[i].rule_id && !strcmp(r->stored.v[i].rule_id, rule->id))
			return &r->stored.v[i];
	return NULL;
}

static void render(struct result_view *r, int width)
{
	struct app_session *s = r->s;
	const struct form_referral *refs;
	size_t n = app_session_referrals(s, &refs), i;
	char *summary, *p, *nl;

	clear_lines(r);
	r->width = width;
	store_referral_list_release(&r->stored);
	if (!s->app->store || store_referrals_load(s->app->store, s->iv.id, &r->stored) != ST_OK)
		st_clear();
	free(r->ref_id);
	free(r->ref_line);
	r->ref_id = xcalloc(n + 1, sizeof(*r->ref_id));
	r->ref_line = xcalloc(n + 1, sizeof(*r->ref_line));
	r->n_refs = n;
	if (n == 0)
		add(r, UI_A_BOLD, M(RESULT_NONE));
	for (i = 0; i < n; i++) {
		const struct form_rule *rule = refs[i].rule;
		const struct store_referral *sr = stored_for(r, rule);
		char *line;

		r->ref_line[i] = r->n;
		if (sr)
			memcpy(r->ref_id[i], sr->id, sizeof(r->ref_id[i]));
		line = xasprintf("%zu. %s%s%s   %s: %s", i + 1, rule->service,
				       rule->partner && *rule->partner ? " - " : "",
				       rule->partner ? rule->partner : "", M(RESULT_URGENCY),
				       form_urgency_name(refs[i].urgency));
		add(r, UI_A_BOLD, line);
		free(line);
		line = xasprintf("   %s", app_label(s, &rule->reason));
		add(r, 0, line);
		free(line);
		if (sr && sr->state != STORE_REF_PENDING)	/* it moved on: where it is */
			line = xasprintf("   %s", ui_msg_ref_state(store_ref_state_name(sr->state)));
		else
			line = xasprintf("   %s", refs[i].sendable ? M(RESULT_CONSENT) :
					 M(RESULT_NOCONSENT));
		add(r, refs[i].sendable && !(sr && sr->state == STORE_REF_REVOKED) ? UI_A_OK :
		    UI_A_WARN, line);
		free(line);
		add(r, 0, "");
	}
	add(r, UI_A_DIM, "────────────────────────────────────────");
	summary = app_session_summary(s);
	for (p = summary; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			add(r, 0, p);
			break;
		}
		*nl = '\0';
		add(r, 0, p);
	}
	free(summary);
}

static bool result_open(struct ui *ui, struct view *v, void *arg)
{
	struct result_view *r = xcalloc(1, sizeof(*r));

	r->s = arg;
	render(r, ui->scr.cols);
	v->priv = r;
	return true;
}

/* The focused referral: the first whose heading is at or below the top line. */
static size_t result_focus(const struct result_view *r)
{
	size_t i;

	for (i = 0; i < r->n_refs; i++)
		if (r->ref_line[i] >= (size_t)r->top)
			return i;
	return r->n_refs ? r->n_refs - 1 : 0;
}

static void result_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct result_view *r = v->priv;
	int rows = scr->rows - 3, i, row = 1;
	size_t focus = result_focus(r);

	ui_draw_title(ui, scr, M(RESULT_TITLE));
	for (i = r->top; i < (int)r->n && row <= rows; i++) {
		bool focused = r->n_refs > 1 && (size_t)i == r->ref_line[focus];
		row += ui_wrap(scr, row, 1, scr->cols - 2, rows - row + 1,
			       r->attrs[i] | (focused ? UI_A_REVERSE : 0),
			       r->lines[i][0] ? r->lines[i] : " ");
	}
}

static void result_status(struct ui *ui, struct view *v, char *buf, size_t n)
{
	struct result_view *r = v->priv;
	size_t used;

	snprintf(buf, n, "#%lld | %s | ", (long long)r->s->iv.seq,
		 ui_msg_status(store_iv_status_name(r->s->iv.status)));
	used = strlen(buf);
	snprintf(buf + used, n - used, M(SYNC_OFFLINE), app_queued(ui->app));
}

/* The answer to "withdraw consent?": y (or s, sí) revokes, anything else not. */
static enum ui_result result_input(struct ui *ui, struct view *v, int key)
{
	struct result_view *r = v->priv;
	size_t focus = result_focus(r);
	status_t st;

	if (!r->confirming)
		return UI_UNHANDLED;
	r->confirming = false;
	if (key != 'y' && key != 'Y' && key != 's' && key != 'S') {
		ui_message(ui, UI_A_BOLD, "%s", M(REVOKE_CANCEL));
		return UI_REDRAW;
	}
	st = app_review_revoke(ui->app, r->ref_id[focus]);
	if (st != ST_OK) {
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		return UI_REDRAW;
	}
	{
		const struct form_referral *refs;
		app_session_referrals(r->s, &refs);
		ui_message(ui, UI_A_OK, M(REVOKE_DONE), refs[focus].rule->service);
	}
	render(r, r->width);
	return UI_REDRAW;
}

static enum ui_result result_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct result_view *r = v->priv;

	switch (a) {
	case UI_ACT_REVOKE: {
		const struct form_referral *refs;
		size_t focus = result_focus(r);
		if (!r->n_refs || !r->ref_id[focus][0]) {
			ui_message(ui, UI_A_WARN, "%s", M(REVOKE_PICK));
			return UI_REDRAW;
		}
		app_session_referrals(r->s, &refs);
		if (!ui_revoke_allowed(ui, r->ref_id[focus], refs[focus].rule->service))
			return UI_REDRAW;
		r->confirming = true;
		ui_message(ui, UI_A_WARN | UI_A_BOLD, M(REVOKE_CONFIRM), refs[focus].rule->service);
		return UI_REDRAW;
	}
	case UI_ACT_BACK:
	case UI_ACT_SELECT:
		/* Done with this interview: back to the case list. */
		ui->resume_id[0] = '\0';
		ui_pop_to(ui, &view_cases_ops);
		return UI_REDRAW;
	default:
		ui_list_move(&r->top, &r->sel, (int)r->n, 1, a);
		return UI_REDRAW;
	}
}

static void result_close(struct ui *ui, struct view *v)
{
	struct result_view *r = v->priv;

	(void)ui;
	clear_lines(r);
	free(r->lines);
	free(r->attrs);
	free(r->ref_id);
	free(r->ref_line);
	store_referral_list_release(&r->stored);
	free(r);
}

const struct view_ops view_result_ops = {
	.name = "result",
	.bit = V_RESULT,
	.open = result_open,
	.draw = result_draw,
	.input = result_input,
	.action = result_action,
	.status = result_status,
	.close = result_close,
};
