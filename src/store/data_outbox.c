/*
 * data_outbox.c - the outbox: what sync must deliver, exactly once.  An
 * item gets its UUID and content hash in the same transaction as the thing
 * it carries, so however often a crash makes sync resend it, the server
 * sees the same id and hash and answers "duplicate".  The state machine
 * (queued -> sending -> delivered, or quarantined) lets one bad item stop
 * without blocking the rest; the rows are also the ledger people read.
 */
#include "store/data_int.h"

#include <string.h>

#include "crypto/sign.h"

static const char *const ob_state_names[] = {
#define STORE_OUTBOX_NAME_(name, str) str,
	STORE_OUTBOX_STATE_LIST(STORE_OUTBOX_NAME_)
#undef STORE_OUTBOX_NAME_
};

const char *store_outbox_state_name(enum store_outbox_state s)
{
	if ((unsigned)s >= STORE_OUTBOX_N_STATES)
		return "unknown";
	return ob_state_names[s];
}

bool store_outbox_state_parse(const char *name, enum store_outbox_state *out)
{
	unsigned i;

	for (i = 0; name && i < STORE_OUTBOX_N_STATES; i++)
		if (!strcmp(name, ob_state_names[i])) {
			*out = (enum store_outbox_state)i;
			return true;
		}
	return false;
}

void store_outbox_item_release(struct store_outbox_item *it)
{
	free(it->kind);
	free(it->object_id);
	free(it->payload);
	free(it->last_error);
	free(it->receipt);
	memset(it, 0, sizeof(*it));
}

void store_outbox_list_release(struct store_outbox_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		store_outbox_item_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

#define OB_COLS "seq, id, kind, object_id, payload, hash, state, attempts, " \
	"next_try, last_error, created, delivered, receipt"

static status_t ob_from_row(sqlite3_stmt *s, struct store_outbox_item *it)
{
	memset(it, 0, sizeof(*it));
	it->seq = sqlite3_column_int64(s, 0);
	data_col_copy(s, 1, it->id, sizeof(it->id));
	it->kind = data_col_dup0(s, 2);
	it->object_id = data_col_dup0(s, 3);
	it->payload = data_col_dup0(s, 4);
	data_col_copy(s, 5, it->hash, sizeof(it->hash));
	it->attempts = sqlite3_column_int(s, 7);
	it->next_try = sqlite3_column_int64(s, 8);
	it->last_error = data_col_dup(s, 9);
	it->created = sqlite3_column_int64(s, 10);
	it->delivered = sqlite3_column_int64(s, 11);
	it->receipt = data_col_dup(s, 12);
	if (!store_outbox_state_parse((const char *)sqlite3_column_text(s, 6), &it->state))
		return st_error(ST_DAMAGED, "outbox item %s has an unknown state", it->id);
	return ST_OK;
}

/* Run an OB_COLS query, appending the rows to out. */
static status_t ob_query(struct store *st, sqlite3_stmt *s, struct store_outbox_list *out)
{
	status_t ret = ST_OK;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		if ((ret = ob_from_row(s, &out->v[out->n++])))
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading the outbox");
	sqlite3_finalize(s);
	return ret;
}

status_t store_outbox_add(struct store *st, const char *kind,
			  const char *object_id, const char *payload,
			  char id_out[37])
{
	char id[37], hash[65];
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int64_t now = util_now();

	if (!kind || !*kind || strlen(kind) > 32)
		return st_error(ST_INVALID, "outbox item needs a kind");
	if (!payload)
		return st_error(ST_INVALID, "outbox item needs a payload");
	uuid_v4(id);
	crypto_sha256_hex(payload, strlen(payload), hash);
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_prepare(st, &s, "INSERT INTO outbox (id, kind, object_id, payload, "
				"hash, state, next_try, created) "
				"VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, id);
	data_bind_text(s, 2, kind);
	data_bind_text(s, 3, object_id ? object_id : "");
	data_bind_text(s, 4, payload);
	data_bind_text(s, 5, hash);
	sqlite3_bind_int64(s, 6, now);
	sqlite3_bind_int64(s, 7, now);
	/*
	 * The audit trail names the item by its UUID once, here, with its
	 * queue number; the state changes after name the number alone (see
	 * ob_change).
	 */
	if (!(ret = data_run(st, s, "queueing for sync")))
		ret = audit_append(st, "outbox.add", id, "%s %s #%lld", kind,
				   object_id ? object_id : "",
				   (long long)sqlite3_last_insert_rowid(st->db));
	ret = data_tx_end(&tx, ret);
	if (!ret && id_out)
		memcpy(id_out, id, sizeof(id));
	return ret;
}

status_t store_outbox_due(struct store *st, int64_t now, size_t max,
			  struct store_outbox_list *out)
{
	sqlite3_stmt *s;
	status_t ret;

	if ((ret = data_prepare(st, &s, "SELECT " OB_COLS " FROM outbox WHERE state = 'queued' "
				"AND next_try <= ? ORDER BY seq LIMIT ?")))
		return ret;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, max ? (int64_t)max : -1);
	return ob_query(st, s, out);
}

status_t store_outbox_list(struct store *st, unsigned state_mask,
			   struct store_outbox_list *out)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *s;
	status_t ret;
	unsigned i;
	int n = 0;

	strbuf_addstr(&sql, "SELECT " OB_COLS " FROM outbox");
	if (state_mask) {
		strbuf_addstr(&sql, " WHERE state IN (");
		for (i = 0; i < STORE_OUTBOX_N_STATES; i++)
			if (state_mask & STORE_OUTBOX_BIT(i))
				strbuf_addf(&sql, "%s'%s'", n++ ? ", " : "", ob_state_names[i]);
		strbuf_addstr(&sql, n ? ")" : "'')");
	}
	strbuf_addstr(&sql, " ORDER BY seq");
	ret = data_prepare(st, &s, sql.buf);
	strbuf_release(&sql);
	if (ret)
		return ret;
	return ob_query(st, s, out);
}

