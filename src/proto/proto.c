/*
 * proto.c - JSON encoding and strict decoding of the sync protocol's
 * messages (docs/sync-protocol.md): batches, per-item results, the
 * decisions feed and review queue, enrolment and error bodies.
 *
 * Decoders trust nothing: every field is checked for type and syntax and
 * the first problem is reported by its path ("items[3].hash") so that the
 * server's 400 answer and the client's error line both name it.  jansson
 * stays inside this module; callers exchange payloads as JSON text.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "crypto/sign.h"
#include "proto/proto.h"

static const char *const kind_names[] = {
#define PROTO_KIND_NAME_(name, str) str,
	PROTO_KIND_INFO(PROTO_KIND_NAME_)
#undef PROTO_KIND_NAME_
};

static const char *const result_names[] = {
#define PROTO_RESULT_NAME_(name, str) str,
	PROTO_RESULT_INFO(PROTO_RESULT_NAME_)
#undef PROTO_RESULT_NAME_
};

const char *proto_kind_name(enum proto_kind k)
{
	return (unsigned)k < PROTO_KIND_COUNT ? kind_names[k] : NULL;
}

bool proto_kind_parse(const char *s, enum proto_kind *out)
{
	for (unsigned i = 0; s && i < PROTO_KIND_COUNT; i++)
		if (!strcmp(s, kind_names[i])) {
			*out = (enum proto_kind)i;
			return true;
		}
	return false;
}

const char *proto_result_name(enum proto_result r)
{
	return (unsigned)r < PROTO_RESULT_COUNT ? result_names[r] : NULL;
}

bool proto_result_parse(const char *s, enum proto_result *out)
{
	for (unsigned i = 0; s && i < PROTO_RESULT_COUNT; i++)
		if (!strcmp(s, result_names[i])) {
			*out = (enum proto_result)i;
			return true;
		}
	return false;
}

/* One canonical form for hashing: both ends must produce the same bytes. */
#define CANON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)

static char *canon_dump(const json_t *obj, size_t *len)
{
	char *s = json_dumps(obj, CANON_FLAGS);
	char *copy;

	if (!s)
		return NULL;
	/* Re-own with xmalloc'd memory so callers free() uniformly. */
	copy = xstrdup(s);
	free(s);
	if (len)
		*len = strlen(copy);
	return copy;
}

char *proto_canonical(const char *json, size_t len)
{
	json_error_t jerr;
	json_t *v = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	char *out = NULL;

	if (v && json_is_object(v))
		out = canon_dump(v, NULL);
	json_decref(v);
	return out;
}

void proto_item_hash(const char *canonical, size_t len, char out[PROTO_HASH_LEN + 1])
{
	memcpy(out, "sha256:", 7);
	crypto_sha256_hex(canonical, len, out + 7);
}

/* ---- items and batches ---- */

void proto_batch_init(struct proto_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void proto_batch_release(struct proto_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->items[i].payload);
	free(b->items);
	proto_batch_init(b);
}

/* The payload key the server acts on, per kind ("" when none). */
static const char *const kind_key_field[PROTO_KIND_COUNT] = {
	[PROTO_KIND_INTERVIEW] = "state",
	[PROTO_KIND_DECISION] = "action",
	[PROTO_KIND_REFERRAL] = "service",
};

static bool kind_needs_interview(enum proto_kind k)
{
	return k == PROTO_KIND_AMENDMENT || k == PROTO_KIND_REFERRAL || k == PROTO_KIND_DECISION;
}

static void item_copy_key(struct proto_item *it, const json_t *payload)
{
	const char *f = kind_key_field[it->kind];
	const json_t *v;

	it->key[0] = '\0';
	if (!f)
		return;
	v = json_object_get(payload, f);
	if (json_is_string(v) && json_string_length(v) < sizeof(it->key))
		snprintf(it->key, sizeof(it->key), "%s", json_string_value(v));
	else if (v)
		/* Present but unusable: make the check below say so. */
		snprintf(it->key, sizeof(it->key), "%s", "\x01");
}

