/*
 * config.c - the table of every senda setting and where files live.
 * Adding a setting means adding a row here and a line in docs/config.md
 * (a unit test fails until both agree).
 */
#include "cli/config.h"
#include "ui/keys.h"
#include "util/util.h"

#include <stdlib.h>

#define KIB 1
#define MIB (1024 * KIB)

const struct opt_def config_options[] = {
	{ "console", "language", OPT_ENUM, "en", 0, 0, "en|es",
	  "language of the console's own text (questions use the interview's language)" },
	{ "console", "idle_lock", OPT_DURATION, "5m", 30, 86400, NULL,
	  "lock the console and wipe keys after this long without a key press" },
	{ "store", "kdf_memory", OPT_INT, "65536", 8, 4 * 1024 * MIB, NULL,
	  "Argon2id memory cost in KiB for new or changed key slots" },
	{ "store", "kdf_iterations", OPT_INT, "3", 1, 64, NULL,
	  "Argon2id passes for new or changed key slots" },
	{ "store", "busy_timeout", OPT_DURATION, "10s", 0, 600, NULL,
	  "how long to wait for another senda process holding the store" },
	{ "forms", "dir", OPT_PATH, SENDA_PREFIX "/share/senda/forms", 0, 0, NULL,
	  "folder holding the form files offered for new interviews" },
	{ "log", "level", OPT_ENUM, "warn", 0, 0, "debug|info|warn|error|off",
	  "least severe log level written" },
	{ "sync", "server", OPT_STRING, "", 0, 0, NULL,
	  "reach senda-server at this URL instead of the one 'senda enroll' stored (the pinned key still applies)" },
	{ "sync", "batch_size", OPT_INT, "100", 1, 500, NULL,
	  "most outbox items sent in one request" },
	{ "sync", "timeout", OPT_DURATION, "30s", 1, 600, NULL,
	  "give up on one request after this long" },
	{ "sync", "max_backoff", OPT_DURATION, "15m", 1, 86400, NULL,
	  "longest wait between attempts in 'senda sync --watch'" },
};
const size_t config_n_options = ARRAY_SIZE(config_options);

/* [keys] binds console actions to keys; the console's action table knows the names. */
static const struct opt_free_section config_free[] = {
	{ "keys", ui_keys_check },
};

void config_init(struct opt_set *os)
{
	opt_set_init(os, config_options, config_n_options, config_free,
		     ARRAY_SIZE(config_free));
}

static char *xdg_path(const char *var, const char *fallback, const char *leaf)
{
	const char *base = getenv(var);
	const char *home = getenv("HOME");
	char *dir, *r;

	if (base && *base == '/')
		return path_join(base, leaf);
	dir = path_join(home && *home ? home : "/", fallback);
	r = path_join(dir, leaf);
	free(dir);
	return r;
}

char *config_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "senda/senda.ini");
}

char *config_data_dir(void)
{
	const char *home = getenv("SENDA_HOME");

	if (home && *home)
		return xstrdup(home);
	return xdg_path("XDG_DATA_HOME", ".local/share", "senda");
}
