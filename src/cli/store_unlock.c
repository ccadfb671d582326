/*
 * store_unlock.c - unlock the store for a command (see store_unlock.h).
 * The passphrase lives in secure memory for as long as the key derivation
 * needs it and is wiped right after.
 */
#include <string.h>

#include "cli/store_unlock.h"
#include "crypto/crypto.h"
#include "util/util.h"

void cli_store_opts(const struct cli *cli, struct store_open_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->kdf.memory_kib = (uint32_t)opt_num(cli->config, "store", "kdf_memory");
	so->kdf.iterations = (uint32_t)opt_num(cli->config, "store", "kdf_iterations");
	so->busy_timeout_ms = (int)opt_num(cli->config, "store", "busy_timeout") * 1000;
	if (!so->busy_timeout_ms)
		so->busy_timeout_ms = 1;	/* 0 would mean the default */
}

status_t cli_store_open(struct cli *cli, bool is_recovery, struct store **out)
{
	struct store_open_opts so;
	char *pass = NULL;
	size_t len = 0;
	status_t s;

	*out = NULL;
	if (!store_exists(cli->data_dir))
		return st_error(ST_NOSTORE, "%s: %s", cli->data_dir, status_message(ST_NOSTORE));
	cli_store_opts(cli, &so);
	s = crypto_passphrase_read(cli->passphrase_fd,
				   is_recovery ? "Recovery key: " : "Passphrase: ", &pass, &len);
	if (s != ST_OK)
		return s;
	s = store_open(cli->data_dir, pass, len, is_recovery, &so, out);
	crypto_secure_free(pass);
	return s;
}

status_t cli_new_passphrase(struct cli *cli, const char *prompt, char **pass, size_t *len)
{
	char *again = NULL;
	size_t again_len = 0;
	status_t s;

	s = crypto_passphrase_read(cli->passphrase_fd, prompt, pass, len);
	if (s != ST_OK || cli->passphrase_fd >= 0)
		return s;
	s = crypto_passphrase_read(-1, "Repeat it: ", &again, &again_len);
	if (s == ST_OK && (again_len != *len || !crypto_equal(again, *pass, *len)))
		s = st_error(ST_INVALID, "the passphrases differ");
	if (again)
		crypto_secure_free(again);
	if (s != ST_OK) {
		crypto_secure_free(*pass);
		*pass = NULL;
	}
	return s;
}
