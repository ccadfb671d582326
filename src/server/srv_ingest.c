/*
 * srv_ingest.c - POST /v1/batches: gunzip within limits, decode, then in
 * one transaction decide each item's fate (stored, duplicate, conflict,
 * rejected), apply the review state machine, append to the feeds, and
 * answer 200 only after the commit returned.  Also `reassign`.
 *
 * Dedupe is by item id: the same id and hash is a resend and answers
 * duplicate with the original receipt; the same id with another hash is
 * kept beside the original as a conflict for a person, never overwriting.
 * Team isolation: touching an interview of another team fails the whole
 * batch with 403 and stores nothing (a well-behaved device never does it).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/lifecycle.h"
#include "server/server.h"
#include "util/log.h"

/* What happened to one item; forbidden aborts the whole batch. */
struct item_outcome {
	enum proto_result result;
	bool forbidden;
	char receipt[24];
	char *reason;			/* malloc'd */
	const char *forbid_field;
};

struct ingest {
	struct srv *s;
	const struct sdb_device *dev;
	int64_t now;
};

#define BE(in) ((in)->s->be.ops)
#define IMPL(in) ((in)->s->be.impl)

static status_t feed_append(struct ingest *in, const char *stream, const char *interview,
			    const char *kind, const char *payload, const char *device,
			    const char *hash)
{
	char id[37];
	struct sdb_entry e = {
		.id = id, .interview = interview, .kind = kind, .at = in->now,
		.payload = payload, .device = device ? device : "", .hash = hash ? hash : "",
	};

	uuid_v4(id);
	return BE(in)->stream_append(IMPL(in), stream, &e, NULL);
}

static status_t feed_device(struct ingest *in, const char *device, const char *interview,
			    const char *kind, const char *payload)
{
	char stream[64];

	snprintf(stream, sizeof(stream), "d:%s", device);
	return feed_append(in, stream, interview, kind, payload, NULL, NULL);
}

/* Completed interviews and amendments enter the team's review queue. */
static status_t queue_team(struct ingest *in, const struct proto_item *it)
{
	char stream[80];

	snprintf(stream, sizeof(stream), "t:%s", in->dev->team);
	return feed_append(in, stream, it->kind == PROTO_KIND_INTERVIEW ? it->id : it->interview,
			   proto_kind_name(it->kind), it->payload, in->dev->id, it->hash);
}

static status_t store_item(struct ingest *in, const struct proto_item *it,
			   struct item_outcome *out)
{
	struct sdb_item row;
	status_t st;

	memset(&row, 0, sizeof(row));
	memcpy(row.id, it->id, sizeof(row.id));
	snprintf(row.kind, sizeof(row.kind), "%s", proto_kind_name(it->kind));
	memcpy(row.interview, it->kind == PROTO_KIND_INTERVIEW ? it->id : it->interview,
	       sizeof(row.interview));
	memcpy(row.hash, it->hash, sizeof(it->hash));
	memcpy(row.device, in->dev->id, sizeof(row.device));
	memcpy(row.team, in->dev->team, sizeof(row.team));
	row.at = in->now;
	row.payload = it->payload;
	row.payload_len = it->payload_len;
	st = BE(in)->item_add(IMPL(in), &row);
	if (st == ST_OK) {
		out->result = PROTO_STORED;
		snprintf(out->receipt, sizeof(out->receipt), "r-%012lld", (long long)row.seq);
	}
	return st;
}

static void reject(struct item_outcome *out, char *reason)
{
	out->result = PROTO_REJECTED;
	out->reason = reason;
}

/* An item about an existing interview: it must be this team's. */
static status_t need_interview(struct ingest *in, const struct proto_item *it,
			       struct sdb_interview *iv, struct item_outcome *out, bool *go)
{
	status_t st = BE(in)->interview_get(IMPL(in), it->interview, iv);

	*go = false;
	if (st == ST_NOTFOUND) {
		reject(out, xstrdup("interview: not known to the server; send the interview first"));
		return ST_OK;
	}
	if (st != ST_OK)
		return st;
	if (strcmp(iv->team, in->dev->team)) {
		out->forbidden = true;
		out->forbid_field = "interview";
		return ST_OK;
	}
	*go = true;
	return ST_OK;
}