/*
 * Resolve what a person or sync names an item by: the full UUID, a unique
 * prefix of at least 8 characters, or the queue number.  Fills id[37].
 */
static status_t ob_resolve(struct store *st, const char *name, char id[37])
{
	sqlite3_stmt *s;
	status_t ret;
	int64_t seq;
	size_t len = name ? strlen(name) : 0;
	int rc, n = 0;

	if (parse_int64(name ? name : "", &seq) && seq > 0) {
		ret = data_prepare(st, &s, "SELECT id FROM outbox WHERE seq = ?");
		if (!ret)
			sqlite3_bind_int64(s, 1, seq);
	} else {
		if (len < 8 || len > 36 || strspn(name, "0123456789abcdef-") != len)
			return st_error(ST_INVALID, "not an outbox item id: %.40s", name ? name : "");
		ret = data_prepare(st, &s, "SELECT id FROM outbox WHERE "
				   "substr(id, 1, length(?1)) = ?1 LIMIT 2");
		if (!ret)
			data_bind_text(s, 1, name);
	}
	if (ret)
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (n++ == 0)
			data_col_copy(s, 0, id, 37);
	if (rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading the outbox");
	else if (n == 0)
		ret = st_error(ST_NOTFOUND, "no outbox item %s", name);
	else if (n > 1)
		ret = st_error(ST_INVALID, "outbox item %s is ambiguous; give more of the id", name);
	sqlite3_finalize(s);
	return ret;
}

status_t store_outbox_get(struct store *st, const char *name,
			  struct store_outbox_item *out)
{
	struct store_outbox_list l = STORE_OUTBOX_LIST_INIT;
	sqlite3_stmt *s;
	status_t ret;
	char id[37];

	memset(out, 0, sizeof(*out));
	if ((ret = ob_resolve(st, name, id)))
		return ret;
	if ((ret = data_prepare(st, &s, "SELECT " OB_COLS " FROM outbox WHERE id = ?")))
		return ret;
	data_bind_text(s, 1, id);
	if (!(ret = ob_query(st, s, &l))) {
		if (l.n == 1) {
			*out = l.v[0];
			l.n = 0;
		} else {
			ret = st_error(ST_NOTFOUND, "no outbox item %s", name);
		}
	}
	store_outbox_list_release(&l);
	return ret;
}

status_t store_outbox_counts(struct store *st, int64_t counts[STORE_OUTBOX_N_STATES])
{
	enum store_outbox_state os;
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	memset(counts, 0, sizeof(int64_t) * STORE_OUTBOX_N_STATES);
	if ((ret = data_prepare(st, &s, "SELECT state, count(*) FROM outbox GROUP BY state")))
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (store_outbox_state_parse((const char *)sqlite3_column_text(s, 0), &os))
			counts[os] = sqlite3_column_int64(s, 1);
	if (rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading the outbox");
	sqlite3_finalize(s);
	return ret;
}

/*
 * One state change.  from_mask says which states may make it; the SQL
 * sets the rest (?1 error or receipt text, ?2 a time, ?3 the id).
 */
struct ob_change {
	const char *action;
	unsigned from_mask;
	enum store_outbox_state to;
	const char *sql;
};

#define OB_BIT(x) STORE_OUTBOX_BIT(STORE_OUTBOX_##x)
static const struct ob_change ob_sending = {
	"outbox.sending", OB_BIT(QUEUED), STORE_OUTBOX_SENDING,
	"UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?3"
};
static const struct ob_change ob_delivered = {
	"outbox.delivered", OB_BIT(QUEUED) | OB_BIT(SENDING), STORE_OUTBOX_DELIVERED,
	"UPDATE outbox SET state = 'delivered', receipt = ?1, delivered = ?2, "
	"last_error = NULL WHERE id = ?3"
};
static const struct ob_change ob_failed = {
	"outbox.failed", OB_BIT(SENDING), STORE_OUTBOX_QUEUED,
	"UPDATE outbox SET state = 'queued', last_error = ?1, next_try = ?2 WHERE id = ?3"
};
static const struct ob_change ob_quarantine = {
	"outbox.quarantine", OB_BIT(QUEUED) | OB_BIT(SENDING), STORE_OUTBOX_QUARANTINED,
	"UPDATE outbox SET state = 'quarantined', last_error = ?1 WHERE id = ?3"
};
static const struct ob_change ob_retry = {
	"outbox.retry", OB_BIT(QUARANTINED), STORE_OUTBOX_QUEUED,
	"UPDATE outbox SET state = 'queued', next_try = ?2 WHERE id = ?3"
};
#undef OB_BIT

/*
 * The audit entry names the item by its queue number ("#123"), not its
 * UUID: every pass leaves two such entries per item (sending, delivered)
 * that travel to the server with the next pass, and a random UUID costs
 * some 20 bytes on the wire after gzip where a queue number costs a few.
 * The number is as exact (never reused: AUTOINCREMENT) and the outbox.add
 * entry ties it to the UUID.
 */
static status_t ob_change(struct store *st, const char *name, const struct ob_change *c,
			  const char *text, int64_t when)
{
	enum store_outbox_state from = STORE_OUTBOX_QUEUED;
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	char id[37], obj[24];
	int64_t seq = 0;
	int rc;

	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = ob_resolve(st, name, id)))
		return data_tx_end(&tx, ret);
	if ((ret = data_prepare(st, &s, "SELECT state, seq FROM outbox WHERE id = ?")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		ret = data_err(st, rc, "reading the outbox");
	else if (!store_outbox_state_parse((const char *)sqlite3_column_text(s, 0), &from))
		ret = st_error(ST_DAMAGED, "outbox item %s has an unknown state", id);
	else
		seq = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	if (ret)
		return data_tx_end(&tx, ret);
	if (!(c->from_mask & STORE_OUTBOX_BIT(from)))
		return data_tx_end(&tx, st_error(ST_STATE, "outbox item %s is %s; cannot make it %s",
						 id, ob_state_names[from], ob_state_names[c->to]));
	if ((ret = data_prepare(st, &s, c->sql)))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, text);
	sqlite3_bind_int64(s, 2, when);
	data_bind_text(s, 3, id);
	snprintf(obj, sizeof(obj), "#%lld", (long long)seq);
	if (!(ret = data_run(st, s, "updating the outbox")))
		ret = audit_append(st, c->action, obj, "%s -> %s", ob_state_names[from],
				   ob_state_names[c->to]);
	return data_tx_end(&tx, ret);
}

status_t store_outbox_mark_sending(struct store *st, const char *id)
{
	return ob_change(st, id, &ob_sending, NULL, 0);
}

status_t store_outbox_mark_delivered(struct store *st, const char *id,
				     const char *receipt)
{
	return ob_change(st, id, &ob_delivered, receipt, util_now());
}

status_t store_outbox_mark_failed(struct store *st, const char *id,
				  const char *error, int64_t next_try)
{
	return ob_change(st, id, &ob_failed, error ? error : "failed", next_try);
}

status_t store_outbox_quarantine(struct store *st, const char *id,
				 const char *error)
{
	return ob_change(st, id, &ob_quarantine, error ? error : "quarantined", 0);
}

status_t store_outbox_retry(struct store *st, const char *id)
{
	return ob_change(st, id, &ob_retry, NULL, util_now());
}

status_t store_outbox_recover(struct store *st, int64_t *n)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int changed = 0;

	if (n)
		*n = 0;
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_prepare(st, &s, "UPDATE outbox SET state = 'queued', "
				"last_error = coalesce(last_error, 'interrupted') WHERE state = 'sending'")))
		return data_tx_end(&tx, ret);
	if (!(ret = data_run(st, s, "recovering the outbox"))) {
		changed = sqlite3_changes(st->db);
		if (changed)
			ret = audit_append(st, "outbox.recover", "", "%d sending -> queued", changed);
	}
	ret = data_tx_end(&tx, ret);
	if (!ret && n)
		*n = changed;
	return ret;
}

status_t store_outbox_prune(struct store *st, int64_t before, int64_t *n)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int changed = 0;

	if (n)
		*n = 0;
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_prepare(st, &s, "UPDATE outbox SET payload = '' WHERE state = 'delivered' "
				"AND delivered < ? AND payload != ''")))
		return data_tx_end(&tx, ret);
	sqlite3_bind_int64(s, 1, before);
	if (!(ret = data_run(st, s, "pruning the outbox"))) {
		changed = sqlite3_changes(st->db);
		if (changed)
			ret = audit_append(st, "outbox.prune", "", "%d delivered payloads dropped",
					   changed);
	}
	ret = data_tx_end(&tx, ret);
	if (!ret && n)
		*n = changed;
	return ret;
}
