/*
 * proto.h - the sync wire format shared by the client (src/sync) and the
 * server (src/server): batches of items, per-item results, the decisions
 * feed, enrolment, error bodies, gzip with bomb limits and the request
 * signing string.  docs/sync-protocol.md is the specification; this module
 * is its only implementation, so both sides agree byte for byte.
 *
 * Callers never see jansson: payloads go in and come out as JSON text.
 * Every decoder validates fully and reports the first bad field in a
 * struct proto_err, which the server turns into a 400/413 body as is.
 */
#ifndef SENDA_PROTO_PROTO_H
#define SENDA_PROTO_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"
#include "util/util.h"

#define PROTO_VERSION 1

/* Request headers (section 3 of the protocol). */
#define PROTO_HDR_DEVICE "X-Senda-Device"
#define PROTO_HDR_TIME "X-Senda-Time"
#define PROTO_HDR_NONCE "X-Senda-Nonce"
#define PROTO_HDR_SIGNATURE "X-Senda-Signature"

#define PROTO_MAX_SKEW 300		/* seconds of clock skew accepted */
#define PROTO_NONCE_WINDOW 600		/* seconds a nonce is remembered */
#define PROTO_ENROLL_TTL 86400		/* enrolment codes live 24 h */

#define PROTO_UUID_LEN 36
#define PROTO_HASH_LEN 71		/* "sha256:" + 64 hex */
#define PROTO_NONCE_HEX 32
#define PROTO_KEY_HEX 64
#define PROTO_SIG_HEX 128

/* Item kinds, in wire order: one table (proto.c) gives their names. */
#define PROTO_KIND_INFO(_) \
	_(INTERVIEW, "interview") \
	_(AMENDMENT, "amendment") \
	_(REFERRAL,  "referral") \
	_(AUDIT,     "audit") \
	_(DECISION,  "decision") \
	_(RESOLUTION, "resolution")

enum proto_kind {
#define PROTO_KIND_ENUM_(name, str) PROTO_KIND_##name,
	PROTO_KIND_INFO(PROTO_KIND_ENUM_)
#undef PROTO_KIND_ENUM_
	PROTO_KIND_COUNT
};

/* Per-item answers to an upload. */
#define PROTO_RESULT_INFO(_) \
	_(STORED,    "stored") \
	_(DUPLICATE, "duplicate") \
	_(CONFLICT,  "conflict") \
	_(REJECTED,  "rejected")

enum proto_result {
#define PROTO_RESULT_ENUM_(name, str) PROTO_##name,
	PROTO_RESULT_INFO(PROTO_RESULT_ENUM_)
#undef PROTO_RESULT_ENUM_
	PROTO_RESULT_COUNT
};

const char *proto_kind_name(enum proto_kind k);
bool proto_kind_parse(const char *s, enum proto_kind *out);
const char *proto_result_name(enum proto_result r);
bool proto_result_parse(const char *s, enum proto_result *out);

/*
 * What went wrong while decoding, ready to become an error body:
 * http is 400, 413 or 415; error is the protocol's error code.
 */