static status_t ingest_interview(struct ingest *in, const struct proto_item *it,
				 struct item_outcome *out)
{
	struct sdb_interview iv;
	struct strbuf p = STRBUF_INIT;
	status_t st = store_item(in, it, out);

	if (st != ST_OK)
		return st;
	memset(&iv, 0, sizeof(iv));
	memcpy(iv.id, it->id, sizeof(iv.id));
	memcpy(iv.team, in->dev->team, sizeof(iv.team));
	memcpy(iv.owner, in->dev->id, sizeof(iv.owner));
	snprintf(iv.state, sizeof(iv.state), "%.15s", it->key);	/* a checked state name */
	st = BE(in)->interview_put(IMPL(in), &iv);
	strbuf_addf(&p, "{\"receipt\":\"%s\",\"state\":\"%s\"}", out->receipt, iv.state);
	if (st == ST_OK)
		st = feed_device(in, in->dev->id, it->id, "received", p.buf);
	if (st == ST_OK)
		st = queue_team(in, it);
	strbuf_release(&p);
	return st;
}

/*
 * The answers of the approved version and of a newer one that crossed the
 * approval, field by field where they differ: [{"path","approved",
 * "amended"}] (a missing answer is null).  NULL when nothing differs.
 */
static json_t *crossed_fields(const char *approved, const char *amended, size_t amended_len)
{
	json_t *a = json_loads(approved, 0, NULL), *b = json_loadb(amended, amended_len, 0, NULL);
	json_t *aa = json_object_get(a, "answers"), *ba = json_object_get(b, "answers");
	json_t *out = json_array(), *v;
	const char *path;

	json_object_foreach(ba, path, v) {
		json_t *old = json_object_get(aa, path);
		if (old && json_equal(old, v))
			continue;
		json_array_append_new(out, json_pack("{s:s, s:O, s:O}", "path", path, "approved",
						     old ? old : json_null(), "amended", v));
	}
	json_object_foreach(aa, path, v)
		if (!json_object_get(ba, path))
			json_array_append_new(out, json_pack("{s:s, s:O, s:n}", "path", path,
							     "approved", v, "amended"));
	json_decref(a);
	json_decref(b);
	if (!json_array_size(out)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/*
 * A caseworker's amendment and a supervisor's approval crossed.  Nothing
 * is overwritten (the interview stays approved, the amendment is stored
 * beside it); the owning device gets a "conflict" feed entry with both
 * values of every differing answer, as the supervisor's device finds them
 * in its queue.  approved: the payload decided on; amended: the newer one.
 */
static status_t feed_crossed(struct ingest *in, const struct sdb_interview *iv,
			     const char *approved, const char *amended, size_t amended_len)
{
	json_t *fields = crossed_fields(approved, amended, amended_len), *p;
	char *text;
	status_t st;

	if (!fields)
		return ST_OK;
	p = json_pack("{s:o, s:s}", "fields", fields, "state", iv->state);
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	st = feed_device(in, iv->owner, iv->id, "conflict", text ? text : "{}");
	free(text);
	if (st == ST_OK)
		log_info("interview %.8s: an amendment and the decision crossed", iv->id);
	return st;
}

/* The amendment arrived after the approval: compare with what was approved. */
static status_t amendment_crossed(struct ingest *in, const struct sdb_interview *iv,
				  const struct proto_item *it)
{
	char *approved = NULL;
	status_t st = BE(in)->item_decided(IMPL(in), iv->id, &approved);

	if (st == ST_NOTFOUND) {
		st_clear();
		return ST_OK;
	}
	if (st == ST_OK)
		st = feed_crossed(in, iv, approved, it->payload, it->payload_len);
	free(approved);
	return st;
}

/*
 * The approval arrived after an amendment the supervisor had not seen: its
 * payload names the version decided on ("seen": the content hash of the
 * interview or amendment in the supervisor's queue).
 */
static status_t decision_crossed(struct ingest *in, const struct sdb_interview *iv,
				 const struct proto_item *it)
{
	json_t *p = json_loadb(it->payload, it->payload_len, 0, NULL);
	const char *seen = json_string_value(json_object_get(p, "seen"));
	char *latest = NULL, *approved = NULL, hash[72];
	status_t st = ST_OK;

	if (seen)
		st = BE(in)->item_version(IMPL(in), iv->id, NULL, &latest, hash);
	if (seen && st == ST_OK && strcmp(hash, seen))
		st = BE(in)->item_version(IMPL(in), iv->id, seen, &approved, NULL);
	if (st == ST_OK && approved)
		st = feed_crossed(in, iv, approved, latest, strlen(latest));
	if (st == ST_NOTFOUND) {
		st_clear();
		st = ST_OK;	/* a version this server never had: nothing to compare */
	}
	free(latest);
	free(approved);
	json_decref(p);
	return st;
}

static status_t ingest_amendment(struct ingest *in, const struct proto_item *it,
				 struct item_outcome *out)
{
	struct sdb_interview iv;
	struct strbuf p = STRBUF_INIT;
	bool go;
	status_t st = need_interview(in, it, &iv, out, &go);

	if (st != ST_OK || !go)
		return st;
	if (strcmp(iv.owner, in->dev->id)) {
		reject(out, xstrdup("interview: belongs to another device now"));
		return ST_OK;
	}
	st = store_item(in, it, out);
	if (st == ST_OK && !strcmp(iv.state, "returned")) {
		snprintf(iv.state, sizeof(iv.state), "resubmitted");
		st = BE(in)->interview_put(IMPL(in), &iv);
	} else if (st == ST_OK && lc_is_final(LC_INTERVIEW, iv.state)) {
		st = amendment_crossed(in, &iv, it);
	}
	strbuf_addf(&p, "{\"receipt\":\"%s\",\"state\":\"%s\"}", out->receipt, iv.state);
	if (st == ST_OK)
		st = feed_device(in, in->dev->id, it->interview, "received", p.buf);
	if (st == ST_OK)
		st = queue_team(in, it);
	strbuf_release(&p);
	return st;
}

static status_t ingest_decision(struct ingest *in, const struct proto_item *it,
				struct item_outcome *out)
{
	const struct lc_transition *t;
	struct sdb_interview iv;
	struct strbuf p = STRBUF_INIT;
	bool go;
	status_t st;

	if (strcmp(in->dev->role, "supervisor")) {
		out->forbidden = true;
		out->forbid_field = "kind";
		return ST_OK;
	}
	st = need_interview(in, it, &iv, out, &go);
	if (st != ST_OK || !go)
		return st;
	/* The one review state machine (src/proto/lifecycle.c). */
	t = lc_find(LC_INTERVIEW, iv.state, it->key, LC_SUPERVISOR);
	if (!t) {
		char why[128];
		reject(out, xasprintf("state: %s", lc_refusal(LC_INTERVIEW, iv.state, it->key,
							      why, sizeof(why))));
		return ST_OK;
	}
	st = store_item(in, it, out);
	if (st != ST_OK)
		return st;
	snprintf(iv.state, sizeof(iv.state), "%s", t->to);
	st = BE(in)->interview_put(IMPL(in), &iv);
	strbuf_addf(&p, "{\"by\":\"%s\",\"decision\":%s,\"receipt\":\"%s\",\"state\":\"%s\"}",
		    in->dev->id, it->payload, out->receipt, t->to);
	if (st == ST_OK)
		st = feed_device(in, iv.owner, it->interview, lc_feed_kind(it->key), p.buf);
	if (st == ST_OK && lc_is_final(LC_INTERVIEW, t->to))
		st = decision_crossed(in, &iv, it);
	strbuf_release(&p);
	return st;
}

static status_t ingest_attached(struct ingest *in, const struct proto_item *it,
				struct item_outcome *out)
{
	struct sdb_interview iv;
	bool go;
	status_t st;

	if (it->kind == PROTO_KIND_AUDIT && !it->interview[0])
		return store_item(in, it, out);
	st = need_interview(in, it, &iv, out, &go);
	if (st != ST_OK || !go)
		return st;
	return store_item(in, it, out);
}

/* ---- referrals (the referral machine of src/proto/lifecycle.c) ---- */

/* The referral's id and event named by a referral item's payload. */
static void referral_fields(const struct proto_item *it, char id[SDB_ID_LEN + 1],
			    char event[16])
{
	json_t *p = json_loadb(it->payload, it->payload_len, 0, NULL);
	json_t *v = json_object_get(p, "referral");

	id[0] = event[0] = '\0';
	if (json_is_string(v) && proto_is_uuid(json_string_value(v)))
		snprintf(id, SDB_ID_LEN + 1, "%s", json_string_value(v));
	v = json_object_get(p, "event");
	if (json_is_string(v))
		snprintf(event, 16, "%.15s", json_string_value(v));
	json_decref(p);
}

/*
 * A referral's state changed: tell the device that owns its interview now
 * (after a reassignment, no longer the one that sent it), on its feed.
 */
static status_t referral_feed(struct ingest *in, const struct sdb_referral *r,
			      const char *event)
{
	struct sdb_interview iv;
	json_t *p = json_object();
	const char *owner = r->owner;
	char *text;
	status_t st;

	if (BE(in)->interview_get(IMPL(in), r->interview, &iv) == ST_OK)
		owner = iv.owner;
	st_clear();
	json_object_set_new(p, "event", json_string(event));
	json_object_set_new(p, "referral", json_string(r->id));
	json_object_set_new(p, "service", json_string(r->service));
	json_object_set_new(p, "status", json_string(r->state));
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	st = feed_device(in, owner, r->interview, "referral", text ? text : "{}");
	free(text);
	return st;
}

/*
 * A referral item: the referral itself (its rule's share fields; the
 * server records it as sent), or "event":"revoke" from the device when
 * consent was withdrawn after it left.  Partners' answers (accept,
 * decline, close) are the server's own: srv_referral_event.
 */
static status_t ingest_referral(struct ingest *in, const struct proto_item *it,
				struct item_outcome *out)
{
	const struct lc_transition *t;
	struct sdb_interview iv;
	struct sdb_referral r;
	char id[SDB_ID_LEN + 1], event[16], why[128];
	bool go;
	status_t st = need_interview(in, it, &iv, out, &go);

	if (st != ST_OK || !go)
		return st;
	referral_fields(it, id, event);
	if (!id[0] && !event[0])
		return store_item(in, it, out);	/* an older client: stored, no state kept */
	if (!id[0]) {
		reject(out, xstrdup("referral: missing or not a UUID"));
		return ST_OK;
	}
	memset(&r, 0, sizeof(r));
	st = BE(in)->referral_get(IMPL(in), id, &r);
	if (st != ST_OK && st != ST_NOTFOUND)
		return st;
	if (!event[0]) {
		if (st == ST_OK) {
			reject(out, xstrdup("referral: already received under another item"));
			return ST_OK;
		}
		st = store_item(in, it, out);
		if (st != ST_OK)
			return st;
		memcpy(r.id, id, sizeof(r.id));
		memcpy(r.interview, it->interview, sizeof(r.interview));
		memcpy(r.team, iv.team, sizeof(r.team));
		memcpy(r.owner, iv.owner, sizeof(r.owner));
		snprintf(r.service, sizeof(r.service), "%s", it->key);
		t = lc_find(LC_REFERRAL, "pending", "send", LC_SERVER);
		snprintf(r.state, sizeof(r.state), "%s", t ? t->to : "sent");
		r.updated = in->now;
		return BE(in)->referral_put(IMPL(in), &r);
	}
	if (st == ST_NOTFOUND) {
		reject(out, xstrdup("referral: not known to the server; send the referral first"));
		return ST_OK;
	}
	if (strcmp(r.interview, it->interview)) {
		reject(out, xstrdup("interview: the referral belongs to another interview"));
		return ST_OK;
	}
	t = lc_find(LC_REFERRAL, r.state, event, LC_CASEWORKER | LC_SUPERVISOR);
	if (!t) {
		reject(out, xasprintf("state: %s", lc_refusal(LC_REFERRAL, r.state, event,
							     why, sizeof(why))));
		return ST_OK;
	}
	st = store_item(in, it, out);
	if (st != ST_OK)
		return st;
	snprintf(r.state, sizeof(r.state), "%s", t->to);
	r.updated = in->now;
	st = BE(in)->referral_put(IMPL(in), &r);
	if (st == ST_OK)
		st = referral_feed(in, &r, event);
	if (st == ST_OK)
		log_info("referral %.8s %s by device %.8s", r.id, t->to, in->dev->id);
	return st;
}

status_t srv_referral_event(struct srv *s, const char *id, const char *event,
			    char to[16])
{
	const struct lc_transition *t;
	struct sdb_referral r;
	struct ingest in = { .s = s, .dev = NULL, .now = util_now() };
	char why[128];
	status_t st;

	if (!event || !id)
		return st_error(ST_INVALID, "a referral event needs an id and an event");
	pthread_mutex_lock(&s->lock);
	srv_wait_idle(s);
	memset(&r, 0, sizeof(r));
	st = s->be.ops->referral_get(s->be.impl, id, &r);
	if (st == ST_NOTFOUND)
		st = st_error(ST_NOTFOUND, "no referral %s on this server", id);
	t = st == ST_OK ? lc_find(LC_REFERRAL, r.state, event, LC_SERVER) : NULL;
	if (st == ST_OK && !t)
		st = st_error(ST_STATE, "referral %s: %s", id,
			      lc_refusal(LC_REFERRAL, r.state, event, why, sizeof(why)));
	if (st == ST_OK)
		st = s->be.ops->begin(s->be.impl);
	if (st == ST_OK) {
		snprintf(r.state, sizeof(r.state), "%s", t->to);
		r.updated = in.now;
		st = s->be.ops->referral_put(s->be.impl, &r);
		if (st == ST_OK)
			st = referral_feed(&in, &r, event);
		if (st == ST_OK)
			st = s->be.ops->commit(s->be.impl);
		else
			s->be.ops->rollback(s->be.impl);
	}
	pthread_mutex_unlock(&s->lock);
	if (st == ST_OK) {
		/* Ids and states only: no names, no answers. */
		log_info("referral %s %s by the administrator", r.id, r.state);
		if (to)
			snprintf(to, 16, "%s", r.state);
	}
	return st;
}

struct fields_ctx {
	const char *id;
	char *fields;		/* the referral item's payload.fields, as JSON */
};

static status_t find_fields(void *ctx, const struct sdb_entry *e)
{
	struct fields_ctx *f = ctx;
	json_t *p = json_loads(e->payload, 0, NULL);
	const char *id = json_string_value(json_object_get(p, "referral"));

	if (!f->fields && id && !strcmp(id, f->id) && !json_object_get(p, "event"))
		f->fields = json_dumps(json_object_get(p, "fields"),
				       JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(p);
	return ST_OK;
}

status_t srv_referral_fields(struct srv *s, const char *id, char **fields)
{
	struct fields_ctx f = { id, NULL };
	struct sdb_referral r;
	status_t st;

	*fields = NULL;
	pthread_mutex_lock(&s->lock);
	st = s->be.ops->referral_get(s->be.impl, id, &r);
	if (st == ST_NOTFOUND)
		st = st_error(ST_NOTFOUND, "no referral %s on this server", id);
	else if (st == ST_OK && !strcmp(r.state, "revoked"))
		st = st_error(ST_STATE, "referral %s is revoked: consent was withdrawn; "
			      "its fields are not shared", id);
	if (st == ST_OK)
		st = s->be.ops->items_of_kind(s->be.impl, "referral", find_fields, &f);
	pthread_mutex_unlock(&s->lock);
	if (st == ST_OK && !f.fields)
		st = st_error(ST_NOTFOUND, "referral %s: its item is not stored here", id);
	if (st == ST_OK)
		*fields = f.fields;
	else
		free(f.fields);
	return st;
}

status_t srv_referral_list(struct srv *s, const char *team, sdb_referral_fn fn, void *ctx)
{
	status_t st;

	pthread_mutex_lock(&s->lock);
	st = s->be.ops->referral_list(s->be.impl, team, fn, ctx);
	pthread_mutex_unlock(&s->lock);
	return st;
}

/* ---- conflict resolutions ---- */

struct relay_ctx {
	struct ingest *in;
	const char *team, *interview, *payload;
	status_t st;
};

/* Each active supervisor of the team gets the entry. */
static status_t relay_supervisor(void *ctx, const struct sdb_device *d)
{
	struct relay_ctx *r = ctx;

	if (r->st == ST_OK && !d->revoked && !strcmp(d->role, "supervisor") &&
	    !strcmp(d->team, r->team) && strcmp(d->id, r->in->dev->id))
		r->st = feed_device(r->in, d->id, r->interview, "resolved", r->payload);
	return r->st;
}

/*
 * One side resolved a conflict ({"path","resolution","by"}, never the
 * value).  The other side learns it through a "resolved" feed entry: the
 * owning device when a supervisor resolved it, the team's supervisors when
 * the owner did.  Their own conflict stays for a person there.
 */
static status_t ingest_resolution(struct ingest *in, const struct proto_item *it,
				  struct item_outcome *out)
{
	struct sdb_interview iv;
	json_t *p, *q;
	char *text;
	bool go;
	status_t st = need_interview(in, it, &iv, out, &go);

	if (st != ST_OK || !go)
		return st;
	p = json_loadb(it->payload, it->payload_len, 0, NULL);
	if (!json_is_string(json_object_get(p, "path")) ||
	    !json_is_string(json_object_get(p, "resolution"))) {
		json_decref(p);
		reject(out, xstrdup("payload.path, payload.resolution: must be strings"));
		return ST_OK;
	}
	st = store_item(in, it, out);
	q = json_pack("{s:O, s:O, s:s, s:s}", "path", json_object_get(p, "path"),
		      "resolution", json_object_get(p, "resolution"), "device", in->dev->id,
		      "role", in->dev->role);
	text = json_dumps(q, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(q);
	json_decref(p);
	if (st == ST_OK && strcmp(iv.owner, in->dev->id)) {
		st = feed_device(in, iv.owner, iv.id, "resolved", text);
	} else if (st == ST_OK) {
		struct relay_ctx r = { in, iv.team, iv.id, text, ST_OK };
		st = BE(in)->device_list(IMPL(in), relay_supervisor, &r);
	}
	free(text);
	return st;
}

/* What storing a new item means, per kind. */
static status_t (*const ingest_by_kind[PROTO_KIND_COUNT])(struct ingest *in,
							  const struct proto_item *it,
							  struct item_outcome *out) = {
	[PROTO_KIND_INTERVIEW] = ingest_interview,
	[PROTO_KIND_AMENDMENT] = ingest_amendment,
	[PROTO_KIND_REFERRAL] = ingest_referral,
	[PROTO_KIND_AUDIT] = ingest_attached,
	[PROTO_KIND_DECISION] = ingest_decision,
	[PROTO_KIND_RESOLUTION] = ingest_resolution,
};

static status_t ingest_one(struct ingest *in, const struct proto_item *it, char *precheck,
			   struct item_outcome *out)
{
	struct sdb_item old;
	status_t st;

	if (precheck) {
		reject(out, precheck);
		return ST_OK;
	}
	st = BE(in)->item_get(IMPL(in), it->id, &old);
	if (st == ST_OK) {
		if (strcmp(old.team, in->dev->team)) {
			out->forbidden = true;
			out->forbid_field = "id";
			return ST_OK;
		}
		if (!strcmp(old.hash, it->hash)) {
			out->result = PROTO_DUPLICATE;
			snprintf(out->receipt, sizeof(out->receipt), "r-%012lld", (long long)old.seq);
		} else {
			struct sdb_item row = old;
			int64_t seq;

			memcpy(row.hash, it->hash, sizeof(it->hash));
			memcpy(row.device, in->dev->id, sizeof(row.device));
			row.at = in->now;
			row.payload = it->payload;
			row.payload_len = it->payload_len;
			st = BE(in)->conflict_add(IMPL(in), &row, &seq);
			if (st != ST_OK)
				return st;
			out->result = PROTO_CONFLICT;
			snprintf(out->receipt, sizeof(out->receipt), "c-%012lld", (long long)seq);
			out->reason = xstrdup("id: already stored with different content; "
					      "kept for review, original unchanged");
			log_info("conflict on item %s from device %s", it->id, in->dev->id);
		}
		return ST_OK;
	}
	if (st != ST_NOTFOUND)
		return st;
	return ingest_by_kind[it->kind](in, it, out);
}

/*
 * Group commit.  On this hardware an fsync costs several milliseconds, far
 * more than storing a batch, so batches that arrive together share one
 * transaction: a batch that finishes while another is waiting for the lock
 * leaves the commit to it and waits; the last one in commits for all and
 * wakes them.  Each batch works inside its own savepoint, so a refused
 * batch (403) undoes only itself.  Nobody answers 200 before the commit
 * that holds its items has returned.
 */
struct srv_group_member {
	bool done;
	status_t st;
	struct srv_group_member *next;
};

#define GROUP_MAX 16	/* commit at least every 16 batches, so none waits long */

/* With lock held: join the open transaction, or begin one. */
static status_t group_join(struct srv *s, struct srv_group_member *m)
{
	if (!s->txn_open) {
		status_t st = s->be.ops->begin(s->be.impl);

		if (st != ST_OK)
			return st;
		s->txn_open = true;
		s->txn_gen++;
		s->txn_members = 0;
	}
	m->done = false;
	m->st = ST_OK;
	m->next = s->members;
	s->members = m;
	s->txn_members++;
	return ST_OK;
}

/* With lock held: commit now, or wait for the batch about to join to do it. */
static status_t group_finish(struct srv *s, struct srv_group_member *m)
{
	struct srv_group_member *p;
	status_t st;

	if (__atomic_load_n(&s->entering, __ATOMIC_SEQ_CST) > 0 && s->txn_members < GROUP_MAX) {
		while (!m->done)
			pthread_cond_wait(&s->group_cond, &s->lock);
		return m->st;
	}
	log_debug("group commit of %d batches", s->txn_members);
	st = s->be.ops->commit(s->be.impl);
	s->txn_open = false;
	for (p = s->members; p; p = p->next) {
		p->st = st;
		p->done = true;
	}
	s->members = NULL;
	pthread_cond_broadcast(&s->group_cond);
	return st;
}

void srv_wait_idle(struct srv *s)
{
	while (s->txn_open)
		pthread_cond_wait(&s->group_cond, &s->lock);
}

/* Unpack the body: gunzip when asked, within both size limits. */
static bool batch_body(struct srv *s, const struct srv_request *req, struct strbuf *plain,
		       const char **json, size_t *len, struct srv_response *resp)
{
	const char *enc = req->header(req->header_ctx, "Content-Encoding");
	struct proto_err err;

	proto_err_init(&err);
	if (enc && !strcasecmp(enc, "gzip")) {
		if (proto_gunzip(req->body, req->body_len, s->cfg.limits.max_inflated, plain,
				 &err) != ST_OK) {
			srv_error(resp, err.http, err.error, NULL, -1, "%s", err.message);
			return false;
		}
		*json = plain->buf;
		*len = plain->len;
	} else {
		if (req->body_len > s->cfg.limits.max_inflated) {
			srv_error(resp, 413, "too_large", NULL, -1, "body is too large");
			return false;
		}
		*json = req->body ? req->body : "";
		*len = req->body_len;
	}
	return true;
}

void srv_h_batches(struct srv *s, const struct srv_request *req,
		   const struct sdb_device *dev, struct srv_response *resp)
{
	struct strbuf plain = STRBUF_INIT;
	struct proto_batch b;
	struct proto_batch_reply reply;
	struct proto_err err;
	struct item_outcome *outs = NULL;
	struct ingest in = { s, dev, util_now() };
	const char *json;
	size_t len, i, forbidden_at = (size_t)-1;
	int64_t batch_id = 0;
	int counts[PROTO_RESULT_COUNT] = { 0 };
	struct srv_group_member member;
	bool joined, savepoint;
	char **pre;
	status_t st;

	proto_batch_init(&b);
	proto_batch_reply_init(&reply);
	proto_err_init(&err);
	if (!batch_body(s, req, &plain, &json, &len, resp))
		goto out;
	if (proto_batch_decode(json, len, &s->cfg.limits, &b, &err) != ST_OK) {
		log_info("batch from device %s refused: %s", dev->id, err.error);
		srv_error(resp, err.http, err.error, err.field, err.item, "%s", err.message);
		goto out;
	}
	strbuf_release(&plain);
	/* Hashing and field checks need no lock: do them before taking it. */
	pre = xcalloc(b.n + 1, sizeof(*pre));
	for (i = 0; i < b.n; i++)
		pre[i] = proto_item_check(&b.items[i], &s->cfg.limits);
	outs = xcalloc(b.n + 1, sizeof(*outs));

	/* Announce ourselves first, so a batch that finishes now waits for us. */
	__atomic_add_fetch(&s->entering, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&s->lock);
	__atomic_sub_fetch(&s->entering, 1, __ATOMIC_SEQ_CST);
	st = group_join(s, &member);
	joined = st == ST_OK;
	if (joined)
		st = s->be.ops->savepoint(s->be.impl);
	savepoint = joined && st == ST_OK;
	for (i = 0; st == ST_OK && i < b.n; i++) {
		st = ingest_one(&in, &b.items[i], pre[i], &outs[i]);
		pre[i] = NULL;	/* now owned by outs[i] or freed */
		if (st == ST_OK && outs[i].forbidden) {
			forbidden_at = i;
			break;
		}
	}
	if (st == ST_OK && forbidden_at == (size_t)-1)
		st = s->be.ops->batch_add(s->be.impl, dev->id, in.now, (int)b.n, &batch_id);
	if (savepoint) {
		/* Undo only this batch; the others sharing the commit keep theirs. */
		if (st == ST_OK && forbidden_at == (size_t)-1)
			st = s->be.ops->release(s->be.impl);
		else
			s->be.ops->rollback_to(s->be.impl);
	}
	if (joined) {
		status_t cst = group_finish(s, &member);	/* durable before we answer */
		if (st == ST_OK)
			st = cst;
	}
	pthread_mutex_unlock(&s->lock);
	for (i = 0; i < b.n; i++)
		free(pre[i]);
	free(pre);

	if (st != ST_OK) {
		srv_storage_error(resp, st);
		goto out;
	}
	if (forbidden_at != (size_t)-1) {
		char field[48];

		snprintf(field, sizeof(field), "items[%zu].%s", forbidden_at,
			 outs[forbidden_at].forbid_field);
		log_info("batch from device %s refused: item %zu touches another team's data or role",
			 dev->id, forbidden_at);
		srv_error(resp, 403, "forbidden", field, (int)forbidden_at,
			  "not allowed for this device (another team's data or wrong role)");
		goto out;
	}
	reply.batch = xasprintf("b-%012lld", (long long)batch_id);
	reply.server_time = util_now();
	for (i = 0; i < b.n; i++) {
		counts[outs[i].result]++;
		proto_batch_reply_add(&reply, b.items[i].id, outs[i].result,
				      outs[i].receipt[0] ? outs[i].receipt : NULL, outs[i].reason);
	}
	log_info("batch %s from device %s: %zu items, %d stored, %d duplicate, %d conflict, "
		 "%d rejected", reply.batch, dev->id, b.n, counts[PROTO_STORED],
		 counts[PROTO_DUPLICATE], counts[PROTO_CONFLICT], counts[PROTO_REJECTED]);
	resp->status = 200;
	proto_batch_reply_encode(&reply, &resp->body);
out:
	if (outs)
		for (i = 0; i < b.n; i++)
			free(outs[i].reason);
	free(outs);
	strbuf_release(&plain);
	proto_batch_release(&b);
	proto_batch_reply_release(&reply);
}

status_t srv_reassign(struct srv *s, const char *interview, const char *device)
{
	struct ingest in;
	struct sdb_interview iv;
	struct sdb_device dev;
	struct strbuf p = STRBUF_INIT;
	char old_owner[37];
	status_t st;

	pthread_mutex_lock(&s->lock);
	srv_wait_idle(s);
	st = s->be.ops->begin(s->be.impl);
	if (st == ST_OK && s->be.ops->interview_get(s->be.impl, interview, &iv) != ST_OK)
		st = st_error(ST_NOTFOUND, "no interview %s on this server", interview);
	if (st == ST_OK && s->be.ops->device_get(s->be.impl, device, &dev) != ST_OK)
		st = st_error(ST_NOTFOUND, "no device %s on this server", device);
	if (st == ST_OK && strcmp(dev.team, iv.team))
		st = st_error(ST_DENIED, "device %s is not in the interview's team", device);
	if (st == ST_OK && dev.revoked)
		st = st_error(ST_STATE, "device %s is revoked", device);
	if (st == ST_OK) {
		in.s = s;
		in.dev = &dev;
		in.now = util_now();
		memcpy(old_owner, iv.owner, sizeof(old_owner));
		memcpy(iv.owner, dev.id, sizeof(iv.owner));
		st = s->be.ops->interview_put(s->be.impl, &iv);
		strbuf_addf(&p, "{\"from\":\"%s\",\"state\":\"%s\",\"to\":\"%s\"}", old_owner,
			    iv.state, dev.id);
		if (st == ST_OK)
			st = feed_device(&in, old_owner, interview, "reassigned", p.buf);
		if (st == ST_OK && strcmp(old_owner, dev.id))
			st = feed_device(&in, dev.id, interview, "reassigned", p.buf);
	}
	if (st == ST_OK)
		st = s->be.ops->commit(s->be.impl);
	else
		s->be.ops->rollback(s->be.impl);
	pthread_mutex_unlock(&s->lock);
	strbuf_release(&p);
	return st;
}
