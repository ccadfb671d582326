/*
 * backoff.h - when `senda sync --watch` tries again after a failed pass.
 *
 * Exponential backoff with "equal jitter": the n-th consecutive failure
 * waits a random time in [d/2, d] where d = min(max, min * 2^n).  The jitter
 * keeps a room full of laptops that lost the link together from hammering
 * the server together when it comes back; the floor of d/2 keeps a single
 * client from retrying in a tight loop.  A success resets the sequence.
 */
#ifndef SENDA_SYNC_BACKOFF_H
#define SENDA_SYNC_BACKOFF_H

#include <stdint.h>

struct sync_backoff {
	int64_t min_ms;		/* first delay, 1 s by default */
	int64_t max_ms;		/* ceiling, 15 min by default */
	unsigned failures;	/* consecutive failures so far */
	uint64_t rng;		/* jitter state; seeded from the kernel */
};

#define SYNC_BACKOFF_MIN_MS 1000
#define SYNC_BACKOFF_MAX_MS (15 * 60 * 1000)

/* Default range (1 s to 15 min), jitter seeded from getrandom(2). */
void sync_backoff_init(struct sync_backoff *b);
/* The delay before the next attempt after one more failure, in ms. */
int64_t sync_backoff_fail(struct sync_backoff *b);
/* A pass succeeded: the next failure starts again from min_ms. */
void sync_backoff_reset(struct sync_backoff *b);
/* The un-jittered ceiling for the current failure count (for tests/logs). */
int64_t sync_backoff_ceiling(const struct sync_backoff *b);

#endif