struct proto_err {
	int http;
	const char *error;		/* "bad_request", "too_large", ... (static) */
	char field[96];			/* "items[3].id", or "" */
	int item;			/* index of the item at fault, or -1 */
	char message[160];		/* one line, never holds answer text */
};
void proto_err_init(struct proto_err *e);
/* Fill e and return ST_INVALID. */
status_t proto_err_set(struct proto_err *e, int http, const char *error, int item,
		       const char *field, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Server limits on uploads (section 4); PROTO_LIMITS_DEFAULT holds the defaults. */
struct proto_limits {
	size_t max_body;		/* bytes as sent */
	size_t max_inflated;		/* bytes after gunzip */
	size_t max_items;		/* items per batch */
	size_t max_item;		/* canonical payload bytes */
};
#define PROTO_LIMITS_DEFAULT { 1u << 20, 8u << 20, 500, 256u << 10 }

/* ---- items and batches ---- */

struct proto_item {
	char id[PROTO_UUID_LEN + 1];
	enum proto_kind kind;
	char interview[PROTO_UUID_LEN + 1];	/* "" when absent */
	char hash[PROTO_HASH_LEN + 1];		/* as sent (decode) or computed (add) */
	char *payload;				/* canonical JSON text of the object */
	size_t payload_len;
	/*
	 * The one payload field the server acts on, copied out when decoding:
	 * interview: state; decision: action; referral: service; else "".
	 */
	char key[32];
};

struct proto_batch {
	struct proto_item *items;
	size_t n, alloc;
};
void proto_batch_init(struct proto_batch *b);
void proto_batch_release(struct proto_batch *b);

/*
 * Append an item (client side).  payload_json is any JSON object text; it is
 * canonicalised and hashed here.  interview may be NULL.  ST_INVALID with
 * st_error() naming the problem when id, interview or payload is malformed.
 */
status_t proto_batch_add(struct proto_batch *b, const char *id, enum proto_kind kind,
			 const char *interview, const char *payload_json);

/* Request body; gzip compresses it (then send Content-Encoding: gzip). */
status_t proto_batch_encode(const struct proto_batch *b, bool gzip, struct strbuf *out);

/*
 * Server side: decode a body (already gunzipped) into b.  Any schema
 * error fails the whole batch (400 with the field).  Items that are well
 * formed but fail per-item checks are decoded anyway; proto_item_check()
 * tells which.
 */
status_t proto_batch_decode(const char *json, size_t len, const struct proto_limits *lim,
			    struct proto_batch *b, struct proto_err *err);

/*
 * Per-item validation (hash matches payload, size, kind-specific fields).
 * NULL when the item is fine, else a static-lifetime-free reason the caller
 * must free: "payload.state: must be completed, submitted or resubmitted".
 */
char *proto_item_check(const struct proto_item *it, const struct proto_limits *lim);

/* "sha256:" + hex SHA-256 of canonical payload text. */
void proto_item_hash(const char *canonical, size_t len, char out[PROTO_HASH_LEN + 1]);
/* Canonical JSON of an object's text (sorted keys, compact, ASCII); NULL if not an object. */
char *proto_canonical(const char *json, size_t len);

/* ---- audit items (section 4, kind audit; proto_audit.c) ---- */

#define PROTO_AUDIT_MAX_ENTRIES 1000	/* entries in one audit item */
#define PROTO_AUDIT_MAX_FIELD 512	/* bytes in one entry's string field */

/* One entry of a device's audit trail; seq is the item's from + index. */
struct proto_audit_entry {
	int64_t seq, time;
	char *actor, *action, *object, *detail;
};

/* A decoded audit payload; decode owns the strings. */
struct proto_audit {
	int64_t from;			/* seq of v[0] */
	char prev[65];			/* hash of the entry before v[0] (zeros for the first) */
	char hash[65];			/* hash of v[n-1] */
	struct proto_audit_entry *v;
	size_t n;
};
void proto_audit_release(struct proto_audit *a);

/* The hash of entry e after the entry whose hash is prev (the store's chain). */
void proto_audit_hash(const char *prev, const struct proto_audit_entry *e, char out[65]);
/* The payload for entries v[0..n) (consecutive seqs); last_hash is v[n-1]'s hash. */
char *proto_audit_payload(const char *prev, const struct proto_audit_entry *v, size_t n,
			  const char *last_hash);
/* Decode a payload; NULL on success, else the reason (caller frees). */
char *proto_audit_decode(const char *payload, size_t len, struct proto_audit *out);
/* NULL when the payload is well formed and its chain recomputes to its hash. */
char *proto_audit_check(const char *payload, size_t len);

/* ---- upload answer ---- */

struct proto_item_result {
	char id[PROTO_UUID_LEN + 1];
	enum proto_result status;
	char *receipt;			/* stored/duplicate/conflict; else NULL */
	char *reason;			/* conflict/rejected; else NULL */
};

struct proto_batch_reply {
	char *batch;			/* server's batch receipt */
	int64_t server_time;
	struct proto_item_result *v;
	size_t n, alloc;
};
void proto_batch_reply_init(struct proto_batch_reply *r);
void proto_batch_reply_release(struct proto_batch_reply *r);
/* Append a result; receipt and reason are copied (either may be NULL). */
void proto_batch_reply_add(struct proto_batch_reply *r, const char *id, enum proto_result st,
			   const char *receipt, const char *reason);
status_t proto_batch_reply_encode(const struct proto_batch_reply *r, struct strbuf *out);
/* Client side; ST_PROTOCOL with st_error() on anything malformed. */
status_t proto_batch_reply_decode(const char *json, size_t len, struct proto_batch_reply *r);

/* ---- decisions feed and review queue ---- */

struct proto_decision {
	int64_t seq;
	char id[PROTO_UUID_LEN + 1];
	char interview[PROTO_UUID_LEN + 1];
	char *kind;			/* "received", "returned", ...; unknown kinds are kept */
	int64_t at;
	char *payload;			/* JSON object text */
	/* review queue entries only: */
	char device[PROTO_UUID_LEN + 1];
	char *hash;
};

struct proto_feed {
	struct proto_decision *v;
	size_t n, alloc;
	int64_t cursor;
	bool more;
};
void proto_feed_init(struct proto_feed *f);
void proto_feed_release(struct proto_feed *f);
/* Append an entry; strings are copied.  device/hash may be NULL. */
void proto_feed_add(struct proto_feed *f, int64_t seq, const char *id, const char *interview,
		    const char *kind, int64_t at, const char *payload_json,
		    const char *device, const char *hash);
/* list is "decisions" (GET /v1/decisions) or "items" (GET /v1/review-queue). */
status_t proto_feed_encode(const struct proto_feed *f, const char *list, struct strbuf *out);
/* Client side: checks seq is gap-free from after+1; ST_PROTOCOL otherwise. */
status_t proto_feed_decode(const char *json, size_t len, const char *list, int64_t after,
			   struct proto_feed *f);

/* ---- enrolment ---- */

struct proto_enroll_req {
	char *code;
	char public_key[PROTO_KEY_HEX + 1];
	char proof[PROTO_SIG_HEX + 1];
	char *label;			/* may be NULL */
};
void proto_enroll_req_release(struct proto_enroll_req *q);
status_t proto_enroll_req_encode(const struct proto_enroll_req *q, struct strbuf *out);
status_t proto_enroll_req_decode(const char *json, size_t len, struct proto_enroll_req *q,
				 struct proto_err *err);
/* The bytes the proof signs: "senda-enroll-v1\n<code>\n<public_key hex>". */
void proto_enroll_proof_string(const char *code, const char *public_key_hex, struct strbuf *out);

struct proto_enroll_reply {
	char device[PROTO_UUID_LEN + 1];
	char *team;
	char *role;
	int64_t server_time;
	char *pin;			/* "sha256//..." or "" */
};
void proto_enroll_reply_release(struct proto_enroll_reply *r);
status_t proto_enroll_reply_encode(const struct proto_enroll_reply *r, struct strbuf *out);
status_t proto_enroll_reply_decode(const char *json, size_t len, struct proto_enroll_reply *r);

/* ---- error bodies ---- */

struct proto_error_reply {
	char *error;
	char *message;
	char *field;			/* NULL when absent */
	int item;			/* -1 when absent */
	int64_t server_time;
};
void proto_error_reply_release(struct proto_error_reply *r);
/* field may be NULL, item may be -1. */
void proto_error_encode(const char *error, const char *message, const char *field, int item,
			int64_t server_time, struct strbuf *out);
status_t proto_error_decode(const char *json, size_t len, struct proto_error_reply *r);

/* ---- gzip ---- */

/* gzip (RFC 1952) of in. */
status_t proto_gzip(const void *in, size_t len, struct strbuf *out);
/*
 * Inflate a gzip stream, stopping as soon as the output would pass max_out
 * (413 too_large in err) or the input is not gzip or is truncated (400).
 */
status_t proto_gunzip(const void *in, size_t len, size_t max_out, struct strbuf *out,
		      struct proto_err *err);

/* ---- signing ---- */

/*
 * The signing string of section 3: seven lines joined by '\n'.
 * path_query is the path and query exactly as sent; body_sha256_hex is the
 * lowercase hex SHA-256 of the body bytes on the wire.
 */
void proto_signing_string(const char *method, const char *path_query, int64_t time,
			  const char *nonce, const char *device, const char *body_sha256_hex,
			  struct strbuf *out);

/* Lowercase hex; decode returns false unless hex is exactly 2*n hex digits. */
void proto_hex_encode(const void *in, size_t n, char *out);
bool proto_hex_decode(const char *hex, void *out, size_t n);
/* Lowercase canonical UUID (8-4-4-4-12 hex). */
bool proto_is_uuid(const char *s);

#endif
