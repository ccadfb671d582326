/*
 * view_result.c - the referral result after finishing: each referral with
 * its service, partner, urgency, the reason in the respondent's language
 * and whether consent lets it be sent; below, the plain-text summary to
 * read out or copy (`senda summary ID --out FILE` writes the same text).
 * Esc goes back to the case list.
 */
#include <stdlib.h>
#include <string.h>

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

static void render(struct result_view *r, int width)
{
	struct app_session *s = r->s;
	const struct form_referral *refs;
	size_t n = app_session_referrals(s, &refs), i;
	char *summary, *p, *nl;

	clear_lines(r);
	r->width = width;
	if (n == 0)
		add(r, UI_A_BOLD, M(RESULT_NONE));
	for (i = 0; i < n; i++) {
		const struct form_rule *rule = refs[i].rule;
		char *line = xasprintf("%zu. %s%s%s   %s: %s", i + 1, rule->service,
				       rule->partner && *rule->partner ? " - " : "",
				       rule->partner ? rule->partner : "", M(RESULT_URGENCY),
				       form_urgency_name(refs[i].urgency));
		add(r, UI_A_BOLD, line);
		free(line);
		line = xasprintf("   %s", app_label(s, &rule->reason));
		add(r, 0, line);
		free(line);
		line = xasprintf("   %s", refs[i].sendable ? M(RESULT_CONSENT) :
				 M(RESULT_NOCONSENT));
		add(r, refs[i].sendable ? UI_A_OK : UI_A_WARN, line);
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

static void result_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct result_view *r = v->priv;
	int rows = scr->rows - 3, i, row = 1;

	ui_draw_title(ui, scr, M(RESULT_TITLE));
	for (i = r->top; i < (int)r->n && row <= rows; i++)
		row += ui_wrap(scr, row, 1, scr->cols - 2, rows - row + 1, r->attrs[i],
			       r->lines[i][0] ? r->lines[i] : " ");
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

static enum ui_result result_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct result_view *r = v->priv;

	switch (a) {
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
	free(r);
}

const struct view_ops view_result_ops = {
	.name = "result",
	.bit = V_RESULT,
	.open = result_open,
	.draw = result_draw,
	.action = result_action,
	.status = result_status,
	.close = result_close,
};
