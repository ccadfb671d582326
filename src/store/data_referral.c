/*
 * data_referral.c - referrals the rules produced for an interview and
 * their lifecycle (pending -> sent -> accepted|declined -> closed, or
 * revoked when consent is withdrawn).  Whether consent allows sending is
 * recorded per referral; sync must not queue one without it.
 */
#include "store/data_int.h"

#include <string.h>

static const char *const ref_state_names[] = {
#define STORE_REF_NAME_(name, str) str,
	STORE_REF_STATE_LIST(STORE_REF_NAME_)
#undef STORE_REF_NAME_
};

/*
 * Row = from, column = to: pending sent accepted declined closed revoked.
 * Forward moves may skip a step (the server's feed may say "accepted" for
 * a referral this device still has pending); nothing moves back.
 */
static const bool ref_transitions[STORE_REF_N_STATES][STORE_REF_N_STATES] = {
	[STORE_REF_PENDING]  = { 0, 1, 1, 1, 0, 1 },
	[STORE_REF_SENT]     = { 0, 0, 1, 1, 1, 1 },
	[STORE_REF_ACCEPTED] = { 0, 0, 0, 0, 1, 1 },
	[STORE_REF_DECLINED] = { 0, 0, 0, 0, 1, 0 },
	[STORE_REF_CLOSED]   = { 0, 0, 0, 0, 0, 0 },
	[STORE_REF_REVOKED]  = { 0, 0, 0, 0, 0, 0 },
};

const char *store_ref_state_name(enum store_ref_state s)
{
	if ((unsigned)s >= STORE_REF_N_STATES)
		return "unknown";
	return ref_state_names[s];
}

bool store_ref_state_parse(const char *name, enum store_ref_state *out)
{
	unsigned i;

	for (i = 0; name && i < STORE_REF_N_STATES; i++)
		if (!strcmp(name, ref_state_names[i])) {
			*out = (enum store_ref_state)i;
			return true;
		}
	return false;
}

bool store_ref_transition_ok(enum store_ref_state from, enum store_ref_state to)
{
	if ((unsigned)from >= STORE_REF_N_STATES || (unsigned)to >= STORE_REF_N_STATES)
		return false;
	return ref_transitions[from][to];
}

void store_referral_release(struct store_referral *r)
{
	free(r->interview_id);
	free(r->rule_id);
	free(r->service);
	free(r->partner);
	free(r->urgency);
	free(r->reason);
	free(r->shared_fields);
	memset(r, 0, sizeof(*r));
}

