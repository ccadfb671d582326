/*
 * fuzz_form.c - libFuzzer harness for the form parser and linter: any
 * bytes as a form file must give diagnostics, never a crash, and a form
 * that loads must survive an interview (members added, answers set from
 * the input, progress and referrals read).  `make fuzz` runs it seeded
 * from forms/ and tests/forms/bad/.
 */
#include "form/form.h"
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct ini_doc doc;
	struct form f;

	memset(&doc, 0, sizeof(doc));
	if (ini_doc_load_mem(&doc, "fuzz.ini", (const char *)data, size, &dl) &&
	    form_load(&f, &doc, &dl) == ST_OK) {
		struct form_state *st = form_state_new(&f, 19500);
		const struct form_referral *rv;
		struct form_progress p;
		size_t k = 0;

		for (size_t r = 0; r < f.n_repeats; r++)
			for (int m = 0; m < 3; m++)
				form_state_repeat_add(st, r, NULL);
		/* answers: the choice values and bits of the input itself */
		for (size_t q = 0; q < f.n_questions; q++) {
			size_t n = form_state_instances(st, q);
			for (size_t i = 0; i < n; i++, k++) {
				char buf[16];
				const char *v = buf;
				size_t len = size ? (k * 7) % 12 : 0;

				if (f.questions[q].choices != FORM_NONE)
					v = f.choice_lists[f.questions[q].choices].v[k % f.choice_lists[f.questions[q].choices].n].value;
				else {
					for (size_t j = 0; j < len; j++)
						buf[j] = (char)(data[(k + j) % size] ? data[(k + j) % size] : '1');
					buf[len] = 0;
				}
				form_state_set_text(st, (struct form_ref){ q, i }, v);
				form_state_choice_visible(st, (struct form_ref){ q, i }, 0);
			}
		}
		form_state_progress(st, &p);
		form_state_referrals(st, &rv);
		for (size_t r = 0; r < f.n_repeats; r++)
			if (form_state_repeat_count(st, r))
				form_state_repeat_remove(st, r, 0);
		form_state_referrals(st, &rv);
		form_state_free(st);
		form_release(&f);
	}
	st_clear();
	ini_doc_release(&doc);
	diag_list_release(&dl);
	return 0;
}