status_t proto_batch_add(struct proto_batch *b, const char *id, enum proto_kind kind,
			 const char *interview, const char *payload_json)
{
	struct proto_item *it;
	json_error_t jerr;
	json_t *payload;

	if (!proto_is_uuid(id))
		return st_error(ST_INVALID, "item id '%.40s' is not a lowercase UUID", id ? id : "");
	if ((unsigned)kind >= PROTO_KIND_COUNT)
		return st_error(ST_INVALID, "item %s: unknown kind", id);
	if (interview && *interview && !proto_is_uuid(interview))
		return st_error(ST_INVALID, "item %s: interview is not a lowercase UUID", id);
	if (kind_needs_interview(kind) && !(interview && *interview))
		return st_error(ST_INVALID, "item %s: a %s needs its interview id", id,
				proto_kind_name(kind));
	payload = json_loads(payload_json ? payload_json : "", JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(payload)) {
		json_decref(payload);
		return st_error(ST_INVALID, "item %s: payload is not a JSON object", id);
	}
	ALLOC_GROW(b->items, b->n + 1, b->alloc);
	it = &b->items[b->n++];
	memset(it, 0, sizeof(*it));
	memcpy(it->id, id, PROTO_UUID_LEN + 1);
	it->kind = kind;
	if (interview && *interview)
		memcpy(it->interview, interview, PROTO_UUID_LEN + 1);
	it->payload = canon_dump(payload, &it->payload_len);
	item_copy_key(it, payload);
	json_decref(payload);
	proto_item_hash(it->payload, it->payload_len, it->hash);
	return ST_OK;
}

static void add_json_string(struct strbuf *out, const char *s)
{
	json_t *j = json_string(s);
	char *d = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;

	strbuf_addstr(out, d ? d : "\"\"");
	free(d);
	json_decref(j);
}

status_t proto_batch_encode(const struct proto_batch *b, bool gzip, struct strbuf *out)
{
	struct strbuf js = STRBUF_INIT;
	status_t st = ST_OK;

	/* Written by hand: payloads are already canonical text, so no re-parse. */
	strbuf_addf(&js, "{\"v\":%d,\"items\":[", PROTO_VERSION);
	for (size_t i = 0; i < b->n; i++) {
		const struct proto_item *it = &b->items[i];

		strbuf_addf(&js, "%s{\"id\":\"%s\",\"kind\":\"%s\",", i ? "," : "",
			    it->id, proto_kind_name(it->kind));
		if (it->interview[0])
			strbuf_addf(&js, "\"interview\":\"%s\",", it->interview);
		strbuf_addf(&js, "\"hash\":\"%s\",\"payload\":", it->hash);
		strbuf_add(&js, it->payload, it->payload_len);
		strbuf_addch(&js, '}');
	}
	strbuf_addstr(&js, "]}");
	if (gzip)
		st = proto_gzip(js.buf, js.len, out);
	else
		strbuf_add(out, js.buf, js.len);
	strbuf_release(&js);
	return st;
}

static bool is_hash(const char *s)
{
	unsigned char tmp[32];

	return s && !strncmp(s, "sha256:", 7) && proto_hex_decode(s + 7, tmp, sizeof(tmp));
}

