/*
 * cli.c - the senda program's entry: global options, configuration, and
 * dispatch through the command table in commands.h.
 *
 * Global options may stand anywhere before "--" (`senda init
 * --passphrase-fd 3` reads naturally), so they are taken out of argv before
 * the command sees it.  Passphrases never come from argv or the
 * environment: only from the terminal or a file descriptor.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "crypto/crypto.h"
#include "util/log.h"
#include "util/util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLI_DECLARE_(name, usage, help) int cmd_##name(struct cli *cli, int argc, char **argv);
CLI_COMMAND_LIST(CLI_DECLARE_)
#undef CLI_DECLARE_

const struct cli_command cli_commands[] = {
#define CLI_ROW_(name, usage, help) { #name, cmd_##name, usage, help },
	CLI_COMMAND_LIST(CLI_ROW_)
#undef CLI_ROW_
};
const unsigned cli_n_commands = ARRAY_SIZE(cli_commands);

static const char cli_global_usage[] =
	"usage: senda [--config FILE] [--passphrase-fd N] [--set SECTION.KEY=VALUE]\n"
	"             [COMMAND [ARGS...]]\n";

const struct cli_command *cli_find(const char *name)
{
	for (unsigned i = 0; i < cli_n_commands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

int cli_fail(status_t st)
{
	fprintf(stderr, "%s\n", st_detail(st));
	st_clear();
	return status_exit(st);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("senda: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; see 'senda --help'\n", stderr);
	return status_exit(ST_USAGE);
}

status_t cli_ensure_data_dir(struct cli *cli)
{
	return path_mkdir_p(cli->data_dir, 0700);
}

void cli_print_help(FILE *out);

void cli_print_help(FILE *out)
{
	fputs(cli_global_usage, out);
	fputs("\nsenda is an offline, encrypted intake and referral console.\n"
	      "With no command it starts the interview console.\n\nCommands:\n", out);
	for (unsigned i = 0; i < cli_n_commands; i++)
		fprintf(out, "  %-10s %s\n", cli_commands[i].name, cli_commands[i].help);
	fputs("\nGlobal options:\n"
	      "  --config FILE          read settings from FILE instead of the default\n"
	      "  --passphrase-fd N      read the passphrase as one line from descriptor N\n"
	      "  --set SECTION.KEY=VAL  override one setting (see 'senda config show')\n"
	      "  --help, --version\n"
	      "\nRun 'senda help COMMAND' for the usage of one command.\n", out);
}

/* Take a global option (and its value) out of argv; returns its value. */
static const char *take_opt(int *argc, char **argv, int i, const char *name, bool *err)
{
	size_t n = strlen(name);
	const char *val = NULL;
	int drop = 1;

	if (argv[i][n] == '=') {
		val = argv[i] + n + 1;
	} else if (i + 1 < *argc) {
		val = argv[i + 1];
		drop = 2;
	} else {
		cli_usage_error("option '%s' needs a value", name);
		*err = true;
		return NULL;
	}
	memmove(&argv[i], &argv[i + drop], (size_t)(*argc - i - drop + 1) * sizeof(char *));
	*argc -= drop;
	return val;
}

static bool is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

static int cli_run(struct cli *cli, int argc, char **argv, char ***sets, size_t *n_sets)
{
	const char *config_arg = NULL;
	struct diag_list dl = DIAG_LIST_INIT;
	const struct cli_command *cmd;
	bool err = false;
	int i;

	for (i = 1; i < argc && !err;) {
		const char *v;

		if (!strcmp(argv[i], "--"))
			break;
		if (is_opt(argv[i], "--config")) {
			config_arg = take_opt(&argc, argv, i, "--config", &err);
		} else if (is_opt(argv[i], "--passphrase-fd")) {
			int64_t fd;

			v = take_opt(&argc, argv, i, "--passphrase-fd", &err);
			if (err)
				break;
			if (!parse_int64(v, &fd) || fd < 0 || fd > 65535 ||
			    fcntl((int)fd, F_GETFD) < 0)
				return cli_usage_error("--passphrase-fd: '%s' is not an open descriptor", v);
			cli->passphrase_fd = (int)fd;
		} else if (is_opt(argv[i], "--set")) {
			v = take_opt(&argc, argv, i, "--set", &err);
			if (!err) {
				*sets = xrealloc(*sets, (*n_sets + 1) * sizeof(char *));
				(*sets)[(*n_sets)++] = (char *)v;
			}
		} else {
			i++;
		}
	}
	if (err)
		return status_exit(ST_USAGE);

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cli_print_help(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("senda %s\n", SENDA_VERSION);
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-')
		return cli_usage_error("unknown option '%s'", argv[1]);

	cmd = cli_find(argc > 1 ? argv[1] : "console");
	if (!cmd)
		return cli_usage_error("unknown command '%s'", argv[1]);
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		printf("usage: senda %s\n\n%s\n", cmd->usage, cmd->help);
		return 0;
	}

	/* Configuration: the file first, then --set on top of it. */
	{
		char *def_path = NULL;
		bool ok;

		if (config_arg) {
			ok = opt_set_apply_file(cli->config, config_arg, false, &dl);
			cli->config_path = xstrdup(config_arg);
		} else {
			def_path = config_default_path();
			ok = opt_set_apply_file(cli->config, def_path, true, &dl);
			if (path_exists(def_path))
				cli->config_path = xstrdup(def_path);
		}
		free(def_path);
		for (size_t k = 0; ok && k < *n_sets; k++)
			ok = opt_set_apply_arg(cli->config, (*sets)[k], &dl);
		if (!ok) {
			diag_sort(&dl);
			diag_print(&dl, stderr, false);
			diag_list_release(&dl);
			return status_exit(ST_CONFIG);
		}
		diag_list_release(&dl);
	}
	{
		enum log_level lvl = LOG_WARN;

		log_parse_level(opt_str(cli->config, "log", "level"), &lvl);
		log_set_level(lvl);
	}
	cli->data_dir = config_data_dir();

	if (argc > 1) {
		/* The handler sees argv[0] = command name, like a program. */
		return cmd->run(cli, argc - 1, argv + 1);
	}
	{
		char *no_args[] = { (char *)"console", NULL };

		return cmd->run(cli, 1, no_args);
	}
}

int cli_main(int argc, char **argv)
{
	struct opt_set config;
	struct cli cli = { "senda", &config, NULL, NULL, -1 };
	char **sets = NULL;
	size_t n_sets = 0;
	char **args = xcalloc((size_t)argc + 1, sizeof(char *));
	int rc;

	/*
	 * Secure memory, and no core dumps, before any passphrase or key can
	 * exist in this process.
	 */
	if (crypto_init() != ST_OK)
		return cli_fail(ST_ERR);
	/* A private copy: take_opt() rearranges it. */
	for (int i = 0; i < argc; i++)
		args[i] = argv[i];
	config_init(&config);
	rc = cli_run(&cli, argc, args, &sets, &n_sets);
	free((char *)cli.config_path);
	free(cli.data_dir);
	free(sets);
	free(args);
	opt_set_release(&config);
	log_close();
	return rc;
}
