/*
 * srv_cli.c - senda-server's command line: one table of subcommands
 * (init, run, enroll, devices, reassign, status) and one table of
 * settings for the INI file given to `run --config`.  Errors print one
 * line naming the file, line or option and exit with the status table's
 * code.  Nothing printed here holds personal data.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "crypto/sign.h"
#include "ini/options.h"
#include "proto/lifecycle.h"
#include "server/server.h"
#include "util/diag.h"
#include "util/log.h"

#define MIB (1024 * 1024)

/* Every setting of the server's INI file; docs/senda-server.8 lists them. */
static const struct opt_def srv_options[] = {
	{ "server", "data", OPT_PATH, "/var/lib/senda-server", 0, 0, NULL,
	  "data directory made by 'senda-server init'" },
	{ "server", "listen", OPT_STRING, "0.0.0.0:8443", 0, 0, NULL,
	  "IPv4 address and port to listen on (port 0: any free port)" },
	{ "server", "insecure_loopback", OPT_BOOL, "no", 0, 0, NULL,
	  "plain HTTP instead of HTTPS; only allowed on 127.0.0.1, for tests" },
	{ "server", "port_file", OPT_STRING, "", 0, 0, NULL,
	  "write the port actually bound to this file" },
	{ "server", "threads", OPT_INT, "4", 1, 64, NULL, "worker threads" },
	{ "server", "max_connections", OPT_INT, "256", 1, 10000, NULL,
	  "connections served at once" },
	{ "server", "timeout", OPT_DURATION, "30s", 1, 3600, NULL,
	  "close a connection idle this long" },
	{ "server", "retention", OPT_DURATION, "90d", 0, 3650L * 86400, NULL,
	  "keep decisions-feed entries this long (0: forever); older cursors get 410" },
	{ "limits", "max_body", OPT_INT, "1048576", 1024, 256L * MIB, NULL,
	  "largest request body as sent, in bytes" },
	{ "limits", "max_inflated", OPT_INT, "8388608", 1024, 1024L * MIB, NULL,
	  "largest request body after gunzip, in bytes" },
	{ "limits", "max_items", OPT_INT, "500", 1, 100000, NULL, "most items in one batch" },
	{ "limits", "max_item", OPT_INT, "262144", 256, 64L * MIB, NULL,
	  "largest payload of one item, in bytes" },
	{ "server", "passphrase_file", OPT_STRING, "", 0, 0, NULL,
	  "file holding the passphrase that unlocks the data (default: DATA/passphrase, "
	  "made by init; keep it elsewhere, e.g. a systemd credential)" },
	{ "store", "kdf_memory", OPT_INT, "65536", 8, 4L * 1024 * 1024, NULL,
	  "Argon2id memory cost in KiB for the store made by init" },
	{ "store", "kdf_iterations", OPT_INT, "3", 1, 64, NULL,
	  "Argon2id passes for the store made by init" },
	{ "log", "level", OPT_ENUM, "info", 0, 0, "debug|info|warn|error|off",
	  "least severe log level written" },
	{ "log", "file", OPT_STRING, "", 0, 0, NULL, "log to this file instead of stderr" },
};

static int fail(status_t st)
{
	fprintf(stderr, "senda-server: %s\n", st_detail(st));
	return status_exit(st);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("senda-server: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; see 'senda-server --help'\n", stderr);
	return status_exit(ST_USAGE);
}

/*
 * Options every command shares: --config FILE, --data DIR.  The config file
 * is read first; command-line values win.
 */
struct srv_args {
	const char *config;
	const char *data;
	const char *listen;
	const char *port_file;
	const char *log_level;
	bool insecure_loopback;
	const char *team, *role, *to;
	const char *passphrase_file;
};