/* Decode one item at index i; schema problems fail the batch. */
static status_t item_decode(json_t *jit, size_t i, struct proto_item *it, struct proto_err *err)
{
	char f[64];
	const char *key;
	json_t *v;
	json_t *payload = NULL;
	const char *id = NULL, *kind = NULL, *interview = NULL, *hash = NULL;
	int idx = (int)i;

	if (!json_is_object(jit)) {
		snprintf(f, sizeof(f), "items[%zu]", i);
		return proto_err_set(err, 400, "bad_request", idx, f, "must be an object");
	}
	json_object_foreach(jit, key, v) {
		snprintf(f, sizeof(f), "items[%zu].%.32s", i, key);
		if (!strcmp(key, "payload")) {
			payload = v;
			continue;
		}
		if (!json_is_string(v))
			return proto_err_set(err, 400, "bad_request", idx, f, "must be a string");
		if (!strcmp(key, "id"))
			id = json_string_value(v);
		else if (!strcmp(key, "kind"))
			kind = json_string_value(v);
		else if (!strcmp(key, "interview"))
			interview = json_string_value(v);
		else if (!strcmp(key, "hash"))
			hash = json_string_value(v);
		else
			return proto_err_set(err, 400, "bad_request", idx, f, "unknown field");
	}
#define NEED(cond, name, msg) do { if (!(cond)) { \
		snprintf(f, sizeof(f), "items[%zu].%s", i, name); \
		return proto_err_set(err, 400, "bad_request", idx, f, msg); } } while (0)
	NEED(id, "id", "missing");
	NEED(proto_is_uuid(id), "id", "not a lowercase UUID");
	NEED(kind, "kind", "missing");
	NEED(proto_kind_parse(kind, &it->kind), "kind",
	     "must be interview, amendment, referral, audit or decision");
	NEED(!interview || proto_is_uuid(interview), "interview", "not a lowercase UUID");
	NEED(interview || !kind_needs_interview(it->kind), "interview", "missing");
	NEED(hash, "hash", "missing");
	NEED(is_hash(hash), "hash", "must be sha256: and 64 lowercase hex digits");
	NEED(payload, "payload", "missing");
	NEED(json_is_object(payload), "payload", "must be an object");
#undef NEED
	memcpy(it->id, id, PROTO_UUID_LEN + 1);
	if (interview)
		memcpy(it->interview, interview, PROTO_UUID_LEN + 1);
	memcpy(it->hash, hash, PROTO_HASH_LEN + 1);
	it->payload = canon_dump(payload, &it->payload_len);
	if (!it->payload)
		return proto_err_set(err, 400, "bad_request", idx, "payload", "cannot be encoded");
	item_copy_key(it, payload);
	return ST_OK;
}

status_t proto_batch_decode(const char *json, size_t len, const struct proto_limits *lim,
			    struct proto_batch *b, struct proto_err *err)
{
	json_error_t jerr;
	json_t *root, *v, *items = NULL;
	const char *key;
	bool have_v = false;
	status_t st = ST_OK;

	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return proto_err_set(err, 400, "bad_request", -1, NULL,
				     "malformed JSON at byte %d: %.80s", jerr.position, jerr.text);
	if (!json_is_object(root)) {
		st = proto_err_set(err, 400, "bad_request", -1, NULL, "body must be a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (!strcmp(key, "v")) {
			if (!json_is_integer(v) || json_integer_value(v) != PROTO_VERSION) {
				st = proto_err_set(err, 400, "bad_request", -1, "v", "must be 1");
				goto out;
			}
			have_v = true;
		} else if (!strcmp(key, "items")) {
			items = v;
		} else {
			char f[48];
			snprintf(f, sizeof(f), "%.40s", key);
			st = proto_err_set(err, 400, "bad_request", -1, f, "unknown field");
			goto out;
		}
	}
	if (!have_v) {
		st = proto_err_set(err, 400, "bad_request", -1, "v", "missing");
		goto out;
	}
	if (!json_is_array(items)) {
		st = proto_err_set(err, 400, "bad_request", -1, "items",
				   items ? "must be an array" : "missing");
		goto out;
	}
	if (json_array_size(items) > lim->max_items) {
		st = proto_err_set(err, 413, "too_large", -1, "items",
				   "more than %zu items in one batch", lim->max_items);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(items); i++) {
		struct proto_item *it;

		ALLOC_GROW(b->items, b->n + 1, b->alloc);
		it = &b->items[b->n];
		memset(it, 0, sizeof(*it));
		st = item_decode(json_array_get(items, i), i, it, err);
		if (st != ST_OK) {
			free(it->payload);
			goto out;
		}
		b->n++;
	}
out:
	json_decref(root);
	if (st != ST_OK)
		proto_batch_release(b);	/* all or nothing */
	return st;
}

