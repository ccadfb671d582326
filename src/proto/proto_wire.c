/*
 * proto_wire.c - byte-level pieces of the sync protocol: gzip with limits
 * that stop a decompression bomb while it streams, hex, UUID syntax and the
 * request signing string.  Kept apart from the JSON code in proto.c so each
 * can be read (and fuzzed) on its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "proto/proto.h"

void proto_err_init(struct proto_err *e)
{
	e->http = 0;
	e->error = NULL;
	e->field[0] = '\0';
	e->item = -1;
	e->message[0] = '\0';
}

status_t proto_err_set(struct proto_err *e, int http, const char *error, int item,
		       const char *field, const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof(e->message)];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e) {
		e->http = http;
		e->error = error;
		e->item = item;
		snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
		char full[sizeof(e->field) + sizeof(msg) + 2];

		if (field && *field)
			snprintf(full, sizeof(full), "%s: %s", e->field, msg);
		else
			snprintf(full, sizeof(full), "%s", msg);
		snprintf(e->message, sizeof(e->message), "%.159s", full);
	}
	return st_error(ST_INVALID, "%s", e ? e->message : msg);
}

status_t proto_gzip(const void *in, size_t len, struct strbuf *out)
{
	z_stream zs;
	int rc;

	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 16: a gzip header and trailer rather than zlib's. */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return st_error(ST_NOMEM, "cannot start gzip");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		strbuf_grow(out, deflateBound(&zs, (uLong)len) + 64);
		zs.next_out = (Bytef *)out->buf + out->len;
		zs.avail_out = (uInt)(out->alloc - out->len - 1);
		rc = deflate(&zs, Z_FINISH);
		out->len = out->alloc - 1 - zs.avail_out;
	} while (rc == Z_OK || rc == Z_BUF_ERROR);
	out->buf[out->len] = '\0';
	deflateEnd(&zs);
	if (rc != Z_STREAM_END)
		return st_error(ST_ERR, "gzip failed");
	return ST_OK;
}

status_t proto_gunzip(const void *in, size_t len, size_t max_out, struct strbuf *out,
		      struct proto_err *err)
{
	z_stream zs;
	unsigned char chunk[16384];
	int rc;
	status_t st = ST_OK;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return proto_err_set(err, 500, "internal", -1, NULL, "cannot start gunzip");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	for (;;) {
		size_t got;

		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END) {
			st = proto_err_set(err, 400, "bad_request", -1, NULL,
					   "body is not valid gzip");
			break;
		}
		got = sizeof(chunk) - zs.avail_out;
		/* Checked before copying: a bomb never grows out past max_out. */
		if (out->len + got > max_out) {
			st = proto_err_set(err, 413, "too_large", -1, NULL,
					   "body inflates to more than %zu bytes", max_out);
			break;
		}
		strbuf_add(out, chunk, got);
		if (rc == Z_STREAM_END) {
			if (zs.avail_in != 0)
				st = proto_err_set(err, 400, "bad_request", -1, NULL,
						   "trailing bytes after the gzip stream");
			break;
		}
		if (zs.avail_in == 0 && got == 0) {
			st = proto_err_set(err, 400, "bad_request", -1, NULL,
					   "gzip stream is truncated");
			break;
		}
	}
	inflateEnd(&zs);
	return st;
}

void proto_hex_encode(const void *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = in;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;	/* upper case is not canonical, so not accepted */
}

bool proto_hex_decode(const char *hex, void *out, size_t n)
{
	unsigned char *p = out;

	if (!hex || strlen(hex) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

bool proto_is_uuid(const char *s)
{
	if (!s || strlen(s) != PROTO_UUID_LEN)
		return false;
	for (int i = 0; i < PROTO_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (hex_digit(s[i]) < 0) {
			return false;
		}
	}
	return true;
}

void proto_signing_string(const char *method, const char *path_query, int64_t time,
			  const char *nonce, const char *device, const char *body_sha256_hex,
			  struct strbuf *out)
{
	strbuf_addf(out, "senda-v1\n%s\n%s\n%lld\n%s\n%s\n%s", method, path_query,
		    (long long)time, nonce, device, body_sha256_hex);
}

void proto_enroll_proof_string(const char *code, const char *public_key_hex, struct strbuf *out)
{
	strbuf_addf(out, "senda-enroll-v1\n%s\n%s", code, public_key_hex);
}
