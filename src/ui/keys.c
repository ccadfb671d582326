/*
 * keys.c - key names, the action table and the key map (see keys.h).
 * Binding is data: the default keys are written as key names in the action
 * list, in the same language users write in the config's [keys] section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/utf8.h"

const struct ui_action_info ui_actions[] = {
#define UI_ACT_GROUP_(g) { UI_ACT_NONE, NULL, NULL, g, 0 },
#define UI_ACT_INFO_(id, name, keys, help, views) \
	{ UI_ACT_##id, #name, keys, help, views },
	UI_ACTION_LIST(UI_ACT_INFO_, UI_ACT_GROUP_)
#undef UI_ACT_INFO_
#undef UI_ACT_GROUP_
};
const size_t ui_n_actions = sizeof(ui_actions) / sizeof(ui_actions[0]);

const struct ui_action_info *ui_action_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ui_n_actions; i++)
		if (ui_actions[i].name && !strcmp(ui_actions[i].name, name))
			return &ui_actions[i];
	return NULL;
}

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", UI_KEY_ENTER }, { "Tab", UI_KEY_TAB }, { "S-Tab", UI_KEY_BTAB },
	{ "Esc", UI_KEY_ESC }, { "Up", UI_KEY_UP }, { "Down", UI_KEY_DOWN },
	{ "Left", UI_KEY_LEFT }, { "Right", UI_KEY_RIGHT }, { "Home", UI_KEY_HOME },
	{ "End", UI_KEY_END }, { "PgUp", UI_KEY_PGUP }, { "PgDn", UI_KEY_PGDN },
	{ "Ins", UI_KEY_INSERT }, { "Del", UI_KEY_DELETE },
	{ "Backspace", UI_KEY_BACKSPACE }, { "Space", ' ' },
};

bool ui_key_parse(const char *name, int *key)
{
	size_t i, n = strlen(name);
	uint32_t cp;

	for (i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (!strcmp(key_names[i].name, name)) {
			*key = key_names[i].key;
			return true;
		}
	}
	if (name[0] == 'F' && n >= 2 && n <= 3) {
		char *end;
		long f = strtol(name + 1, &end, 10);
		if (*end == '\0' && f >= 1 && f <= 12 && name[1] != '0') {
			*key = UI_KEY_F1 + (int)f - 1;
			return true;
		}
	}
	if (n == 3 && name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z') {
		*key = UI_CTRL(name[2]);
		return true;
	}
	if (n > 0 && utf8_decode(name, n, &cp) == n && cp > ' ' && cp != 0x7f &&
	    cp != 0xfffd) {
		*key = (int)cp;
		return true;
	}
	return false;
}

const char *ui_key_name(int key, char buf[16])
{
	size_t i;

	for (i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (key_names[i].key == key)
			return key_names[i].name;
	if (key >= UI_KEY_F1 && key <= UI_KEY_F12) {
		snprintf(buf, 16, "F%d", key - UI_KEY_F1 + 1);
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, 16, "C-%c", 'a' + key - 1);
	} else if (key > ' ' && key < 0x110000) {
		size_t k = utf8_encode((uint32_t)key, buf);
		buf[k] = '\0';
	} else {
		snprintf(buf, 16, "<%d>", key);
	}
	return buf;
}

bool ui_key_is_text(int key)
{
	return key > ' ' && key != 0x7f && key < 0x110000;
}

void ui_keymap_init(struct ui_keymap *km)
{
	size_t i;

	memset(km, 0, sizeof(*km));
	for (i = 0; i < ui_n_actions; i++) {
		if (ui_actions[i].name)
			ui_keymap_bind(km, ui_actions[i].name, ui_actions[i].def_keys);
	}
}

/* Split value into key names and parse each; NULL or a message. */
static const char *parse_keys(const char *value, int keys[UI_MAX_KEYS], int *n)
{
	static char msg[96];
	const char *p = value;

	*n = 0;
	while (*p) {
		char name[32];
		size_t len;
		int key;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t,");
		if (len >= sizeof(name)) {
			snprintf(msg, sizeof(msg), "unknown key '%.20s...'", p);
			return msg;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		if (!ui_key_parse(name, &key)) {
			snprintf(msg, sizeof(msg), "unknown key '%s'", name);
			return msg;
		}
		if (*n == UI_MAX_KEYS) {
			snprintf(msg, sizeof(msg), "at most %d keys per action", UI_MAX_KEYS);
			return msg;
		}
		keys[(*n)++] = key;
	}
	if (*n == 0)
		return "no key given";
	return NULL;
}

const char *ui_keymap_bind(struct ui_keymap *km, const char *name, const char *value)
{
	const struct ui_action_info *a = ui_action_by_name(name);
	int keys[UI_MAX_KEYS], n;
	const char *err;

	if (!a)
		return "unknown action";
	err = parse_keys(value, keys, &n);
	if (err)
		return err;
	memcpy(km->keys[a->id], keys, sizeof(keys));
	km->n[a->id] = n;
	return NULL;
}

enum ui_action ui_keymap_lookup(const struct ui_keymap *km, int key, unsigned view)
{
	size_t i;
	int j;

	for (i = 0; i < ui_n_actions; i++) {
		const struct ui_action_info *a = &ui_actions[i];
		if (!a->name || !(a->views & view))
			continue;
		for (j = 0; j < km->n[a->id]; j++)
			if (km->keys[a->id][j] == key)
				return a->id;
	}
	return UI_ACT_NONE;
}

void ui_keymap_describe(const struct ui_keymap *km, enum ui_action a, char *buf, size_t n)
{
	size_t used = 0;
	int j;

	buf[0] = '\0';
	for (j = 0; j < km->n[a] && used < n; j++) {
		char kb[16];
		int w = snprintf(buf + used, n - used, "%s%s", j ? ", " : "",
				 ui_key_name(km->keys[a][j], kb));
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

const char *ui_keys_check(const char *key, const char *value)
{
	static char msg[128];
	int keys[UI_MAX_KEYS], n;
	const char *err;

	if (!ui_action_by_name(key)) {
		snprintf(msg, sizeof(msg), "unknown action '%.40s'; see the console's help (F1)", key);
		return msg;
	}
	err = parse_keys(value, keys, &n);
	if (err) {
		snprintf(msg, sizeof(msg), "%s", err);
		return msg;
	}
	return NULL;
}

void ui_keys_markdown(FILE *out)
{
	struct ui_keymap km;
	size_t i;

	ui_keymap_init(&km);
	for (i = 0; i < ui_n_actions; i++) {
		const struct ui_action_info *a = &ui_actions[i];
		char keys[64];

		if (!a->name) {
			fprintf(out, "\n### %s\n\n| Keys | Action (for [keys]) | What it does |\n"
				"|---|---|---|\n", a->help);
			continue;
		}
		ui_keymap_describe(&km, a->id, keys, sizeof(keys));
		fprintf(out, "| %s | `%s` | %s |\n", keys, a->name, a->help);
	}
}
