/*
 * msg.c - the console's message table (see msg.h).
 */
#include <stdbool.h>
#include <string.h>

#include "ui/msg.h"

static const char *const msgs[UI_MSG_COUNT_][UI_LANG_COUNT_] = {
#define UI_MSG_TEXT_(id, en, es) { en, es },
	UI_MSG_LIST(UI_MSG_TEXT_)
#undef UI_MSG_TEXT_
};

static enum ui_lang cur_lang = UI_LANG_EN;

void ui_msg_set_lang(enum ui_lang lang)
{
	if (lang < UI_LANG_COUNT_)
		cur_lang = lang;
}

bool ui_msg_parse_lang(const char *s, enum ui_lang *out)
{
	if (!s)
		return false;
	if (!strcmp(s, "en"))
		*out = UI_LANG_EN;
	else if (!strcmp(s, "es"))
		*out = UI_LANG_ES;
	else
		return false;
	return true;
}

const char *ui_msg(enum ui_msg id)
{
	if ((unsigned)id >= UI_MSG_COUNT_)
		return "";
	return msgs[id][cur_lang];
}

/* A word the stores keep in English, and its message: tables, not switches. */
struct word_msg {
	const char *word;
	enum ui_msg id;
};

static const char *word_lookup(const struct word_msg *t, size_t n, const char *word)
{
	size_t i;

	if (!word)
		return "";
	for (i = 0; i < n; i++)
		if (!strcmp(word, t[i].word))
			return ui_msg(t[i].id);
	return word;
}

const char *ui_msg_status(const char *status)
{
	static const struct word_msg t[] = {
		{ "draft", UI_MSG_STATUS_draft }, { "completed", UI_MSG_STATUS_completed },
		{ "submitted", UI_MSG_STATUS_submitted }, { "approved", UI_MSG_STATUS_approved },
		{ "returned", UI_MSG_STATUS_returned },
		{ "resubmitted", UI_MSG_STATUS_resubmitted },
	};

	return word_lookup(t, sizeof(t) / sizeof(t[0]), status);
}

const char *ui_msg_ref_state(const char *state)
{
	static const struct word_msg t[] = {
		{ "pending", UI_MSG_REF_pending }, { "sent", UI_MSG_REF_sent },
		{ "accepted", UI_MSG_REF_accepted }, { "declined", UI_MSG_REF_declined },
		{ "closed", UI_MSG_REF_closed }, { "revoked", UI_MSG_REF_revoked },
	};

	return word_lookup(t, sizeof(t) / sizeof(t[0]), state);
}

const char *ui_msg_urgency(const char *urgency)
{
	static const struct word_msg t[] = {
		{ "urgent", UI_MSG_URG_urgent }, { "high", UI_MSG_URG_high },
		{ "normal", UI_MSG_URG_normal },
		{ "low", UI_MSG_URG_low },
	};

	return word_lookup(t, sizeof(t) / sizeof(t[0]), urgency);
}

const char *ui_msg_who(const char *role)
{
	static const struct word_msg t[] = {
		{ "supervisor", UI_MSG_WHO_supervisor }, { "caseworker", UI_MSG_WHO_caseworker },
	};
	const char *w = word_lookup(t, sizeof(t) / sizeof(t[0]), role);

	return !role || w == role ? ui_msg(UI_MSG_WHO_device) : w;
}

const char *ui_msg_how(const char *how)
{
	static const struct word_msg t[] = {
		{ "local", UI_MSG_HOW_local }, { "remote", UI_MSG_HOW_remote },
	};
	const char *w = word_lookup(t, sizeof(t) / sizeof(t[0]), how);

	return !how || w == how ? ui_msg(UI_MSG_HOW_other) : w;
}
