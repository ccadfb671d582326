/*
 * value_json.c - a form_value as a jansson value, one converter per value
 * type in a table indexed by the type.
 */
#include "app/value_json.h"
#include "util/util.h"

static json_t *json_of_empty(const struct form_value *v)
{
	(void)v;
	return json_null();
}

static json_t *json_of_bool(const struct form_value *v)
{
	return json_boolean(v->u.b);
}

static json_t *json_of_int(const struct form_value *v)
{
	return json_integer((json_int_t)v->u.i);
}

static json_t *json_of_dec(const struct form_value *v)
{
	return json_real(v->u.d);
}

static json_t *json_of_text(const struct form_value *v)
{
	return json_string(v->u.s);
}

static json_t *json_of_date(const struct form_value *v)
{
	char day[11];

	format_date(v->u.date, day);
	return json_string(day);
}

static json_t *json_of_multi(const struct form_value *v)
{
	json_t *a = json_array();

	for (size_t i = 0; i < v->u.multi.n; i++)
		json_array_append_new(a, json_string(v->u.multi.v[i]));
	return a;
}

static json_t *(*const value_to_json[])(const struct form_value *) = {
	[FORM_V_EMPTY] = json_of_empty,
	[FORM_V_BOOL] = json_of_bool,
	[FORM_V_INT] = json_of_int,
	[FORM_V_DEC] = json_of_dec,
	[FORM_V_TEXT] = json_of_text,
	[FORM_V_DATE] = json_of_date,
	[FORM_V_MULTI] = json_of_multi,
};

json_t *app_value_json(const struct form_value *v)
{
	if ((size_t)v->type >= ARRAY_SIZE(value_to_json) || !value_to_json[v->type])
		return json_null();
	return value_to_json[v->type](v);
}
