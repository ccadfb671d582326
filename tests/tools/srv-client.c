/*
 * srv-client.c - a small signing client for senda-server tests and the
 * ingest benchmark.  It speaks plain HTTP/1.1 over a loopback socket (the
 * server's --insecure-loopback mode), signs requests exactly as
 * docs/sync-protocol.md says, and can break the rules on purpose (bad
 * signature, stale time, reused nonce, wrong content type) for the hostile
 * request tests.  libcurl stays confined to src/sync; this tool needs none.
 *
 *   srv-client keygen KEYFILE
 *   srv-client enroll URL CODE KEYFILE            prints the device id
 *   srv-client batch OUT N [--kind K] [--interview ID] [--state S] [--ids FILE]
 *        [--use-ids FILE] [--payload JSON]
 *   srv-client request URL METHOD URI KEYFILE DEVICE [--body FILE] [--gzip]
 *        [--time T] [--nonce HEX] [--content-type CT] [--bad-sig] [--repeat N]
 *        [--no-sign] [--encoding E] [--replay]   prints "STATUS BODY" per request
 *   srv-client bench URL --clients N --items N --batch N --code-file F
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "proto/proto.h"
#include "util/util.h"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("srv-client: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- a minimal HTTP/1.1 client for loopback ---- */

struct http_answer {
	int status;
	struct strbuf body;
};

static int url_port(const char *url)
{
	const char *p = strrchr(url, ':');
	int64_t port;

	if (strncmp(url, "http://127.0.0.1:", 17) || !p || !parse_int64(p + 1, &port))
		die("URL must be http://127.0.0.1:PORT, not %s", url);
	return (int)port;
}

static bool send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

static bool http_do(const char *url, const char *head, const void *body, size_t body_len,
		    struct http_answer *a)
{
	struct sockaddr_in sa;
	struct strbuf in = STRBUF_INIT;
	char buf[8192];
	const char *sep;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a->status = 0;
	strbuf_init(&a->body, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)url_port(url));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (!send_all(fd, head, strlen(head)) || (body_len && !send_all(fd, body, body_len))) {
		/* The server may answer early (413) and close: still read the answer. */
	}
	while ((r = recv(fd, buf, sizeof(buf), 0)) > 0)
		strbuf_add(&in, buf, (size_t)r);
	close(fd);
	if (sscanf(in.buf, "HTTP/1.%*d %d", &a->status) != 1) {
		strbuf_release(&in);
		return false;
	}
	sep = strstr(in.buf, "\r\n\r\n");
	if (sep)
		strbuf_addstr(&a->body, sep + 4);
	strbuf_release(&in);
	return true;
}

/* ---- keys ---- */

struct key {
	uint8_t sec[32], pub[32];
	char pub_hex[65];
};

static void key_load(const char *path, struct key *k)
{
	char *text = file_read_all(path, NULL);
	char sec_hex[65];

	if (!text || sscanf(text, "%64s", sec_hex) != 1 || !proto_hex_decode(sec_hex, k->sec, 32))
		die("cannot read key %s", path);
	free(text);
	if (crypto_sign_public(k->sec, k->pub) != ST_OK)
		die("bad key in %s", path);
	proto_hex_encode(k->pub, 32, k->pub_hex);
}

static int c_keygen(int argc, char **argv)
{
	struct key k;
	char sec_hex[65];
	FILE *f;

	if (argc != 2)
		die("usage: keygen KEYFILE");
	if (crypto_sign_keygen(k.pub, k.sec) != ST_OK)
		die("keygen failed");
	proto_hex_encode(k.sec, 32, sec_hex);
	proto_hex_encode(k.pub, 32, k.pub_hex);
	f = fopen(argv[1], "w");
	if (!f)
		die("cannot write %s", argv[1]);
	fprintf(f, "%s\n%s\n", sec_hex, k.pub_hex);
	fclose(f);
	return 0;
}

static bool enroll(const char *url, const char *code, const struct key *k, char device[37],
		   struct http_answer *a)
{
	struct proto_enroll_req q = { 0 };
	struct proto_enroll_reply r;
	struct strbuf proof = STRBUF_INIT, body = STRBUF_INIT, head = STRBUF_INIT;
	uint8_t sig[64];
	bool ok;

