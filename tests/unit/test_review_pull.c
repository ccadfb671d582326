/*
 * test_review_pull.c - how the supervisor's store takes review-queue
 * entries (sync_review_apply): an interview arrives with its answers as the
 * form engine reads them back and its queue metadata; reading it again
 * does not undo a decision made here; an amendment replaces the answers
 * and makes it resubmitted; an amendment that crosses an approval made
 * here keeps both values of every changed answer as conflicts and changes
 * nothing silently; bad entries are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/data.h"
#include "store/store.h"
#include "sync/review_pull.h"

#define IV "3c1d7a0e-5b7c-4c4f-8f3e-0a9c1b2d3e4f"
#define DEV "0b7e6c55-3f0e-4c1e-9d53-2f0c8d9f5a10"

static const char *const first =
	"{\"answers\":{\"age\":34,\"consent\":true,\"needs\":[\"food\",\"shelter\"],"
	"\"given_name\":\"Ana\",\"weight\":61.5,\"nothing\":null},"
	"\"form\":\"mini\",\"form_version\":\"1\",\"language\":\"es\",\"state\":\"submitted\","
	"\"meta\":{\"urgency\":\"high\",\"flags\":[\"gbv\"]}}";
static const char *const amended =
	"{\"answers\":{\"age\":43,\"consent\":true,\"given_name\":\"Ana\"},"
	"\"form\":\"mini\",\"form_version\":\"1\",\"language\":\"es\",\"state\":\"resubmitted\"}";

static char *answer(struct store *st, const char *path)
{
	char *v = NULL;

	if (store_answer_get(st, IV, path, &v) != ST_OK) {
		st_clear();
		return NULL;
	}
	return v;
}

static void expect_answer(struct store *st, const char *path, const char *want)
{
	char *v = answer(st, path);

	if (!want) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

static enum store_iv_status status_of(struct store *st)
{
	struct store_interview iv;
	enum store_iv_status s;

	assert_int_equal(store_interview_get(st, IV, &iv), ST_OK);
	s = iv.status;
	store_interview_release(&iv);
	return s;
}

static void test_interview_then_amendment(void **state)
{
	struct store *st = NULL;
	struct sync_review_stats stats;
	struct store_interview iv;

	(void)state;
	memset(&stats, 0, sizeof(stats));
	assert_int_equal(store_open_memory(&st), ST_OK);
	assert_int_equal(sync_review_apply(st, "interview", IV, DEV, 1000, first, &stats), ST_OK);
	assert_int_equal(stats.interviews, 1);
	/* Answers as the form engine writes them. */
	expect_answer(st, "age", "34");
	expect_answer(st, "consent", "yes");
	expect_answer(st, "needs", "food shelter");
	expect_answer(st, "weight", "61.5");
	expect_answer(st, "nothing", NULL);
	assert_int_equal(store_interview_get(st, IV, &iv), ST_OK);
	assert_int_equal(iv.status, STORE_IV_SUBMITTED);
	assert_string_equal(iv.form_id, "mini");
	assert_non_null(strstr(iv.meta, "\"caseworker\":\"" DEV "\""));
	assert_non_null(strstr(iv.meta, "\"received\":1000"));
	assert_non_null(strstr(iv.meta, "\"urgency\":\"high\""));
	assert_non_null(strstr(iv.meta, "\"flags\":[\"gbv\"]"));
	store_interview_release(&iv);

	/* Returned here; the same entry read again (a re-pull) changes nothing. */
	assert_int_equal(store_interview_set_status(st, IV, STORE_IV_RETURNED), ST_OK);
	assert_int_equal(sync_review_apply(st, "interview", IV, DEV, 1000, first, NULL), ST_OK);
	assert_int_equal(status_of(st), STORE_IV_RETURNED);

	/* The amendment: new answers, resubmitted, received time kept. */
	assert_int_equal(sync_review_apply(st, "amendment", IV, DEV, 2000, amended, &stats),
			 ST_OK);
	assert_int_equal(stats.amendments, 1);
	assert_int_equal(status_of(st), STORE_IV_RESUBMITTED);
	expect_answer(st, "age", "43");
	expect_answer(st, "needs", NULL);
	assert_int_equal(store_interview_get(st, IV, &iv), ST_OK);
	assert_non_null(strstr(iv.meta, "\"received\":1000"));
	store_interview_release(&iv);
	store_close(st);
}

static void test_crossed_amendment_conflicts(void **state)
{
	struct store *st = NULL;
	struct sync_review_stats stats;
	struct store_conflict_list cl = STORE_CONFLICT_LIST_INIT;
	size_t i;
	bool age = false, needs = false;

	(void)state;
	memset(&stats, 0, sizeof(stats));
	assert_int_equal(store_open_memory(&st), ST_OK);
	assert_int_equal(sync_review_apply(st, "interview", IV, DEV, 1000, first, NULL), ST_OK);
	assert_int_equal(store_interview_set_status(st, IV, STORE_IV_APPROVED), ST_OK);
	/* The caseworker amended what this supervisor had just approved. */
	assert_int_equal(sync_review_apply(st, "amendment", IV, DEV, 2000, amended, &stats),
			 ST_OK);
	assert_int_equal(status_of(st), STORE_IV_APPROVED);
	expect_answer(st, "age", "34");		/* nothing overwritten */
	assert_int_equal(store_conflicts_load(st, IV, true, &cl), ST_OK);
	/* age changed; needs and weight dropped by the amendment. */
	assert_int_equal(cl.n, 3);
	assert_int_equal(stats.conflicts, 3);
	for (i = 0; i < cl.n; i++) {
		if (!strcmp(cl.v[i].path, "age")) {
			age = true;
			assert_string_equal(cl.v[i].local_value, "34");
			assert_string_equal(cl.v[i].remote_value, "43");
		} else if (!strcmp(cl.v[i].path, "needs")) {
			needs = true;
			assert_string_equal(cl.v[i].local_value, "food shelter");
			assert_null(cl.v[i].remote_value);
		}
	}
	assert_true(age && needs);
	store_conflict_list_release(&cl);
	store_close(st);
}

static void test_bad_entries_skipped(void **state)
{
	struct store *st = NULL;
	struct sync_review_stats stats;
	struct store_interview_list l = STORE_INTERVIEW_LIST_INIT;

	(void)state;
	memset(&stats, 0, sizeof(stats));
	assert_int_equal(store_open_memory(&st), ST_OK);
	assert_int_equal(sync_review_apply(st, "audit", IV, DEV, 1, first, &stats), ST_OK);
	assert_int_equal(sync_review_apply(st, "interview", IV, DEV, 1, "not json", &stats), ST_OK);
	assert_int_equal(sync_review_apply(st, "interview", IV, DEV, 1, "{\"answers\":[]}", &stats),
			 ST_OK);
	assert_int_equal(sync_review_apply(st, "interview", "not-a-uuid", DEV, 1, first, &stats),
			 ST_OK);
	assert_int_equal(stats.skipped, 4);
	assert_int_equal(store_interviews_list(st, 0, &l), ST_OK);
	assert_int_equal(l.n, 0);
	store_interview_list_release(&l);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interview_then_amendment),
		cmocka_unit_test(test_crossed_amendment_conflicts),
		cmocka_unit_test(test_bad_entries_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
