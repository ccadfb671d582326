/*
 * form_json.h - answers as JSON, the one conversion every writer of
 * answers uses (form fill output, export, the sync payloads), so a date or
 * a selection looks the same wherever it leaves the engine.
 */
#ifndef SENDA_FORM_FORM_JSON_H
#define SENDA_FORM_FORM_JSON_H

#include <jansson.h>

#include "form/form.h"

/*
 * A new reference: booleans, integers, decimals and text as themselves,
 * dates as "YYYY-MM-DD", selections as arrays of choice values, an empty
 * value as null.
 */
json_t *form_value_json(const struct form_value *v);

#endif
