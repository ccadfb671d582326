/*
 * store_unlock.h - what every command that opens the store needs: the
 * store options from the configuration, and unlocking with a passphrase
 * (or the recovery key) read from --passphrase-fd or the terminal.
 */
#ifndef SENDA_CLI_STORE_UNLOCK_H
#define SENDA_CLI_STORE_UNLOCK_H

#include <stdbool.h>

#include "cli/cli.h"
#include "store/store.h"

/* [store] kdf_memory, kdf_iterations and busy_timeout. */
void cli_store_opts(const struct cli *cli, struct store_open_opts *so);
/* Read a passphrase (or the recovery key) and open the store in cli->data_dir. */
status_t cli_store_open(struct cli *cli, bool is_recovery, struct store **out);
/*
 * Read a new passphrase; on a terminal it is asked twice and must match.
 * Free with crypto_secure_free().
 */
status_t cli_new_passphrase(struct cli *cli, const char *prompt, char **pass, size_t *len);

#endif