static bool key_in(const char *k, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(k, *set))
			return true;
	return false;
}

/* Comments on a decision: an optional string and an object of strings. */
static char *check_decision_comments(const struct proto_item *it)
{
	json_error_t jerr;
	json_t *p = json_loadb(it->payload, it->payload_len, 0, &jerr);
	json_t *c, *v;
	const char *k;
	char *reason = NULL;

	c = json_object_get(p, "comment");
	if (c && (!json_is_string(c) || json_string_length(c) > 2000))
		reason = xstrdup("payload.comment: must be a string of at most 2000 bytes");
	c = json_object_get(p, "comments");
	if (!reason && c) {
		if (!json_is_object(c))
			reason = xstrdup("payload.comments: must be an object");
		else
			json_object_foreach(c, k, v) {
				if (!json_is_string(v) || json_string_length(v) > 1000) {
					reason = xasprintf("payload.comments.%.40s: must be a string "
							   "of at most 1000 bytes", k);
					break;
				}
			}
	}
	json_decref(p);
	return reason;
}

char *proto_item_check(const struct proto_item *it, const struct proto_limits *lim)
{
	static const char *const states[] = { "completed", "submitted", "resubmitted", NULL };
	static const char *const actions[] = { "approve", "return", "escalate", NULL };
	char h[PROTO_HASH_LEN + 1];

	if (it->payload_len > lim->max_item)
		return xasprintf("payload: %zu bytes, more than the limit of %zu",
				 it->payload_len, lim->max_item);
	proto_item_hash(it->payload, it->payload_len, h);
	if (strcmp(h, it->hash))
		return xstrdup("hash: does not match the payload");
	switch (it->kind) {
	case PROTO_KIND_INTERVIEW:
		if (!it->key[0])
			return xstrdup("payload.state: missing");
		if (!key_in(it->key, states))
			return xstrdup("payload.state: must be completed, submitted or resubmitted");
		break;
	case PROTO_KIND_REFERRAL:
		if (!it->key[0] || it->key[0] == '\x01')
			return xstrdup("payload.service: must be a string");
		break;
	case PROTO_KIND_DECISION:
		if (!it->key[0])
			return xstrdup("payload.action: missing");
		if (!key_in(it->key, actions))
			return xstrdup("payload.action: must be approve, return or escalate");
		return check_decision_comments(it);
	case PROTO_KIND_AUDIT:
		return proto_audit_check(it->payload, it->payload_len);
	default:
		break;
	}
	return NULL;
}

/* ---- upload answer ---- */

void proto_batch_reply_init(struct proto_batch_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void proto_batch_reply_release(struct proto_batch_reply *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].receipt);
		free(r->v[i].reason);
	}
	free(r->v);
	free(r->batch);
	proto_batch_reply_init(r);
}

void proto_batch_reply_add(struct proto_batch_reply *r, const char *id, enum proto_result st,
			   const char *receipt, const char *reason)
{
	struct proto_item_result *e;

	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	e = &r->v[r->n++];
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->status = st;
	e->receipt = receipt ? xstrdup(receipt) : NULL;
	e->reason = reason ? xstrdup(reason) : NULL;
}

status_t proto_batch_reply_encode(const struct proto_batch_reply *r, struct strbuf *out)
{
	strbuf_addstr(out, "{\"batch\":");
	add_json_string(out, r->batch ? r->batch : "");
	strbuf_addf(out, ",\"server_time\":%lld,\"results\":[", (long long)r->server_time);
	for (size_t i = 0; i < r->n; i++) {
		const struct proto_item_result *e = &r->v[i];

		strbuf_addf(out, "%s{\"id\":\"%s\",\"status\":\"%s\"", i ? "," : "", e->id,
			    proto_result_name(e->status));
		if (e->receipt) {
			strbuf_addstr(out, ",\"receipt\":");
			add_json_string(out, e->receipt);
		}
		if (e->reason) {
			strbuf_addstr(out, ",\"reason\":");
			add_json_string(out, e->reason);
		}
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "]}");
	return ST_OK;
}

