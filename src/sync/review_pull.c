/*
 * review_pull.c - the supervisor's copy of the team's review queue: pull
 * GET /v1/review-queue from a cursor kept in the store, and turn each
 * entry into an interview the supervisor's console can open offline.
 *
 * Answers arrive as JSON values (what the caseworker's device sent) and
 * are stored as the text the form engine reads back (yes/no, numbers,
 * dates, space-separated choices), so the same session code shows them.
 * Re-reading an entry is harmless: an interview already decided here is
 * not reset by its own first copy.
 */
#include "sync/review_pull.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "store/data.h"
#include "sync/sync_int.h"
#include "util/log.h"
#include "util/util.h"

#define REVIEW_PULL_LIMIT 200
#define REVIEW_PULL_MAX_PAGES 10000

char *sync_conflict_note_key(const char *interview, const char *path)
{
	return xasprintf("conflict.other.%s.%s", interview, path);
}

/* An answer as the store keeps it: the text form_value_format() writes. */
char *sync_review_answer_text(struct json_t *v)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_true(v))
		return xstrdup("yes");
	if (json_is_false(v))
		return xstrdup("no");
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.17g", json_real_value(v));
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);
			if (!json_is_string(e))
				continue;
			if (sb.len)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb, json_string_value(e));
		}
		return strbuf_detach(&sb, NULL);
	}
	return NULL;	/* null: no answer */
}

static const char *jstr(json_t *o, const char *key, const char *def)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : def;
}

/*
 * The queue's metadata: who sent it, when, urgency and flags, and which
 * version the supervisor has (the content hash of the item, as the server
 * knows it): a decision names it, so the server can tell when an
 * amendment crossed it.
 */
static char *make_meta(const char *old, json_t *pl, const char *payload, const char *device,
		       int64_t at)
{
	json_t *m = json_loads(old ? old : "{}", 0, NULL), *pm = json_object_get(pl, "meta");
	char *s, *r, *canon = proto_canonical(payload, strlen(payload));
	char hash[PROTO_HASH_LEN + 1];

	if (!json_is_object(m)) {
		json_decref(m);
		m = json_object();
	}
	json_object_set_new(m, "caseworker", json_string(device ? device : ""));
	if (canon) {
		proto_item_hash(canon, strlen(canon), hash);
		json_object_set_new(m, "version", json_string(hash));
		free(canon);
	}
	if (!json_object_get(m, "received"))
		json_object_set_new(m, "received", json_integer(at));
	if (json_is_object(pm)) {
		if (json_is_string(json_object_get(pm, "urgency")) &&
		    !json_is_true(json_object_get(m, "escalated")))
			json_object_set(m, "urgency", json_object_get(pm, "urgency"));
		if (json_is_array(json_object_get(pm, "flags")))
			json_object_set(m, "flags", json_object_get(pm, "flags"));
	}
	s = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
	r = xstrdup(s ? s : "{}");
	free(s);
	json_decref(m);
	return r;
}

