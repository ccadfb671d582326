# mk/server.mk - senda-server's extra link flags, benchmark and fuzzer.
#
# The server's TLS code (src/server/srv_tls.c) calls GnuTLS directly to make
# its key and certificate, so every program links it.
#   make bench-server  ingest rate with 4 concurrent clients on loopback
#                      (part of `make bench`; BENCH_ITEMS, BENCH_BATCH)
#   make fuzz-server   libFuzzer on every wire-format decoder in src/proto
#                      (part of `make fuzz`), FUZZ_TIME seconds under nice,
#                      seeded with valid messages; crashes in $(BUILD)/fuzz/.

LIBS += $(shell pkg-config --libs gnutls 2>/dev/null)

.PHONY: bench-server
bench: bench-server

bench-server: $(BUILD)/senda-server $(BUILD)/tools/srv-client
	@BUILD=$(BUILD) ./tests/bench/server-ingest.sh

.PHONY: fuzz-server
fuzz: fuzz-server

PROTO_FUZZ_LIB := $(wildcard src/proto/*.c) src/crypto/sign.c src/crypto/crypto.c \
	$(wildcard src/util/*.c)
PROTO_FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -Isrc \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(BUILD)/fuzz/fuzz_proto: tests/fuzz/fuzz_proto.c $(PROTO_FUZZ_LIB) src/proto/proto.h
	@mkdir -p $(dir $@)
	$(quiet) FUZZCC $@
	$(Q)clang $(PROTO_FUZZ_CFLAGS) -o $@ $< $(PROTO_FUZZ_LIB) -ljansson -lz -lgcrypt -lpthread

fuzz-server: $(BUILD)/fuzz/fuzz_proto
	@mkdir -p $(BUILD)/fuzz/corpus-proto
	@printf '\000{"v":1,"items":[{"id":"3c1d7a0e-5b7c-4c4f-8f3e-0a9c1b2d3e4f","kind":"referral","interview":"3c1d7a0e-5b7c-4c4f-8f3e-0a9c1b2d3e4f","hash":"sha256:0000000000000000000000000000000000000000000000000000000000000000","payload":{"service":"x"}}]}' >$(BUILD)/fuzz/corpus-proto/batch
	@printf '\001' >$(BUILD)/fuzz/corpus-proto/gz && printf '{"v":1,"items":[]}' | gzip -c >>$(BUILD)/fuzz/corpus-proto/gz
	@printf '\002{"code":"K7QX-M2RD-9VHT","public_key":"%064d","proof":"%0128d","label":"x"}' 0 0 >$(BUILD)/fuzz/corpus-proto/enroll
	@printf '\003{"decisions":[{"seq":1,"id":"3c1d7a0e-5b7c-4c4f-8f3e-0a9c1b2d3e4f","kind":"returned","at":1,"payload":{}}],"cursor":"1","more":false}' >$(BUILD)/fuzz/corpus-proto/feed
	@printf '\004{"batch":"b-1","server_time":1,"results":[{"id":"3c1d7a0e-5b7c-4c4f-8f3e-0a9c1b2d3e4f","status":"stored","receipt":"r-1"}]}' >$(BUILD)/fuzz/corpus-proto/reply
	@printf '\005{"error":"bad_request","message":"m","field":"f","item":1,"server_time":1}' >$(BUILD)/fuzz/corpus-proto/error
	nice -n 19 $(BUILD)/fuzz/fuzz_proto -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=60 \
		-artifact_prefix=$(BUILD)/fuzz/ -print_final_stats=1 $(BUILD)/fuzz/corpus-proto