/* Client-side decoders answer ST_PROTOCOL: the server broke the contract. */
#define BAD_REPLY(...) st_error(ST_PROTOCOL, "server reply: " __VA_ARGS__)

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

status_t proto_batch_reply_decode(const char *json, size_t len, struct proto_batch_reply *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr), *res, *e;
	status_t st = ST_OK;
	size_t i;

	if (!json_is_object(root)) {
		st = BAD_REPLY("not a JSON object");
		goto out;
	}
	res = json_object_get(root, "results");
	if (!json_is_array(res) || !jstr(root, "batch")) {
		st = BAD_REPLY("missing batch or results");
		goto out;
	}
	r->batch = xstrdup(jstr(root, "batch"));
	r->server_time = json_integer_value(json_object_get(root, "server_time"));
	json_array_foreach(res, i, e) {
		enum proto_result rs;
		const char *id = jstr(e, "id");

		if (!proto_is_uuid(id) || !proto_result_parse(jstr(e, "status"), &rs)) {
			st = BAD_REPLY("results[%zu] malformed", i);
			goto out;
		}
		proto_batch_reply_add(r, id, rs, jstr(e, "receipt"), jstr(e, "reason"));
	}
out:
	json_decref(root);
	return st;
}

/* ---- decisions feed and review queue ---- */

void proto_feed_init(struct proto_feed *f)
{
	memset(f, 0, sizeof(*f));
}

void proto_feed_release(struct proto_feed *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].kind);
		free(f->v[i].payload);
		free(f->v[i].hash);
	}
	free(f->v);
	proto_feed_init(f);
}

void proto_feed_add(struct proto_feed *f, int64_t seq, const char *id, const char *interview,
		    const char *kind, int64_t at, const char *payload_json,
		    const char *device, const char *hash)
{
	struct proto_decision *d;

	ALLOC_GROW(f->v, f->n + 1, f->alloc);
	d = &f->v[f->n++];
	memset(d, 0, sizeof(*d));
	d->seq = seq;
	snprintf(d->id, sizeof(d->id), "%s", id ? id : "");
	snprintf(d->interview, sizeof(d->interview), "%s", interview ? interview : "");
	snprintf(d->device, sizeof(d->device), "%s", device ? device : "");
	d->kind = xstrdup(kind ? kind : "");
	d->at = at;
	d->payload = xstrdup(payload_json && *payload_json ? payload_json : "{}");
	d->hash = hash ? xstrdup(hash) : NULL;
	if (seq > f->cursor)
		f->cursor = seq;
}

status_t proto_feed_encode(const struct proto_feed *f, const char *list, struct strbuf *out)
{
	strbuf_addf(out, "{\"%s\":[", list);
	for (size_t i = 0; i < f->n; i++) {
		const struct proto_decision *d = &f->v[i];

		strbuf_addf(out, "%s{\"seq\":%lld,\"id\":\"%s\"", i ? "," : "",
			    (long long)d->seq, d->id);
		if (d->interview[0])
			strbuf_addf(out, ",\"interview\":\"%s\"", d->interview);
		strbuf_addstr(out, ",\"kind\":");
		add_json_string(out, d->kind);
		if (d->device[0])
			strbuf_addf(out, ",\"device\":\"%s\"", d->device);
		if (d->hash) {
			strbuf_addstr(out, ",\"hash\":");
			add_json_string(out, d->hash);
		}
		strbuf_addf(out, ",\"at\":%lld,\"payload\":%s}", (long long)d->at, d->payload);
	}
	strbuf_addf(out, "],\"cursor\":\"%lld\",\"more\":%s}", (long long)f->cursor,
		    f->more ? "true" : "false");
	return ST_OK;
}

