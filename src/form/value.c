/*
 * value.c - answers and computed values: copy, compare, and the text form
 * a person types (the console's line editor) and reads back.
 *
 * A select_multiple value is kept sorted and without duplicates, so that
 * equality is a plain element-wise comparison and output is deterministic.
 * An empty selection is FORM_V_EMPTY, never a zero-length multi.
 */
#include "form/internal.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void form_value_release(struct form_value *v)
{
	if (v->type == FORM_V_TEXT) {
		free(v->u.s);
	} else if (v->type == FORM_V_MULTI) {
		for (size_t i = 0; i < v->u.multi.n; i++)
			free(v->u.multi.v[i]);
		free(v->u.multi.v);
	}
	v->type = FORM_V_EMPTY;
	v->u.i = 0;
}

void form_value_copy(struct form_value *dst, const struct form_value *src)
{
	struct form_value t = *src;

	if (src->type == FORM_V_TEXT) {
		t.u.s = xstrdup(src->u.s);
	} else if (src->type == FORM_V_MULTI) {
		if (!src->u.multi.n) {
			t.type = FORM_V_EMPTY;
			t.u.i = 0;
		} else {
			t.u.multi.v = xmalloc(src->u.multi.n * sizeof(char *));
			for (size_t i = 0; i < src->u.multi.n; i++)
				t.u.multi.v[i] = xstrdup(src->u.multi.v[i]);
		}
	}
	form_value_release(dst);
	*dst = t;
}

bool form_value_equal(const struct form_value *a, const struct form_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case FORM_V_EMPTY: return true;
	case FORM_V_BOOL: return a->u.b == b->u.b;
	case FORM_V_INT: return a->u.i == b->u.i;
	case FORM_V_DEC: return a->u.d == b->u.d;
	case FORM_V_DATE: return a->u.date == b->u.date;
	case FORM_V_TEXT: return !strcmp(a->u.s, b->u.s);
	case FORM_V_MULTI:
		if (a->u.multi.n != b->u.multi.n)
			return false;
		for (size_t i = 0; i < a->u.multi.n; i++)
			if (strcmp(a->u.multi.v[i], b->u.multi.v[i]))
				return false;
		return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates in place; an empty result becomes FORM_V_EMPTY. */
void form_value_normalise_multi(struct form_value *v)
{
	size_t k = 0;

	if (v->type != FORM_V_MULTI)
		return;
	qsort(v->u.multi.v, v->u.multi.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < v->u.multi.n; i++) {
		if (k && !strcmp(v->u.multi.v[k - 1], v->u.multi.v[i]))
			free(v->u.multi.v[i]);
		else
			v->u.multi.v[k++] = v->u.multi.v[i];
	}
	v->u.multi.n = k;
	if (!k)
		form_value_release(v);
}

status_t form_value_parse(const struct form *f, size_t q, const char *text,
			  struct form_value *out)
{
	const struct form_question *fq;
	struct form_value v = FORM_VALUE_INIT;
	char *t, *trimmed;
	bool ok = true;

	form_value_release(out);
	if (q >= f->n_questions)
		return st_error(ST_NOTFOUND, "no such question");
	fq = &f->questions[q];
	t = xstrdup(text);
	trimmed = str_trim(t);
	memmove(t, trimmed, strlen(trimmed) + 1);
	if (!*t) {
		free(t);
		return ST_OK;
	}
	switch (fq->type) {
	case FORM_Q_TEXT:
		v.type = FORM_V_TEXT;
		v.u.s = t;
		t = NULL;
		break;
	case FORM_Q_INTEGER:
		v.type = FORM_V_INT;
		if (!parse_int64(t, &v.u.i)) {
			free(t);
			return st_error(ST_INVALID, "expected a whole number");
		}
		break;
	case FORM_Q_DECIMAL:
		v.type = FORM_V_DEC;
		ok = parse_double(t, &v.u.d) && isfinite(v.u.d);
		if (!ok) {
			free(t);
			return st_error(ST_INVALID, "expected a number");
		}
		break;
	case FORM_Q_DATE:
		v.type = FORM_V_DATE;
		if (!parse_date(t, &v.u.date)) {
			free(t);
			return st_error(ST_INVALID, "expected a date YYYY-MM-DD");
		}
		break;
	case FORM_Q_YES_NO:
		v.type = FORM_V_BOOL;
		if (!parse_bool(t, &v.u.b)) {
			free(t);
			return st_error(ST_INVALID, "expected yes or no");
		}
		break;
	case FORM_Q_SELECT_ONE:
		if (form_find_choice(f, q, t) == FORM_NONE) {
			free(t);
			return st_error(ST_INVALID, "not one of the choices");
		}
		v.type = FORM_V_TEXT;
		v.u.s = t;
		t = NULL;
		break;
	case FORM_Q_SELECT_MULTIPLE: {
		char *save = NULL;

		v.type = FORM_V_MULTI;
		v.u.multi.v = NULL;
		v.u.multi.n = 0;
		for (char *w = strtok_r(t, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
			if (form_find_choice(f, q, w) == FORM_NONE) {
				form_value_release(&v);
				free(t);
				return st_error(ST_INVALID, "not one of the choices");
			}
			v.u.multi.v = xrealloc(v.u.multi.v, (v.u.multi.n + 1) * sizeof(char *));
			v.u.multi.v[v.u.multi.n++] = xstrdup(w);
		}
		form_value_normalise_multi(&v);
		break;
	}
	default:
		free(t);
		return st_error(ST_STATE, "this question takes no answer");
	}
	free(t);
	*out = v;
	return ST_OK;
}

char *form_value_format(const struct form_value *v)
{
	char buf[64];
	struct strbuf sb = STRBUF_INIT;

	switch (v->type) {
	case FORM_V_EMPTY: return xstrdup("");
	case FORM_V_BOOL: return xstrdup(v->u.b ? "yes" : "no");
	case FORM_V_INT: return xasprintf("%lld", (long long)v->u.i);
	case FORM_V_DEC:
		/* shortest text that reads back to the same double */
		for (int prec = 1; prec <= 17; prec++) {
			double back;
			snprintf(buf, sizeof(buf), "%.*g", prec, v->u.d);
			if (sscanf(buf, "%lf", &back) == 1 && back == v->u.d)
				break;
		}
		return xstrdup(buf);
	case FORM_V_DATE:
		format_date(v->u.date, buf);
		return xstrdup(buf);
	case FORM_V_TEXT: return xstrdup(v->u.s);
	case FORM_V_MULTI:
		for (size_t i = 0; i < v->u.multi.n; i++) {
			if (i)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb, v->u.multi.v[i]);
		}
		return strbuf_detach(&sb, NULL);
	}
	return xstrdup("");
}
