/*
 * test_docs.c - the docs that are generated from tables must stay true:
 * every option in the config table is in docs/config.md with its default,
 * and every status code is in docs/exit-codes.md with its exit status.
 * Tests run from the top of the tree (tests/run does that).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "util/status.h"
#include "util/util.h"

static void test_config_doc_lists_every_option(void **state)
{
	char *doc = file_read_all("docs/config.md", NULL);

	(void)state;
	assert_non_null(doc);
	for (size_t i = 0; i < config_n_options; i++) {
		const struct opt_def *d = &config_options[i];
		const char *def = d->def;
		char *row;

		/* Defaults under the install prefix are documented as PREFIX/... */
		if (str_starts_with(def, SENDA_PREFIX "/"))
			row = xasprintf("| `%s.%s` | %s | `PREFIX%s` |", d->section, d->name,
					opt_type_name(d->type), def + strlen(SENDA_PREFIX));
		else
			row = xasprintf("| `%s.%s` | %s | `%s` |", d->section, d->name,
					opt_type_name(d->type), def);

		if (!strstr(doc, row))
			fail_msg("docs/config.md has no row starting: %s", row);
		free(row);
	}
	free(doc);
}

static void test_exit_codes_doc_lists_every_status(void **state)
{
	char *doc = file_read_all("docs/exit-codes.md", NULL);

	(void)state;
	assert_non_null(doc);
	for (int st = 0; st < ST_COUNT_; st++) {
		char *row = xasprintf("| `%s` | %d | %s |", status_name((status_t)st),
				      status_exit((status_t)st), status_message((status_t)st));

		if (!strstr(doc, row))
			fail_msg("docs/exit-codes.md has no row: %s", row);
		free(row);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_doc_lists_every_option),
		cmocka_unit_test(test_exit_codes_doc_lists_every_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
