/*
 * store-data-bench - what the data API costs on a real encrypted store
 * (`make bench-store-data`, part of `make bench`): the console's autosave
 * of one answer (p50/p99, each a durable transaction), filling a
 * supervisor's queue of 5,000 interviews, listing them cold (fresh
 * connection: every page decrypted) and warm, loading one interview's
 * answers, and verifying the audit trail.  Figures only; no assertions.
 *
 * usage: store-data-bench [--interviews N] [--saves N] [--dir DIR]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "util/util.h"

#define PASS "bench passphrase"

static const struct store_open_opts opts = { { 64, 1 }, 10000 };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void check(const char *what, status_t s)
{
	if (s != ST_OK) {
		fprintf(stderr, "store-data-bench: %s: %s\n", what, st_detail(s));
		exit(1);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void autosave(struct store *st, const char *iv, int n)
{
	double *t = xcalloc((size_t)n, sizeof(*t));
	char path[64], value[64];
	int i;

	for (i = 0; i < n; i++) {
		double t0 = now_ms();

		snprintf(path, sizeof(path), "section%d.q%d", i / 10, i % 10);
		snprintf(value, sizeof(value), "answer number %d", i);
		check("saving", store_answer_save(st, iv, path, value, path));
		t[i] = now_ms() - t0;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("autosave one answer (durable): p50 %.2f ms, p99 %.2f ms (%d saves)\n",
	       t[n / 2], t[n * 99 / 100], n);
	free(t);
}

static void fill_queue(struct store *st, int n)
{
	struct store_answer_list set = STORE_ANSWER_LIST_INIT;
	double t0 = now_ms();
	char path[64];
	int i, q;

	for (q = 0; q < 40; q++) {
		snprintf(path, sizeof(path), "section%d.q%d", q / 5, q);
		store_answer_list_add(&set, path, "a realistic answer of some length", 0);
	}
	for (i = 0; i < n; i++) {
		struct store_interview iv = STORE_INTERVIEW_INIT;

		if (i % 100 == 0)
			check("begin", store_begin(st));
		iv.form_id = "intake";
		iv.form_version = "2023-05";
		iv.language = "es";
		iv.status = STORE_IV_SUBMITTED;
		iv.meta = i % 7 ? "{\"urgency\":\"normal\"}" : "{\"urgency\":\"high\"}";
		uuid_v4(iv.id);
		check("importing", store_interview_import(st, &iv, &set));
		if (i % 100 == 99 || i == n - 1)
			check("commit", store_commit(st));
	}
	printf("fill queue: %d interviews x 40 answers in %.0f ms\n", n, now_ms() - t0);
	store_answer_list_release(&set);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interviews", required_argument, NULL, 'i' },
		{ "saves", required_argument, NULL, 's' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_interview_list l = STORE_INTERVIEW_LIST_INIT;
	struct store_answer_list al = STORE_ANSWER_LIST_INIT;
	struct store_interview iv = STORE_INTERVIEW_INIT;
	char recovery[STORE_RECOVERY_KEY_LEN], dir[256], *cmd;
	int64_t n_interviews = 5000, n_saves = 300, n;
	const char *tmp = getenv("TMPDIR");
	struct store *st = NULL;
	bool own_dir = true;
	double t0;
	int c, pass;

	snprintf(dir, sizeof(dir), "%s/store-data-bench-XXXXXX", tmp ? tmp : "/tmp");
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'i' && parse_int64(optarg, &n_interviews) && n_interviews > 0)
			continue;
		if (c == 's' && parse_int64(optarg, &n_saves) && n_saves > 1)
			continue;
		if (c == 'd') {
			snprintf(dir, sizeof(dir), "%s", optarg);
			own_dir = false;
			continue;
		}
		fprintf(stderr, "usage: store-data-bench [--interviews N] [--saves N] [--dir DIR]\n");
		return 2;
	}
	check("crypto", crypto_init());
	if (own_dir && !mkdtemp(dir)) {
		perror("store-data-bench: mkdtemp");
		return 1;
	}
	check("creating the store", store_create(dir, PASS, strlen(PASS), &opts, recovery, &st));
	store_set_actor("bench");

	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("2023-05");
	iv.language = xstrdup("es");
	check("creating", store_interview_create(st, &iv));
	autosave(st, iv.id, (int)n_saves);
	fill_queue(st, (int)n_interviews);
	store_close(st);

	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			check("reopening", store_open(dir, PASS, strlen(PASS), false, &opts, &st));
		t0 = now_ms();
		check("listing", store_interviews_list(st, 0, &l));
		printf("list %zu interviews (%s): %.1f ms\n", l.n,
		       pass ? "warm" : "cold, fresh connection", now_ms() - t0);
		store_interview_list_release(&l);
	}
	t0 = now_ms();
	check("loading", store_answers_load(st, iv.id, &al));
	printf("load one interview's %zu answers: %.2f ms\n", al.n, now_ms() - t0);
	t0 = now_ms();
	check("verifying", store_audit_verify(st, &n, NULL));
	printf("audit verify: %lld entries in %.0f ms\n", (long long)n, now_ms() - t0);

	store_answer_list_release(&al);
	store_interview_release(&iv);
	store_close(st);
	if (own_dir) {
		cmd = xasprintf("rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "store-data-bench: could not remove %s\n", dir);
		free(cmd);
	}
	return 0;
}