void store_referral_list_release(struct store_referral_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		store_referral_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

#define REF_COLS "id, interview_id, rule_id, service, partner, urgency, reason, " \
	"consent_ok, shared_fields, state, created, updated"

static status_t ref_from_row(sqlite3_stmt *s, struct store_referral *r)
{
	memset(r, 0, sizeof(*r));
	data_col_copy(s, 0, r->id, sizeof(r->id));
	r->interview_id = data_col_dup0(s, 1);
	r->rule_id = data_col_dup0(s, 2);
	r->service = data_col_dup0(s, 3);
	r->partner = data_col_dup0(s, 4);
	r->urgency = data_col_dup0(s, 5);
	r->reason = data_col_dup0(s, 6);
	r->consent_ok = sqlite3_column_int(s, 7) != 0;
	r->shared_fields = data_col_dup0(s, 8);
	r->created = sqlite3_column_int64(s, 10);
	r->updated = sqlite3_column_int64(s, 11);
	if (!store_ref_state_parse((const char *)sqlite3_column_text(s, 9), &r->state))
		return st_error(ST_DAMAGED, "referral %s has an unknown state", r->id);
	return ST_OK;
}

status_t store_referral_add(struct store *st, struct store_referral *r)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int64_t now = util_now();

	if (!r->interview_id || !r->rule_id || !*r->rule_id || !r->service || !*r->service)
		return st_error(ST_INVALID, "a referral needs an interview, a rule and a service");
	if ((unsigned)r->state >= STORE_REF_N_STATES)
		return st_error(ST_INVALID, "unknown referral state");
	if (!r->id[0])
		uuid_v4(r->id);
	else if (!data_is_uuid(r->id))
		return st_error(ST_INVALID, "referral id is not a UUID");
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, r->interview_id, &(enum store_iv_status){ 0 }, NULL)))
		return data_tx_end(&tx, ret);
	if ((ret = data_prepare(st, &s, "INSERT INTO referrals (" REF_COLS ") "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, r->id);
	data_bind_text(s, 2, r->interview_id);
	data_bind_text(s, 3, r->rule_id);
	data_bind_text(s, 4, r->service);
	data_bind_text(s, 5, r->partner ? r->partner : "");
	data_bind_text(s, 6, r->urgency ? r->urgency : "");
	data_bind_text(s, 7, r->reason ? r->reason : "");
	sqlite3_bind_int(s, 8, r->consent_ok);
	data_bind_text(s, 9, r->shared_fields ? r->shared_fields : "[]");
	data_bind_text(s, 10, ref_state_names[r->state]);
	sqlite3_bind_int64(s, 11, now);
	sqlite3_bind_int64(s, 12, now);
	if (!(ret = data_run(st, s, "adding the referral"))) {
		r->created = r->updated = now;
		ret = audit_append(st, "referral.add", r->id, "interview %s, rule %s, %s, consent %s",
				   r->interview_id, r->rule_id, ref_state_names[r->state],
				   r->consent_ok ? "yes" : "no");
	}
	return data_tx_end(&tx, ret);
}

/* Run a REF_COLS query; append rows to out, or fill one (found says so). */
static status_t ref_query(struct store *st, sqlite3_stmt *s, struct store_referral_list *out,
			  struct store_referral *one, bool *found)
{
	status_t ret = ST_OK;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (one) {
			if ((ret = ref_from_row(s, one)))
				store_referral_release(one);
			*found = true;
			rc = SQLITE_DONE;
			break;
		}
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		if ((ret = ref_from_row(s, &out->v[out->n++])))
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading referrals");
	sqlite3_finalize(s);
	return ret;
}

status_t store_referral_get(struct store *st, const char *id, struct store_referral *out)
{
	sqlite3_stmt *s;
	status_t ret;
	bool found = false;

	memset(out, 0, sizeof(*out));
	if ((ret = data_prepare(st, &s, "SELECT " REF_COLS " FROM referrals WHERE id = ?")))
		return ret;
	data_bind_text(s, 1, id);
	if ((ret = ref_query(st, s, NULL, out, &found)))
		return ret;
	return found ? ST_OK : st_error(ST_NOTFOUND, "no referral %s", id ? id : "(null)");
}

status_t store_referrals_load(struct store *st, const char *interview_id,
			      struct store_referral_list *out)
{
	sqlite3_stmt *s;
	status_t ret;

	if ((ret = data_prepare(st, &s, "SELECT " REF_COLS " FROM referrals "
				"WHERE interview_id = ? ORDER BY created, rowid")))
		return ret;
	data_bind_text(s, 1, interview_id);
	return ref_query(st, s, out, NULL, NULL);
}

status_t store_referral_set_state(struct store *st, const char *id,
				  enum store_ref_state to)
{
	enum store_ref_state from = STORE_REF_PENDING;
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	if ((unsigned)to >= STORE_REF_N_STATES)
		return st_error(ST_INVALID, "unknown referral state");
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_prepare(st, &s, "SELECT state, consent_ok FROM referrals WHERE id = ?")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		ret = st_error(ST_NOTFOUND, "no referral %s", id ? id : "(null)");
	else if (rc != SQLITE_ROW)
		ret = data_err(st, rc, "reading the referral");
	else if (!store_ref_state_parse((const char *)sqlite3_column_text(s, 0), &from))
		ret = st_error(ST_DAMAGED, "referral %s has an unknown state", id);
	else if (to != STORE_REF_REVOKED && to != STORE_REF_PENDING && !sqlite3_column_int(s, 1))
		ret = st_error(ST_DENIED, "referral %s: no consent to share", id);
	sqlite3_finalize(s);
	if (ret || from == to)
		return data_tx_end(&tx, ret);
	if (!ref_transitions[from][to])
		return data_tx_end(&tx, st_error(ST_STATE, "referral %s: cannot go from %s to %s",
						 id, ref_state_names[from], ref_state_names[to]));
	if ((ret = data_prepare(st, &s, "UPDATE referrals SET state = ?, updated = ? WHERE id = ?")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, ref_state_names[to]);
	sqlite3_bind_int64(s, 2, util_now());
	data_bind_text(s, 3, id);
	if (!(ret = data_run(st, s, "changing the referral state")))
		ret = audit_append(st, "referral.state", id, "%s -> %s",
				   ref_state_names[from], ref_state_names[to]);
	return data_tx_end(&tx, ret);
}

status_t store_referrals_clear_pending(struct store *st, const char *interview_id)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;

	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	/*
	 * A pending referral with consent was queued for the server when it was
	 * made; deleting it would make the next finish queue it again under a
	 * new id, and the partner would get it twice.  Only the ones that never
	 * left (no consent) are recomputed.
	 */
	if ((ret = data_prepare(st, &s, "DELETE FROM referrals WHERE interview_id = ? "
				"AND state = 'pending' AND consent_ok = 0")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, interview_id);
	if (!(ret = data_run(st, s, "clearing referrals")))
		ret = audit_append(st, "referral.clear", interview_id, "%d pending without consent removed",
				   sqlite3_changes(st->db));
	return data_tx_end(&tx, ret);
}

status_t store_referral_withdraw(struct store *st, const char *referral_id,
				 bool *in_flight, int *n)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	char *like;
	int rc;

	if (in_flight)
		*in_flight = false;
	if (n)
		*n = 0;
	if (!referral_id || !data_is_uuid(referral_id))
		return st_error(ST_INVALID, "referral id is not a UUID");
	/* Payloads are canonical JSON (compact), so the id appears exactly so. */
	like = xasprintf("%%\"referral\":\"%s\"%%", referral_id);
	if ((ret = data_tx_begin(st, &tx))) {
		free(like);
		return ret;
	}
	ret = data_prepare(st, &s, "SELECT count(*) FROM outbox WHERE kind = 'referral' "
			   "AND state IN ('sending', 'delivered') AND payload LIKE ?");
	if (!ret) {
		data_bind_text(s, 1, like);
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			ret = data_err(st, rc, "reading the outbox");
		else if (in_flight)
			*in_flight = sqlite3_column_int(s, 0) > 0;
		sqlite3_finalize(s);
	}
	if (!ret)
		ret = data_prepare(st, &s, "DELETE FROM outbox WHERE kind = 'referral' "
				   "AND state IN ('queued', 'quarantined') AND payload LIKE ?");
	if (!ret) {
		data_bind_text(s, 1, like);
		if (!(ret = data_run(st, s, "withdrawing the referral"))) {
			if (n)
				*n = sqlite3_changes(st->db);
			ret = audit_append(st, "referral.withdraw", referral_id,
					   "%d queued items withdrawn", sqlite3_changes(st->db));
		}
	}
	free(like);
	return data_tx_end(&tx, ret);
}