status_t proto_feed_decode(const char *json, size_t len, const char *list, int64_t after,
			   struct proto_feed *f)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr), *arr, *e;
	const char *cur;
	int64_t expect = after + 1;
	status_t st = ST_OK;
	size_t i;

	arr = json_object_get(root, list);
	cur = jstr(root, "cursor");
	if (!json_is_array(arr) || !cur || !parse_int64(cur, &f->cursor) ||
	    !json_is_boolean(json_object_get(root, "more"))) {
		st = BAD_REPLY("missing %s, cursor or more", list);
		goto out;
	}
	f->more = json_is_true(json_object_get(root, "more"));
	json_array_foreach(arr, i, e) {
		json_t *seq = json_object_get(e, "seq"), *payload = json_object_get(e, "payload");
		const char *id = jstr(e, "id"), *iv = jstr(e, "interview"), *dev = jstr(e, "device");
		char *ptext;

		/* A full re-pull (after=0) may start past entries the server pruned. */
		if (i == 0 && after == 0 && json_is_integer(seq) && json_integer_value(seq) > 0)
			expect = json_integer_value(seq);
		if (!json_is_integer(seq) || json_integer_value(seq) != expect) {
			st = BAD_REPLY("%s[%zu]: sequence gap, expected %lld", list, i,
				       (long long)expect);
			goto out;
		}
		if (!proto_is_uuid(id) || (iv && !proto_is_uuid(iv)) || (dev && !proto_is_uuid(dev)) ||
		    !jstr(e, "kind") || !json_is_object(payload)) {
			st = BAD_REPLY("%s[%zu] malformed", list, i);
			goto out;
		}
		ptext = canon_dump(payload, NULL);
		proto_feed_add(f, expect, id, iv, jstr(e, "kind"),
			       json_integer_value(json_object_get(e, "at")), ptext, dev,
			       jstr(e, "hash"));
		free(ptext);
		expect++;
	}
	if (f->cursor != expect - 1 && !(f->n == 0 && f->cursor == after)) {
		st = BAD_REPLY("cursor %lld does not follow the entries", (long long)f->cursor);
		goto out;
	}
out:
	json_decref(root);
	return st;
}

/* ---- enrolment ---- */

void proto_enroll_req_release(struct proto_enroll_req *q)
{
	free(q->code);
	free(q->label);
	q->code = q->label = NULL;
}

status_t proto_enroll_req_encode(const struct proto_enroll_req *q, struct strbuf *out)
{
	strbuf_addstr(out, "{\"code\":");
	add_json_string(out, q->code ? q->code : "");
	strbuf_addf(out, ",\"public_key\":\"%s\",\"proof\":\"%s\"", q->public_key, q->proof);
	if (q->label) {
		strbuf_addstr(out, ",\"label\":");
		add_json_string(out, q->label);
	}
	strbuf_addch(out, '}');
	return ST_OK;
}

static bool label_ok(const char *s)
{
	size_t n = strlen(s);

	if (n > 64)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

status_t proto_enroll_req_decode(const char *json, size_t len, struct proto_enroll_req *q,
				 struct proto_err *err)
{
	static const char *const known[] = { "code", "public_key", "proof", "label", NULL };
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr), *v;
	const char *key, *code, *pk, *proof, *label;
	unsigned char tmp[64];
	status_t st = ST_OK;

	memset(q, 0, sizeof(*q));
	if (!json_is_object(root)) {
		st = proto_err_set(err, 400, "bad_request", -1, NULL,
				   root ? "body must be a JSON object" : "malformed JSON");
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (!key_in(key, known)) {
			char f[48];
			snprintf(f, sizeof(f), "%.40s", key);
			st = proto_err_set(err, 400, "bad_request", -1, f, "unknown field");
			goto out;
		}
		if (!json_is_string(v)) {
			st = proto_err_set(err, 400, "bad_request", -1, key, "must be a string");
			goto out;
		}
	}
	code = jstr(root, "code");
	pk = jstr(root, "public_key");
	proof = jstr(root, "proof");
	label = jstr(root, "label");
	if (!code || !*code || strlen(code) > 64)
		st = proto_err_set(err, 400, "bad_request", -1, "code", "missing or too long");
	else if (!proto_hex_decode(pk, tmp, 32))
		st = proto_err_set(err, 400, "bad_request", -1, "public_key",
				   "must be 64 lowercase hex digits");
	else if (!proto_hex_decode(proof, tmp, 64))
		st = proto_err_set(err, 400, "bad_request", -1, "proof",
				   "must be 128 lowercase hex digits");
	else if (label && !label_ok(label))
		st = proto_err_set(err, 400, "bad_request", -1, "label",
				   "at most 64 printable characters");
	if (st != ST_OK)
		goto out;
	q->code = xstrdup(code);
	memcpy(q->public_key, pk, PROTO_KEY_HEX + 1);
	memcpy(q->proof, proof, PROTO_SIG_HEX + 1);
	q->label = label ? xstrdup(label) : NULL;
out:
	json_decref(root);
	return st;
}

