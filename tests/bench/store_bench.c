/*
 * store_bench.c - the store benchmark behind `make bench-store`: the same
 * workloads, with the same settings (4096-byte pages, DELETE journal,
 * synchronous=FULL, secure_delete, temp_store=MEMORY, equal cache), on
 * plain SQLite, on senda's encrypted store, and on SQLCipher.
 *
 * SQLCipher exports the same sqlite3_* symbols as SQLite, so this file is
 * built twice: as store-bench (plain SQLite and senda, linked with
 * libsenda.a) and with -DBENCH_SQLCIPHER as store-bench-sqlcipher (linked
 * with libsqlcipher only).  The SQLCipher binary prints "workload ms"
 * lines; store-bench --sqlcipher BIN runs that binary for one round before
 * each of its own rounds (so the engines alternate under the same load;
 * --compare FILE reads saved lines instead) and prints one line per
 * workload with the ratios senda/plain and senda/sqlcipher, in wall-clock
 * time and in CPU time (the machine is shared: CPU time shows what the
 * encryption itself costs, wall-clock time what a caseworker waits).  Each figure
 * is the best of STORE_BENCH_ROUNDS (default 5) rounds, engines alternating.
 *
 * Workloads: 100,000 answer inserts in transactions of 1,000; 2,000
 * single-answer transactions; 20,000 random point selects with a cold
 * 32-page cache; 20 full scans with that cache; 10,000 random updates in
 * transactions of 500.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#ifndef BENCH_SQLCIPHER
#include "crypto/crypto.h"
#include "store/store.h"
#include "store/store_int.h"
#endif

#define N_BULK 100000
#define BULK_TX 1000
#define N_SINGLE 2000
#define N_SELECT 20000
#define N_SCAN 20
#define N_UPDATE 10000
#define UPDATE_TX 500
#define SMALL_CACHE 32		/* pages, for the cold-cache reads */
#define CACHE 2000		/* pages, for everything else (SQLite's default) */

enum engine { ENGINE_PLAIN, ENGINE_SENDA, ENGINE_SQLCIPHER };
static const char *engine_names[] = { "plain", "senda", "sqlcipher" };

struct bench {
	enum engine engine;
	char dir[256];
	sqlite3 *db;
#ifndef BENCH_SQLCIPHER
	struct store *st;
#endif
};

static void die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "store-bench: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql, db);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time (user + system) of this process: waits for the disk and for
 * other processes on a shared machine do not count. */
static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* The CPU time of the last workload, beside the wall time it returns. */
static double last_cpu;
static double cpu_start;

static double timer_start(void)
{
	cpu_start = cpu_ms();
	return now_ms();
}

static double timer_stop(double t0)
{
	last_cpu = cpu_ms() - cpu_start;
	return now_ms() - t0;
}

static void bench_open(struct bench *b, int cache_pages)
{
	char path[300], sql[128];

	snprintf(path, sizeof(path), "%s/senda.db", b->dir);
	switch (b->engine) {
	case ENGINE_PLAIN:
	case ENGINE_SQLCIPHER:
		if (sqlite3_open(path, &b->db) != SQLITE_OK)
			die("open", b->db);
		if (b->engine == ENGINE_SQLCIPHER) {
			/* A raw key: no PBKDF2, as senda's page key is raw too. */
			exec(b->db, "PRAGMA key = \"x'000102030405060708090a0b0c0d0e0f"
			     "101112131415161718191a1b1c1d1e1f'\"");
			exec(b->db, "PRAGMA cipher_page_size = 4096");
		}
		exec(b->db, "PRAGMA page_size=4096; PRAGMA journal_mode=DELETE; "
		     "PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; "
		     "PRAGMA secure_delete=ON; PRAGMA mmap_size=0");
		break;
	case ENGINE_SENDA:
#ifndef BENCH_SQLCIPHER
	{
		static const struct store_open_opts opts = { { 64, 1 }, 10000 };
		char rec[STORE_RECOVERY_KEY_LEN];
		status_t s;

		if (store_exists(b->dir))
			s = store_open(b->dir, "bench", 5, false, &opts, &b->st);
		else
			s = store_create(b->dir, "bench", 5, &opts, rec, &b->st);
		if (s != ST_OK) {
			fprintf(stderr, "store-bench: %s\n", st_detail(s));
			exit(1);
		}
		b->db = b->st->db;
	}
#endif
		break;
	}
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=%d", cache_pages);
	exec(b->db, sql);
}

