/*
 * pull.c - the decisions feed (docs/sync-protocol.md, section 5): what the
 * server says happened to this device's interviews and referrals, applied
 * to the local store in server order.
 *
 * Each page is applied in one transaction together with the new cursor, so
 * a cut mid-pull re-reads at most one page, and applying an entry twice is
 * harmless: decisions carry the server's UUID (a second add is refused and
 * ignored) and status moves that the state machine refuses are skipped.
 * An expired cursor (410) restarts from 0.  Unknown kinds are skipped, as
 * the protocol asks, so an older client keeps working with a newer server.
 *
 * Payloads are read with jansson directly: they are small, free-form per
 * kind, and proto hands them over as JSON text.
 */
#include "sync/sync_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "store/data.h"
#include "sync/review_pull.h"
#include "util/log.h"

#define SYNC_PULL_LIMIT 200
#define SYNC_PULL_MAX_PAGES 10000	/* a runaway `more` must end */

static const char *jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Record a supervisor's decision and its per-question comments. */
static void add_decision(struct store *st, const struct proto_decision *d, json_t *pl,
			 const char *kind)
{
	struct store_decision dec;
	memset(&dec, 0, sizeof(dec));
	memcpy(dec.id, d->id, sizeof(dec.id));
	/* The server nests the supervisor's item under "decision". */
	json_t *inner = json_object_get(pl, "decision");
	json_t *src = json_is_object(inner) ? inner : pl;
	const char *by = jstr(pl, "by"), *text = jstr(src, "comment");
	dec.interview_id = xstrdup(d->interview);
	dec.kind = xstrdup(kind);
	dec.author = xstrdup(by ? by : "supervisor");
	dec.text = xstrdup(text ? text : "");
	status_t s = store_decision_add(st, &dec);
	if (s == ST_OK) {
		json_t *comments = json_object_get(src, "comments");
		const char *q;
		json_t *v;
		json_object_foreach(comments, q, v) {
			if (!json_is_string(v))
				continue;
			struct store_comment c;
			memset(&c, 0, sizeof(c));
			c.interview_id = xstrdup(d->interview);
			c.decision_id = xstrdup(dec.id);
			c.path = xstrdup(q);
			c.author = xstrdup(dec.author);
			c.text = xstrdup(json_string_value(v));
			if (store_comment_add(st, &c) != ST_OK)
				st_clear();
			store_comment_release(&c);
		}
	}
	st_clear();
	store_decision_release(&dec);
}

static void set_status(struct store *st, const char *iv, enum store_iv_status to)
{
	/* Not ours any more, or already past it: both are fine on a re-pull. */
	if (*iv && store_interview_set_status(st, iv, to) != ST_OK)
		st_clear();
}

static void on_received(struct store *st, const struct proto_decision *d, json_t *pl)
{
	/* A resubmission stays "resubmitted" until the supervisor decides. */
	const char *state = jstr(pl, "state");
	if (state && !strcmp(state, "resubmitted"))
		return;
	set_status(st, d->interview, STORE_IV_SUBMITTED);
}

static void on_approved(struct store *st, const struct proto_decision *d, json_t *pl)
{
	add_decision(st, d, pl, "approve");
	set_status(st, d->interview, STORE_IV_APPROVED);
}

static void on_returned(struct store *st, const struct proto_decision *d, json_t *pl)
{
	add_decision(st, d, pl, "return");
	set_status(st, d->interview, STORE_IV_RETURNED);
}

static void on_escalated(struct store *st, const struct proto_decision *d, json_t *pl)
{
	add_decision(st, d, pl, "escalate");
}

/*
 * The server's administrator gave the interview to another device
 * (`senda-server reassign`): here it becomes read-only, with a note saying
 * to which device.  Given back to this device, it is editable again.
 */
static void on_reassigned(struct store *st, const struct proto_decision *d, json_t *pl)
{
	const char *to = jstr(pl, "to");
	char *me = NULL, *note = NULL;
	status_t ret;

	if (!*d->interview)
		return;
	if (store_kv_get(st, SYNC_KV_DEVICE, &me) != ST_OK)
		st_clear();
	if (!(to && me && !strcmp(to, me)))
		/* view_review_iv.c reads this sentence to say it in Spanish too. */
		note = xasprintf("reassigned to device %.8s by the server's administrator",
				 to && *to ? to : "?");
	ret = store_interview_set_readonly(st, d->interview, note);
	if (ret != ST_OK)
		st_clear();	/* not on this device (the new owner's copy comes by other means) */
	free(note);
	free(me);
}

