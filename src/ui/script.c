/*
 * script.c - the key-script driver (SENDA_KEYS=FILE): drives the console
 * without a terminal, so screens can be tested in-process and the key
 * latency benchmarked.  The screen is drawn only into the model; LINES and
 * COLUMNS give its size.  One step per line:
 *
 *   # comment              (blank lines too)
 *   type TEXT              type TEXT literally (UTF-8; the rest of the line)
 *   key NAME...            press named keys: Enter Esc Tab F2 C-a Space x ...
 *   expect TEXT            fail unless some row of the screen contains TEXT
 *   resize COLS ROWS       as if the terminal was resized
 *   idle                   as if the idle-lock time had passed
 *
 * A failing step prints "SCRIPT:LINE: message" to stderr and ends the run
 * with exit status 1 (curses never runs in this mode, so stderr is free).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "ui/utf8.h"

bool ui_script_open(struct ui *ui, const char *path)
{
	ui->script = fopen(path, "r");
	if (!ui->script) {
		fprintf(stderr, "senda: cannot open key script %s\n", path);
		return false;
	}
	ui->script_path = path;
	ui->script_line = 0;
	return true;
}

static void script_fail(struct ui *ui, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s:%d: ", ui->script_path, ui->script_line);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	ui->exit_code = 1;
}

static void queue_key(struct ui *ui, int key)
{
	if (ui->n_pending < (int)(sizeof(ui->pending) / sizeof(ui->pending[0])))
		ui->pending[ui->n_pending++] = key;
}

/* Run one line; returns false to stop the script. */
static bool run_line(struct ui *ui, char *line)
{
	char *arg;
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	arg = strchr(line, ' ');
	if (arg)
		*arg++ = '\0';
	else
		arg = line + n;
	if (line[0] == '\0' || line[0] == '#')
		return true;
	if (!strcmp(line, "type")) {
		size_t i = 0, len = strlen(arg);
		while (i < len) {
			uint32_t cp;
			i += utf8_decode(arg + i, len - i, &cp);
			queue_key(ui, (int)cp);
		}
	} else if (!strcmp(line, "key")) {
		char *save = NULL, *tok;
		for (tok = strtok_r(arg, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			int key;
			if (!ui_key_parse(tok, &key)) {
				script_fail(ui, "unknown key '%s'", tok);
				return false;
			}
			queue_key(ui, key);
		}
	} else if (!strcmp(line, "expect")) {
		if (ui->dirty)
			ui_draw(ui);
		if (!ui_screen_contains(&ui->scr, arg)) {
			script_fail(ui, "screen does not contain '%s'; it shows:", arg);
			ui_screen_dump(&ui->scr, stderr);
			return false;
		}
	} else if (!strcmp(line, "resize")) {
		int cols, rows;
		if (sscanf(arg, "%d %d", &cols, &rows) != 2 || cols < 1 || rows < 1) {
			script_fail(ui, "resize needs COLS ROWS, got '%s'", arg);
			return false;
		}
		ui_screen_resize(&ui->scr, rows, cols);
		queue_key(ui, UI_KEY_RESIZE);
	} else if (!strcmp(line, "idle")) {
		queue_key(ui, UI_KEY_IDLE);
	} else {
		script_fail(ui, "unknown step '%s'", line);
		return false;
	}
	return true;
}

int ui_script_key(struct ui *ui)
{
	char line[4096];

	while (ui->i_pending >= ui->n_pending) {
		ui->i_pending = ui->n_pending = 0;
		if (!ui->script || !fgets(line, sizeof(line), ui->script))
			return UI_KEY_EOF;
		ui->script_line++;
		if (!run_line(ui, line))
			return UI_KEY_EOF;
	}
	return ui->pending[ui->i_pending++];
}
