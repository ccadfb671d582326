# mk/store.mk - the encrypted store's extra targets.
#
#   make bench-store   plain SQLite vs senda's store vs SQLCipher, same run
#                      (part of `make bench`); prints senda/plain and
#                      senda/sqlcipher per workload
#   make crash         the crash test with 500 SIGKILLs instead of 50
#
# SQLCipher defines the same sqlite3_* symbols as SQLite, so its bench is a
# separate binary built from the same source with -DBENCH_SQLCIPHER and
# linked with libsqlcipher alone.

.PHONY: bench-store crash
bench: bench-store

STORE_BENCH := $(BUILD)/bench/store-bench
STORE_BENCH_SQLCIPHER := $(BUILD)/bench/store-bench-sqlcipher

$(STORE_BENCH): tests/bench/store_bench.c $(BUILD)/libsenda.a
	@mkdir -p $(dir $@)
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libsenda.a $(LIBS)

$(STORE_BENCH_SQLCIPHER): tests/bench/store_bench.c
	@mkdir -p $(dir $@)
	$(quiet) LINK $@
	$(Q)$(CC) $(WARN) $(OPT) -D_GNU_SOURCE -DBENCH_SQLCIPHER \
		$$(pkg-config --cflags sqlcipher) -o $@ $< $$(pkg-config --libs sqlcipher)

bench-store: deps-bench $(STORE_BENCH) $(STORE_BENCH_SQLCIPHER)
	@echo "store benchmark: best of 5 rounds per engine, engines alternating (about a minute; single-tx is fsync-bound)"
	@$(STORE_BENCH) --sqlcipher $(STORE_BENCH_SQLCIPHER)

crash: $(BUILD)/tools/crashwriter
	@CRASH_ROUNDS=500 TEST_TIMEOUT=3600 BUILD=$(BUILD) SAN=$(SAN) ./tests/run \
		$(CURDIR)/tests/e2e/t1001-store-crash.sh
