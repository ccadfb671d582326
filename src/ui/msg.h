/*
 * msg.h - the console's own text in every language it speaks (English and
 * Spanish), one line per message.  The interview's questions come from the
 * form in the respondent's language; these are the frame around them,
 * chosen by the config's [console] language.
 */
#ifndef SENDA_UI_MSG_H
#define SENDA_UI_MSG_H

/* _(ID, "English", "Español") */
#define UI_MSG_LIST(_) \
	_(TITLE,          "senda",                               "senda") \
	_(UNLOCK_PROMPT,  "Passphrase: ",                        "Frase de acceso: ") \
	_(UNLOCK_HINT,    "Enter the passphrase to open the store.", "Escriba la frase de acceso para abrir el almacén.") \
	_(UNLOCK_WRONG,   "Wrong passphrase. Try again.",        "Frase de acceso incorrecta. Intente de nuevo.") \
	_(UNLOCK_WAIT,    "Checking...",                         "Comprobando...") \
	_(UNLOCK_LOCKED,  "Locked after %s without a key press. Answers are saved.", "Bloqueado tras %s sin pulsar teclas. Las respuestas están guardadas.") \
	_(CASES_TITLE,    "Interviews",                          "Entrevistas") \
	_(CASES_EMPTY,    "No interviews yet. Press n to start one.", "Aún no hay entrevistas. Pulse n para empezar una.") \
	_(COL_NAME,       "Respondent",                          "Persona") \
	_(COL_FORM,       "Form",                                "Formulario") \
	_(COL_LANG,       "Lang",                                "Idioma") \
	_(COL_STATUS,     "Status",                              "Estado") \
	_(COL_PROGRESS,   "Progress",                            "Avance") \
	_(COL_CHANGED,    "Changed",                             "Cambio") \
	_(FILTER_ALL,     "all",                                 "todas") \
	_(SORT_CHANGED,   "last change",                         "último cambio") \
	_(SORT_NAME,      "name",                                "nombre") \
	_(SORT_STATUS,    "status",                              "estado") \
	_(SEARCH_PROMPT,  "Search: ",                            "Buscar: ") \
	_(FILTER_LABEL,   "Filter",                              "Filtro") \
	_(SORT_LABEL,     "Sort",                                "Orden") \
	_(PICK_FORM,      "New interview: choose the form",      "Nueva entrevista: elija el formulario") \
	_(PICK_LANG,      "Choose the respondent's language",    "Elija el idioma de la persona") \
	_(NO_FORMS,       "No forms found.",                     "No se encontraron formularios.") \
	_(SECTION_N,      "Section %zu/%zu",                     "Sección %zu/%zu") \
	_(ANSWERED,       "%zu/%zu answered",                    "%zu/%zu respondidas") \
	_(ERRORS,         "%zu errors",                          "%zu errores") \
	_(REQUIRED_LEFT,  "%zu required",                        "%zu faltan") \
	_(SAVED,          "saved",                               "guardado") \
	_(NOT_SAVED,      "NOT SAVED",                           "NO GUARDADO") \
	_(SYNC_OFFLINE,   "%zu to sync",                         "%zu por enviar") \
	_(REQUIRED_MARK,  "required",                            "obligatoria") \
	_(HIDDEN_NOW,     "This question no longer applies.",    "Esta pregunta ya no aplica.") \
	_(WARN_ACK,       "Press Enter again to keep this answer.", "Pulse Intro otra vez para mantener esta respuesta.") \
	_(WARN_ACKED,     "Warning acknowledged.",               "Advertencia confirmada.") \
	_(YES,            "yes",                                 "sí") \
	_(NO,             "no",                                  "no") \
	_(SELECT_HINT,    "Arrows or number, type to filter, Enter accepts", "Flechas o número, escriba para filtrar, Intro acepta") \
	_(MULTI_HINT,     "Space toggles, Enter accepts",        "Espacio marca, Intro acepta") \
	_(YESNO_HINT,     "y/n, Enter accepts",                  "s/n, Intro acepta") \
	_(DATE_HINT,      "YYYY-MM-DD",                          "AAAA-MM-DD") \
	_(CALCULATED,     "Calculated",                          "Calculado") \
	_(MEMBERS,        "members: %zu",                        "miembros: %zu") \
	_(MEMBERS_OPEN,   "Press Enter to list, add or edit members", "Pulse Intro para ver, añadir o editar miembros") \
	_(MEMBER_N,       "Member %zu",                          "Miembro %zu") \
	_(MEMBERS_TITLE,  "Members: a add, Enter edit, d remove, Esc back", "Miembros: a añadir, Intro editar, d quitar, Esc volver") \
	_(MEMBERS_NONE,   "No members yet. Press a to add one.", "Aún no hay miembros. Pulse a para añadir.") \
	_(MEMBERS_CONFIRM,"Press d again to remove member %zu and all their answers.", "Pulse d otra vez para quitar al miembro %zu y todas sus respuestas.") \
	_(MEMBERS_MAX,    "No more members allowed.",            "No se permiten más miembros.") \
	_(TREE_TITLE,     "Sections and questions (Enter jumps)", "Secciones y preguntas (Intro salta)") \
	_(REVIEW_TITLE,   "Review (Enter jumps, F10 finishes)",  "Revisión (Intro salta, F10 termina)") \
	_(REVIEW_FROM_FORM,"Review works on the whole form: Esc to the member list first.", "La revisión es de todo el formulario: primero Esc a la lista de miembros.") \
	_(REVIEW_OK,      "Nothing is missing. Press F10 to finish.", "No falta nada. Pulse F10 para terminar.") \
	_(REVIEW_BLOCKED, "Fix the errors above before finishing.", "Corrija los errores antes de terminar.") \
	_(REVIEW_UNACKED, "Unacknowledged warning",              "Advertencia sin confirmar") \
	_(REVIEW_REQUIRED,"Required, unanswered",                "Obligatoria sin respuesta") \
	_(REVIEW_MEMBERS, "Wrong number of members",             "Número de miembros incorrecto") \
	_(FINISHED,       "Interview finished and queued for sync.", "Entrevista terminada y en cola para envío.") \
	_(RESULT_TITLE,   "Referrals",                           "Derivaciones") \
	_(RESULT_NONE,    "No referrals apply.",                 "No corresponde ninguna derivación.") \
	_(RESULT_CONSENT, "consent given: will be sent",         "con consentimiento: se enviará") \
	_(RESULT_NOCONSENT,"NO consent: will not be sent",       "SIN consentimiento: no se enviará") \
	_(RESULT_URGENCY, "urgency",                             "urgencia") \
	_(RESULT_WROTE,   "Summary written to %s",               "Resumen escrito en %s") \
	_(HELP_TITLE,     "Keys (Esc to go back)",               "Teclas (Esc para volver)") \
	_(TOO_SMALL,      "Window too small: need at least 80x24.", "Ventana demasiado pequeña: se necesita 80x24.") \
	_(LANG_NOW,       "Interview language: %s",              "Idioma de la entrevista: %s") \
	_(STATUS_draft,   "draft",                               "borrador") \
	_(STATUS_completed,"completed",                          "completada") \
	_(STATUS_returned,"returned",                            "devuelta") \
	_(STATUS_submitted,"submitted",                          "enviada") \
	_(STATUS_approved,"approved",                            "aprobada") \
	_(STATUS_resubmitted,"resubmitted",                      "reenviada") \
	_(REF_pending,    "pending",                             "pendiente") \
	_(REF_sent,       "sent",                                "enviada") \
	_(REF_accepted,   "accepted",                            "aceptada") \
	_(REF_declined,   "declined",                            "rechazada") \
	_(REF_closed,     "closed",                              "cerrada") \
	_(REF_revoked,    "revoked: consent withdrawn",          "revocada: consentimiento retirado") \
	_(URG_urgent,     "urgent",                              "urgente") \
	_(URG_high,       "high",                                "alta") \
	_(URG_normal,     "normal",                              "normal") \
	_(URG_low,        "low",                                 "baja") \
	_(URG_escalated,  "ESCAL",                               "ESCAL") \
	_(RQ_TITLE,       "Review queue",                        "Cola de revisión") \
	_(RQ_COL_URGENCY, "Urgency",                             "Urgencia") \
	_(RQ_COL_BY,      "By",                                  "Por") \
	_(RQ_COL_FLAGS,   "Flags",                               "Alertas") \
	_(RQ_EMPTY,       "Nothing waits for review.",           "Nada espera revisión.") \
	_(RQ_WAITING,     "waiting",                             "en espera") \
	_(RQ_FILTER_LINE, "Filter line: ",                       "Filtro: ") \
	_(RQ_HINT,        "Filter: %s ",                         "Filtro: %s ") \
	_(HINT_open,      "open",                                "abrir") \
	_(HINT_approve,   "approve",                             "aprobar") \
	_(HINT_return,    "return",                              "devolver") \
	_(HINT_escalate,  "escalate",                            "escalar") \
	_(HINT_next,      "next",                                "siguiente") \
	_(HINT_comment,   "comment",                             "comentar") \
	_(HINT_back,      "back",                                "volver") \
	_(HINT_fix,       "fix this question",                   "corregir esta pregunta") \
	_(HINT_resubmit,  "resubmit",                            "reenviar") \
	_(HINT_keep_mine, "keep mine",                           "mantener el mío") \
	_(HINT_keep_theirs,"keep theirs (on a conflict)",        "mantener el otro (en un conflicto)") \
	_(HINT_revoke,    "withdraw consent (on a referral)",    "retirar consentimiento (en una derivación)") \
	_(RQ_FILTER_BAD,  "Filter '%s': use form=, flag= or by=", "Filtro '%s': use form=, flag= o by=") \
	_(RQ_RETURN_HOW,  "Comment with c on a question, then r to return.", "Comente con c en una pregunta y luego r para devolver.") \
	_(DECIDED_approve,"Interview %lld approved (goes with the next sync).", "Entrevista %lld aprobada (sale con la próxima sincronización).") \
	_(DECIDED_return, "Interview %lld returned (goes with the next sync).", "Entrevista %lld devuelta (sale con la próxima sincronización).") \
	_(DECIDED_escalate,"Interview %lld escalated (goes with the next sync).", "Entrevista %lld escalada (sale con la próxima sincronización).") \
	_(RIV_TITLE,      "Interview %lld  %s  %s",              "Entrevista %lld  %s  %s") \
	_(RIV_READONLY,   "  (read-only)",                       "  (solo lectura)") \
	_(RIV_ESCALATED,  "  ESCALATED",                         "  ESCALADA") \
	_(RIV_REASSIGNED, "Reassigned to device %s by the server's administrator: read-only here.", "Reasignada al equipo %s por la administración: aquí solo lectura.") \
	_(RIV_CONFLICTS,  "  %zu open conflicts",                "  %zu conflictos abiertos") \
	_(RIV_OVERALL,    "Overall comment:",                    "Comentario general:") \
	_(RIV_COMMENT,    "Comment: ",                           "Comentario: ") \
	_(RIV_REFERRAL,   "referral %s (%s)%s",                  "derivación %s (%s)%s") \
	_(RIV_FLAGS,      "protection flags",                    "alertas de protección") \
	_(RIV_NO_CONSENT, ", no consent: stays here",            ", sin consentimiento") \
	_(RIV_NOTES,      "%zu notes  #%lld",                    "%zu notas  #%lld") \
	_(RIV_FIX_ONLY,   "Enter fixes the question; F10 resubmits.", "Intro corrige la pregunta; F10 reenvía.") \
	_(RIV_NOT_YOURS,  "Only a supervisor decides on an interview.", "Solo un supervisor decide sobre una entrevista.") \
	_(RIV_RESUBMIT_ONLY,"Only a returned interview is resubmitted.", "Solo se reenvía una entrevista devuelta.") \
	_(RIV_RESUBMITTED,"Interview %lld resubmitted (goes with the next sync).", "Entrevista %lld reenviada (sale con la próxima sincronización).") \
	_(CONFLICT_CW,    "≠ yours: %s | supervisor's: %s",      "≠ suyo: %s | supervisión: %s") \
	_(CONFLICT_SUP,   "≠ yours: %s | caseworker's: %s",      "≠ suyo: %s | terreno: %s") \
	_(CONFLICT_STATUS,"(status)",                            "(estado)") \
	_(CONFLICT_NONE,  "-",                                   "-") \
	_(CONFLICT_MINE,  "Kept your value at %s.",              "Se mantuvo su valor en %s.") \
	_(CONFLICT_THEIRS,"Kept the other side's value at %s.",  "Se mantuvo el otro valor en %s.") \
	_(CONFLICT_PICK,  "Move to a conflict line (≠) first.",  "Vaya primero a una línea de conflicto (≠).") \
	_(CONFLICT_THERE, "↳ resolved there: %s (%s) %s",        "↳ resuelto allá: %s (%s) %s") \
	_(WHO_supervisor, "the supervisor",                      "la supervisión") \
	_(WHO_caseworker, "the caseworker",                      "el personal de terreno") \
	_(WHO_device,     "the other device",                    "el otro equipo") \
	_(HOW_local,      "kept its own value",                  "mantuvo su propio valor") \
	_(HOW_remote,     "took this device's value",            "tomó el valor de este equipo") \
	_(HOW_other,      "chose another value",                 "eligió otro valor") \
	_(REVOKE_CONFIRM, "Withdraw consent for %s? This cannot be undone: y confirms, any other key cancels.", "¿Retirar el consentimiento para %s? No se puede deshacer: s confirma, otra tecla cancela.") \
	_(REVOKE_DONE,    "Consent withdrawn: referral %s revoked.", "Consentimiento retirado: derivación %s revocada.") \
	_(REVOKE_CANCEL,  "Nothing changed.",                    "No se cambió nada.") \
	_(REVOKE_PICK,    "Move to a referral line first.",      "Vaya primero a una línea de derivación.") \
	_(REVOKE_FINAL,   "Cannot withdraw consent: %s is %s.", "No se puede retirar el consentimiento: %s está %s.") \
	_(RESUME_AT,      "Resuming at %s",                      "Continuando en %s") \
	_(RESUME_OFFER,   "Interview #%lld was left at %s: Enter resumes it.", "La entrevista #%lld quedó en %s: Intro la continúa.") \
	_(AMENDING,       "Editing a completed interview: changes are recorded as an amendment.", "Editando una entrevista completada: los cambios quedan como enmienda.")

enum ui_msg {
#define UI_MSG_ENUM_(id, en, es) UI_MSG_##id,
	UI_MSG_LIST(UI_MSG_ENUM_)
#undef UI_MSG_ENUM_
	UI_MSG_COUNT_
};

enum ui_lang { UI_LANG_EN, UI_LANG_ES, UI_LANG_COUNT_ };

void ui_msg_set_lang(enum ui_lang lang);
/* "en"/"es"; false for others. */
bool ui_msg_parse_lang(const char *s, enum ui_lang *out);
const char *ui_msg(enum ui_msg id);
/* The status word for "draft", "completed", ... in the console language. */
const char *ui_msg_status(const char *status);
/* A referral state ("pending", "sent", ...) in plain words. */
const char *ui_msg_ref_state(const char *state);
/* An urgency ("high", "normal", "low") in the console language. */
const char *ui_msg_urgency(const char *urgency);
/*
 * What the other side did about a conflict (app_review_conflict_other):
 * who ("supervisor", "caseworker"; anything else is "the other device")
 * and how ("local", "remote", "other"), in the console language.
 */
const char *ui_msg_who(const char *role);
const char *ui_msg_how(const char *how);

#define M(id) ui_msg(UI_MSG_##id)

#endif
