/*
 * http.c - libcurl transport for the sync client (see http.h).
 *
 * Why the options below: the link drops mid-request, so a stalled transfer
 * must fail on its own (low-speed limit) rather than hang a timer job; the
 * handle is kept for the whole pass so libcurl reuses the connection, which
 * is also when it may resend a POST by itself (safe: the server dedupes by
 * item id and the client re-signs on a `replay` answer).
 */
#include "sync/http.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

struct sync_http {
	CURL *curl;
	char *base_url;
	long timeout_s;
	char errbuf[CURL_ERROR_SIZE];
};

static int curl_ready;

void sync_http_response_init(struct sync_http_response *r)
{
	r->status = 0;
	strbuf_init(&r->body, 0);
}

void sync_http_response_release(struct sync_http_response *r)
{
	strbuf_release(&r->body);
	r->status = 0;
}

int sync_url_is_loopback_http(const char *url)
{
	static const char *const hosts[] = {
		"http://127.0.0.1", "http://localhost", "http://[::1]",
	};
	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++) {
		size_t n = strlen(hosts[i]);
		if (!strncmp(url, hosts[i], n) &&
		    (url[n] == ':' || url[n] == '/' || url[n] == '\0'))
			return 1;
	}
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct strbuf *sb = arg;
	/* Answers are small JSON; refuse to buffer a runaway one. */
	if (sb->len + size * nmemb > 64u << 20)
		return 0;
	strbuf_add(sb, data, size * nmemb);
	return size * nmemb;
}

static status_t http_open(struct sync_http **out, const char *base_url,
			  const char *pin, long timeout_s, bool unpinned)
{
	*out = NULL;
	int https = str_starts_with(base_url, "https://");
	if (!https && !sync_url_is_loopback_http(base_url))
		return st_error(ST_CONFIG, "%s: the server must be https:// "
				"(plain http only on 127.0.0.1, for tests)", base_url);
	if (https && (!pin || !*pin) && !unpinned)
		return st_error(ST_CONFIG, "%s: no pinned server key; enrol the device again",
				base_url);
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return st_error(ST_ERR, "cannot start libcurl");
		curl_ready = 1;
	}
	struct sync_http *h = xcalloc(1, sizeof(*h));
	h->curl = curl_easy_init();
	if (!h->curl) {
		free(h);
		return st_error(ST_NOMEM, "cannot start libcurl");
	}
	h->base_url = xstrdup(base_url);
	size_t n = strlen(h->base_url);
	while (n && h->base_url[n - 1] == '/')
		h->base_url[--n] = '\0';
	h->timeout_s = timeout_s > 0 ? timeout_s : 30;

	CURL *c = h->curl;
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, h->timeout_s < 10 ? h->timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout_s);
	/* A stall: fewer than 1 byte/s for a third of the timeout. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, h->timeout_s / 3 ? h->timeout_s / 3 : 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "senda/" SENDA_VERSION);
	/* Never from the environment: a proxy would see who talks to whom. */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	if (https) {
		/* The certificate is self-signed; the pin is the trust anchor. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		if (pin && *pin)
			curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, pin);
	}
	*out = h;
	return ST_OK;
}

status_t sync_http_open(struct sync_http **out, const char *base_url,
			const char *pin, long timeout_s)
{
	return http_open(out, base_url, pin, timeout_s, false);
}

status_t sync_http_open_unpinned(struct sync_http **out, const char *base_url,
				 long timeout_s)
{
	return http_open(out, base_url, NULL, timeout_s, true);
}

void sync_http_free(struct sync_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h->base_url);
	free(h);
}

/* libcurl's failure, said the way a caseworker's log should say it. */
static const char *curl_plain(CURLcode rc)
{
	static const struct { CURLcode rc; const char *text; } table[] = {
		{ CURLE_COULDNT_RESOLVE_HOST, "cannot find the server's address (no network?)" },
		{ CURLE_COULDNT_CONNECT, "the server refused or did not answer the connection" },
		{ CURLE_OPERATION_TIMEDOUT, "timed out waiting for the server" },
		{ CURLE_SEND_ERROR, "connection cut while sending" },
		{ CURLE_RECV_ERROR, "connection cut while waiting for the answer" },
		{ CURLE_GOT_NOTHING, "connection closed before any answer" },
		{ CURLE_PARTIAL_FILE, "the answer was cut short" },
		{ CURLE_SSL_PINNEDPUBKEYNOTMATCH, "the server's key does not match the pinned key "
		  "(wrong server, or someone in between)" },
		{ CURLE_SSL_CONNECT_ERROR, "secure connection failed" },
		{ CURLE_WEIRD_SERVER_REPLY, "the server's answer was garbled" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].rc == rc)
			return table[i].text;
	return NULL;
}

status_t sync_http_request(struct sync_http *h, const char *method, const char *path,
			   const char *const *headers, const void *body, size_t len,
			   struct sync_http_response *resp)
{
	CURL *c = h->curl;
	char *url = xasprintf("%s%s", h->base_url, path);
	struct curl_slist *hl = NULL;
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	/* No "Expect: 100-continue" round trip on a slow link. */
	hl = curl_slist_append(hl, "Expect:");

	strbuf_reset(&resp->body);
	resp->status = 0;
	h->errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp->body);
	if (!strcmp(method, "GET")) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		if (strcmp(method, "POST"))
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	CURLcode rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_slist_free_all(hl);
	free(url);
	if (rc != CURLE_OK) {
		const char *plain = curl_plain(rc);
		/* Not "try later": a timer must not keep talking to an impostor. */
		status_t st = rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ? ST_DENIED : ST_UNREACHABLE;
		return st_error(st, "%s: %s", h->base_url,
				plain ? plain : h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	return ST_OK;
}
