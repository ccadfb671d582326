/*
 * fuzz_proto.c - libFuzzer harness for the sync wire format: the first
 * byte picks a decoder (batch with per-item checks, gunzip under a small
 * limit, enrolment request, feed, batch reply, error body) and the rest is
 * its input.  Everything the server reads from the network goes through
 * one of these.  `make fuzz-server` seeds it with valid messages.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct proto_limits lim = { 1u << 16, 1u << 16, 50, 4096 };
	const char *in;
	size_t n;

	if (size < 1)
		return 0;
	in = (const char *)data + 1;
	n = size - 1;
	switch (data[0] % 6) {
	case 0: {
		struct proto_batch b;
		struct proto_err err;

		proto_batch_init(&b);
		proto_err_init(&err);
		if (proto_batch_decode(in, n, &lim, &b, &err) == ST_OK)
			for (size_t i = 0; i < b.n; i++)
				free(proto_item_check(&b.items[i], &lim));
		proto_batch_release(&b);
		break;
	}
	case 1: {
		struct strbuf out = STRBUF_INIT;
		struct proto_err err;

		proto_err_init(&err);
		proto_gunzip(in, n, 1u << 16, &out, &err);
		strbuf_release(&out);
		break;
	}
	case 2: {
		struct proto_enroll_req q;
		struct proto_err err;

		proto_err_init(&err);
		if (proto_enroll_req_decode(in, n, &q, &err) == ST_OK)
			proto_enroll_req_release(&q);
		break;
	}
	case 3: {
		struct proto_feed f;

		proto_feed_init(&f);
		proto_feed_decode(in, n, "decisions", 0, &f);
		proto_feed_release(&f);
		break;
	}
	case 4: {
		struct proto_batch_reply r;

		proto_batch_reply_init(&r);
		proto_batch_reply_decode(in, n, &r);
		proto_batch_reply_release(&r);
		break;
	}
	default: {
		struct proto_error_reply e;

		proto_error_decode(in, n, &e);
		proto_error_reply_release(&e);
		break;
	}
	}
	return 0;
}
