# mk/server.mk - senda-server's extra link flags and its benchmark.
#
# The server's TLS code (src/server/srv_tls.c) calls GnuTLS directly to make
# its key and certificate, so every program links it.  `make bench` runs
# bench-server: ingest rate with 4 concurrent clients on loopback.

LIBS += $(shell pkg-config --libs gnutls 2>/dev/null)

.PHONY: bench-server
bench: bench-server

bench-server: $(BUILD)/senda-server $(BUILD)/tools/srv-client
	@BUILD=$(BUILD) ./tests/bench/server-ingest.sh