static void bench_close(struct bench *b)
{
#ifndef BENCH_SQLCIPHER
	if (b->engine == ENGINE_SENDA) {
		store_close(b->st);
		b->st = NULL;
		b->db = NULL;
		return;
	}
#endif
	sqlite3_close(b->db);
	b->db = NULL;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void bind_answer(sqlite3_stmt *s, int64_t i)
{
	char iv[40], path[32], value[64];

	snprintf(iv, sizeof(iv), "3f1c9a2e-%04lld-4b7e-9c1d-5e6f7a8b9c0d", (long long)(i / 60));
	snprintf(path, sizeof(path), "members[%lld].q%lld", (long long)(i % 5),
		 (long long)(i % 60));
	snprintf(value, sizeof(value), "answer %lld: fled with two children", (long long)i);
	sqlite3_bind_text(s, 1, iv, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, 1700000000 + i);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(sql, db);
	return s;
}

static void step_done(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die("step", db);
	sqlite3_reset(s);
}

#define INSERT_SQL "INSERT INTO bench_answers(interview, path, value, changed) VALUES(?, ?, ?, ?)"

static double w_bulk(struct bench *b)
{
	sqlite3_stmt *s;
	double t0;

	bench_open(b, CACHE);
	exec(b->db, "CREATE TABLE bench_answers(id INTEGER PRIMARY KEY, interview TEXT NOT NULL, "
	     "path TEXT NOT NULL, value TEXT, changed INTEGER NOT NULL); "
	     "CREATE INDEX bench_answers_iv ON bench_answers(interview, path)");
	s = prep(b->db, INSERT_SQL);
	t0 = timer_start();
	for (int64_t i = 0; i < N_BULK; i++) {
		if (i % BULK_TX == 0)
			exec(b->db, "BEGIN");
		bind_answer(s, i);
		step_done(b->db, s);
		if (i % BULK_TX == BULK_TX - 1)
			exec(b->db, "COMMIT");
	}
	t0 = timer_stop(t0);
	sqlite3_finalize(s);
	bench_close(b);
	return t0;
}

static double w_single(struct bench *b)
{
	sqlite3_stmt *s;
	double t0;

	bench_open(b, CACHE);
	s = prep(b->db, INSERT_SQL);
	t0 = timer_start();
	for (int64_t i = 0; i < N_SINGLE; i++) {
		bind_answer(s, N_BULK + i);
		step_done(b->db, s);
	}
	t0 = timer_stop(t0);
	sqlite3_finalize(s);
	bench_close(b);
	return t0;
}

static double w_select(struct bench *b)
{
	sqlite3_stmt *s;
	int64_t sum = 0;
	double t0;

	bench_open(b, SMALL_CACHE);
	s = prep(b->db, "SELECT length(value) FROM bench_answers WHERE id = ?");
	t0 = timer_start();
	for (int i = 0; i < N_SELECT; i++) {
		sqlite3_bind_int64(s, 1, (int64_t)(rnd() % N_BULK) + 1);
		if (sqlite3_step(s) == SQLITE_ROW)
			sum += sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	t0 = timer_stop(t0);
	sqlite3_finalize(s);
	bench_close(b);
	return sum > 0 ? t0 : -1;
}

static double w_scan(struct bench *b)
{
	sqlite3_stmt *s;
	double t0;

	bench_open(b, SMALL_CACHE);
	s = prep(b->db, "SELECT sum(length(value)), count(*) FROM bench_answers");
	t0 = timer_start();
	for (int i = 0; i < N_SCAN; i++) {
		if (sqlite3_step(s) != SQLITE_ROW)
			die("scan", b->db);
		sqlite3_reset(s);
	}
	t0 = timer_stop(t0);
	sqlite3_finalize(s);
	bench_close(b);
	return t0;
}

static double w_update(struct bench *b)
{
	sqlite3_stmt *s;
	double t0;

	bench_open(b, CACHE);
	s = prep(b->db, "UPDATE bench_answers SET value = value || '.', changed = changed + 1 "
		 "WHERE id = ?");
	t0 = timer_start();
	for (int i = 0; i < N_UPDATE; i++) {
		if (i % UPDATE_TX == 0)
			exec(b->db, "BEGIN");
		sqlite3_bind_int64(s, 1, (int64_t)(rnd() % N_BULK) + 1);
		step_done(b->db, s);
		if (i % UPDATE_TX == UPDATE_TX - 1)
			exec(b->db, "COMMIT");
	}
	t0 = timer_stop(t0);
	sqlite3_finalize(s);
	bench_close(b);
	return t0;
}

static const struct {
	const char *name;
	const char *what;
	double (*run)(struct bench *b);
} workloads[] = {
	{ "bulk-insert", "100,000 inserts, 1,000 per transaction", w_bulk },
	{ "single-tx", "2,000 one-answer transactions", w_single },
	{ "point-select", "20,000 random selects, cold 32-page cache", w_select },
	{ "full-scan", "20 full scans, 32-page cache", w_scan },
	{ "update", "10,000 random updates, 500 per transaction", w_update },
};
#define N_WORK (sizeof(workloads) / sizeof(workloads[0]))

/*
 * All workloads on one engine, in a fresh directory; each figure is the
 * best of the rounds so far (the machine is shared, and noise only ever
 * adds time).
 */
static void run_engine(enum engine e, double ms[N_WORK], double cpu[N_WORK], int round)
{
	struct bench b = { .engine = e };
	const char *tmp = getenv("TMPDIR");
	/* STORE_BENCH_SKIP=single-tx skips workloads by name, for profiling. */
	const char *skip = getenv("STORE_BENCH_SKIP");
	char cmd[300];

	snprintf(b.dir, sizeof(b.dir), "%s/store-bench-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(b.dir)) {
		perror("mkdtemp");
		exit(1);
	}
	rng = 88172645463325252ull;
	for (size_t i = 0; i < N_WORK; i++) {
		double t;

		if (skip && strstr(skip, workloads[i].name))
			continue;
		t = workloads[i].run(&b);
		if (round == 0 || t < ms[i])
			ms[i] = t;
		if (round == 0 || last_cpu < cpu[i])
			cpu[i] = last_cpu;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
	if (system(cmd))
		(void)0;
}

#ifndef BENCH_SQLCIPHER
/* Read "workload ms cpu" lines of the SQLCipher binary, keeping the best. */
static bool read_cipher(FILE *f, double *ms, double *cpu, int round)
{
	char name[64];
	double v, c;
	bool any = false;

	while (fscanf(f, "%63s %lf %lf", name, &v, &c) == 3)
		for (size_t i = 0; i < N_WORK; i++)
			if (!strcmp(name, workloads[i].name)) {
				if (round == 0 || v < ms[i])
					ms[i] = v;
				if (round == 0 || c < cpu[i])
					cpu[i] = c;
				any = true;
			}
	return any;
}

static void print_table(const double *plain, const double *senda, const double *cipher)
{
	printf("%-13s %9s %9s %9s %12s %16s\n", "workload", "plain", "senda", "sqlcipher",
	       "senda/plain", "senda/sqlcipher");
	for (size_t i = 0; i < N_WORK; i++) {
		printf("%-13s %9.1f %9.1f ", workloads[i].name, plain[i], senda[i]);
		if (cipher)
			printf("%9.1f %12.2f %16.2f", cipher[i], senda[i] / plain[i],
			       senda[i] / cipher[i]);
		else
			printf("%9s %12.2f %16s", "-", senda[i] / plain[i], "-");
		printf("   (%s)\n", workloads[i].what);
	}
}

#endif

static int bench_rounds(void)
{
	const char *r = getenv("STORE_BENCH_ROUNDS");
	int n = r ? atoi(r) : 5;

	return n > 0 ? n : 1;
}

int main(int argc, char **argv)
{
	double plain[N_WORK] = { 0 }, senda[N_WORK] = { 0 }, cipher[N_WORK] = { 0 };
	double plain_cpu[N_WORK] = { 0 }, senda_cpu[N_WORK] = { 0 }, cipher_cpu[N_WORK] = { 0 };
	bool have_cipher = false;
	int rounds;

#ifdef BENCH_SQLCIPHER
	(void)argc;
	(void)argv;
	for (int r = 0; r < bench_rounds(); r++)
		run_engine(ENGINE_SQLCIPHER, cipher, cipher_cpu, r);
	for (size_t i = 0; i < N_WORK; i++)
		printf("%s %.1f %.1f\n", workloads[i].name, cipher[i], cipher_cpu[i]);
	(void)plain;
	(void)senda;
	(void)plain_cpu;
	(void)senda_cpu;
	(void)have_cipher;
	(void)rounds;
	(void)engine_names;
	return 0;
#else
	if (argc == 3 && !strcmp(argv[1], "--compare")) {
		FILE *f = fopen(argv[2], "r");

		if (!f) {
			perror(argv[2]);
			return 1;
		}
		have_cipher = read_cipher(f, cipher, cipher_cpu, 0);
		fclose(f);
	}
	crypto_init();
	rounds = bench_rounds();
	memset(plain, 0, sizeof(plain));
	memset(senda, 0, sizeof(senda));
	for (int r = 0; r < rounds; r++) {
		/* STORE_BENCH_ENGINE=senda (or plain) runs one engine, for profiling. */
		const char *only = getenv("STORE_BENCH_ENGINE");

		/*
		 * --sqlcipher BIN: one round of SQLCipher (a separate binary) before
		 * each round here, so that all three engines meet the same load on
		 * a shared machine, and the best of each is taken.
		 */
		if (argc == 3 && !strcmp(argv[1], "--sqlcipher") && !only) {
			char cmd[600];
			FILE *f;

			snprintf(cmd, sizeof(cmd), "STORE_BENCH_ROUNDS=1 '%s'", argv[2]);
			f = popen(cmd, "r");

			if (!f) {
				perror(argv[2]);
				return 1;
			}
			have_cipher = read_cipher(f, cipher, cipher_cpu, r);
			if (pclose(f) != 0) {
				fprintf(stderr, "store-bench: %s failed\n", argv[2]);
				return 1;
			}
		}
		if (!only || !strcmp(only, "plain"))
			run_engine(ENGINE_PLAIN, plain, plain_cpu, r);
		if (!only || !strcmp(only, "senda"))
			run_engine(ENGINE_SENDA, senda, senda_cpu, r);
	}
	printf("wall-clock ms (best of %d rounds; includes waiting for fsync and for other "
	       "processes)\n", bench_rounds());
	print_table(plain, senda, have_cipher ? cipher : NULL);
	printf("\nCPU ms, user + system (what the encryption costs, unaffected by load)\n");
	print_table(plain_cpu, senda_cpu, have_cipher ? cipher_cpu : NULL);
	(void)engine_names;
	return 0;
#endif
}
