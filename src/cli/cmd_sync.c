/*
 * cmd_sync.c - `senda sync`: deliver the outbox to senda-server and pull
 * the supervisor's decisions; `senda sync log` (the ledger: what happened
 * to each item) and `senda sync retry ID` (re-queue a quarantined item).
 *
 * The same command runs by hand and from a timer, so its output follows
 * where it runs: a progress bar only on a terminal, nothing at all on
 * success under a timer, one line per item with --verbose, and always one
 * line saying why on failure.  Exit 0 when done, 75 when the server cannot
 * be reached (a timer's "try later"), 77 when the server refuses the device.
 * --watch keeps trying with backoff after a dropped link and after clock
 * skew (NTP fixes a clock while it runs), and stops for a revoked device.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "app/review.h"
#include "cli/store_unlock.h"
#include "store/store.h"
#include "sync/backoff.h"
#include "sync/sync.h"
#include "util/log.h"
#include "util/util.h"

/* ---- output ---- */

struct sync_out {
	bool verbose;
	bool bar;		/* progress bar on stderr (a terminal) */
	bool bar_drawn;
};

static const char *const event_words[] = {
	[SYNC_EV_DELIVERED] = "delivered",
	[SYNC_EV_DUPLICATE] = "delivered",
	[SYNC_EV_QUARANTINED] = "quarantined",
	[SYNC_EV_RETRY] = "retry",
};

static void bar_clear(struct sync_out *o)
{
	if (o->bar_drawn) {
		fputs("\r\033[K", stderr);
		o->bar_drawn = false;
	}
}

static void on_item(void *ctx, const struct store_outbox_item *it, enum sync_event ev,
		    const char *detail)
{
	struct sync_out *o = ctx;
	if (!o->verbose && ev != SYNC_EV_QUARANTINED)
		return;
	bar_clear(o);
	FILE *f = o->verbose ? stdout : stderr;
	fprintf(f, "%-11s %.8s  %-10s %s%s\n", event_words[ev], it->id, it->kind,
		ev == SYNC_EV_DUPLICATE ? "(already there) " : "", detail ? detail : "");
	fflush(f);
}

static void on_decision(void *ctx, const char *kind, const char *interview,
			const char *detail)
{
	struct sync_out *o = ctx;
	if (!o->verbose)
		return;
	bar_clear(o);
	printf("%-11s %.8s  %-10s %s\n", kind, interview, "interview", detail ? detail : "");
	fflush(stdout);
}

static void on_progress(void *ctx, size_t done, size_t total)
{
	struct sync_out *o = ctx;
	if (!o->bar || !total)
		return;
	int width = 30, fill = (int)(done * (size_t)width / total);
	fprintf(stderr, "\rsync [%.*s%*s] %zu/%zu", fill,
		"##############################", width - fill, "", done, total);
	fflush(stderr);
	o->bar_drawn = true;
}

static void print_summary(const struct sync_stats *s, FILE *f)
{
	fprintf(f, "sync: %zu delivered", s->delivered);
	if (s->duplicate)
		fprintf(f, " (%zu already there)", s->duplicate);
	fprintf(f, ", %zu quarantined, %zu waiting, %zu decisions", s->quarantined,
		s->retry, s->decisions);
	if (s->audit)
		fprintf(f, "; audit trail: %zu item%s", s->audit, s->audit == 1 ? "" : "s");
	fputc('\n', f);
}

