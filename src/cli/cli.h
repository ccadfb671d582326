/*
 * cli.h - the senda command line: one table of subcommands (commands.h)
 * from which dispatch, `senda --help` and `senda help CMD` all come, and the
 * context every command handler receives (configuration, data directory,
 * where to read a passphrase from).
 */
#ifndef SENDA_CLI_CLI_H
#define SENDA_CLI_CLI_H

#include <stdbool.h>

#include "ini/options.h"
#include "util/status.h"

struct cli {
	const char *prog;		/* "senda" */
	struct opt_set *config;		/* effective configuration */
	const char *config_path;	/* the file read, or NULL */
	char *data_dir;			/* $SENDA_HOME, else $XDG_DATA_HOME/senda */
	int passphrase_fd;		/* --passphrase-fd N, or -1 for the terminal */
};

typedef int (*cli_handler)(struct cli *cli, int argc, char **argv);

struct cli_command {
	const char *name;
	cli_handler run;
	const char *usage;	/* "keys list|add|remove|change|recover|rotate" */
	const char *help;	/* one line */
};

extern const struct cli_command cli_commands[];
extern const unsigned cli_n_commands;

/* Entry point of the senda program. */
int cli_main(int argc, char **argv);
const struct cli_command *cli_find(const char *name);

/*
 * Print the recorded detail of st as one line on stderr and return the
 * exit status for it: `return cli_fail(st);`.
 */
int cli_fail(status_t st);
/* "senda: unknown option '--x'; see 'senda --help'" and exit status 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Create the data directory (mode 0700) if needed. */
status_t cli_ensure_data_dir(struct cli *cli);

#endif
