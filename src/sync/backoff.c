/*
 * backoff.c - exponential backoff with jitter for `senda sync --watch`
 * (see backoff.h for the policy and why).
 */
#include "sync/backoff.h"

#include "util/util.h"

void sync_backoff_init(struct sync_backoff *b)
{
	b->min_ms = SYNC_BACKOFF_MIN_MS;
	b->max_ms = SYNC_BACKOFF_MAX_MS;
	b->failures = 0;
	if (!util_random(&b->rng, sizeof(b->rng)))
		b->rng = (uint64_t)util_now() * 0x9e3779b97f4a7c15ULL;
}

/* splitmix64: the jitter needs spread, not secrecy. */
static uint64_t backoff_rand(struct sync_backoff *b)
{
	uint64_t z = (b->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int64_t sync_backoff_ceiling(const struct sync_backoff *b)
{
	int64_t d = b->min_ms;
	/* Doubling stops at the ceiling, so this never overflows. */
	for (unsigned i = 1; i < b->failures && d < b->max_ms; i++)
		d *= 2;
	return d < b->max_ms ? d : b->max_ms;
}

int64_t sync_backoff_fail(struct sync_backoff *b)
{
	b->failures++;
	int64_t d = sync_backoff_ceiling(b);
	int64_t half = d / 2;
	return half + (int64_t)(backoff_rand(b) % (uint64_t)(d - half + 1));
}

void sync_backoff_reset(struct sync_backoff *b)
{
	b->failures = 0;
}
