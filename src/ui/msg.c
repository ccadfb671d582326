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

const char *ui_msg_status(const char *status)
{
	if (!status)
		return "";
	if (!strcmp(status, "draft"))
		return M(STATUS_draft);
	if (!strcmp(status, "completed"))
		return M(STATUS_completed);
	if (!strcmp(status, "returned"))
		return M(STATUS_returned);
	return status;
}
