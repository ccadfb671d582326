/*
 * cmd_review.c - `senda review`: the supervisor's review queue and the
 * caseworker's view of a return from the command line (the console has
 * the same in its review views; docs/review.md):
 *
 *   senda review sync                       sync, then the queue (supervisor), then
 *                                           referrals of approved interviews
 *   senda review pull                       fetch the team's queue (supervisor)
 *   senda review list [--all] [--status S] [--caseworker D] [--form F] [--flag F]
 *   senda review show N|ID                  answers with comments beside them
 *   senda review approve|escalate N|ID [--comment-file FILE|-]
 *   senda review return N|ID [--comment-file FILE|-] [--on-file FILE|-]
 *                           (--on-file: "PATH=COMMENT" lines; comments never
 *                           go on the command line, where ps shows them)
 *   senda review conflicts [N|ID]
 *   senda review resolve CONFLICT-ID local|remote
 *   senda review revoke N|ID RULE|REFERRAL-ID  consent withdrawn
 *
 * Decisions are recorded and queued in one transaction; `senda sync`
 * delivers them.  Interviews are named by local number or id (a unique
 * prefix of 8 or more characters works too).
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/review.h"
#include "cli/store_unlock.h"
#include "store/data.h"
#include "sync/review_pull.h"
#include "sync/sync.h"
#include "util/util.h"

struct review_cmd {
	struct cli *cli;
	struct store *st;
	struct app *app;
};

static status_t rc_open(struct review_cmd *rc, struct cli *cli)
{
	struct app_options ao;
	status_t s;

	memset(rc, 0, sizeof(*rc));
	rc->cli = cli;
	if ((s = cli_store_open(cli, false, &rc->st)) != ST_OK)
		return s;
	memset(&ao, 0, sizeof(ao));
	ao.data_dir = cli->data_dir;
	ao.forms_dir = opt_str(cli->config, "forms", "dir");
	ao.passphrase_fd = cli->passphrase_fd;
	rc->app = app_new(&ao);
	app_adopt_store(rc->app, rc->st);
	store_set_actor("supervisor");
	return ST_OK;
}

static void rc_close(struct review_cmd *rc)
{
	if (rc->app)
		app_free(rc->app);	/* closes the adopted store */
	memset(rc, 0, sizeof(*rc));
}

/* An interview by local number, full id, or an id prefix of 8+ chars. */
static status_t find_interview(struct review_cmd *rc, const char *name,
			       struct store_interview *out)
{
	struct store_interview_list l = STORE_INTERVIEW_LIST_INIT;
	int64_t seq;
	size_t i, hits = 0, at = 0;
	status_t s;

	if (parse_int64(name, &seq))
		return store_interview_get_seq(rc->st, seq, out);
	if (strlen(name) == 36)
		return store_interview_get(rc->st, name, out);
	if (strlen(name) < 8)
		return st_error(ST_INVALID, "'%s': give a number or at least 8 characters of the id",
				name);
	if ((s = store_interviews_list(rc->st, 0, &l)) != ST_OK) {
		store_interview_list_release(&l);
		return s;
	}
	for (i = 0; i < l.n; i++)
		if (!strncmp(l.v[i].id, name, strlen(name))) {
			hits++;
			at = i;
		}
	if (hits == 1)
		s = store_interview_get(rc->st, l.v[at].id, out);
	else
		s = st_error(hits ? ST_INVALID : ST_NOTFOUND, "'%s': %s", name,
			     hits ? "more than one interview matches" : "no such interview");
	store_interview_list_release(&l);
	return s;
}

static const char *urgency_name(enum app_urgency u)
{
	static const char *const names[] = { "high", "normal", "low" };
	return names[u];
}

