/*
 * http.h - the sync client's HTTP transport over libcurl (only src/sync
 * includes curl/curl.h).
 *
 * One handle per sync pass so that requests reuse the connection.  HTTPS is
 * checked against the server's pinned public key (sha256//BASE64) instead
 * of a CA: the server's certificate is self-signed, made by
 * `senda-server init`.  Plain http:// is accepted only for a loopback host
 * (the test setup).  Every transport failure becomes ST_UNREACHABLE with
 * one line in plain words ("connection cut while waiting for the answer"),
 * never a bare libcurl code.
 */
#ifndef SENDA_SYNC_HTTP_H
#define SENDA_SYNC_HTTP_H

#include <stddef.h>

#include "util/status.h"
#include "util/util.h"

struct sync_http;

struct sync_http_response {
	long status;		/* HTTP status, 0 when no answer came */
	struct strbuf body;	/* the answer's body */
};

/*
 * base_url: "https://host:port" or "http://127.0.0.1:port" (no trailing
 * path); pin: "sha256//..." or NULL/"" (only allowed for plain loopback);
 * timeout_s: whole-request limit; a stalled transfer fails earlier.
 */
status_t sync_http_open(struct sync_http **out, const char *base_url,
			const char *pin, long timeout_s);
/*
 * https without a pin, for the one enrolment request that learns the pin
 * (trust on first use; enroll.c proves the pin right after).
 */
status_t sync_http_open_unpinned(struct sync_http **out, const char *base_url,
				 long timeout_s);
void sync_http_free(struct sync_http *h);

/*
 * Send one request.  path includes the query string; headers are full
 * "Name: value" lines (NULL-terminated array); body may be NULL for GET.
 * Returns ST_OK whenever an HTTP answer arrived (any status: look at
 * resp->status), ST_UNREACHABLE when none did, ST_DENIED when the server's
 * key is not the pinned one.
 */
status_t sync_http_request(struct sync_http *h, const char *method, const char *path,
			   const char *const *headers, const void *body, size_t len,
			   struct sync_http_response *resp);

void sync_http_response_init(struct sync_http_response *r);
void sync_http_response_release(struct sync_http_response *r);

/* True for http://127.0.0.1, http://[::1], http://localhost (any port). */
int sync_url_is_loopback_http(const char *url);

#endif
