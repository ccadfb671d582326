/*
 * ui.h - the console: a stack of views drawing into a screen model, a key
 * map from the action table, and an input source that is either the
 * terminal (curses) or a key script (SENDA_KEYS=FILE, for tests and the
 * benchmark).
 *
 * A view is a table of functions (struct view_ops), one file per view.
 * Handlers change state and return whether the screen needs redrawing;
 * only ui_draw() draws, into ui->scr, and only term.c talks to curses.
 */
#ifndef SENDA_UI_UI_H
#define SENDA_UI_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ui/keys.h"
#include "ui/msg.h"
#include "ui/screen.h"

struct app;
struct strbuf;
struct ui;
struct view;

/* What a handler asks for. */
enum ui_result {
	UI_UNHANDLED = 0,	/* not mine: try the key map */
	UI_HANDLED,		/* consumed, nothing changed on screen */
	UI_REDRAW,		/* consumed, redraw */
};

struct view_ops {
	const char *name;
	unsigned bit;		/* V_* in keys.h: which actions apply */
	/* Set up priv from arg; false refuses to open (message in ui->msg). */
	bool (*open)(struct ui *ui, struct view *v, void *arg);
	void (*draw)(struct ui *ui, struct view *v, struct ui_screen *scr);
	/* A raw key before the key map (text fields); may be NULL. */
	enum ui_result (*input)(struct ui *ui, struct view *v, int key);
	enum ui_result (*action)(struct ui *ui, struct view *v, enum ui_action a);
	/* The view above was closed and this one is on top again; may be NULL. */
	void (*resume)(struct ui *ui, struct view *v);
	/* Left part of the status line; may be NULL. */
	void (*status)(struct ui *ui, struct view *v, char *buf, size_t n);
	void (*close)(struct ui *ui, struct view *v);
};

struct view {
	const struct view_ops *ops;
	void *priv;
};

#define UI_MAX_VIEWS 8

struct ui_options {
	enum ui_lang lang;
	int64_t idle_lock;	/* seconds; 0 disables */
	const char *keys_script;	/* SENDA_KEYS, or NULL for the terminal */
	int rows, cols;		/* script mode screen size */
};

struct ui {
	struct ui_screen scr;
	struct ui_keymap keymap;
	struct ui_options opt;
	struct app *app;

	struct view stack[UI_MAX_VIEWS];
	int depth;

	bool quit;
	bool dirty;
	bool locked;		/* idle lock happened: unlock view is on top */
	bool terminal;		/* curses is running */
	int64_t last_input;	/* monotonic seconds of the last key */

	char resume_id[37];	/* interview open when the console locked */
	char msg[256];		/* one-line message above the status line */
	int msg_attr;

	/* Key script (tests): */
	FILE *script;
	int script_line;
	const char *script_path;
	int pending[256];	/* keys queued from one script line */
	int n_pending, i_pending;
	int exit_code;
};

/*
 * What the interview view opens: an interview by id (resumed from the
 * store), a session just started (the view takes it over), or a member of
 * a repeat within a session another interview view owns.
 */
struct view_interview_arg {
	const char *id;
	struct app_session *session;
	bool borrowed;		/* session belongs to the view below */
	size_t repeat, inst;	/* member scope when borrowed */
};

/* After the session moved inside a member: show it as if walked into. */
void ui_interview_show_member(struct ui *ui, struct app_session *s);

/* Views (one file each). */
extern const struct view_ops view_unlock_ops;
extern const struct view_ops view_cases_ops;
extern const struct view_ops view_pick_ops;
extern const struct view_ops view_interview_ops;
extern const struct view_ops view_tree_ops;
extern const struct view_ops view_repeat_ops;
extern const struct view_ops view_review_ops;
extern const struct view_ops view_result_ops;
extern const struct view_ops view_help_ops;
extern const struct view_ops view_review_queue_ops;
extern const struct view_ops view_review_iv_ops;

/* Set up a console over app (not yet running). */
void ui_init(struct ui *ui, struct app *app, const struct ui_options *opt);
void ui_release(struct ui *ui);
/* Apply one [keys] binding; NULL or a message. */
const char *ui_bind(struct ui *ui, const char *action, const char *keys);

/* Run until quit; returns the exit status. */
int ui_run(struct ui *ui);

/* View stack. */
bool ui_push(struct ui *ui, const struct view_ops *ops, void *arg);
void ui_pop(struct ui *ui);
/* Pop views down to (not including) the one with ops; false if absent. */
bool ui_pop_to(struct ui *ui, const struct view_ops *ops);
struct view *ui_top(struct ui *ui);

/* A message for the status line (printf-style); attr e.g. UI_A_ERROR. */
void ui_message(struct ui *ui, int attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Feed one key as if typed (dispatch + redraw); used by scripts, bench. */
void ui_feed_key(struct ui *ui, int key);
/* Draw the current view and status line into ui->scr. */
void ui_draw(struct ui *ui);
/* Lock now: wipe keys, close the store, push the unlock view. */
void ui_lock(struct ui *ui);

/*
 * A hint line made from the key map, so it stays true after a [keys]
 * rebinding: the first key of each action and a word in the console's
 * language, e.g. "c comment  a approve  Esc back".  An action bound to no
 * key is left out.
 */
struct ui_hint {
	enum ui_action action;
	enum ui_msg word;
};
void ui_hint_line(const struct ui *ui, const struct ui_hint *h, size_t n, struct strbuf *out);

/*
 * Before asking "withdraw consent?" for a referral: whether the lifecycle
 * table lets it be revoked.  If not (declined, closed, revoked already),
 * says so at once with its state, in the console's language, and returns
 * false: there is nothing to confirm.
 */
bool ui_revoke_allowed(struct ui *ui, const char *referral_id, const char *service);

/* Helpers for list views: keep sel within n and visible in rows. */
void ui_list_move(int *sel, int *top, int n, int rows, enum ui_action a);
/* The title bar on row 0 and the status line on the last row. */
void ui_draw_title(struct ui *ui, struct ui_screen *scr, const char *title);

/* ---- terminal (term.c) ---- */
bool ui_term_start(struct ui *ui);
/* curses writing to out (the benchmark: real terminal output, no tty). */
bool ui_term_start_file(struct ui *ui, FILE *out, FILE *in, const char *term);
void ui_term_stop(struct ui *ui);
/* Next key; UI_KEY_TIMEOUT after timeout_ms. */
int ui_term_key(struct ui *ui, int timeout_ms);
void ui_term_flush(struct ui *ui);
void ui_term_size(int *rows, int *cols);

/* ---- key script (script.c) ---- */
bool ui_script_open(struct ui *ui, const char *path);
/* Next key from the script, running non-key steps (expect, resize, ...). */
int ui_script_key(struct ui *ui);

#endif
