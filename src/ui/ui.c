/*
 * ui.c - the console's main loop and view stack (see ui.h).  One key goes:
 * input source -> the top view's raw input hook (text fields) -> the key
 * map (actions that apply to this view) -> the view's action handler ->
 * redraw of the screen model if asked -> terminal.  Nothing else draws.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/review.h"
#include "ui/ui.h"
#include "util/log.h"
#include "util/util.h"

#define UI_MIN_ROWS 24
#define UI_MIN_COLS 80

static int64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

void ui_init(struct ui *ui, struct app *app, const struct ui_options *opt)
{
	memset(ui, 0, sizeof(*ui));
	ui->opt = *opt;
	ui->app = app;
	ui_keymap_init(&ui->keymap);
	ui_msg_set_lang(opt->lang);
	ui_screen_init(&ui->scr, opt->rows > 0 ? opt->rows : UI_MIN_ROWS,
		       opt->cols > 0 ? opt->cols : UI_MIN_COLS);
	ui->dirty = true;
	ui->last_input = mono_now();
}

void ui_release(struct ui *ui)
{
	while (ui->depth > 0)
		ui_pop(ui);
	ui_screen_release(&ui->scr);
	if (ui->script)
		fclose(ui->script);
	ui->script = NULL;
}

const char *ui_bind(struct ui *ui, const char *action, const char *keys)
{
	return ui_keymap_bind(&ui->keymap, action, keys);
}

struct view *ui_top(struct ui *ui)
{
	return ui->depth > 0 ? &ui->stack[ui->depth - 1] : NULL;
}

bool ui_push(struct ui *ui, const struct view_ops *ops, void *arg)
{
	struct view *v;

	if (ui->depth == UI_MAX_VIEWS)
		return false;
	v = &ui->stack[ui->depth];
	memset(v, 0, sizeof(*v));
	v->ops = ops;
	ui->depth++;
	if (ops->open && !ops->open(ui, v, arg)) {
		ui->depth--;
		return false;
	}
	ui->dirty = true;
	return true;
}

void ui_pop(struct ui *ui)
{
	struct view *v = ui_top(ui);

	if (!v)
		return;
	if (v->ops->close)
		v->ops->close(ui, v);
	memset(v, 0, sizeof(*v));
	ui->depth--;
	ui->dirty = true;
	v = ui_top(ui);
	if (v && v->ops->resume)
		v->ops->resume(ui, v);
}

bool ui_pop_to(struct ui *ui, const struct view_ops *ops)
{
	int i;

	for (i = ui->depth - 1; i >= 0; i--) {
		if (ui->stack[i].ops == ops) {
			while (ui->depth > i + 1)
				ui_pop(ui);
			return true;
		}
	}
	return false;
}

void ui_message(struct ui *ui, int attr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	va_end(ap);
	ui->msg_attr = attr;
	ui->dirty = true;
}

void ui_draw_title(struct ui *ui, struct ui_screen *scr, const char *title)
{
	(void)ui;
	ui_fill(scr, 0, 0, scr->cols, UI_A_REVERSE);
	ui_printf(scr, 0, 0, UI_A_REVERSE | UI_A_BOLD, -1, " senda  %s", title);
}

void ui_hint_line(const struct ui *ui, const struct ui_hint *h, size_t n, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char keys[64], *comma;
		ui_keymap_describe(&ui->keymap, h[i].action, keys, sizeof(keys));
		if ((comma = strchr(keys, ',')))
			*comma = '\0';	/* the first key says enough */
		if (!keys[0])
			continue;
		strbuf_addf(out, "%s%s %s", out->len ? "  " : "", keys, ui_msg(h[i].word));
	}
}

bool ui_revoke_allowed(struct ui *ui, const char *referral_id, const char *service)
{
	enum store_ref_state state = STORE_REF_PENDING;
	status_t st = app_review_revoke_check(ui->app, referral_id, &state);

	if (st == ST_OK)
		return true;
	if (st == ST_STATE && ui->app->store)
		ui_message(ui, UI_A_WARN, M(REVOKE_FINAL), service,
			   ui_msg_ref_state(store_ref_state_name(state)));
	else
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
	st_clear();
	return false;
}

void ui_list_move(int *sel, int *top, int n, int rows, enum ui_action a)
{
	switch (a) {
	case UI_ACT_MOVE_UP:
		(*sel)--;
		break;
	case UI_ACT_MOVE_DOWN:
		(*sel)++;
		break;
	case UI_ACT_PAGE_UP:
		*sel -= rows;
		break;
	case UI_ACT_PAGE_DOWN:
		*sel += rows;
		break;
	case UI_ACT_FIRST:
		*sel = 0;
		break;
	case UI_ACT_LAST:
		*sel = n - 1;
		break;
	default:
		break;
	}
	if (*sel >= n)
		*sel = n - 1;
	if (*sel < 0)
		*sel = 0;
	if (rows < 1)
		rows = 1;
	if (*sel < *top)
		*top = *sel;
	if (*sel >= *top + rows)
		*top = *sel - rows + 1;
	if (*top < 0)
		*top = 0;
}

