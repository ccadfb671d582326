/*
 * cmd_config.c - `senda config show`: every effective setting, its value
 * and where it came from (default, FILE:LINE, or the command line), so a
 * field technician can see why a laptop behaves as it does.
 */
#include "cli/cli.h"
#include "cli/config.h"

#include <stdio.h>
#include <string.h>

static void show_one(const struct opt_def *def, const struct opt_value *v)
{
	char key[64];

	snprintf(key, sizeof(key), "%s.%s", def->section, def->name);
	printf("%-22s = %-24s ", key, v->text);
	switch (v->origin) {
	case ORIGIN_DEFAULT:
		printf("(default)\n");
		break;
	case ORIGIN_FILE:
		printf("(%s:%d)\n", v->file, v->line);
		break;
	case ORIGIN_CMDLINE:
		printf("(command line)\n");
		break;
	}
}

int cmd_config(struct cli *cli, int argc, char **argv)
{
	const struct opt_set *os = cli->config;

	if (argc != 2 || strcmp(argv[1], "show"))
		return cli_usage_error("usage: senda config show");
	printf("# config file: %s\n# data directory: %s\n",
	       cli->config_path ? cli->config_path : "(none)", cli->data_dir);
	for (size_t i = 0; i < os->n_defs; i++)
		show_one(&os->defs[i], &os->values[i]);
	for (size_t i = 0; i < os->n_free_entries; i++) {
		char key[96];

		snprintf(key, sizeof(key), "%s.%s", os->free_entries[i].section,
			 os->free_entries[i].key);
		printf("%-22s = %-24s (%s:%d)\n", key, os->free_entries[i].value,
		       cli->config_path ? cli->config_path : "?", os->free_entries[i].line);
	}
	return 0;
}
