/*
 * proto_audit.c - the payload of an `audit` item (docs/sync-protocol.md,
 * section 4): a run of consecutive entries of a device's audit trail, sent
 * so the server keeps a copy the device cannot rewrite afterwards.
 *
 * Only the first entry's `prev` and the last entry's `hash` travel: every
 * hash in between follows from the entries themselves, so the server (or
 * an auditor) recomputes the chain and compares the end, and the wire does
 * not carry 64 incompressible hex digits per entry.  The hashed text is the
 * store's (src/store/audit.c); the unit test test_sync_audit checks that
 * both give the same hash for real entries.
 *
 * An actor, action or object equal to the entry before's travels as 0
 * ("same as above"): a caseworker's autosave leaves one answer.save entry
 * per answer, all naming the same interview, and with the UUID spelled out
 * each entry cost ~5 bytes after gzip where it now costs under 1 (issue 7's
 * wire bytes per referral; docs/sync.md).  A payload with every string
 * spelled out is still valid.
 *
 * The shape is closed (five fields an entry, nothing else, bounded
 * lengths): the audit trail holds ids, actions and states, never answers or
 * names, and a payload that tries to carry more is refused.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "proto/proto.h"

void proto_audit_hash(const char *prev, const struct proto_audit_entry *e, char out[65])
{
	crypto_audit_hash(prev, e->seq, e->time, e->actor, e->action, e->object, e->detail, out);
}

char *proto_audit_payload(const char *prev, const struct proto_audit_entry *v, size_t n,
			  const char *last_hash)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "from", json_integer(n ? v[0].seq : 0));
	json_object_set_new(o, "prev", json_string(prev));
	json_object_set_new(o, "hash", json_string(last_hash));
	for (size_t i = 0; i < n; i++) {
		const char *f[3] = { v[i].actor, v[i].action, v[i].object };
		const char *up[3] = { NULL, NULL, NULL };
		json_t *e = json_array();

		if (i)
			up[0] = v[i - 1].actor, up[1] = v[i - 1].action, up[2] = v[i - 1].object;
		json_array_append_new(e, json_integer((json_int_t)v[i].time));
		for (int k = 0; k < 3; k++)
			json_array_append_new(e, up[k] && !strcmp(f[k], up[k]) ? json_integer(0)
					      : json_string(f[k]));
		json_array_append_new(e, json_string(v[i].detail));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "entries", a);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	return s ? s : xstrdup("{}");
}

void proto_audit_release(struct proto_audit *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].actor);
		free(a->v[i].action);
		free(a->v[i].object);
		free(a->v[i].detail);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static bool is_hex64(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/*
 * One field of an entry: a string of bounded length, or (actor, action and
 * object of any entry but the first) 0 for the entry before's value, up.
 */
static char *entry_string(json_t *e, size_t k, char **reason, size_t i, const char *up)
{
	static const char *const names[] = { "time", "actor", "action", "object", "detail" };
	json_t *s = json_array_get(e, k);

	if (up && json_is_integer(s) && json_integer_value(s) == 0)
		return xstrdup(up);
	if (!json_is_string(s) || json_string_length(s) > PROTO_AUDIT_MAX_FIELD ||
	    strlen(json_string_value(s)) != json_string_length(s)) {
		if (!*reason)
			*reason = xasprintf("payload.entries[%zu].%s: must be a string of at "
					    "most %d bytes%s", i, names[k], PROTO_AUDIT_MAX_FIELD,
					    up ? ", or 0 for the entry before's" : "");
		return xstrdup("");
	}
	return xstrdup(json_string_value(s));
}

char *proto_audit_decode(const char *payload, size_t len, struct proto_audit *out)
{
	json_error_t jerr;
	json_t *o = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *from = json_object_get(o, "from"), *entries = json_object_get(o, "entries");
	const char *prev = json_string_value(json_object_get(o, "prev"));
	const char *hash = json_string_value(json_object_get(o, "hash"));
	char *reason = NULL;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || json_object_size(o) != 4)
		reason = xstrdup("payload: an audit item holds exactly from, prev, entries "
				 "and hash");
	else if (!json_is_integer(from) || json_integer_value(from) < 1)
		reason = xstrdup("payload.from: must be a positive integer");
	else if (!is_hex64(prev) || !is_hex64(hash))
		reason = xstrdup("payload.prev, payload.hash: must be 64 lowercase hex digits");
	else if (!json_is_array(entries) || !json_array_size(entries) ||
		 json_array_size(entries) > PROTO_AUDIT_MAX_ENTRIES)
		reason = xasprintf("payload.entries: must hold 1 to %d entries",
				   PROTO_AUDIT_MAX_ENTRIES);
	if (reason) {
		json_decref(o);
		return reason;
	}
	out->from = json_integer_value(from);
	memcpy(out->prev, prev, 65);
	memcpy(out->hash, hash, 65);
	out->n = json_array_size(entries);
	out->v = xcalloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		json_t *e = json_array_get(entries, i);
		struct proto_audit_entry *d = &out->v[i];

		d->seq = out->from + (int64_t)i;
		if (!json_is_array(e) || json_array_size(e) != 5 ||
		    !json_is_integer(json_array_get(e, 0))) {
			if (!reason)
				reason = xasprintf("payload.entries[%zu]: must be [time, actor, "
						   "action, object, detail]", i);
		} else {
			d->time = json_integer_value(json_array_get(e, 0));
		}
		const struct proto_audit_entry *up = i ? &out->v[i - 1] : NULL;

		d->actor = entry_string(e, 1, &reason, i, up ? up->actor : NULL);
		d->action = entry_string(e, 2, &reason, i, up ? up->action : NULL);
		d->object = entry_string(e, 3, &reason, i, up ? up->object : NULL);
		d->detail = entry_string(e, 4, &reason, i, NULL);
	}
	json_decref(o);
	if (reason)
		proto_audit_release(out);
	return reason;
}

char *proto_audit_check(const char *payload, size_t len)
{
	struct proto_audit a;
	char *reason = proto_audit_decode(payload, len, &a);
	char h[65];

	if (reason)
		return reason;
	memcpy(h, a.prev, sizeof(h));
	for (size_t i = 0; i < a.n; i++) {
		char next[65];

		proto_audit_hash(h, &a.v[i], next);
		memcpy(h, next, sizeof(h));
	}
	if (strcmp(h, a.hash))
		reason = xstrdup("payload.hash: the entries do not hash to it (the audit chain "
				 "is broken)");
	proto_audit_release(&a);
	return reason;
}
