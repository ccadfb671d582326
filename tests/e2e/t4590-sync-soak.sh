#!/usr/bin/env bash
# The soak in `make test`: 500 referrals from 3 clients through the fault
# proxy (cuts in requests and responses, stalls, latency, truncation,
# 500/502/503, resets), bounded to two minutes.  The server must hold each
# item exactly once and every ledger must show all delivered, none
# quarantined.  See sync-soak.sh; `make soak` runs the big one.
SOAK_CLIENTS=3 SOAK_REFERRALS=500 SOAK_RATE=0.3 SOAK_BATCH=10 SOAK_SEED=${SOAK_SEED:-4590} \
	SOAK_KILL=0 SOAK_DEADLINE=110 exec bash "$TOP/tests/e2e/sync-soak.sh"
