/*
 * value_json.h - answers as JSON, the one conversion every writer of
 * answers uses (form fill output, export, the sync payloads), so a date or
 * a selection looks the same wherever it leaves the engine.  It lives in
 * app, not form, to keep the form engine free of jansson for the fuzzers.
 */
#ifndef SENDA_APP_VALUE_JSON_H
#define SENDA_APP_VALUE_JSON_H

#include <jansson.h>

#include "form/form.h"

/*
 * A new reference: booleans, integers, decimals and text as themselves,
 * dates as "YYYY-MM-DD", selections as arrays of choice values, an empty
 * value as null.
 */
json_t *app_value_json(const struct form_value *v);

#endif
