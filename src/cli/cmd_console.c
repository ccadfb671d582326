/*
 * cmd_console.c - `senda console`, what `senda` with no command runs: the
 * interview console over the store in the data directory.
 *
 * Everything that can fail with a message (no store, a bad key binding) is
 * checked before curses takes the screen; from then on logs go to
 * <data dir>/senda.log, never to the terminal.  SENDA_KEYS=FILE runs a key
 * script instead of the terminal (tests and benchmarks; LINES and COLUMNS
 * give the screen size).
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"
#include "crypto/crypto.h"
#include "ini/options.h"
#include "ui/ui.h"
#include "util/log.h"
#include "util/util.h"

static int env_int(const char *name, int def)
{
	const char *s = getenv(name);
	int64_t v;

	if (s && parse_int64(s, &v) && v > 0 && v < 10000)
		return (int)v;
	return def;
}

/* [keys] bindings from the config (already checked by ui_keys_check). */
static void apply_bindings(struct ui *ui, const struct opt_set *os)
{
	size_t i;

	for (i = 0; i < os->n_free_entries; i++) {
		const struct ini_entry *e = &os->free_entries[i];
		if (!strcmp(e->section, "keys"))
			ui_bind(ui, e->key, e->value);
	}
}

int cmd_console(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "keys", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct app_options ao;
	struct ui_options uo;
	struct app *app;
	struct ui ui;
	char *log_path;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hk", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: senda console [--keys]\n");
			return 0;
		}
		if (c == 'k') {
			/* The default key table, as docs/console.md has it. */
			ui_keys_markdown(stdout);
			return 0;
		}
		return cli_usage_error("unknown option for console");
	}
	if (optind < argc)
		return cli_usage_error("console takes no arguments");
	setlocale(LC_ALL, "");

	memset(&ao, 0, sizeof(ao));
	ao.data_dir = cli->data_dir;
	ao.forms_dir = opt_str(cli->config, "forms", "dir");
	ao.kdf_memory = opt_num(cli->config, "store", "kdf_memory");
	ao.kdf_iterations = opt_num(cli->config, "store", "kdf_iterations");
	ao.passphrase_fd = cli->passphrase_fd;
	app = app_new(&ao);
	if (!app_store_exists(app)) {
		app_free(app);
		return cli_fail(st_error(ST_NOSTORE, "senda: no store in %s; run 'senda init' first",
					 cli->data_dir));
	}

	memset(&uo, 0, sizeof(uo));
	if (!ui_msg_parse_lang(opt_str(cli->config, "console", "language"), &uo.lang))
		uo.lang = UI_LANG_EN;
	uo.idle_lock = opt_num(cli->config, "console", "idle_lock");
	uo.keys_script = getenv("SENDA_KEYS");
	if (uo.keys_script && !*uo.keys_script)
		uo.keys_script = NULL;
	uo.rows = env_int("LINES", 24);
	uo.cols = env_int("COLUMNS", 80);

	/* A passphrase given on a descriptor unlocks before the screen starts. */
	if (cli->passphrase_fd >= 0) {
		char *pass = NULL;
		size_t len = 0;
		status_t st = crypto_passphrase_read(cli->passphrase_fd, NULL, &pass, &len);
		if (st == ST_OK)
			st = app_unlock(app, pass);
		if (pass) {
			crypto_wipe(pass, len);
			crypto_secure_free(pass);
		}
		if (st != ST_OK) {
			app_free(app);
			return cli_fail(st);
		}
	}

	log_path = path_join(cli->data_dir, "senda.log");
	if (!log_to_file(log_path)) {
		free(log_path);
		app_free(app);
		return cli_fail(st_error(ST_IO, "senda: cannot write the log file in %s",
					 cli->data_dir));
	}
	free(log_path);

	ui_init(&ui, app, &uo);
	apply_bindings(&ui, cli->config);
	if (app_is_unlocked(app))
		ui_push(&ui, &view_cases_ops, NULL);
	else
		ui_push(&ui, &view_unlock_ops, NULL);
	rc = ui_run(&ui);
	ui_release(&ui);
	app_free(app);
	log_close();
	return rc;
}
