/*
 * view_unlock.c - the passphrase prompt.  The passphrase is typed into a
 * secret line editor (drawn as '*'), wiped as soon as it has been tried;
 * a wrong one says so and the next try waits a little longer each time
 * (app_unlock_delay_ms).  On success the case list opens, and after an idle
 * lock the interview that was open comes back where it was.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "ui/lineedit.h"
#include "ui/ui.h"
#include "util/util.h"

struct unlock_view {
	struct ui_line pass;
	bool wrong;
};

static bool unlock_open(struct ui *ui, struct view *v, void *arg)
{
	struct unlock_view *u = calloc(1, sizeof(*u));

	(void)ui;
	(void)arg;
	if (!u)
		return false;
	ui_line_init(&u->pass);
	u->pass.secret = true;
	u->pass.max_bytes = 1024;
	v->priv = u;
	return true;
}

static void unlock_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct unlock_view *u = v->priv;
	int row = scr->rows / 2 - 2, col = (scr->cols - 60) / 2;

	ui_draw_title(ui, scr, "");
	if (ui->locked) {
		char d[24];
		int64_t t = ui->opt.idle_lock;
		if (t % 60)
			snprintf(d, sizeof(d), "%llds", (long long)t);
		else
			snprintf(d, sizeof(d), "%lldm", (long long)(t / 60));
		{
			char *m = xasprintf(M(UNLOCK_LOCKED), d);
			ui_wrap(scr, row - 3, col, 60, 2, UI_A_BOLD, m);
			free(m);
		}
	}
	ui_put(scr, row, col, 0, 60, M(UNLOCK_HINT));
	{
		int w = ui_put(scr, row + 2, col, UI_A_BOLD, 30, M(UNLOCK_PROMPT));
		ui_line_draw(&u->pass, scr, row + 2, col + w, 60 - w, UI_A_UNDERLINE, true);
	}
	if (u->wrong)
		ui_put(scr, row + 4, col, UI_A_ERROR, 60, M(UNLOCK_WRONG));
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void after_unlock(struct ui *ui)
{
	char id[37];

	memcpy(id, ui->resume_id, sizeof(id));
	ui->locked = false;
	ui_pop(ui);
	ui_push(ui, &view_cases_ops, NULL);
	if (id[0]) {
		struct view_interview_arg arg = { id, NULL, false, 0, 0 };
		ui_push(ui, &view_interview_ops, &arg);
	}
}

static enum ui_result unlock_try(struct ui *ui, struct unlock_view *u)
{
	status_t st = app_unlock(ui->app, ui_line_text(&u->pass));

	ui_line_clear(&u->pass);
	if (st == ST_OK) {
		after_unlock(ui);
		return UI_REDRAW;
	}
	if (st == ST_PASSPHRASE) {
		u->wrong = true;
		/* Slow down guessing; the script driver is not a guesser. */
		if (ui->terminal)
			sleep_ms(app_unlock_delay_ms(ui->app));
	} else {
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
	}
	return UI_REDRAW;
}

static enum ui_result unlock_input(struct ui *ui, struct view *v, int key)
{
	struct unlock_view *u = v->priv;

	if (key == UI_KEY_ENTER)
		return unlock_try(ui, u);
	if (key == UI_CTRL('q')) {
		ui->quit = true;
		return UI_HANDLED;
	}
	if (ui_line_key(&u->pass, key))
		return UI_REDRAW;
	return UI_UNHANDLED;
}

static enum ui_result unlock_action(struct ui *ui, struct view *v, enum ui_action a)
{
	(void)v;
	if (a == UI_ACT_QUIT) {
		ui->quit = true;
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static void unlock_close(struct ui *ui, struct view *v)
{
	struct unlock_view *u = v->priv;

	(void)ui;
	ui_line_release(&u->pass);
	free(u);
}

const struct view_ops view_unlock_ops = {
	.name = "unlock",
	.bit = V_UNLOCK,
	.open = unlock_open,
	.draw = unlock_draw,
	.input = unlock_input,
	.action = unlock_action,
	.close = unlock_close,
};
