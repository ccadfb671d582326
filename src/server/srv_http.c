/*
 * srv_http.c - senda-server's HTTP layer over libmicrohttpd, the only file
 * that includes microhttpd.h.  It reads each request (refusing an unknown
 * route, a wrong method or an oversize Content-Length before reading the
 * body, and never holding more than max_body bytes of one), hands a
 * struct srv_request to srv_handle() and sends the JSON answer back.
 *
 * HTTPS with the key made by `init`; plain HTTP only on 127.0.0.1 with
 * --insecure-loopback.  The main thread waits for SIGTERM or SIGINT and
 * then stops the daemon, which finishes requests in progress, so a batch
 * is either committed and answered or not committed at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "server/server.h"
#include "util/log.h"

/* One request in flight; made by the URI callback, freed on completion. */
struct http_req {
	char *uri;			/* raw target: path and query as sent */
	bool started;
	bool too_large;
	struct strbuf body;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct http_req *r = xcalloc(1, sizeof(*r));

	(void)cls;
	(void)con;
	r->uri = xstrdup(uri ? uri : "");
	strbuf_init(&r->body, 0);
	return r;
}

static void on_done(void *cls, struct MHD_Connection *con, void **req_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *req_cls;

	(void)cls;
	(void)con;
	(void)toe;
	if (!r)
		return;
	strbuf_release(&r->body);
	free(r->uri);
	free(r);
	*req_cls = NULL;
}

static const char *lookup_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static enum MHD_Result send_json(struct MHD_Connection *con, struct srv_response *resp)
{
	struct MHD_Response *m;
	enum MHD_Result rc;
	size_t len = resp->body.len;
	char *buf = strbuf_detach(&resp->body, NULL);

	m = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!m) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(m, "Content-Type", "application/json");
	MHD_add_response_header(m, "Cache-Control", "no-store");
	rc = MHD_queue_response(con, (unsigned)resp->status, m);
	MHD_destroy_response(m);
	return rc;
}

/* Answer now, without reading a body (404, 405, 413 by Content-Length). */
static enum MHD_Result answer_early(struct srv *s, struct MHD_Connection *con,
				    const char *method, struct http_req *r)
{
	struct srv_request req = {
		.method = method, .uri = r->uri, .header = lookup_header, .header_ctx = con,
		.body_too_large = r->too_large,
	};
	struct srv_response resp;
	enum MHD_Result rc;

	srv_response_init(&resp);
	srv_handle(s, &req, &resp);
	log_info("%s %.*s -> %d", method, (int)strcspn(r->uri, "?"), r->uri, resp.status);
	rc = send_json(con, &resp);
	srv_response_release(&resp);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct srv *s = cls;
	struct http_req *r = *req_cls;
	struct srv_request req;
	struct srv_response resp;
	enum MHD_Result rc;

	(void)url;
	(void)version;
	if (!r)
		return MHD_NO;
	if (!r->started) {
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n;

		r->started = true;
		if (srv_route_lookup(method, r->uri) != SRV_ROUTE_OK)
			return answer_early(s, con, method, r);
		if (cl && parse_int64(cl, &n) && (uint64_t)n > s->cfg.limits.max_body) {
			r->too_large = true;
			return answer_early(s, con, method, r);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Keep reading but stop storing: memory stays bounded by max_body. */
		if (!r->too_large && r->body.len + *upload_data_size <= s->cfg.limits.max_body)
			strbuf_add(&r->body, upload_data, *upload_data_size);
		else
			r->too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.uri = r->uri;
	req.header = lookup_header;
	req.header_ctx = con;
	req.body = r->body.buf;
	req.body_len = r->body.len;
	req.body_too_large = r->too_large;
	srv_response_init(&resp);
	srv_handle(s, &req, &resp);
	log_info("%s %.*s -> %d", method, (int)strcspn(r->uri, "?"), r->uri, resp.status);
	rc = send_json(con, &resp);
	srv_response_release(&resp);
	return rc;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[256];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("http: %s", line);
}

/* "A.B.C.D:PORT" into addr; only IPv4 for now. */
static status_t parse_listen(const char *listen, struct sockaddr_in *addr)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	int64_t port;

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	if (!colon || (size_t)(colon - listen) >= sizeof(host) ||
	    !parse_int64(colon + 1, &port) || port < 0 || port > 65535)
		return st_error(ST_CONFIG, "listen: '%s' is not ADDRESS:PORT", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (inet_pton(AF_INET, host, &addr->sin_addr) != 1)
		return st_error(ST_CONFIG, "listen: '%s' is not an IPv4 address", host);
	addr->sin_port = htons((uint16_t)port);
	return ST_OK;
}

static status_t write_port_file(const char *path, unsigned port)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	status_t st = ST_OK;

	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
		st = st_error(ST_IO, "cannot write the port file %s", path);
	free(tmp);
	return st;
}

status_t srv_http_run(struct srv *s)
{
	struct sockaddr_in addr;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	char *key = NULL, *cert = NULL;
	sigset_t set;
	int sig = 0;
	status_t st = parse_listen(s->cfg.listen, &addr);

	if (st != ST_OK)
		return st;
	if (s->cfg.insecure_loopback) {
		if (addr.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
			return st_error(ST_CONFIG, "plain HTTP is allowed only on 127.0.0.1, "
					"not %s", s->cfg.listen);
	} else {
		st = srv_tls_load(s->cfg.data_dir, &key, &cert);
		if (st != ST_OK)
			return st;
		flags |= MHD_USE_TLS;
	}
	/* Signals go to this thread only: block them before threads start. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (key)
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg.max_connections,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.timeout,
				     MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
				     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
				     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
				     MHD_OPTION_HTTPS_MEM_KEY, key,
				     MHD_OPTION_HTTPS_MEM_CERT, cert,
				     MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg.max_connections,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.timeout,
				     MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
				     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
				     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
				     MHD_OPTION_END);
	if (key) {
		crypto_sign_wipe(key, strlen(key));
		free(key);
		free(cert);
	}
	if (!d)
		return st_error(ST_IO, "cannot listen on %s: %s", s->cfg.listen,
				errno ? strerror(errno) : "address in use or not available");
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	log_info("listening on %s (port %u, %s)", s->cfg.listen, info ? info->port : 0,
		 s->cfg.insecure_loopback ? "plain HTTP, loopback only" : "HTTPS");
	if (s->cfg.port_file && info)
		st = write_port_file(s->cfg.port_file, info->port);
	while (st == ST_OK && sigwait(&set, &sig) == 0) {
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	log_info("shutting down (signal %d)", sig);
	MHD_stop_daemon(d);
	return st;
}
