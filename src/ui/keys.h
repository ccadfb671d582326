/*
 * keys.h - key codes, key names and the action table.
 *
 * A key is an int: a Unicode code point for a character, 1..26 for Ctrl-A..
 * Ctrl-Z, 27 for Esc, or one of the UI_KEY_* codes above the Unicode range.
 * Key names ("C-a", "Enter", "PgDn", "F2", "x") are what the config's [keys]
 * section, the help screen and key scripts use.
 *
 * Every user action is one line of UI_ACTION_LIST: the enum, the default key
 * map, the names users bind in [keys] and the help screen all come from it.
 */
#ifndef SENDA_UI_KEYS_H
#define SENDA_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
	UI_KEY_BASE = 0x200000,
	UI_KEY_ENTER = UI_KEY_BASE, UI_KEY_TAB, UI_KEY_BTAB, UI_KEY_ESC,
	UI_KEY_UP, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT,
	UI_KEY_HOME, UI_KEY_END, UI_KEY_PGUP, UI_KEY_PGDN,
	UI_KEY_INSERT, UI_KEY_DELETE, UI_KEY_BACKSPACE,
	UI_KEY_F1, UI_KEY_F12 = UI_KEY_F1 + 11,
	/* Pseudo keys the input layer produces. */
	UI_KEY_RESIZE, UI_KEY_TIMEOUT, UI_KEY_IDLE, UI_KEY_EOF,
};

#define UI_CTRL(c) ((c) & 0x1f)

/* The views, as bits: an action lists the views where it applies. */
enum {
	V_UNLOCK = 1 << 0,
	V_CASES = 1 << 1,
	V_PICK = 1 << 2,	/* new interview: form and language */
	V_INTERVIEW = 1 << 3,
	V_TREE = 1 << 4,
	V_REPEAT = 1 << 5,
	V_REVIEW = 1 << 6,
	V_RESULT = 1 << 7,
	V_HELP = 1 << 8,
	V_RQUEUE = 1 << 9,	/* supervisor's review queue (view_review_queue.c) */
	V_RIV = 1 << 10,	/* one interview read-only, with comments */
};
#define V_LISTS (V_CASES | V_PICK | V_TREE | V_REPEAT | V_REVIEW | V_RESULT | V_HELP | V_RQUEUE | V_RIV)
#define V_ALL 0xffff
#define V_SUB (V_TREE | V_REPEAT | V_REVIEW | V_RESULT | V_HELP | V_PICK | V_RQUEUE | V_RIV)