	q.code = (char *)code;
	memcpy(q.public_key, k->pub_hex, 65);
	proto_enroll_proof_string(code, k->pub_hex, &proof);
	crypto_sign(k->sec, proof.buf, proof.len, sig);
	proto_hex_encode(sig, 64, q.proof);
	proto_enroll_req_encode(&q, &body);
	strbuf_addf(&head, "POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
		    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n", body.len);
	ok = http_do(url, head.buf, body.buf, body.len, a) && a->status == 200 &&
	     proto_enroll_reply_decode(a->body.buf, a->body.len, &r) == ST_OK;
	if (ok) {
		memcpy(device, r.device, 37);
		proto_enroll_reply_release(&r);
	}
	strbuf_release(&proof);
	strbuf_release(&body);
	strbuf_release(&head);
	return ok;
}

static int c_enroll(int argc, char **argv)
{
	struct key k;
	struct http_answer a;
	char device[37];

	if (argc != 4)
		die("usage: enroll URL CODE KEYFILE");
	key_load(argv[3], &k);
	if (!enroll(argv[1], argv[2], &k, device, &a)) {
		fprintf(stderr, "srv-client: enrolment failed: %d %s\n", a.status,
			a.status ? a.body.buf : "(no answer)");
		strbuf_release(&a.body);
		return 1;
	}
	printf("%s\n", device);
	strbuf_release(&a.body);
	return 0;
}

/* ---- batches ---- */

static int c_batch(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "interview", required_argument, NULL, 'i' },
		{ "state", required_argument, NULL, 's' },
		{ "ids", required_argument, NULL, 'I' },
		{ "payload", required_argument, NULL, 'p' },
		{ "use-ids", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	FILE *use = NULL;
	const char *kind = "interview", *interview = NULL, *state = "submitted", *ids = NULL;
	const char *payload = NULL;
	struct proto_batch b;
	struct strbuf out = STRBUF_INIT;
	enum proto_kind k;
	FILE *idf = NULL;
	int64_t n;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'k': kind = optarg; break;
		case 'i': interview = optarg; break;
		case 's': state = optarg; break;
		case 'I': ids = optarg; break;
		case 'p': payload = optarg; break;
		case 'u':
			if (!(use = fopen(optarg, "r")))
				die("cannot read %s", optarg);
			break;
		default: die("batch: bad option");
		}
	}
	if (argc - optind != 2 || !parse_int64(argv[optind + 1], &n) || !proto_kind_parse(kind, &k))
		die("usage: batch OUT N [--kind K] [--interview ID] [--state S] [--ids FILE]");
	if (ids && !(idf = fopen(ids, "w")))
		die("cannot write %s", ids);
	proto_batch_init(&b);
	for (int64_t i = 0; i < n; i++) {
		char id[37];
		char *p;

		if (!use || fscanf(use, "%36s", id) != 1)
			uuid_v4(id);
		if (payload)
			p = xstrdup(payload);
		else if (k == PROTO_KIND_INTERVIEW)
			p = xasprintf("{\"form\":\"intake\",\"state\":\"%s\",\"answers\":{\"n\":%lld}}",
				      state, (long long)i);
		else if (k == PROTO_KIND_REFERRAL)
			p = xasprintf("{\"service\":\"legal-orientation\",\"fields\":{\"language\":\"es\",\"n\":%lld}}",
				      (long long)i);
		else if (k == PROTO_KIND_DECISION)
			p = xasprintf("{\"action\":\"%s\",\"comment\":\"check q14\"}", state);
		else
			p = xasprintf("{\"n\":%lld}", (long long)i);
		if (proto_batch_add(&b, id, k, interview, p) != ST_OK)
			die("batch: %s", st_detail(ST_INVALID));
		free(p);
		if (idf)
			fprintf(idf, "%s\n", id);
	}
	proto_batch_encode(&b, false, &out);
	if (idf)
		fclose(idf);
	if (use)
		fclose(use);
	{
		FILE *f = fopen(argv[optind], "w");
		if (!f || fwrite(out.buf, 1, out.len, f) != out.len || fclose(f))
			die("cannot write %s", argv[optind]);
	}
	proto_batch_release(&b);
	strbuf_release(&out);
	return 0;
}

/* ---- signed requests ---- */

struct req_opts {
	const char *url, *method, *uri, *device;
	const struct key *key;
	const char *body;
	size_t body_len;
	bool gzip, bad_sig, no_sign;
	int64_t time;			/* 0: now */
	const char *nonce;		/* NULL: random */
	const char *content_type;
	const char *encoding;		/* Content-Encoding sent as is (body untouched) */
};