static status_t load_config(const struct srv_args *a, struct srv_config *cfg)
{
	struct opt_set os;
	struct diag_list dl = DIAG_LIST_INIT;
	status_t st = ST_OK;

	srv_config_init(cfg);
	opt_set_init(&os, srv_options, ARRAY_SIZE(srv_options), NULL, 0);
	if (a->config && (!opt_set_apply_file(&os, a->config, false, &dl) ||
			  diag_count(&dl, DIAG_ERROR) > 0)) {
		char *line = dl.n ? diag_format(&dl.v[0], false) : xstrdup(a->config);
		st = st_error(ST_CONFIG, "%s", line);
		free(line);
		goto out;
	}
	free(cfg->listen);
	cfg->data_dir = xstrdup(a->data ? a->data : opt_str(&os, "server", "data"));
	cfg->listen = xstrdup(a->listen ? a->listen : opt_str(&os, "server", "listen"));
	cfg->insecure_loopback = a->insecure_loopback || opt_num(&os, "server", "insecure_loopback");
	if (a->port_file || *opt_str(&os, "server", "port_file"))
		cfg->port_file = xstrdup(a->port_file ? a->port_file : opt_str(&os, "server", "port_file"));
	cfg->threads = (int)opt_num(&os, "server", "threads");
	cfg->max_connections = (int)opt_num(&os, "server", "max_connections");
	cfg->timeout = (int)opt_num(&os, "server", "timeout");
	cfg->retention = opt_num(&os, "server", "retention");
	cfg->limits.max_body = (size_t)opt_num(&os, "limits", "max_body");
	cfg->limits.max_inflated = (size_t)opt_num(&os, "limits", "max_inflated");
	cfg->limits.max_items = (size_t)opt_num(&os, "limits", "max_items");
	cfg->limits.max_item = (size_t)opt_num(&os, "limits", "max_item");
	cfg->log_level = xstrdup(a->log_level ? a->log_level : opt_str(&os, "log", "level"));
	if (a->passphrase_file || *opt_str(&os, "server", "passphrase_file"))
		cfg->passphrase_file = xstrdup(a->passphrase_file ? a->passphrase_file
					       : opt_str(&os, "server", "passphrase_file"));
	cfg->kdf_memory = (uint32_t)opt_num(&os, "store", "kdf_memory");
	cfg->kdf_iterations = (uint32_t)opt_num(&os, "store", "kdf_iterations");
	if (*opt_str(&os, "log", "file"))
		cfg->log_file = xstrdup(opt_str(&os, "log", "file"));
out:
	diag_list_release(&dl);
	opt_set_release(&os);
	return st;
}

/* Open the server's database in an initialised data directory. */
static status_t open_server(const struct srv_args *a, struct srv *s)
{
	struct srv_config cfg;
	status_t st = load_config(a, &cfg);

	if (st != ST_OK) {
		srv_config_release(&cfg);
		return st;
	}
	if (!store_exists(cfg.data_dir)) {
		st = st_error(ST_NOSTORE, "no server data in %s; run 'senda-server init --data %s'",
			      cfg.data_dir, cfg.data_dir);
		srv_config_release(&cfg);
		return st;
	}
	st = srv_open(s, &cfg);
	srv_config_release(&cfg);
	return st;
}

static void format_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- commands ---- */

static int c_init(struct srv_args *a, int argc, char **argv)
{
	struct srv_config cfg;
	struct srv s;
	char recovery[STORE_RECOVERY_KEY_LEN];
	status_t st;

	(void)argv;
	if (argc)
		return usage_error("init takes no arguments");
	st = load_config(a, &cfg);
	if (st != ST_OK) {
		srv_config_release(&cfg);
		return fail(st);
	}
	if (store_exists(cfg.data_dir))
		st = st_error(ST_EXISTS, "%s already holds server data", cfg.data_dir);
	if (st == ST_OK)
		st = path_mkdir_p(cfg.data_dir, 0700);
	if (st == ST_OK && chmod(cfg.data_dir, 0700))
		st = st_error(ST_IO, "cannot make %s private", cfg.data_dir);
	if (st == ST_OK && !srv_tls_exists(cfg.data_dir))
		st = srv_tls_create(cfg.data_dir);
	if (st == ST_OK)
		st = srv_create(&s, &cfg, recovery);
	if (st != ST_OK) {
		srv_config_release(&cfg);
		return fail(st);
	}
	{
		char *pp = srv_passphrase_path(&s.cfg);
		printf("initialised %s\npin: %s\npassphrase file: %s\n"
		       "recovery key (write it down, keep it offline): %s\n",
		       s.cfg.data_dir, s.pin, pp, recovery);
		free(pp);
	}
	crypto_sign_wipe(recovery, sizeof(recovery));
	srv_close(&s);
	return 0;
}

static int c_run(struct srv_args *a, int argc, char **argv)
{
	struct srv s;
	enum log_level lvl;
	status_t st;

	(void)argv;
	if (argc)
		return usage_error("run takes no arguments");
	st = open_server(a, &s);
	if (st != ST_OK)
		return fail(st);
	if (s.cfg.log_level && log_parse_level(s.cfg.log_level, &lvl))
		log_set_level(lvl);
	if (s.cfg.log_file && !log_to_file(s.cfg.log_file)) {
		srv_close(&s);
		return fail(st_error(ST_IO, "cannot open the log file %s", s.cfg.log_file));
	}
	st = srv_http_run(&s);
	srv_close(&s);
	log_close();
	return st == ST_OK ? 0 : fail(st);
}

