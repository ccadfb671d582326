# mk/sync.mk - the sync client's long runs, outside `make test`:
#
#   make soak         5,000 referrals from 3 clients through the fault proxy,
#                     with kill -9 of the server and of the clients at random
#                     points; every item must reach the server exactly once.
#   make bench-sync   (part of `make bench`) wire bytes per referral through
#                     the proxy's byte counters, for a device's first
#                     delivery and in steady use (3 rounds of 1,000 on one
#                     client; rounds 2-3 also carry the bookkeeping the round
#                     before left in the audit trail), the steady state
#                     again with every answer autosaved as the console does
#                     (an audit entry each), and the time for 5,000
#                     referrals through faults.
# Both use tests/e2e/sync-soak.sh, the driver of the t4590 soak test.

SYNC_RUN_DEPS = $(BUILD)/senda $(BUILD)/senda-server $(BUILD)/tools/faultproxy \
	$(BUILD)/tools/sync-fill $(BUILD)/tools/sync-srvcheck $(BUILD)/tools/sync-auditcheck

# The environment tests/run gives an end-to-end script, in a private TMPDIR.
SYNC_ENV = TOP=$(CURDIR) BUILD=$(abspath $(BUILD)) SENDA=$(abspath $(BUILD))/senda \
	SENDA_SERVER=$(abspath $(BUILD))/senda-server TZ=UTC LC_ALL=C.UTF-8

.PHONY: soak bench-sync
bench: bench-sync

soak: deps $(SYNC_RUN_DEPS)
	@t=$$(mktemp -d); trap 'rm -rf "$$t"' EXIT; \
	$(SYNC_ENV) TMPDIR=$$t HOME=$$t SOAK_CLIENTS=3 SOAK_REFERRALS=5000 SOAK_KILL=1 \
		SOAK_RATE=0.25 SOAK_SEED=$${SOAK_SEED:-$$RANDOM} SOAK_DEADLINE=600 \
		bash tests/e2e/sync-soak.sh

bench-sync: $(SYNC_RUN_DEPS)
	@t=$$(mktemp -d); trap 'rm -rf "$$t"' EXIT; \
	mkdir -p $$t/a $$t/b $$t/c; \
	$(SYNC_ENV) TMPDIR=$$t/a HOME=$$t/a SOAK_CLIENTS=1 SOAK_REFERRALS=1000 SOAK_RATE=0 \
		SOAK_ROUNDS=3 SOAK_REPORT=$$t/wire bash tests/e2e/sync-soak.sh >/dev/null || exit 1; \
	$(SYNC_ENV) TMPDIR=$$t/c HOME=$$t/c SOAK_CLIENTS=1 SOAK_REFERRALS=1000 SOAK_RATE=0 \
		SOAK_ROUNDS=3 SOAK_ANSWERS=1 SOAK_REPORT=$$t/answers \
		bash tests/e2e/sync-soak.sh >/dev/null || exit 1; \
	$(SYNC_ENV) TMPDIR=$$t/b HOME=$$t/b SOAK_CLIENTS=3 SOAK_REFERRALS=5000 SOAK_RATE=0.25 \
		SOAK_SEED=7 SOAK_DEADLINE=600 SOAK_REPORT=$$t/faults \
		bash tests/e2e/sync-soak.sh >/dev/null || exit 1; \
	awk '$$1 == "bytes_per_referral_first" { printf "bench-sync: wire bytes per referral, first delivery (1000, batches of 50, gzip): %d (goal <= 400)\n", $$2 }' $$t/wire; \
	awk '$$1 == "bytes_per_referral_steady" { printf "bench-sync: wire bytes per referral, steady use (rounds 2-3 of 3 x 1000, with the audit trail): %d (goal <= 400)\n", $$2 }' $$t/wire; \
	awk '$$1 == "bytes_per_referral_steady" { printf "bench-sync: wire bytes per referral, steady use, each answer autosaved and audited as in the console: %d (goal <= 400)\n", $$2 }' $$t/answers; \
	awk '$$1 == "seconds" { s = $$2 } $$1 == "faults" { f = $$2 } END { printf "bench-sync: 5000 referrals from 3 clients through %d faults: %.1f s (goal < 180 s)\n", f, s }' $$t/faults
