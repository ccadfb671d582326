/*
 * store-data-tool - drive a senda store's data API from the end-to-end
 * tests (t15xx): create a store, fill it with interviews and answers the
 * way the console saves them, and, to prove `senda audit verify` notices,
 * run raw SQL against the decrypted database as someone holding the key
 * but not the program would.  Test use only; never installed.
 *
 * usage: store-data-tool --dir DIR [--create] [--fill N] [--canary TEXT]
 *          [--actor NAME] [--pause MS] [--exec SQL] [--count-audit]
 *          [--referral-states]
 * The passphrase is one line on standard input.  --fill N makes N
 * interviews, each with a respondent name and answers containing TEXT
 * (default "CANARY"), and completes every other one with a referral and an
 * outbox item in one transaction; --pause MS sleeps between interviews so
 * that two writers take turns.  --count-audit prints the number of audit
 * entries (as `senda audit verify` would count them).  --referral-states
 * prints "RULE STATE" for every referral, read as stored: unlike `senda
 * review show`, it moves nothing along on the way.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/util.h"

static void die(const char *what, status_t s)
{
	fprintf(stderr, "store-data-tool: %s: %s\n", what, st_detail(s));
	exit(status_exit(s) ? status_exit(s) : 1);
}

static void check(const char *what, status_t s)
{
	if (s != ST_OK)
		die(what, s);
}

/* One interview as the console makes it: create, answer, maybe finish. */
static void fill_one(struct store *st, unsigned n, const char *canary)
{
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_referral r = { 0 };
	char value[256], path[64];
	unsigned q;

	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("2023-05");
	iv.language = xstrdup(n % 2 ? "es" : "en");
	iv.respondent = xasprintf("%s name %u", canary, n);
	check("creating an interview", store_interview_create(st, &iv));
	for (q = 1; q <= 5; q++) {
		snprintf(path, sizeof(path), "members[%u].story", q);
		snprintf(value, sizeof(value), "%s answer %u.%u", canary, n, q);
		check("saving an answer", store_answer_save(st, iv.id, path, value, path));
	}
	if (n % 2 == 0) {
		check("begin", store_begin(st));
		check("completing", store_interview_set_status(st, iv.id, STORE_IV_COMPLETED));
		r.interview_id = xstrdup(iv.id);
		r.rule_id = xstrdup("shelter_basic");
		r.service = xstrdup("shelter");
		r.reason = xasprintf("%s reason", canary);
		r.consent_ok = true;
		check("adding a referral", store_referral_add(st, &r));
		snprintf(value, sizeof(value), "{\"who\":\"%s\"}", canary);
		check("queueing", store_outbox_add(st, "interview", iv.id, value, NULL));
		check("commit", store_commit(st));
		store_referral_release(&r);
	}
	store_interview_release(&iv);
}

static void print_referral_states(struct store *st)
{
	struct store_interview_list ivs = STORE_INTERVIEW_LIST_INIT;

	check("listing interviews", store_interviews_list(st, 0, &ivs));
	for (size_t i = 0; i < ivs.n; i++) {
		struct store_referral_list refs = STORE_REFERRAL_LIST_INIT;

		check("reading referrals", store_referrals_load(st, ivs.v[i].id, &refs));
		for (size_t j = 0; j < refs.n; j++)
			printf("%s %s\n", refs.v[j].rule_id, store_ref_state_name(refs.v[j].state));
		store_referral_list_release(&refs);
	}
	store_interview_list_release(&ivs);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "create", no_argument, NULL, 'c' },
		{ "fill", required_argument, NULL, 'f' },
		{ "canary", required_argument, NULL, 'k' },
		{ "actor", required_argument, NULL, 'a' },
		{ "exec", required_argument, NULL, 'x' },
		{ "count-audit", no_argument, NULL, 'n' },
		{ "pause", required_argument, NULL, 'p' },
		{ "referral-states", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *canary = "CANARY", *sql = NULL;
	bool create = false, count = false, states = false;
	struct store_open_opts so = { { 64, 1 }, 0 };
	char recovery[STORE_RECOVERY_KEY_LEN];
	struct store *st = NULL;
	int64_t fill = 0, pause_ms = 0, n;
	char *pass = NULL;
	size_t len = 0;
	status_t s;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'c': create = true; break;
		case 'f':
			if (!parse_int64(optarg, &fill) || fill < 0)
				die("--fill", st_error(ST_USAGE, "not a count: %s", optarg));
			break;
		case 'k': canary = optarg; break;
		case 'p':
			if (!parse_int64(optarg, &pause_ms) || pause_ms < 0 || pause_ms > 10000)
				die("--pause", st_error(ST_USAGE, "not a pause in ms: %s", optarg));
			break;
		case 'a': store_set_actor(optarg); break;
		case 'x': sql = optarg; break;
		case 'n': count = true; break;
		case 'r': states = true; break;
		default: die("usage", st_error(ST_USAGE, "see the comment in store-data-tool.c"));
		}
	}
	if (!dir)
		die("usage", st_error(ST_USAGE, "--dir DIR is required"));
	check("initialising crypto", crypto_init());
	check("reading the passphrase", crypto_passphrase_read(0, NULL, &pass, &len));
	if (create) {
		check("creating the directory", path_mkdir_p(dir, 0700));
		s = store_create(dir, pass, len, &so, recovery, &st);
	} else {
		s = store_open(dir, pass, len, false, &so, &st);
	}
	crypto_secure_free(pass);
	check(create ? "creating the store" : "opening the store", s);

	for (n = 0; n < fill; n++) {
		struct timespec ts = { pause_ms / 1000, (long)(pause_ms % 1000) * 1000000L };

		fill_one(st, (unsigned)n, canary);
		if (pause_ms)
			nanosleep(&ts, NULL);
	}
	if (sql)
		check("running SQL", store_schema_exec_for_test(st, sql));
	if (count) {
		s = store_audit_verify(st, &n, NULL);
		if (s != ST_OK && s != ST_DAMAGED)
			die("reading the audit trail", s);
		printf("%lld\n", (long long)n);
	}
	if (states)
		print_referral_states(st);
	store_close(st);
	return 0;
}