/* Team names are ids, not personal data: keep them to a safe alphabet. */
static bool team_ok(const char *t)
{
	size_t n = strlen(t);

	if (n < 1 || n > SDB_TEAM_MAX)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '_' || *t == '.'))
			return false;
	return true;
}

static int c_enroll(struct srv_args *a, int argc, char **argv)
{
	struct srv s;
	char code[15], when[32];
	int64_t expires;
	status_t st;

	(void)argv;
	if (argc)
		return usage_error("enroll takes no arguments");
	if (!a->team || !team_ok(a->team))
		return usage_error("enroll needs --team NAME (letters, digits, '-', '_', '.')");
	if (!a->role || (strcmp(a->role, "caseworker") && strcmp(a->role, "supervisor")))
		return usage_error("enroll needs --role caseworker or --role supervisor");
	st = open_server(a, &s);
	if (st != ST_OK)
		return fail(st);
	st = srv_enroll_code_new(&s, a->team, a->role, code, &expires);
	if (st == ST_OK) {
		format_time(expires, when);
		printf("code: %s\nteam: %s\nrole: %s\nexpires: %s\n", code, a->team, a->role, when);
		if (*s.pin)
			printf("pin: %s\n", s.pin);
	}
	srv_close(&s);
	return st == ST_OK ? 0 : fail(st);
}

static status_t print_device(void *ctx, const struct sdb_device *d)
{
	char when[32];

	(void)ctx;
	format_time(d->created, when);
	printf("%s\t%s\t%s\t%s\t%s\t%s\n", d->id, d->team, d->role,
	       d->revoked ? "revoked" : "active", when, d->label);
	return ST_OK;
}

static int c_devices(struct srv_args *a, int argc, char **argv)
{
	struct srv s;
	status_t st;

	if (argc < 1 || (strcmp(argv[0], "list") && strcmp(argv[0], "revoke")) ||
	    (!strcmp(argv[0], "list") && argc != 1) || (!strcmp(argv[0], "revoke") && argc != 2))
		return usage_error("usage: senda-server devices list | devices revoke ID");
	st = open_server(a, &s);
	if (st != ST_OK)
		return fail(st);
	pthread_mutex_lock(&s.lock);
	if (!strcmp(argv[0], "list")) {
		st = s.be.ops->device_list(s.be.impl, print_device, NULL);
	} else {
		st = s.be.ops->device_revoke(s.be.impl, argv[1], util_now());
		if (st == ST_NOTFOUND)
			st = st_error(ST_NOTFOUND, "no device %s", argv[1]);
		if (st == ST_OK)
			printf("revoked %s\n", argv[1]);
	}
	pthread_mutex_unlock(&s.lock);
	srv_close(&s);
	return st == ST_OK ? 0 : fail(st);
}

static int c_reassign(struct srv_args *a, int argc, char **argv)
{
	struct srv s;
	status_t st;

	if (argc != 1 || !a->to)
		return usage_error("usage: senda-server reassign INTERVIEW --to DEVICE");
	st = open_server(a, &s);
	if (st != ST_OK)
		return fail(st);
	st = srv_reassign(&s, argv[0], a->to);
	if (st == ST_OK)
		printf("reassigned %s to %s\n", argv[0], a->to);
	srv_close(&s);
	return st == ST_OK ? 0 : fail(st);
}

/* ---- referral: a receiving service's answer, typed by the administrator ---- */

static status_t print_referral(void *ctx, const struct sdb_referral *r)
{
	char when[32];

	(void)ctx;
	format_time(r->updated, when);
	printf("%s\t%s\t%s\t%s\t%s\t%s\n", r->id, r->team, r->service, r->state, when,
	       r->interview);
	return ST_OK;
}

/* The events the administrator may record: the server's in the referral machine. */
static bool admin_event(const char *event)
{
	for (size_t i = 0; i < lc_n_transitions; i++) {
		const struct lc_transition *t = &lc_transitions[i];
		if (t->machine == LC_REFERRAL && (t->actors & LC_SERVER) &&
		    strcmp(t->event, "send") && !strcmp(t->event, event))
			return true;
	}
	return false;
}