static void format_time(int64_t t, char out[20])
{
	if (!t) {
		snprintf(out, 20, "-");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

/* ---- senda sync [--watch] ---- */

static volatile sig_atomic_t sync_stop;

static void on_stop(int sig)
{
	(void)sig;
	sync_stop = 1;
}

/* Sleep ms, waking early on SIGTERM/SIGINT. */
static void watch_sleep(int64_t ms)
{
	while (ms > 0 && !sync_stop) {
		int64_t step = ms < 200 ? ms : 200;
		struct timespec ts = { step / 1000, (long)(step % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/*
 * One pass at a time per store: a second one (the timer while a person
 * runs sync by hand) would put the first one's in-flight items back in the
 * queue as "left by a crash".  Harmless for the server, which dedupes, but
 * a ledger that flickers.  The lock file is empty; the kernel drops the
 * lock when the process dies, so kill -9 leaves nothing stale.
 */
static status_t sync_lock(struct cli *cli, int *fd_out)
{
	char *path = path_join(cli->data_dir, "sync.lock");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	status_t s = ST_OK;
	if (fd < 0)
		s = st_error(ST_IO, "%s: %s", path, strerror(errno));
	else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		fd = -1;
		s = st_error(ST_BUSY, "another 'senda sync' is running on this store; "
			     "try again when it is done");
	}
	free(path);
	*fd_out = fd;
	return s;
}

static void sync_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * One more push, no pull: the approved referrals app_review_after_sync just
 * queued.  Its counts join the pass's, so the summary covers both.
 */
static status_t sync_push_again(struct store *st, const struct sync_opts *so,
				struct sync_stats *stats)
{
	struct sync_opts o = *so;
	struct sync_stats more;
	o.pull = false;
	status_t s = sync_pass(st, &o, &more);
	stats->delivered += more.delivered;
	stats->duplicate += more.duplicate;
	stats->quarantined += more.quarantined;
	stats->audit += more.audit;
	stats->requests += more.requests;
	stats->retry = more.retry;
	if (more.skew_server_time)
		stats->skew_server_time = more.skew_server_time;
	return s;
}

/*
 * The part of a clock-skew message that changes only when the skew does:
 * up to the server's time, which moves at every try.
 */
static const char *skew_words(const char *detail)
{
	static char buf[256];
	const char *end = strstr(detail, " (the server's time");
	snprintf(buf, sizeof(buf), "%.*s", end ? (int)(end - detail) : (int)strlen(detail),
		 detail);
	return buf;
}

/* Failures worth another attempt in --watch; the rest need a person. */
static bool watch_retryable(status_t s)
{
	return s == ST_UNREACHABLE || s == ST_PROTOCOL || s == ST_BUSY || s == ST_IO;
}

static int sync_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "watch", no_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "interval", required_argument, NULL, 'i' },
		{ "batch", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-pull", no_argument, NULL, 'P' },
		{ "no-gzip", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	struct sync_opts so;
	struct sync_out out = { 0 };
	bool watch = false, quiet = false;
	int64_t interval = 60, v;
	sync_opts_init(&so);
	so.batch_size = (size_t)opt_num(cli->config, "sync", "batch_size");
	so.timeout_s = (long)opt_num(cli->config, "sync", "timeout");
	so.server_url = opt_str(cli->config, "sync", "server");
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "wvq", opts, NULL)) != -1) {
		switch (c) {
		case 'w': watch = true; break;
		case 'v': out.verbose = true; break;
		case 'q': quiet = true; break;
		case 'i':
			if (!parse_duration(optarg, &interval) || interval < 1)
				return cli_usage_error("--interval: '%s' is not a duration", optarg);
			break;
		case 'b':
			if (!parse_int64(optarg, &v) || v < 1 || v > 500)
				return cli_usage_error("--batch: expected 1..500, got '%s'", optarg);
			so.batch_size = (size_t)v;
			break;
		case 't':
			if (!parse_duration(optarg, &v) || v < 1 || v > 600)
				return cli_usage_error("--timeout: expected 1s..10m, got '%s'", optarg);
			so.timeout_s = (long)v;
			break;
		case 'P': so.pull = false; break;
		case 'Z': so.gzip = false; break;
		default:
			return cli_usage_error("usage: senda sync [--watch] [--verbose] [--quiet] "
					       "[--interval DUR] [--batch N] [--timeout DUR]");
		}
	}
	if (optind != argc)
		return cli_usage_error("senda sync: unexpected '%s'", argv[optind]);
	out.bar = !quiet && !out.verbose && isatty(STDERR_FILENO);
	so.on_item = on_item;
	so.on_progress = on_progress;
	so.on_decision = on_decision;
	so.ctx = &out;

	struct store *st = NULL;
	status_t s = cli_store_open(cli, false, &st);
	if (s != ST_OK)
		return cli_fail(s);

	struct sync_backoff bo;
	sync_backoff_init(&bo);
	bo.max_ms = opt_num(cli->config, "sync", "max_backoff") * 1000;
	if (watch) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	char *skew_said = NULL;	/* the clock-skew line last printed, to say it once */
	for (;;) {
		struct sync_stats stats;
		int lock = -1;
		memset(&stats, 0, sizeof(stats));
		s = sync_lock(cli, &lock);
		if (s == ST_OK)
			s = sync_pass(st, &so, &stats);
		/* A supervisor's queue and sent referrals come with every pass. */
		size_t queued = 0;
		if (s == ST_OK && so.pull)
			s = app_review_after_sync(st, so.server_url, so.timeout_s, NULL, NULL, &queued);
		/* Referrals the pull showed approved leave in this same pass. */
		if (s == ST_OK && queued)
			s = sync_push_again(st, &so, &stats);
		/* ...and read "sent" as soon as the server has acknowledged them. */
		if (s == ST_OK && queued)
			s = app_review_settle_store(st, NULL);
		sync_unlock(lock);
		bar_clear(&out);
		bool tty = isatty(STDOUT_FILENO);
		if (s == ST_OK && !quiet && (tty || out.verbose))
			print_summary(&stats, stdout);
		if (!watch)
			break;
		int64_t wait_ms;
		bool skew = s == ST_DENIED && stats.skew_server_time;
		if (!skew) {
			free(skew_said);
			skew_said = NULL;
		}
		if (s == ST_OK) {
			sync_backoff_reset(&bo);
			wait_ms = interval * 1000;
		} else if (skew) {
			/* NTP may fix the clock any moment: keep trying, say it once. */
			wait_ms = sync_backoff_fail(&bo);
			if (!quiet && (!skew_said || strcmp(skew_said, skew_words(st_detail(s))))) {
				fprintf(stderr, "senda: %s; trying again until it is fixed\n",
					st_detail(s));
				free(skew_said);
				skew_said = xstrdup(skew_words(st_detail(s)));
			}
		} else if (watch_retryable(s)) {
			wait_ms = sync_backoff_fail(&bo);
			if (!quiet)
				fprintf(stderr, "senda: %s; trying again in %llds\n", st_detail(s),
					(long long)((wait_ms + 999) / 1000));
		} else {
			break;
		}
		st_clear();
		watch_sleep(wait_ms);
		if (sync_stop) {
			s = ST_OK;
			break;
		}
	}
	free(skew_said);
	int rc = 0;
	if (s != ST_OK)
		rc = cli_fail(s);
	store_close(st);
	return rc;
}

/* ---- senda sync log ---- */

/* What `senda sync log` shows: the filters, then the newest `limit` of what passes. */
struct log_filter {
	unsigned state_mask;	/* 0: every state */
	const char *kind;	/* NULL: every kind */
	const char *interview;	/* local interview id, or NULL */
	size_t limit;		/* 0: all */
};

#define SYNC_LOG_DEFAULT_LIMIT 50

/*
 * Whether an item is about the interview: its object (interviews, and
 * referrals as the console queues them), the interview its payload names
 * (amendments), or the interview of the referral it carries.
 */
static bool item_about(struct store *st, const struct store_outbox_item *it, const char *iv)
{
	if (it->object_id && !strcmp(it->object_id, iv))
		return true;
	/* An audit item names many interviews; it is about none of them. */
	if (!strcmp(it->kind, "audit"))
		return false;
	if (it->payload && strstr(it->payload, iv))
		return true;
	if (strcmp(it->kind, "referral") || !it->object_id || !*it->object_id)
		return false;
	struct store_referral r;
	memset(&r, 0, sizeof(r));
	bool yes = store_referral_get(st, it->object_id, &r) == ST_OK && r.interview_id &&
		   !strcmp(r.interview_id, iv);
	store_referral_release(&r);
	st_clear();
	return yes;
}

static bool log_keep(struct store *st, const struct log_filter *f,
		     const struct store_outbox_item *it)
{
	return (!f->kind || !strcmp(it->kind, f->kind)) &&
	       (!f->interview || item_about(st, it, f->interview));
}

/* --interview N|ID: the local interview's id, by number or id (prefix). */
static status_t log_interview(struct store *st, const char *arg, char id[37])
{
	struct store_interview iv;
	int64_t n;
	status_t s = parse_int64(arg, &n) && n > 0 ? store_interview_get_seq(st, n, &iv)
						   : store_interview_get(st, arg, &iv);
	if (s == ST_OK)
		memcpy(id, iv.id, 37);
	store_interview_release(&iv);
	return s;
}

static const char sync_log_usage[] =
	"usage: senda sync log [--limit N | --all] [--state STATE]... [--kind KIND] "
	"[--interview N]";

static int sync_log(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "state", required_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "interview", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct log_filter f = { .limit = SYNC_LOG_DEFAULT_LIMIT };
	const char *iv_arg = NULL;
	char iv_id[37];
	int64_t v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		enum store_outbox_state sst;
		switch (c) {
		case 'n':
			if (!parse_int64(optarg, &v) || v < 1)
				return cli_usage_error("--limit: expected a number of items, got '%s'",
						       optarg);
			f.limit = (size_t)v;
			break;
		case 'a': f.limit = 0; break;
		case 's':
			if (!store_outbox_state_parse(optarg, &sst))
				return cli_usage_error("--state: expected queued, sending, delivered "
						       "or quarantined, got '%s'", optarg);
			f.state_mask |= STORE_OUTBOX_BIT(sst);
			break;
		case 'k': f.kind = optarg; break;
		case 'i': iv_arg = optarg; break;
		default:
			return cli_usage_error("%s", sync_log_usage);
		}
	}
	if (optind != argc)
		return cli_usage_error("%s", sync_log_usage);
	struct store *st = NULL;
	status_t s = cli_store_open(cli, false, &st);
	if (s != ST_OK)
		return cli_fail(s);
	if (iv_arg && (s = log_interview(st, iv_arg, iv_id)) == ST_OK)
		f.interview = iv_id;
	struct store_outbox_list l = STORE_OUTBOX_LIST_INIT;
	int64_t counts[STORE_OUTBOX_N_STATES] = { 0 };
	if (s == ST_OK)
		s = store_outbox_list(st, f.state_mask, &l);
	if (s == ST_OK)
		s = store_outbox_counts(st, counts);
	if (s == ST_OK) {
		/* Filter in place, then show the newest `limit`, oldest first. */
		size_t n = 0;
		for (size_t i = 0; i < l.n; i++) {
			if (log_keep(st, &f, &l.v[i])) {
				struct store_outbox_item tmp = l.v[n];
				l.v[n++] = l.v[i];
				l.v[i] = tmp;
			}
		}
		size_t first = f.limit && n > f.limit ? n - f.limit : 0;
		printf("%-8s  %-10s %-11s %8s  %-16s  %s\n", "ID", "KIND", "STATE", "ATTEMPTS",
		       "DELIVERED", "RECEIPT / LAST ERROR");
		for (size_t i = first; i < n; i++) {
			const struct store_outbox_item *it = &l.v[i];
			char when[20];
			format_time(it->delivered, when);
			const char *note = it->state == STORE_OUTBOX_DELIVERED
				? (it->receipt ? it->receipt : "")
				: (it->last_error ? it->last_error : "");
			printf("%.8s  %-10s %-11s %8d  %-16s  %s\n", it->id, it->kind,
			       store_outbox_state_name(it->state), it->attempts, when, note);
		}
		if (first)
			printf("(the last %zu of %zu items shown; --all shows every one)\n",
			       n - first, n);
		printf("%lld delivered, %lld quarantined, %lld queued, %lld sending\n",
		       (long long)counts[STORE_OUTBOX_DELIVERED],
		       (long long)counts[STORE_OUTBOX_QUARANTINED],
		       (long long)counts[STORE_OUTBOX_QUEUED],
		       (long long)counts[STORE_OUTBOX_SENDING]);
	}
	store_outbox_list_release(&l);
	store_close(st);
	return s == ST_OK ? 0 : cli_fail(s);
}

/* ---- senda sync retry ID ---- */

static int sync_retry(struct cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error("usage: senda sync retry ID");
	struct store *st = NULL;
	status_t s = cli_store_open(cli, false, &st);
	if (s != ST_OK)
		return cli_fail(s);
	struct store_outbox_item it;
	memset(&it, 0, sizeof(it));
	s = store_outbox_get(st, argv[1], &it);
	if (s == ST_OK)
		s = store_outbox_retry(st, it.id);
	if (s == ST_OK)
		printf("re-queued %.8s (%s); it goes with the next 'senda sync'\n", it.id, it.kind);
	store_outbox_item_release(&it);
	store_close(st);
	return s == ST_OK ? 0 : cli_fail(s);
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	/* argv[0] is "sync". */
	if (argc > 1 && !strcmp(argv[1], "log"))
		return sync_log(cli, argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "retry"))
		return sync_retry(cli, argc - 1, argv + 1);
	return sync_run(cli, argc, argv);
}