static void build_head(const struct req_opts *o, struct strbuf *head)
{
	char nonce[33], body_hash[65], sig_hex[129];
	uint8_t rnd[16], sig[64];
	struct strbuf s = STRBUF_INIT;
	int64_t t = o->time ? o->time : util_now();

	if (o->nonce) {
		snprintf(nonce, sizeof(nonce), "%s", o->nonce);
	} else {
		util_random(rnd, sizeof(rnd));
		proto_hex_encode(rnd, sizeof(rnd), nonce);
	}
	crypto_sha256_hex(o->body ? o->body : "", o->body_len, body_hash);
	proto_signing_string(o->method, o->uri, t, nonce, o->device, body_hash, &s);
	crypto_sign(o->key->sec, s.buf, s.len, sig);
	if (o->bad_sig)
		sig[5] ^= 0x10;
	proto_hex_encode(sig, 64, sig_hex);
	strbuf_addf(head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
		    o->method, o->uri);
	if (o->body)
		strbuf_addf(head, "Content-Type: %s\r\nContent-Length: %zu\r\n",
			    o->content_type ? o->content_type : "application/json", o->body_len);
	if (o->body && (o->gzip || o->encoding))
		strbuf_addf(head, "Content-Encoding: %s\r\n", o->encoding ? o->encoding : "gzip");
	if (!o->no_sign)
		strbuf_addf(head, "%s: %s\r\n%s: %lld\r\n%s: %s\r\n%s: %s\r\n",
			    PROTO_HDR_DEVICE, o->device, PROTO_HDR_TIME, (long long)t,
			    PROTO_HDR_NONCE, nonce, PROTO_HDR_SIGNATURE, sig_hex);
	strbuf_addstr(head, "\r\n");
	strbuf_release(&s);
}

static int c_request(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "body", required_argument, NULL, 'b' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "time", required_argument, NULL, 't' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "content-type", required_argument, NULL, 'c' },
		{ "bad-sig", no_argument, NULL, 'B' },
		{ "no-sign", no_argument, NULL, 'N' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "replay", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct req_opts o;
	struct key k;
	struct strbuf zbody = STRBUF_INIT;
	char *raw = NULL;
	size_t raw_len = 0;
	int64_t repeat = 1;
	bool replay = false;
	int c, worst = 0;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			raw = file_read_all(optarg, &raw_len);
			if (!raw)
				die("cannot read %s", optarg);
			break;
		case 'z': o.gzip = true; break;
		case 't': if (!parse_int64(optarg, &o.time)) die("bad --time"); break;
		case 'n': o.nonce = optarg; break;
		case 'c': o.content_type = optarg; break;
		case 'B': o.bad_sig = true; break;
		case 'N': o.no_sign = true; break;
		case 'r': if (!parse_int64(optarg, &repeat)) die("bad --repeat"); break;
		case 'e': o.encoding = optarg; break;
		case 'R': replay = true; break;
		default: die("request: bad option");
		}
	}
	if (argc - optind != 5)
		die("usage: request URL METHOD URI KEYFILE DEVICE [options]");
	o.url = argv[optind];
	o.method = argv[optind + 1];
	o.uri = argv[optind + 2];
	key_load(argv[optind + 3], &k);
	o.key = &k;
	o.device = argv[optind + 4];
	if (raw && o.gzip) {
		proto_gzip(raw, raw_len, &zbody);
		o.body = zbody.buf;
		o.body_len = zbody.len;
	} else if (raw) {
		o.body = raw;
		o.body_len = raw_len;
	}
	if (replay && !o.nonce) {
		/* A replay: the very same bytes again, nonce included. */
		static char fixed[33];
		uint8_t rnd[16];
		util_random(rnd, sizeof(rnd));
		proto_hex_encode(rnd, sizeof(rnd), fixed);
		o.nonce = fixed;
		if (!o.time)
			o.time = util_now();
	}
	for (int64_t i = 0; i < repeat; i++) {
		struct strbuf head = STRBUF_INIT;
		struct http_answer a;

		build_head(&o, &head);
		if (!http_do(o.url, head.buf, o.body, o.body_len, &a))
			die("no answer from %s", o.url);
		printf("%d %s\n", a.status, a.body.buf);
		if (a.status != 200)
			worst = 1;
		strbuf_release(&a.body);
		strbuf_release(&head);
	}
	free(raw);
	strbuf_release(&zbody);
	return worst;
}

/* ---- bench: N clients, each its own device, sending referrals ---- */

struct bench_client {
	const char *url;
	char code[32];
	int items, batch;
	int sent, failed;
	size_t bytes;			/* request bytes sent (head and body) */
	pthread_t th;
};