static int c_referral(struct srv_args *a, int argc, char **argv)
{
	struct srv s;
	char to[16];
	status_t st;
	bool list = argc == 1 && !strcmp(argv[0], "list");
	bool show = argc == 2 && !strcmp(argv[1], "show");
	char *fields = NULL;

	if (!list && !show && (argc != 2 || !admin_event(argv[1])))
		return usage_error("usage: senda-server referral list [--team T] | "
				   "referral ID show|accept|decline|close");
	if (!list && a->team)
		return usage_error("--team goes with 'referral list'");
	st = open_server(a, &s);
	if (st != ST_OK)
		return fail(st);
	if (list) {
		st = srv_referral_list(&s, a->team, print_referral, NULL);
	} else if (show) {
		/* For the partner: exactly what the rule shares, nothing logged. */
		st = srv_referral_fields(&s, argv[0], &fields);
		if (st == ST_OK)
			printf("%s\n", fields);
		free(fields);
	} else {
		st = srv_referral_event(&s, argv[0], argv[1], to);
		if (st == ST_OK)
			printf("referral %s %s\n", argv[0], to);
	}
	srv_close(&s);
	return st == ST_OK ? 0 : fail(st);
}

static int c_status(struct srv_args *a, int argc, char **argv)
{
	struct srv s;
	int64_t items = 0, conflicts = 0;
	status_t st;

	(void)argv;
	if (argc)
		return usage_error("status takes no arguments");
	st = open_server(a, &s);
	if (st != ST_OK)
		return fail(st);
	pthread_mutex_lock(&s.lock);
	st = s.be.ops->counts(s.be.impl, &items, &conflicts);
	pthread_mutex_unlock(&s.lock);
	if (st == ST_OK)
		printf("items: %lld\nconflicts: %lld\n", (long long)items, (long long)conflicts);
	srv_close(&s);
	return st == ST_OK ? 0 : fail(st);
}

static const struct srv_command {
	const char *name;
	int (*run)(struct srv_args *a, int argc, char **argv);
	const char *usage;
	const char *help;
} srv_commands[] = {
	{ "init", c_init, "init --data DIR", "create the data directory, database, TLS key and certificate" },
	{ "run", c_run, "run --config FILE | --data DIR [--listen ADDR:PORT] [--insecure-loopback] [--port-file F]",
	  "serve until SIGTERM" },
	{ "enroll", c_enroll, "enroll --team T --role caseworker|supervisor",
	  "print a one-time enrolment code, valid 24 hours" },
	{ "devices", c_devices, "devices list | devices revoke ID", "list or revoke devices" },
	{ "reassign", c_reassign, "reassign INTERVIEW --to DEVICE",
	  "give an interview to another device of its team" },
	{ "referral", c_referral, "referral list [--team T] | referral ID show|accept|decline|close",
	  "list referrals, show what one shares, or record a receiving service's answer" },
	{ "status", c_status, "status", "count stored items and kept conflicts" },
};

static void print_help(FILE *f)
{
	fprintf(f, "usage: senda-server COMMAND [--config FILE] [--data DIR] ...\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(srv_commands); i++)
		fprintf(f, "  %-9s %s\n            %s\n", srv_commands[i].name,
			srv_commands[i].help, srv_commands[i].usage);
}

int srv_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "insecure-loopback", no_argument, NULL, 'I' },
		{ "team", required_argument, NULL, 't' },
		{ "role", required_argument, NULL, 'r' },
		{ "to", required_argument, NULL, 'T' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct srv_args a;
	const struct srv_command *cmd = NULL;
	int c;

	memset(&a, 0, sizeof(a));
	if (argc < 2)
		return usage_error("no command given");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("senda-server %s\n", SENDA_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(srv_commands); i++)
		if (!strcmp(argv[1], srv_commands[i].name))
			cmd = &srv_commands[i];
	if (!cmd)
		return usage_error("unknown command '%s'", argv[1]);
	argc--;
	argv++;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': a.config = optarg; break;
		case 'd': a.data = optarg; break;
		case 'l': a.listen = optarg; break;
		case 'p': a.port_file = optarg; break;
		case 'L': a.log_level = optarg; break;
		case 'I': a.insecure_loopback = true; break;
		case 't': a.team = optarg; break;
		case 'r': a.role = optarg; break;
		case 'T': a.to = optarg; break;
		case 'P': a.passphrase_file = optarg; break;
		case 'h': printf("usage: senda-server %s\n%s\n", cmd->usage, cmd->help); return 0;
		case 'V': printf("senda-server %s\n", SENDA_VERSION); return 0;
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (a.log_level) {
		enum log_level lvl;
		if (!log_parse_level(a.log_level, &lvl))
			return usage_error("--log-level must be debug, info, warn, error or off");
	}
	return cmd->run(&a, argc - optind, argv + optind);
}