static void on_referral(struct store *st, const struct proto_decision *d, json_t *pl)
{
	(void)d;
	const char *id = jstr(pl, "referral"), *state = jstr(pl, "status");
	enum store_ref_state to;
	if (id && state && store_ref_state_parse(state, &to) &&
	    store_referral_set_state(st, id, to) != ST_OK)
		st_clear();
}

/* Whether this conflict (path and both values) is recorded already. */
static bool conflict_known(const struct store_conflict_list *l, const char *path,
			   const char *local, const char *remote)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path) &&
		    !strcmp(l->v[i].local_value ? l->v[i].local_value : "", local ? local : "") &&
		    !strcmp(l->v[i].remote_value ? l->v[i].remote_value : "", remote ? remote : ""))
			return true;
	return false;
}

/*
 * This device's amendment crossed a supervisor's approval: keep both
 * values of every differing answer as a conflict (here = what this device
 * sent, theirs = what was approved) for a person to resolve; nothing is
 * overwritten.  A re-pull finds them recorded already and adds nothing.
 */
static void on_conflict(struct store *st, const struct proto_decision *d, json_t *pl)
{
	struct store_conflict_list known = STORE_CONFLICT_LIST_INIT;
	json_t *fields = json_object_get(pl, "fields"), *f;
	size_t i;

	if (!*d->interview || !json_is_array(fields))
		return;
	if (store_conflicts_load(st, d->interview, false, &known) != ST_OK)
		st_clear();
	json_array_foreach(fields, i, f) {
		const char *path = jstr(f, "path");
		char *mine, *theirs;
		if (!path)
			continue;
		mine = sync_review_answer_text(json_object_get(f, "amended"));
		theirs = sync_review_answer_text(json_object_get(f, "approved"));
		if (!conflict_known(&known, path, mine, theirs)) {
			struct store_conflict c;
			memset(&c, 0, sizeof(c));
			c.interview_id = (char *)d->interview;
			c.path = (char *)path;
			c.local_value = mine;
			c.remote_value = theirs;
			if (store_conflict_add(st, &c) != ST_OK)
				st_clear();
		}
		free(mine);
		free(theirs);
	}
	store_conflict_list_release(&known);
}

/*
 * The other side resolved a conflict on this interview: say so beside the
 * open conflict here (kv, read by `senda review conflicts` and show) and
 * in the audit trail.  The conflict stays open: a person here decides;
 * nothing is overwritten.
 */
static void on_resolved(struct store *st, const struct proto_decision *d, json_t *pl)
{
	const char *path = jstr(pl, "path"), *how = jstr(pl, "resolution");
	const char *role = jstr(pl, "role"), *dev = jstr(pl, "device");
	char *key, *note, *detail;

	if (!*d->interview || !path || !how)
		return;
	key = sync_conflict_note_key(d->interview, path);
	/* Words, not a sentence: each reader says it in its own language. */
	note = xasprintf("%s %.8s %s", role && *role && !strchr(role, ' ') ? role : "device",
			 dev && *dev && !strchr(dev, ' ') ? dev : "?",
			 !strcmp(how, "local") || !strcmp(how, "remote") ? how : "other");
	detail = xasprintf("%s resolved %s by %s", *path ? path : "(status)", how,
			   role ? role : "device");
	if (store_kv_set(st, key, note) != ST_OK ||
	    store_audit_add(st, "conflict.other_side", d->interview, detail) != ST_OK)
		st_clear();
	free(detail);
	free(note);
	free(key);
}

static const struct {
	const char *kind;
	void (*apply)(struct store *st, const struct proto_decision *d, json_t *pl);
} decision_kinds[] = {
	{ "received", on_received },
	{ "approved", on_approved },
	{ "returned", on_returned },
	{ "escalated", on_escalated },
	{ "reassigned", on_reassigned },
	{ "referral", on_referral },
	{ "conflict", on_conflict },
	{ "resolved", on_resolved },
	/* Kinds we do not know: kept by the server, skipped here. */
};

