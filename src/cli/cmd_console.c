/*
 * cmd_console.c - `senda console`, what `senda` with no command runs.
 * A placeholder until the interview console lands: it says so plainly
 * instead of pretending.
 */
#include "cli/cli.h"

#include <stdio.h>

int cmd_console(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argv;
	if (argc > 1)
		return cli_usage_error("console takes no arguments");
	printf("senda %s: the interview console is not built yet.\n"
	       "Run 'senda --help' for the commands available.\n", SENDA_VERSION);
	return 0;
}
