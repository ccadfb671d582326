/*
 * sync_int.h - what the sync client's files share: a connection to the
 * server with the device's credentials, and signed requests over it.
 * Only src/sync includes this header.
 */
#ifndef SENDA_SYNC_SYNC_INT_H
#define SENDA_SYNC_SYNC_INT_H

#include <stdint.h>

#include "crypto/sign.h"
#include "store/data.h"
#include "sync/http.h"
#include "sync/sync.h"

/*
 * The server knows an interview by the item id of the outbox item that
 * first delivered it (docs/sync-protocol.md, section 4: the interview item's
 * id); the device by its own interview UUID.  This map joins the two:
 * referrals, amendments and decisions name the server's id on the wire,
 * and decisions coming back are applied to the local interview.
 */
struct sync_ivmap_entry {
	char local[37];
	char server[37];
	size_t order;		/* queue position, oldest first */
};
struct sync_ivmap {
	struct sync_ivmap_entry *by_local, *by_server;	/* the same pairs, sorted twice */
	size_t n, alloc;
};

struct sync_client {
	struct store *st;
	struct sync_http *http;
	char *url;
	char *pin;
	char device[37];
	uint8_t secret[CRYPTO_SIGN_SECRET_LEN];
	struct sync_stats *stats;
	const struct sync_opts *opts;	/* callbacks; NULL during enrolment */
	struct sync_ivmap ivmap;
	bool ivmap_loaded;
	int ivmap_reloads;
};
void sync_ivmap_release(struct sync_ivmap *m);

/* Add the interview items among v[0..n) that the map does not know yet. */
void sync_ivmap_note(struct sync_client *c, struct store_outbox_item *const *v, size_t n);
/* The server's id for a local interview (the local id when unknown). */
const char *sync_server_interview(struct sync_client *c, const char *local);
/* The local interview for a server id (the id itself when unknown). */
const char *sync_local_interview(struct sync_client *c, const char *server);

/*
 * Load the enrolment from the store and open the transport.  ST_NOTFOUND
 * ("this device is not enrolled; run 'senda enroll URL CODE'") when there
 * is none.
 */
status_t sync_client_open(struct sync_client *c, struct store *st, long timeout_s,
			  const char *url_override, struct sync_stats *stats);
/* Close the transport and wipe the secret. */
void sync_client_release(struct sync_client *c);

/*
 * Send a signed request and return once an HTTP answer arrived.  A `replay`
 * answer (libcurl resent a request the server had already seen) is
 * re-signed with a new nonce and sent again.  body may be NULL;
 * gzip says the body is gzip (Content-Encoding).
 */
status_t sync_signed_request(struct sync_client *c, const char *method,
			     const char *path, const void *body, size_t len, bool gzip,
			     struct sync_http_response *resp);

/*
 * Turn a non-200 answer into a status with one line in plain words:
 * ST_DENIED for 401/403, ST_UNREACHABLE for 5xx, ST_PROTOCOL otherwise.
 * error_out/field_out/item_out (any may be NULL) receive the error body's
 * fields (caller frees the strings).
 */
status_t sync_answer_error(const struct sync_http_response *resp, const char *what,
			   char **error_out, int *item_out);

/* Apply the decisions feed (sync_pull.c). */
status_t sync_pull(struct sync_client *c);

#endif