static void *bench_run(void *arg)
{
	struct bench_client *bc = arg;
	struct key k;
	struct http_answer a;
	char device[37], iv[37];
	struct proto_batch b;
	struct strbuf body = STRBUF_INIT;
	struct req_opts o;

	crypto_sign_keygen(k.pub, k.sec);
	proto_hex_encode(k.pub, 32, k.pub_hex);
	if (!enroll(bc->url, bc->code, &k, device, &a)) {
		strbuf_release(&a.body);
		bc->failed = bc->items;
		return NULL;
	}
	strbuf_release(&a.body);
	memset(&o, 0, sizeof(o));
	o.url = bc->url;
	o.method = "POST";
	o.uri = "/v1/batches";
	o.device = device;
	o.key = &k;
	o.gzip = true;
	/* One interview, then its referrals. */
	uuid_v4(iv);
	proto_batch_init(&b);
	proto_batch_add(&b, iv, PROTO_KIND_INTERVIEW, NULL, "{\"form\":\"intake\",\"state\":\"submitted\"}");
	for (int done = 0; done < bc->items || b.n; ) {
		struct strbuf head = STRBUF_INIT;

		while (done < bc->items && b.n < (size_t)bc->batch) {
			char id[37], p[160];
			uuid_v4(id);
			snprintf(p, sizeof(p), "{\"service\":\"legal-orientation\",\"fields\":"
				 "{\"language\":\"es\",\"urgency\":\"normal\",\"n\":%d}}", done);
			proto_batch_add(&b, id, PROTO_KIND_REFERRAL, iv, p);
			done++;
		}
		strbuf_reset(&body);
		proto_batch_encode(&b, true, &body);
		o.body = body.buf;
		o.body_len = body.len;
		build_head(&o, &head);
		bc->bytes += head.len + body.len;
		if (http_do(o.url, head.buf, o.body, o.body_len, &a) && a.status == 200)
			bc->sent += (int)b.n;
		else
			bc->failed += (int)b.n;
		strbuf_release(&a.body);
		strbuf_release(&head);
		proto_batch_release(&b);
		proto_batch_init(&b);
	}
	strbuf_release(&body);
	return NULL;
}

static int c_bench(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "clients", required_argument, NULL, 'c' },
		{ "items", required_argument, NULL, 'i' },
		{ "batch", required_argument, NULL, 'b' },
		{ "code-file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t clients = 4, items = 5000, batch = 100;
	const char *code_file = NULL;
	struct bench_client *bc;
	struct timespec t0, t1;
	FILE *f;
	int c, sent = 0, failed = 0;
	size_t bytes = 0;
	double secs;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': parse_int64(optarg, &clients); break;
		case 'i': parse_int64(optarg, &items); break;
		case 'b': parse_int64(optarg, &batch); break;
		case 'f': code_file = optarg; break;
		default: die("bench: bad option");
		}
	}
	if (argc - optind != 1 || !code_file || clients < 1 || clients > 64)
		die("usage: bench URL --code-file F [--clients N] [--items N] [--batch N]");
	bc = xcalloc((size_t)clients, sizeof(*bc));
	f = fopen(code_file, "r");
	if (!f)
		die("cannot read %s", code_file);
	for (int i = 0; i < clients; i++) {
		bc[i].url = argv[optind];
		bc[i].items = (int)(items / clients);
		bc[i].batch = (int)batch;
		if (fscanf(f, "%31s", bc[i].code) != 1)
			die("need %lld codes in %s", (long long)clients, code_file);
	}
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < clients; i++)
		pthread_create(&bc[i].th, NULL, bench_run, &bc[i]);
	for (int i = 0; i < clients; i++) {
		pthread_join(bc[i].th, NULL);
		sent += bc[i].sent;
		failed += bc[i].failed;
		bytes += bc[i].bytes;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("server ingest: %d referrals (+%lld interviews) from %lld clients in %.2f s: "
	       "%.0f referrals/s (%d failed)\n", sent - (int)clients, (long long)clients,
	       (long long)clients, secs, (sent - clients) / secs, failed);
	printf("request bytes per referral (gzip batches of %lld, headers included): %.0f\n",
	       (long long)batch, sent ? (double)bytes / sent : 0.0);
	free(bc);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: srv-client keygen|enroll|batch|request|bench ...");
	if (!strcmp(argv[1], "keygen"))
		return c_keygen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "enroll"))
		return c_enroll(argc - 1, argv + 1);
	if (!strcmp(argv[1], "batch"))
		return c_batch(argc - 1, argv + 1);
	if (!strcmp(argv[1], "request"))
		return c_request(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return c_bench(argc - 1, argv + 1);
	die("unknown command %s", argv[1]);
}