static const char *answer_in(const struct store_answer_list *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return l->v[i].value;
	return NULL;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * The supervisor decided already (approved) and the caseworker's amendment
 * crossed it: keep both values of every changed answer for a person.
 */
static status_t add_conflicts(struct store *st, const char *interview,
			      const struct store_answer_list *mine,
			      const struct store_answer_list *theirs,
			      struct sync_review_stats *stats)
{
	status_t ret = ST_OK;
	size_t i;

	for (i = 0; ret == ST_OK && i < theirs->n; i++) {
		const char *m = answer_in(mine, theirs->v[i].path);
		struct store_conflict c;
		if (same(m, theirs->v[i].value))
			continue;
		memset(&c, 0, sizeof(c));
		c.interview_id = (char *)interview;
		c.path = theirs->v[i].path;
		c.local_value = (char *)m;
		c.remote_value = theirs->v[i].value;
		ret = store_conflict_add(st, &c);
		if (ret == ST_OK && stats)
			stats->conflicts++;
	}
	for (i = 0; ret == ST_OK && i < mine->n; i++) {
		struct store_conflict c;
		if (answer_in(theirs, mine->v[i].path))
			continue;
		memset(&c, 0, sizeof(c));
		c.interview_id = (char *)interview;
		c.path = mine->v[i].path;
		c.local_value = mine->v[i].value;
		c.remote_value = NULL;
		ret = store_conflict_add(st, &c);
		if (ret == ST_OK && stats)
			stats->conflicts++;
	}
	return ret;
}

status_t sync_review_apply(struct store *st, const char *kind, const char *interview,
			   const char *device, int64_t at, const char *payload,
			   struct sync_review_stats *stats)
{
	struct store_interview iv = STORE_INTERVIEW_INIT, old;
	struct store_answer_list ans = STORE_ANSWER_LIST_INIT, mine = STORE_ANSWER_LIST_INIT;
	json_t *pl = json_loads(payload ? payload : "", 0, NULL), *answers, *v;
	bool amendment = !strcmp(kind, "amendment"), exists;
	const char *path;
	status_t ret;

	if (strcmp(kind, "interview") && !amendment) {
		json_decref(pl);
		if (stats)
			stats->skipped++;
		return ST_OK;	/* unknown kinds are skipped, as the protocol asks */
	}
	answers = json_object_get(pl, "answers");
	if (!json_is_object(pl) || !json_is_object(answers) || !interview || !proto_is_uuid(interview)) {
		json_decref(pl);
		if (stats)
			stats->skipped++;
		log_warn("review queue: entry for %.8s has a bad payload; skipped",
			 interview ? interview : "?");
		return ST_OK;
	}
	ret = store_interview_get(st, interview, &old);
	exists = ret == ST_OK;
	if (ret == ST_NOTFOUND) {
		st_clear();
		ret = ST_OK;
	}
	/* Its own first copy again (a re-pull): what was decided here stays. */
	if (ret == ST_OK && exists && !amendment && old.status != STORE_IV_SUBMITTED &&
	    old.status != STORE_IV_COMPLETED) {
		store_interview_release(&old);
		json_decref(pl);
		return ST_OK;
	}
	if (ret == ST_OK) {
		json_object_foreach(answers, path, v) {
			char *t = sync_review_answer_text(v);
			if (t)
				store_answer_list_add(&ans, path, t, at);
			free(t);
		}
		memcpy(iv.id, interview, 37);
		iv.form_id = xstrdup(jstr(pl, "form", ""));
		iv.form_version = xstrdup(jstr(pl, "form_version", ""));
		iv.language = xstrdup(jstr(pl, "language", "en"));
		iv.respondent = exists && old.respondent ? xstrdup(old.respondent) : NULL;
		iv.status = amendment || !strcmp(jstr(pl, "state", ""), "resubmitted")
			? STORE_IV_RESUBMITTED : STORE_IV_SUBMITTED;
		iv.meta = make_meta(exists ? old.meta : NULL, pl, payload, device, at);
		iv.progress_done = iv.progress_total = (int)ans.n;
	}
	if (ret == ST_OK && exists && amendment && old.status == STORE_IV_APPROVED) {
		/* Crossed: the decision went out on the answers we have. */
		ret = store_answers_load(st, interview, &mine);
		if (ret == ST_OK)
			ret = add_conflicts(st, interview, &mine, &ans, stats);
	} else if (ret == ST_OK) {
		ret = store_interview_import(st, &iv, &ans);
		if (ret == ST_OK && stats)
			(*(amendment ? &stats->amendments : &stats->interviews))++;
	}
	if (exists)
		store_interview_release(&old);
	store_interview_release(&iv);
	store_answer_list_release(&ans);
	store_answer_list_release(&mine);
	json_decref(pl);
	return ret;
}

static int64_t cursor_load(struct store *st)
{
	char *v = NULL;
	int64_t c = 0;

	if (store_kv_get(st, SYNC_KV_REVIEW_CURSOR, &v) != ST_OK || !parse_int64(v, &c) || c < 0)
		c = 0;
	st_clear();
	free(v);
	return c;
}

status_t sync_review_pull(struct store *st, const char *url_override, long timeout_s,
			  struct sync_review_stats *stats)
{
	struct sync_client c;
	struct sync_http_response resp;
	int64_t after = cursor_load(st);
	bool restarted = false;
	status_t s;
	int page;

	s = sync_client_open(&c, st, timeout_s, url_override, NULL);
	if (s != ST_OK)
		return s;
	sync_http_response_init(&resp);
	for (page = 0; page < REVIEW_PULL_MAX_PAGES; page++) {
		char path[96];
		struct proto_feed f;
		bool more;
		size_t i;

		snprintf(path, sizeof(path), "/v1/review-queue?after=%lld&limit=%d",
			 (long long)after, REVIEW_PULL_LIMIT);
		s = sync_signed_request(&c, "GET", path, NULL, 0, false, &resp);
		if (s != ST_OK)
			break;
		if (resp.status == 410 && !restarted) {
			restarted = true;
			after = 0;
			continue;
		}
		if (resp.status != 200) {
			s = sync_answer_error(&resp, "pulling the review queue", NULL, NULL);
			break;
		}
		proto_feed_init(&f);
		s = proto_feed_decode(resp.body.buf, resp.body.len, "items", after, &f);
		if (s != ST_OK) {
			s = st_error(ST_UNREACHABLE, "pulling the review queue: %s", st_detail(s));
			proto_feed_release(&f);
			break;
		}
		s = store_begin(st);
		for (i = 0; s == ST_OK && i < f.n; i++)
			s = sync_review_apply(st, f.v[i].kind, f.v[i].interview, f.v[i].device,
					      f.v[i].at, f.v[i].payload, stats);
		if (s == ST_OK && f.n) {
			char cur[32];
			snprintf(cur, sizeof(cur), "%lld", (long long)f.cursor);
			s = store_kv_set(st, SYNC_KV_REVIEW_CURSOR, cur);
		}
		if (s == ST_OK)
			s = store_commit(st);
		else
			store_rollback(st);
		if (s == ST_OK && f.n)
			after = f.cursor;
		more = f.more && f.n;
		proto_feed_release(&f);
		if (s != ST_OK || !more)
			break;
	}
	sync_http_response_release(&resp);
	sync_client_release(&c);
	return s;
}