static void format_when(int64_t t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

/* ---- pull ---- */

static int review_pull(struct cli *cli, int argc, char **argv)
{
	struct review_cmd rc;
	struct sync_review_stats stats;
	status_t s;

	(void)argv;
	if (argc != 1)
		return cli_usage_error("usage: senda review pull");
	if ((s = rc_open(&rc, cli)) != ST_OK)
		return cli_fail(s);
	memset(&stats, 0, sizeof(stats));
	s = sync_review_pull(rc.st, opt_str(cli->config, "sync", "server"),
			     (long)opt_num(cli->config, "sync", "timeout"), &stats);
	if (s == ST_OK)
		printf("review queue: %zu interviews, %zu amendments, %zu conflicts\n",
		       stats.interviews, stats.amendments, stats.conflicts);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

/* ---- sync: everything review needs in one pass ---- */

static int review_sync(struct cli *cli, int argc, char **argv)
{
	struct review_cmd rc;
	struct sync_opts so;
	struct sync_stats stats;
	struct sync_review_stats rs;
	size_t sent = 0, queued = 0, more = 0;
	status_t s;

	(void)argv;
	if (argc != 1)
		return cli_usage_error("usage: senda review sync");
	if ((s = rc_open(&rc, cli)) != ST_OK)
		return cli_fail(s);
	sync_opts_init(&so);
	so.batch_size = (size_t)opt_num(cli->config, "sync", "batch_size");
	so.timeout_s = (long)opt_num(cli->config, "sync", "timeout");
	so.server_url = opt_str(cli->config, "sync", "server");
	memset(&stats, 0, sizeof(stats));
	memset(&rs, 0, sizeof(rs));
	s = sync_pass(rc.st, &so, &stats);
	if (s == ST_OK)
		s = app_review_after_sync(rc.st, so.server_url, so.timeout_s, &rs, &sent, &queued);
	/* Referrals queued because the pull showed their interview approved
	 * leave in this same command, and come back acknowledged as sent. */
	if (s == ST_OK && queued) {
		struct sync_stats again;
		memset(&again, 0, sizeof(again));
		s = sync_pass(rc.st, &so, &again);
		stats.delivered += again.delivered;
		stats.decisions += again.decisions;
		if (s == ST_OK)
			s = app_review_settle_store(rc.st, &more);
		sent += more;
	}
	if (s == ST_OK)
		printf("review sync: %zu delivered, %zu decisions, %zu queue items, "
		       "%zu conflicts, %zu referrals sent\n", stats.delivered, stats.decisions,
		       rs.interviews + rs.amendments, rs.conflicts, sent);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

/* ---- list ---- */

static int review_list(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "status", required_argument, NULL, 's' },
		{ "caseworker", required_argument, NULL, 'c' },
		{ "form", required_argument, NULL, 'f' },
		{ "flag", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	struct app_review_filter f = APP_REVIEW_FILTER_INIT;
	struct app_review_queue q = APP_REVIEW_QUEUE_INIT;
	struct review_cmd rc;
	enum store_iv_status stv;
	status_t s;
	size_t i;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': f.all = true; break;
		case 's':
			if (!store_iv_status_parse(optarg, &stv))
				return cli_usage_error("--status: unknown status '%s'", optarg);
			f.status = (int)stv;
			break;
		case 'c': f.caseworker = optarg; break;
		case 'f': f.form = optarg; break;
		case 'g': f.flag = optarg; break;
		default:
			return cli_usage_error("usage: senda review list [--all] [--status S] "
					       "[--caseworker DEVICE] [--form FORM] [--flag FLAG]");
		}
	}
	if (optind != argc)
		return cli_usage_error("senda review list: unexpected '%s'", argv[optind]);
	if ((s = rc_open(&rc, cli)) != ST_OK)
		return cli_fail(s);
	s = app_review_queue_load(rc.app, &q);
	if (s == ST_OK) {
		app_review_queue_apply(&q, &f);
		printf("%-5s %-8s  %-11s %-7s %-10s %-8s  %s\n", "#", "ID", "STATUS", "URGENCY",
		       "FORM", "BY", "RECEIVED");
		for (i = 0; i < q.n_shown; i++) {
			const struct app_review_item *it = &q.items[q.shown[i]];
			char when[20];
			format_when(it->received, when);
			size_t k;
			printf("%-5lld %.8s  %-11s %-7s %-10s %-8.8s  %s%s", (long long)it->iv.seq,
			       it->iv.id, store_iv_status_name(it->iv.status),
			       urgency_name(it->urgency), it->iv.form_id ? it->iv.form_id : "",
			       *it->caseworker ? it->caseworker : "-", when,
			       it->escalated ? "  escalated" : "");
			/* Protection flags: what the supervisor looks at first. */
			for (k = 0; k < it->n_flags; k++)
				printf("%s%s", k ? "," : "  flags: ", it->flags[k]);
			putchar('\n');
		}
		printf("%zu shown of %zu\n", q.n_shown, q.n_items);
	}
	app_review_queue_release(&q);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

/* ---- show ---- */

static int review_show(struct cli *cli, int argc, char **argv)
{
	struct review_cmd rc;
	struct store_interview iv;
	struct store_answer_list al = STORE_ANSWER_LIST_INIT;
	struct store_comment_list cl = STORE_COMMENT_LIST_INIT;
	struct store_decision_list dl = STORE_DECISION_LIST_INIT;
	struct store_conflict_list xl = STORE_CONFLICT_LIST_INIT;
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	status_t s;
	size_t i;

	store_interview_init(&iv);
	if (argc != 2)
		return cli_usage_error("usage: senda review show N|ID");
	if ((s = rc_open(&rc, cli)) != ST_OK)
		return cli_fail(s);
	/* Approved since the last look: its consented referrals are out. */
	s = app_review_settle_referrals(rc.app, NULL);
	if (s == ST_OK)
		s = find_interview(&rc, argv[1], &iv);
	if (s == ST_OK)
		s = store_referrals_load(rc.st, iv.id, &rl);
	if (s == ST_OK)
		s = store_answers_load(rc.st, iv.id, &al);
	if (s == ST_OK)
		s = app_review_comments(rc.app, iv.id, &cl);
	if (s == ST_OK)
		s = store_decisions_load(rc.st, iv.id, &dl);
	if (s == ST_OK)
		s = store_conflicts_load(rc.st, iv.id, true, &xl);
	if (s == ST_OK) {
		printf("interview %lld  %s  %s  %s\n", (long long)iv.seq, iv.id,
		       iv.form_id ? iv.form_id : "", store_iv_status_name(iv.status));
		if (iv.readonly_note)
			printf("read-only: %s\n", iv.readonly_note);
		for (i = 0; i < dl.n; i++)
			printf("decision: %s by %.8s%s%s\n", dl.v[i].kind, dl.v[i].author,
			       *dl.v[i].text ? ": " : "", dl.v[i].text);
		if (app_review_comment_at(&cl, ""))
			printf("comment: %s\n", app_review_comment_at(&cl, ""));
		for (i = 0; i < al.n; i++) {
			const char *c = app_review_comment_at(&cl, al.v[i].path);
			if (str_ends_with(al.v[i].path, ":ack"))
				continue;
			printf("  %-28s %s%s%s\n", al.v[i].path, al.v[i].value,
			       c ? "    <- " : "", c ? c : "");
		}
		/* A comment on a question with no answer still shows. */
		for (i = 0; i < cl.n; i++) {
			size_t k;
			if (!*cl.v[i].path)
				continue;
			for (k = 0; k < al.n && strcmp(al.v[k].path, cl.v[i].path); k++)
				;
			if (k == al.n)
				printf("  %-28s %s    <- %s\n", cl.v[i].path, "-", cl.v[i].text);
		}
		for (i = 0; i < rl.n; i++)
			printf("referral %s %s%s  rule %s  id %.8s\n",
			       rl.v[i].service ? rl.v[i].service : "?",
			       store_ref_state_name(rl.v[i].state),
			       rl.v[i].consent_ok ? "" : " (no consent: stays on this device)",
			       rl.v[i].rule_id ? rl.v[i].rule_id : "?", rl.v[i].id);
		for (i = 0; i < xl.n; i++) {
			char *note = app_review_conflict_note(rc.st, &xl.v[i]);
			printf("conflict %.8s at %s: here '%s', theirs '%s'", xl.v[i].id,
			       *xl.v[i].path ? xl.v[i].path : "(status)",
			       xl.v[i].local_value ? xl.v[i].local_value : "-",
			       xl.v[i].remote_value ? xl.v[i].remote_value : "-");
			if (note)
				printf("  (resolved there: %s)", note);
			putchar('\n');
			free(note);
		}
		store_audit_add(rc.st, "interview.view", iv.id, "review show");
		st_clear();
	}
	store_referral_list_release(&rl);
	store_conflict_list_release(&xl);
	store_decision_list_release(&dl);
	store_comment_list_release(&cl);
	store_answer_list_release(&al);
	store_interview_release(&iv);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

/* ---- approve, return, escalate ---- */

/*
 * Comments may be sensitive, and a command line is not private: `ps`
 * shows it to every user of the machine and the shell keeps it in its
 * history.  So comments come only from a file or stdin (--comment-file
 * FILE, --comment - , --on-file FILE); a comment's text as an argument
 * (the first version's --comment TEXT and --on PATH=TEXT) is refused with
 * the way to do it instead.
 */
#define REVIEW_TEXT_MAX (256 * 1024)	/* far above the limits; the draft checks those */
#define REVIEW_USAGE "usage: senda review %s N|ID [--comment-file FILE|-] [--on-file FILE|-]"

/* Read all of fd, at most REVIEW_TEXT_MAX bytes of text, into *out. */
static status_t read_text_fd(int fd, const char *name, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_release(&sb);
			return st_error(ST_IO, "%s: %s", name, strerror(errno));
		}
		if (sb.len + (size_t)n > REVIEW_TEXT_MAX) {
			strbuf_release(&sb);
			return st_error(ST_INVALID, "%s: longer than %d bytes", name, REVIEW_TEXT_MAX);
		}
		strbuf_add(&sb, buf, (size_t)n);
	}
	if (sb.len && memchr(sb.buf, '\0', sb.len)) {
		strbuf_release(&sb);
		return st_error(ST_INVALID, "%s: holds a NUL byte; a comment is text", name);
	}
	*out = strbuf_detach(&sb, NULL);
	return ST_OK;
}

/*
 * A comment's text from path ("-": stdin), without its final newlines.
 * stdin cannot carry a comment when it carries the passphrase.
 */
static status_t read_text(struct cli *cli, const char *path, char **out)
{
	status_t s;
	size_t len;
	int fd;

	*out = NULL;
	if (!strcmp(path, "-")) {
		if (cli->passphrase_fd == STDIN_FILENO)
			return st_error(ST_USAGE, "stdin carries the passphrase (--passphrase-fd 0); "
					"give the comment in a file");
		s = read_text_fd(STDIN_FILENO, "stdin", out);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return st_error(errno == ENOENT ? ST_NOTFOUND : ST_IO, "%s: %s", path,
					strerror(errno));
		s = read_text_fd(fd, path, out);
		close(fd);
	}
	if (s != ST_OK)
		return s;
	len = strlen(*out);
	while (len && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
		(*out)[--len] = '\0';
	return ST_OK;
}

/* --on-file: one "PATH=COMMENT" a line; blank lines are skipped. */
static status_t read_notes(struct cli *cli, const char *path, struct app_review_draft *d)
{
	char *text, *line, *next, *eq, *q;
	const char *name = strcmp(path, "-") ? path : "stdin";
	status_t s;
	int lineno = 0;

	if ((s = read_text(cli, path, &text)) != ST_OK)
		return s;
	for (line = text; s == ST_OK && line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (!*line)
			continue;
		eq = strchr(line, '=');
		if (!eq || eq == line) {
			s = st_error(ST_INVALID, "%s:%d: expected PATH=COMMENT", name, lineno);
			break;
		}
		q = xstrndup(line, (size_t)(eq - line));
		s = app_review_draft_note(d, q, eq + 1);
		free(q);
		if (s != ST_OK) {
			char *why = xstrdup(st_detail(s));
			s = st_error(s, "%s:%d: %s", name, lineno, why);
			free(why);
		}
	}
	free(text);
	return s;
}

static int review_decide(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "comment", required_argument, NULL, 'c' },
		{ "comment-file", required_argument, NULL, 'f' },
		{ "on", required_argument, NULL, 'o' },
		{ "on-file", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	const char *action = argv[0];
	struct app_review_draft d = APP_REVIEW_DRAFT_INIT;
	struct store_interview iv;
	struct review_cmd rc;
	status_t s = ST_OK;
	int c, from_stdin = 0;
	char *text;

	optind = 1;
	while (s == ST_OK && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'f':
			if (c == 'c' && strcmp(optarg, "-")) {	/* the text itself */
				app_review_draft_release(&d);
				return cli_usage_error("--comment takes '-' (read stdin); a comment on "
						       "the command line shows in ps and shell history: "
						       "use --comment-file FILE");
			}
			if (!strcmp(optarg, "-") && from_stdin++) {
				s = st_error(ST_USAGE, "only one option can read stdin ('-')");
				break;
			}
			if ((s = read_text(cli, optarg, &text)) == ST_OK && *text)
				s = app_review_draft_comment(&d, text);
			free(text);
			break;
		case 'O':
			if (!strcmp(optarg, "-") && from_stdin++) {
				s = st_error(ST_USAGE, "only one option can read stdin ('-')");
				break;
			}
			s = read_notes(cli, optarg, &d);
			break;
		case 'o':
			app_review_draft_release(&d);
			return cli_usage_error("--on: a comment on the command line shows in ps and "
					       "shell history: put PATH=COMMENT lines in a file, "
					       "--on-file FILE (or - for stdin)");
		default:
			app_review_draft_release(&d);
			return cli_usage_error(REVIEW_USAGE, action);
		}
	}
	if (s != ST_OK) {
		app_review_draft_release(&d);
		return cli_fail(s);
	}
	if (optind != argc - 1) {
		app_review_draft_release(&d);
		return cli_usage_error(REVIEW_USAGE, action);
	}
	if ((s = rc_open(&rc, cli)) != ST_OK) {
		app_review_draft_release(&d);
		return cli_fail(s);
	}
	s = find_interview(&rc, argv[optind], &iv);
	if (s == ST_OK)
		s = app_review_decide(rc.app, iv.id, action, &d);
	if (s == ST_OK)
		printf("interview %lld: %s; it goes with the next 'senda sync'\n",
		       (long long)iv.seq, action);
	store_interview_release(&iv);
	app_review_draft_release(&d);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

/* ---- conflicts ---- */

static int review_conflicts(struct cli *cli, int argc, char **argv)
{
	struct store_conflict_list xl = STORE_CONFLICT_LIST_INIT;
	struct store_interview iv;
	struct review_cmd rc;
	status_t s;
	size_t i;

	if (argc > 2)
		return cli_usage_error("usage: senda review conflicts [N|ID]");
	if ((s = rc_open(&rc, cli)) != ST_OK)
		return cli_fail(s);
	store_interview_init(&iv);
	if (argc == 2)
		s = find_interview(&rc, argv[1], &iv);
	if (s == ST_OK)
		s = store_conflicts_load(rc.st, argc == 2 ? iv.id : NULL, true, &xl);
	for (i = 0; s == ST_OK && i < xl.n; i++) {
		char *note = app_review_conflict_note(rc.st, &xl.v[i]);
		printf("%s  %.8s  %-24s here: %s  theirs: %s", xl.v[i].id,
		       xl.v[i].interview_id, *xl.v[i].path ? xl.v[i].path : "(status)",
		       xl.v[i].local_value ? xl.v[i].local_value : "-",
		       xl.v[i].remote_value ? xl.v[i].remote_value : "-");
		if (note)
			printf("  (resolved there: %s)", note);
		putchar('\n');
		free(note);
	}
	if (s == ST_OK)
		printf("%zu open conflicts\n", xl.n);
	store_conflict_list_release(&xl);
	store_interview_release(&iv);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

static int review_resolve(struct cli *cli, int argc, char **argv)
{
	struct store_conflict_list xl = STORE_CONFLICT_LIST_INIT;
	struct review_cmd rc;
	const struct store_conflict *x = NULL;
	bool local;
	status_t s;
	size_t i;

	if (argc != 3 || (strcmp(argv[2], "local") && strcmp(argv[2], "remote")))
		return cli_usage_error("usage: senda review resolve CONFLICT-ID local|remote");
	local = !strcmp(argv[2], "local");
	if ((s = rc_open(&rc, cli)) != ST_OK)
		return cli_fail(s);
	s = store_conflicts_load(rc.st, NULL, true, &xl);
	for (i = 0; s == ST_OK && i < xl.n; i++)
		if (strlen(argv[1]) >= 8 && !strncmp(xl.v[i].id, argv[1], strlen(argv[1])))
			x = &xl.v[i];
	if (s == ST_OK && !x)
		s = st_error(ST_NOTFOUND, "no open conflict '%s'", argv[1]);
	if (s == ST_OK)
		s = store_conflict_resolve(rc.st, x->id, local ? x->local_value : x->remote_value,
					   argv[2]);
	if (s == ST_OK)
		printf("conflict %.8s resolved: %s value kept\n", x->id,
		       local ? "this device's" : "the other side's");
	store_conflict_list_release(&xl);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

/* ---- revoke: the respondent withdrew consent ---- */

/* A referral of iv by its rule id, full id, or an id prefix of 8+ chars. */
static status_t find_referral(struct review_cmd *rc, const struct store_interview *iv,
			      const char *name, char id[37])
{
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	size_t i, hits = 0;
	status_t s = store_referrals_load(rc->st, iv->id, &rl);

	for (i = 0; s == ST_OK && i < rl.n; i++)
		if ((rl.v[i].rule_id && !strcmp(rl.v[i].rule_id, name)) ||
		    (strlen(name) >= 8 && !strncmp(rl.v[i].id, name, strlen(name)))) {
			memcpy(id, rl.v[i].id, 37);
			hits++;
		}
	store_referral_list_release(&rl);
	if (s == ST_OK && hits == 0)
		s = st_error(ST_NOTFOUND, "interview %lld has no referral '%s'", (long long)iv->seq,
			     name);
	else if (s == ST_OK && hits > 1)
		s = st_error(ST_USAGE, "'%s' names %zu referrals; give more of the id", name, hits);
	return s;
}

static int review_revoke(struct cli *cli, int argc, char **argv)
{
	struct store_interview iv;
	struct review_cmd rc;
	char id[37], *role = NULL;
	status_t s;

	if (argc != 3)
		return cli_usage_error("usage: senda review revoke N|ID RULE|REFERRAL-ID");
	if ((s = rc_open(&rc, cli)) != ST_OK)
		return cli_fail(s);
	/* The audit trail says who withdrew it: usually the caseworker. */
	if (store_kv_get(rc.st, "sync.role", &role) != ST_OK)
		st_clear();
	store_set_actor(role && !strcmp(role, "supervisor") ? "supervisor" : "caseworker");
	free(role);
	store_interview_init(&iv);
	s = find_interview(&rc, argv[1], &iv);
	if (s == ST_OK)
		s = find_referral(&rc, &iv, argv[2], id);
	if (s == ST_OK)
		s = app_review_revoke(rc.app, id);
	if (s == ST_OK) {
		struct store_referral r;
		if (store_referral_get(rc.st, id, &r) == ST_OK)
			printf("referral %.8s (%s) revoked\n", r.id, r.service);
		st_clear();
		store_referral_release(&r);
	}
	store_interview_release(&iv);
	rc_close(&rc);
	return s == ST_OK ? 0 : cli_fail(s);
}

static const struct {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
} review_subs[] = {
	{ "sync", review_sync },
	{ "pull", review_pull },
	{ "list", review_list },
	{ "show", review_show },
	{ "approve", review_decide },
	{ "return", review_decide },
	{ "escalate", review_decide },
	{ "conflicts", review_conflicts },
	{ "resolve", review_resolve },
	{ "revoke", review_revoke },
};

int cmd_review(struct cli *cli, int argc, char **argv)
{
	size_t i;

	/* argv[0] is "review". */
	for (i = 0; argc > 1 && i < ARRAY_SIZE(review_subs); i++)
		if (!strcmp(argv[1], review_subs[i].name))
			return review_subs[i].run(cli, argc - 1, argv + 1);
	return cli_usage_error("usage: senda review sync|pull|list|show|approve|return|escalate|"
			       "conflicts|resolve|revoke ...; see 'senda help review'");
}
