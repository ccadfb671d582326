/*
 * server.h - senda-server without its sockets: configuration, the route
 * table and the request handlers (enrolment, authentication, batch ingest
 * with dedupe, the decisions feed, the review queue) working on a
 * transport-neutral struct srv_request.  The HTTP layer (srv_http.c, the
 * only file that includes microhttpd.h) turns each HTTP request into one
 * and sends back the struct srv_response, so unit tests drive every handler
 * directly and end-to-end tests drive the same code through curl.
 */
#ifndef SENDA_SERVER_SERVER_H
#define SENDA_SERVER_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/proto.h"
#include "server/backend.h"
#include "util/util.h"

struct srv_config {
	char *data_dir;
	char *listen;			/* "127.0.0.1:8443"; port 0 = any free port */
	bool insecure_loopback;		/* plain HTTP, only on 127.0.0.1 */
	char *port_file;		/* write the bound port here (tests), or NULL */
	int threads;
	int max_connections;
	int timeout;			/* seconds an idle connection is kept */
	int64_t retention;		/* seconds feed entries are kept; 0 = forever */
	struct proto_limits limits;
	char *log_file;			/* NULL: stderr */
	char *log_level;
	char *passphrase_file;		/* unlocks the store; NULL: <data_dir>/passphrase */
	uint32_t kdf_memory;		/* Argon2id cost for init, KiB */
	uint32_t kdf_iterations;
};
void srv_config_init(struct srv_config *c);
void srv_config_release(struct srv_config *c);

struct srv_group_member;

struct srv {
	struct srv_config cfg;
	struct srv_backend be;
	pthread_mutex_t lock;		/* serialises every backend call */
	/*
	 * Group commit (srv_ingest.c): batches arriving together share one
	 * transaction and so one fsync; each waits for that commit before
	 * it answers.  All fields are guarded by lock, except entering.
	 */
	pthread_cond_t group_cond;
	bool txn_open;
	uint64_t txn_gen;
	int txn_members;
	struct srv_group_member *members;
	int entering;			/* batch requests about to take lock (atomic) */
	int64_t last_prune;
	char *pin;			/* "sha256//..." of the TLS key, or "" */
};

/*
 * Unlock the encrypted store in cfg->data_dir with the passphrase file;
 * s->cfg is taken over (moved).  srv_create makes a new store instead
 * (and the passphrase file when it does not exist yet), filling recovery.
 */
status_t srv_open(struct srv *s, struct srv_config *cfg);
status_t srv_create(struct srv *s, struct srv_config *cfg,
		    char recovery[STORE_RECOVERY_KEY_LEN]);
/* The passphrase file to use for cfg (malloc'd). */
char *srv_passphrase_path(const struct srv_config *cfg);
/* The same on an in-memory database, for unit tests. */
status_t srv_open_memory(struct srv *s);
void srv_close(struct srv *s);

/* A request as the transport hands it over. */
struct srv_request {
	const char *method;
	const char *uri;		/* path and query exactly as sent */
	const char *(*header)(void *ctx, const char *name);	/* NULL when absent */
	void *header_ctx;
	const char *body;
	size_t body_len;
	bool body_too_large;		/* the transport stopped reading at max_body */
};

struct srv_response {
	int status;
	struct strbuf body;		/* JSON */
};
void srv_response_init(struct srv_response *r);
void srv_response_release(struct srv_response *r);

/* Route and answer one request; always fills resp. */
void srv_handle(struct srv *s, const struct srv_request *req, struct srv_response *resp);

/* A route's method and path, for the 404/405 decision before reading a body. */
enum srv_route_match { SRV_ROUTE_OK, SRV_ROUTE_NOT_FOUND, SRV_ROUTE_BAD_METHOD };
enum srv_route_match srv_route_lookup(const char *method, const char *uri);

/* Fill resp with an error body (section 7 of the protocol). */
void srv_error(struct srv_response *resp, int status, const char *error, const char *field,
	       int item, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * With lock held: wait until no group transaction is open, before a
 * write that needs its own transaction (enrolment, reassignment).
 */
void srv_wait_idle(struct srv *s);

/* A storage failure as 503 (busy) or 500, without leaking detail. */
void srv_storage_error(struct srv_response *resp, status_t st);
/* POST /v1/batches (srv_ingest.c); dev is the authenticated device. */
void srv_h_batches(struct srv *s, const struct srv_request *req,
		   const struct sdb_device *dev, struct srv_response *resp);

/*
 * Administration, also used by the CLI: a new one-time code for team/role
 * (code holds "XXXX-XXXX-XXXX"), valid PROTO_ENROLL_TTL seconds.
 */
status_t srv_enroll_code_new(struct srv *s, const char *team, const char *role,
			     char code[15], int64_t *expires);
/* The database key of a code as typed: case and dashes do not matter. */
void srv_code_hash(const char *code, char out[65]);
/* Move an interview to another device of the same team (issue 8). */
status_t srv_reassign(struct srv *s, const char *interview, const char *device);
/*
 * A receiving service's answer, recorded by the administrator: event
 * "accept", "decline" or "close" on a referral, checked against the
 * referral machine (ST_STATE when it forbids it, ST_NOTFOUND for an
 * unknown id); the new state goes to the owning device's feed as a
 * "referral" entry, in one transaction.  to (may be NULL) gets the state.
 */
status_t srv_referral_event(struct srv *s, const char *id, const char *event, char to[16]);
/*
 * What a referral shares with the receiving service (its payload.fields,
 * JSON, malloc'd), for the administrator to pass on.  ST_STATE once it is
 * revoked: consent was withdrawn, it is shared no more.
 */
status_t srv_referral_fields(struct srv *s, const char *id, char **fields);
/* Every referral (team NULL) or one team's, oldest change first. */
status_t srv_referral_list(struct srv *s, const char *team, sdb_referral_fn fn, void *ctx);

/* Run the HTTP server until SIGTERM/SIGINT (srv_http.c). */
status_t srv_http_run(struct srv *s);

/* TLS material (srv_tls.c): make key + self-signed cert, and the pin. */
status_t srv_tls_create(const char *data_dir);
status_t srv_tls_pin(const char *data_dir, char **pin);
bool srv_tls_exists(const char *data_dir);
/* The PEM texts for the HTTP layer; the caller wipes and frees them. */
status_t srv_tls_load(const char *data_dir, char **key_pem, char **cert_pem);

/* senda-server's command line (srv_cli.c). */
int srv_main(int argc, char **argv);

#endif
