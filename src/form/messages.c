/*
 * messages.c - the engine's own messages (required answer, filtered-out
 * choice, default constraint and warning texts, repeat bounds, how yes and
 * no read) in the interview's language.
 *
 * A caseworker reads errors in the language of the interview, so these
 * cannot stay English.  A form may word them itself in [form]
 * (required_message.es = "..."), which wins; otherwise a small built-in
 * table covers the languages of the field.  "{n}" stands for a number and
 * is replaced here: form text is never used as a printf format.
 */
#include "form/form.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static const char *const msg_keys[FORM_MSG_COUNT_] = {
	"required_message", "choice_message", "constraint_message",
	"warning_message", "min_message", "max_message", "yes_label", "no_label",
};

const char *form_msg_key(enum form_msg m)
{
	return (unsigned)m < FORM_MSG_COUNT_ ? msg_keys[m] : NULL;
}

static const struct {
	const char *lang;
	const char *text[FORM_MSG_COUNT_];
} builtin[] = {
	{ "en", { "This answer is required.",
		  "This choice is not available for this answer.",
		  "This answer is not allowed.",
		  "Please check this answer.",
		  "At least {n} members are needed.",
		  "At most {n} members are allowed.",
		  "yes", "no" } },
	{ "es", { "Esta respuesta es obligatoria.",
		  "Esta opción no está disponible para esta respuesta.",
		  "Esta respuesta no está permitida.",
		  "Por favor, revise esta respuesta.",
		  "Se necesitan al menos {n} miembros.",
		  "Se permiten como máximo {n} miembros.",
		  "sí", "no" } },
	{ "fr", { "Cette réponse est obligatoire.",
		  "Ce choix n'est pas disponible pour cette réponse.",
		  "Cette réponse n'est pas autorisée.",
		  "Veuillez vérifier cette réponse.",
		  "Il faut au moins {n} membres.",
		  "{n} membres au maximum sont autorisés.",
		  "oui", "non" } },
	{ "pt", { "Esta resposta é obrigatória.",
		  "Esta opção não está disponível para esta resposta.",
		  "Esta resposta não é permitida.",
		  "Por favor, verifique esta resposta.",
		  "São necessários pelo menos {n} membros.",
		  "São permitidos no máximo {n} membros.",
		  "sim", "não" } },
	{ "ht", { "Repons sa a obligatwa.",
		  "Chwa sa a pa disponib pou repons sa a.",
		  "Repons sa a pa otorize.",
		  "Tanpri verifye repons sa a.",
		  "Fòk gen omwen {n} moun.",
		  "Pa plis pase {n} moun.",
		  "wi", "non" } },
};

static const char *builtin_text(const char *lang, enum form_msg m)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtin); i++)
		if (lang && !strcmp(builtin[i].lang, lang))
			return builtin[i].text[m];
	return NULL;
}

const char *form_message(const struct form *f, enum form_msg m, size_t lang)
{
	const struct form_text *t;
	const char *s;

	if ((unsigned)m >= FORM_MSG_COUNT_)
		return "";
	t = &f->messages[m];
	if (lang >= f->n_languages)
		lang = f->default_language;
	if (t->by_lang && lang < f->n_languages && t->by_lang[lang])
		return t->by_lang[lang];
	if (lang < f->n_languages && (s = builtin_text(f->languages[lang], m)))
		return s;
	if (t->by_lang && f->default_language < f->n_languages && t->by_lang[f->default_language])
		return t->by_lang[f->default_language];
	return builtin[0].text[m];
}

char *form_state_repeat_count_message(const struct form_state *st, size_t repeat, size_t lang)
{
	const struct form *f = form_state_form(st);
	int e = form_state_repeat_count_error(st, repeat);
	const char *t, *at;
	char num[24];
	struct strbuf sb = STRBUF_INIT;

	if (!e)
		return NULL;
	t = form_message(f, e < 0 ? FORM_MSG_MIN : FORM_MSG_MAX, lang);
	snprintf(num, sizeof(num), "%lld",
		 (long long)(e < 0 ? f->repeats[repeat].min : f->repeats[repeat].max));
	while ((at = strstr(t, "{n}"))) {
		strbuf_add(&sb, t, (size_t)(at - t));
		strbuf_addstr(&sb, num);
		t = at + 3;
	}
	strbuf_addstr(&sb, t);
	return strbuf_detach(&sb, NULL);
}