/* Tell the caller what arrived: the kind and which questions got comments. */
static void report(struct sync_client *c, const struct proto_decision *d, json_t *pl)
{
	json_t *inner = json_object_get(pl, "decision");
	json_t *comments = json_object_get(json_is_object(inner) ? inner : pl, "comments");
	struct strbuf sb = STRBUF_INIT;
	const char *q;
	json_t *v;
	json_object_foreach(comments, q, v)
		strbuf_addf(&sb, "%s%s", sb.len ? ", " : "comments on ", q);
	c->opts->on_decision(c->opts->ctx, d->kind, d->interview, sb.len ? sb.buf : NULL);
	strbuf_release(&sb);
}

static void apply_entry(struct sync_client *c, struct proto_decision *d)
{
	struct store *st = c->st;
	if (*d->interview) {
		char local[sizeof(d->interview)];
		snprintf(local, sizeof(local), "%s", sync_local_interview(c, d->interview));
		memcpy(d->interview, local, sizeof(local));
	}
	for (size_t i = 0; i < ARRAY_SIZE(decision_kinds); i++) {
		if (strcmp(d->kind, decision_kinds[i].kind))
			continue;
		json_t *pl = json_loads(d->payload ? d->payload : "{}", 0, NULL);
		if (!json_is_object(pl)) {
			json_decref(pl);
			pl = json_object();
		}
		decision_kinds[i].apply(st, d, pl);
		if (c->opts && c->opts->on_decision)
			report(c, d, pl);
		json_decref(pl);
		return;
	}
	log_debug("sync: decision %lld of kind '%s' skipped", (long long)d->seq, d->kind);
}

static int64_t cursor_load(struct store *st)
{
	char *v = NULL;
	int64_t c = 0;
	if (store_kv_get(st, SYNC_KV_CURSOR, &v) != ST_OK || !parse_int64(v, &c) || c < 0)
		c = 0;
	st_clear();
	free(v);
	return c;
}

status_t sync_pull(struct sync_client *c)
{
	struct store *st = c->st;
	int64_t after = cursor_load(st);
	struct sync_http_response resp;
	status_t s = ST_OK;
	bool restarted = false;
	sync_http_response_init(&resp);

	for (int page = 0; page < SYNC_PULL_MAX_PAGES; page++) {
		char path[96];
		snprintf(path, sizeof(path), "/v1/decisions?after=%lld&limit=%d",
			 (long long)after, SYNC_PULL_LIMIT);
		s = sync_signed_request(c, "GET", path, NULL, 0, false, &resp);
		if (s != ST_OK)
			break;
		if (resp.status == 410 && !restarted) {
			/* The server lost or pruned our place: read everything again. */
			log_info("sync: decisions cursor %lld expired; pulling from the start",
				 (long long)after);
			restarted = true;
			after = 0;
			continue;
		}
		if (resp.status != 200) {
			s = sync_answer_error(&resp, "pulling decisions", NULL, NULL);
			break;
		}
		struct proto_feed f;
		proto_feed_init(&f);
		s = proto_feed_decode(resp.body.buf, resp.body.len, "decisions", after, &f);
		if (s != ST_OK) {
			/* A cut answer looks like garbage: the link's fault, try later. */
			s = st_error(ST_UNREACHABLE, "pulling decisions: %s", st_detail(s));
			proto_feed_release(&f);
			break;
		}
		s = store_begin(st);
		for (size_t i = 0; s == ST_OK && i < f.n; i++)
			apply_entry(c, &f.v[i]);
		/* After a 410, even an empty feed moves our place (to its start). */
		if (s == ST_OK && (f.n || restarted)) {
			char cur[32];
			snprintf(cur, sizeof(cur), "%lld", (long long)f.cursor);
			s = store_kv_set(st, SYNC_KV_CURSOR, cur);
		}
		if (s == ST_OK)
			s = store_commit(st);
		else
			store_rollback(st);
		if (s == ST_OK) {
			if (c->stats)
				c->stats->decisions += f.n;
			if (f.n)
				after = f.cursor;
		}
		bool more = f.more && f.n;
		proto_feed_release(&f);
		if (s != ST_OK || !more)
			break;
	}
	sync_http_response_release(&resp);
	return s;
}