void proto_enroll_reply_release(struct proto_enroll_reply *r)
{
	free(r->team);
	free(r->role);
	free(r->pin);
	r->team = r->role = r->pin = NULL;
}

status_t proto_enroll_reply_encode(const struct proto_enroll_reply *r, struct strbuf *out)
{
	strbuf_addf(out, "{\"device\":\"%s\",\"team\":", r->device);
	add_json_string(out, r->team ? r->team : "");
	strbuf_addstr(out, ",\"role\":");
	add_json_string(out, r->role ? r->role : "");
	strbuf_addf(out, ",\"server_time\":%lld,\"pin\":", (long long)r->server_time);
	add_json_string(out, r->pin ? r->pin : "");
	strbuf_addch(out, '}');
	return ST_OK;
}

status_t proto_enroll_reply_decode(const char *json, size_t len, struct proto_enroll_reply *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	status_t st = ST_OK;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(root) || !proto_is_uuid(jstr(root, "device")) ||
	    !jstr(root, "team") || !jstr(root, "role") || !jstr(root, "pin")) {
		st = BAD_REPLY("enrolment answer lacks device, team, role or pin");
		goto out;
	}
	memcpy(r->device, jstr(root, "device"), PROTO_UUID_LEN + 1);
	r->team = xstrdup(jstr(root, "team"));
	r->role = xstrdup(jstr(root, "role"));
	r->pin = xstrdup(jstr(root, "pin"));
	r->server_time = json_integer_value(json_object_get(root, "server_time"));
out:
	json_decref(root);
	return st;
}

/* ---- error bodies ---- */

void proto_error_reply_release(struct proto_error_reply *r)
{
	free(r->error);
	free(r->message);
	free(r->field);
	r->error = r->message = r->field = NULL;
}

void proto_error_encode(const char *error, const char *message, const char *field, int item,
			int64_t server_time, struct strbuf *out)
{
	strbuf_addstr(out, "{\"error\":");
	add_json_string(out, error);
	strbuf_addstr(out, ",\"message\":");
	add_json_string(out, message ? message : error);
	if (field && *field) {
		strbuf_addstr(out, ",\"field\":");
		add_json_string(out, field);
	}
	if (item >= 0)
		strbuf_addf(out, ",\"item\":%d", item);
	strbuf_addf(out, ",\"server_time\":%lld}", (long long)server_time);
}

status_t proto_error_decode(const char *json, size_t len, struct proto_error_reply *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr), *item;
	status_t st = ST_OK;

	memset(r, 0, sizeof(*r));
	r->item = -1;
	if (!json_is_object(root) || !jstr(root, "error")) {
		st = BAD_REPLY("error body is not the protocol's JSON");
		goto out;
	}
	r->error = xstrdup(jstr(root, "error"));
	r->message = xstrdup(jstr(root, "message") ? jstr(root, "message") : r->error);
	r->field = jstr(root, "field") ? xstrdup(jstr(root, "field")) : NULL;
	item = json_object_get(root, "item");
	if (json_is_integer(item))
		r->item = (int)json_integer_value(item);
	r->server_time = json_integer_value(json_object_get(root, "server_time"));
out:
	json_decref(root);
	return st;
}