/* _(ID, "config-name", "default keys", "help text", views); G("group") */
#define UI_ACTION_LIST(_, G) \
	G("General") \
	_(HELP,          help,          "F1 ?",      "Show this help",                       V_ALL & ~V_UNLOCK) \
	_(QUIT,          quit,          "q C-q",     "Quit senda",                           V_CASES | V_UNLOCK) \
	_(BACK,          back,          "Esc q",     "Go back (answers are already saved)",  V_SUB | V_INTERVIEW) \
	_(LOCK,          lock,          "F12",       "Lock the console now",                 V_ALL & ~V_UNLOCK) \
	_(REDRAW,        redraw,        "C-l",       "Redraw the screen",                    V_ALL) \
	G("Lists") \
	_(MOVE_UP,       move_up,       "Up k",      "Move up",                              V_LISTS) \
	_(MOVE_DOWN,     move_down,     "Down j",    "Move down",                            V_LISTS) \
	_(PAGE_UP,       page_up,       "PgUp",      "Page up",                              V_LISTS) \
	_(PAGE_DOWN,     page_down,     "PgDn Space","Page down",                            V_LISTS) \
	_(FIRST,         first,         "Home g",    "Go to the first line",                 V_LISTS) \
	_(LAST,          last,          "End G",     "Go to the last line",                  V_LISTS) \
	_(SELECT,        select,        "Enter",     "Open the selected line",               V_LISTS) \
	G("Case list") \
	_(NEW,           new_interview, "n",         "Start a new interview",                V_CASES) \
	_(SEARCH,        search,        "/",         "Search by name, form or id",           V_CASES | V_RQUEUE) \
	_(FILTER,        filter,        "f",         "Filter by status (cycles)",            V_CASES | V_RQUEUE) \
	_(SORT,          sort,          "s",         "Sort order (cycles)",                  V_CASES) \
	G("Interview") \
	_(ACCEPT,        accept,        "Enter",     "Accept the answer and go on",          V_INTERVIEW) \
	_(NEXT_QUESTION, next_question, "Down Tab C-n", "Next question",                     V_INTERVIEW) \
	_(PREV_QUESTION, prev_question, "Up S-Tab C-p", "Previous question",                 V_INTERVIEW) \
	_(NEXT_SECTION,  next_section,  "PgDn",      "Next section",                         V_INTERVIEW) \
	_(PREV_SECTION,  prev_section,  "PgUp",      "Previous section",                     V_INTERVIEW) \
	_(SECTION_TREE,  section_tree,  "F2 C-t",    "Jump to any section or question",      V_INTERVIEW) \
	_(LANGUAGE,      language,      "F3 C-g",    "Switch the interview language",        V_INTERVIEW) \
	_(CLEAR_ANSWER,  clear_answer,  "F8",        "Clear the answer",                     V_INTERVIEW) \
	_(REVIEW,        review,        "F5 C-r",    "Review and finish",                    V_INTERVIEW) \
	G("Members and review") \
	_(ADD,           add,           "a Ins",     "Add a member",                         V_REPEAT) \
	_(REMOVE,        remove,        "d Del",     "Remove the selected member",           V_REPEAT) \
	_(FINISH,        finish,        "F10 F",     "Finish the interview",                 V_REVIEW) \
	G("Supervisor review") \
	_(REVIEW_QUEUE,  review_queue,  "R",         "Open the supervisor's review queue",   V_CASES) \
	_(APPROVE,       approve,       "a",         "Approve the interview",                V_RQUEUE | V_RIV) \
	_(RETURN_IV,     return_interview, "r",      "Return it with your comments",         V_RQUEUE | V_RIV) \
	_(ESCALATE,      escalate,      "e",         "Escalate (urgent)",                    V_RQUEUE | V_RIV) \
	_(COMMENT,       comment,       "c",         "Comment on the focused question",      V_RIV) \
	_(NEXT_ITEM,     next_item,     "n",         "Next interview waiting in the queue",  V_RQUEUE | V_RIV) \
	_(RESUBMIT,      resubmit,      "F10",       "Resubmit the fixed interview",         V_RIV) \
	G("Conflicts and referrals") \
	_(DETAILS,       details,       "v",         "Show answers, referrals, conflicts (read-only)", V_CASES) \
	_(KEEP_MINE,     keep_mine,     "m",         "Conflict: keep your value",            V_RIV) \
	_(KEEP_THEIRS,   keep_theirs,   "t",         "Conflict: keep the other side's value", V_RIV) \
	_(REVOKE,        revoke,        "x",         "Withdraw consent: revoke the referral", V_RIV | V_RESULT)

enum ui_action {
	UI_ACT_NONE = 0,
#define UI_ACT_ENUM_(id, name, keys, help, views) UI_ACT_##id,
#define UI_ACT_GROUP_(g)
	UI_ACTION_LIST(UI_ACT_ENUM_, UI_ACT_GROUP_)
#undef UI_ACT_ENUM_
#undef UI_ACT_GROUP_
	UI_ACT_COUNT_
};

/*
 * ui_actions[] holds the list in order; a group heading is an entry with
 * name NULL and its title in help (the help screen prints them).
 */
struct ui_action_info {
	enum ui_action id;
	const char *name;	/* config name, e.g. "next_question" */
	const char *def_keys;
	const char *help;
	unsigned views;
};

extern const struct ui_action_info ui_actions[];
extern const size_t ui_n_actions;
const struct ui_action_info *ui_action_by_name(const char *name);

/* Parse one key name; false when unknown. */
bool ui_key_parse(const char *name, int *key);
/* Name of a key into buf (16 bytes). */
const char *ui_key_name(int key, char buf[16]);
/* true for keys that type text (printable characters, not Space). */
bool ui_key_is_text(int key);

/*
 * The key map: the keys bound to each action.  Defaults come from the
 * action list; [keys] in the config replaces an action's keys.
 */
#define UI_MAX_KEYS 6
struct ui_keymap {
	int keys[UI_ACT_COUNT_][UI_MAX_KEYS];
	int n[UI_ACT_COUNT_];
};

void ui_keymap_init(struct ui_keymap *km);
/* Replace the keys of action `name` with the space-separated `value`. */
const char *ui_keymap_bind(struct ui_keymap *km, const char *name, const char *value);
/* The action key triggers in a view (view bit), or UI_ACT_NONE. */
enum ui_action ui_keymap_lookup(const struct ui_keymap *km, int key, unsigned view);
/* "F2, C-t" for the help screen and hints. */
void ui_keymap_describe(const struct ui_keymap *km, enum ui_action a, char *buf, size_t n);

/*
 * The key table as Markdown (docs/console.md and `senda console --keys`):
 * one "| keys | name | help |" row per action under a heading per group.
 */
void ui_keys_markdown(FILE *out);

/*
 * Checker for the config's [keys] section (the lead's option table calls
 * it): NULL when `key` is an action name and `value` names known keys,
 * else a message.
 */
const char *ui_keys_check(const char *key, const char *value);

#endif
