/*
 * config.h - senda's settings: the option table, where the file lives, and
 * loading it.  The table (config.c) is what `senda config show` prints and
 * what docs/config.md is checked against.
 */
#ifndef SENDA_CLI_CONFIG_H
#define SENDA_CLI_CONFIG_H

#include <stddef.h>

#include "ini/options.h"

extern const struct opt_def config_options[];
extern const size_t config_n_options;

/* Table defaults plus the [keys] section checked by the console. */
void config_init(struct opt_set *os);
/* $XDG_CONFIG_HOME/senda/senda.ini, else ~/.config/senda/senda.ini. */
char *config_default_path(void);
/* $SENDA_HOME, else $XDG_DATA_HOME/senda, else ~/.local/share/senda. */
char *config_data_dir(void);

#endif