static void draw_status(struct ui *ui, struct view *v)
{
	struct ui_screen *scr = &ui->scr;
	int row = scr->rows - 1;
	char left[200] = "", clock[16];
	int64_t now = util_now();
	int w;

	if (ui->msg[0])
		ui_put(scr, row - 1, 0, ui->msg_attr, -1, ui->msg);
	ui_fill(scr, row, 0, scr->cols, UI_A_REVERSE);
	if (v && v->ops->status)
		v->ops->status(ui, v, left, sizeof(left));
	snprintf(clock, sizeof(clock), "%02d:%02d", (int)(now % 86400 / 3600),
		 (int)(now % 3600 / 60));
	w = (int)strlen(clock);
	ui_put(scr, row, 1, UI_A_REVERSE, scr->cols - w - 3, left);
	ui_put(scr, row, scr->cols - w - 1, UI_A_REVERSE, w, clock);
}

void ui_draw(struct ui *ui)
{
	struct ui_screen *scr = &ui->scr;
	struct view *v = ui_top(ui);

	ui_screen_clear(scr);
	if (scr->rows < UI_MIN_ROWS || scr->cols < UI_MIN_COLS) {
		/* Draw nothing that could be cut in half: say what is needed. */
		ui_wrap(scr, 0, 0, scr->cols, scr->rows, UI_A_BOLD, M(TOO_SMALL));
		ui->dirty = false;
		return;
	}
	if (v && v->ops->draw)
		v->ops->draw(ui, v, scr);
	draw_status(ui, v);
	ui->dirty = false;
}

void ui_lock(struct ui *ui)
{
	while (ui->depth > 0)
		ui_pop(ui);
	app_lock(ui->app);
	ui->locked = true;
	ui->msg[0] = '\0';
	log_info("console locked");
	ui_push(ui, &view_unlock_ops, NULL);
}

static void dispatch(struct ui *ui, int key)
{
	struct view *v = ui_top(ui);
	enum ui_result r = UI_UNHANDLED;
	enum ui_action a;

	if (!v) {
		ui->quit = true;
		return;
	}
	if (key == UI_KEY_RESIZE) {
		ui->dirty = true;
		return;
	}
	if (key == UI_KEY_IDLE) {
		if (app_is_unlocked(ui->app))
			ui_lock(ui);
		return;
	}
	if (v->ops->input)
		r = v->ops->input(ui, v, key);
	if (r != UI_UNHANDLED) {
		if (r == UI_REDRAW)
			ui->dirty = true;
		return;
	}
	a = ui_keymap_lookup(&ui->keymap, key, v->ops->bit);
	if (a == UI_ACT_NONE)
		return;
	if (a == UI_ACT_REDRAW) {
		ui->dirty = true;
		return;
	}
	if (a == UI_ACT_HELP && v->ops != &view_help_ops) {
		ui_push(ui, &view_help_ops, (void *)(uintptr_t)v->ops->bit);
		return;
	}
	if (a == UI_ACT_LOCK) {
		ui_lock(ui);
		return;
	}
	if (a == UI_ACT_REVIEW_QUEUE) {	/* from the case list (view_review_queue.c) */
		ui_push(ui, &view_review_queue_ops, NULL);
		ui->dirty = true;
		return;
	}
	if (v->ops->action)
		r = v->ops->action(ui, v, a);
	if (r == UI_REDRAW)
		ui->dirty = true;
}

void ui_feed_key(struct ui *ui, int key)
{
	/* A new key clears the last message unless the handler sets another. */
	if (key != UI_KEY_RESIZE && key != UI_KEY_TIMEOUT && ui->msg[0]) {
		ui->msg[0] = '\0';
		ui->dirty = true;
	}
	dispatch(ui, key);
	if (ui->depth == 0)
		ui->quit = true;
	if (ui->dirty && !ui->quit)
		ui_draw(ui);
}

/*
 * SIGTERM or SIGHUP (the ssh link or the terminal window went away): leave
 * like a quit, so the views close (an answer being typed is kept when
 * valid), the store closes and the terminal is restored.
 */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: wake up the key wait */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int ui_run(struct ui *ui)
{
	catch_stop_signals();
	if (ui->opt.keys_script) {
		if (!ui_script_open(ui, ui->opt.keys_script))
			return 2;
	} else {
		if (!ui_term_start(ui))
			return 1;
		ui->terminal = true;
	}
	ui_draw(ui);
	while (!ui->quit) {
		int key;

		if (ui->terminal) {
			ui_term_flush(ui);
			key = ui_term_key(ui, 1000);
			if (key == UI_KEY_RESIZE) {
				int rows, cols;
				ui_term_size(&rows, &cols);
				ui_screen_resize(&ui->scr, rows, cols);
			}
		} else {
			key = ui_script_key(ui);
		}
		if (key == UI_KEY_EOF)
			break;
		if (stop_signal) {
			log_info("console stopped by signal %d", (int)stop_signal);
			break;
		}
		if (key == UI_KEY_TIMEOUT) {
			if (ui->opt.idle_lock > 0 && app_is_unlocked(ui->app) &&
			    mono_now() - ui->last_input >= ui->opt.idle_lock)
				key = UI_KEY_IDLE;
			else
				continue;
		} else {
			ui->last_input = mono_now();
		}
		ui_feed_key(ui, key);
	}
	/* The views stay for ui_release(), called before the store closes. */
	if (ui->terminal)
		ui_term_stop(ui);
	ui->terminal = false;
	return ui->exit_code;
}
