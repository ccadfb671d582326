/*
 * vfs.c - "senda", the SQLite VFS shim that encrypts and authenticates
 * every byte of the database and its rollback journal (docs/store.md).
 *
 * Main database: SQLite uses 4096-byte pages with 32 reserved bytes at the
 * end of each (set when the file is created).  On disk a page is 4,064
 * bytes of AES-256-GCM ciphertext, then nonce (12), tag (16) and the key
 * epoch (4, big-endian).  The additional data binds the store id, the page
 * number and the epoch, so a page cannot be moved or swapped between
 * stores.  Reads of part of a page (the 100-byte header, the change
 * counter) decrypt the whole page.
 *
 * Rollback journal: SQLite writes it in small unaligned pieces (4-byte page
 * numbers and checksums around each page), so the shim treats it as a
 * stream and stores it in blocks of up to 4096 bytes, each encrypted with
 * 32 more bytes (the journal's start tag and token, below) and followed by
 * a 48-byte trailer: nonce, tag, epoch, bytes used, journal id.  The
 * journal id is random per journal and bound into every block, so blocks
 * of two journals cannot be mixed.  The block being filled stays in
 * memory until it is full or SQLite syncs; SQLite only relies on what it
 * has synced, and blocks are never rewritten (the shim reports
 * SQLITE_IOCAP_SAFE_APPEND, so SQLite never goes back to patch the
 * journal header), so a crash or a torn write can only cut off the end,
 * which is ignored like SQLite ignores a torn record.  Any whole block that
 * fails authentication is damage, and rollback stops with an error.
 *
 * An old journal put back beside the database would be played back by
 * SQLite as if it were hot.  So each journal records, encrypted, the GCM tag
 * page 1 had when the journal began and a secret token, and while the
 * journal is live every write of page 1 (the change counter changes in every
 * write transaction) uses a nonce that starts with the token.  A hot
 * journal is played back only if page 1 on disk carries its start tag or
 * its token (journal_check_replay).
 *
 * Everything else (WAL, temp files, another database) is refused at open,
 * and pragmas that would weaken the format are refused via
 * SQLITE_FCNTL_PRAGMA.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "store/store_int.h"
#include "store/vfs.h"
#include "util/util.h"

#define JBLOCK 4096		/* bytes of the journal stream per block */
#define JEXTRA 32		/* encrypted with them: start tag 16, token 6, zero 10 */
#define JPLAIN (JBLOCK + JEXTRA)
#define JTRAILER 48		/* nonce 12, tag 16, epoch 4, used 4, jid 8, zero 4 */
#define JPHYS (JPLAIN + JTRAILER)
#define JID_LEN 8
/*
 * Page-1 nonce prefix while a journal is live.  Six bytes leave six random
 * ones after it: page 1 is written a few times under one token (the commit,
 * then the rollback after a crash), and 48 random bits keep those nonces
 * apart as surely as 48 bits of token keep an old journal from matching.
 */
#define TOKEN_LEN 6
#define P1_TRAILER_OFF VFS_PAYLOAD	/* nonce, tag and epoch of page 1 */

sqlite3_vfs *vfs_fault_register(void);

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;		/* allocated right after this struct */
	struct vfs_file_key *key;
	bool journal;
	uint8_t *scratch;		/* ciphertext of one page or block */
	/*
	 * Page 1 as last authenticated: SQLite reads 16 bytes of it (the change
	 * counter) at the start of every transaction; when the ciphertext on
	 * disk is byte for byte the one already verified, the header is served
	 * from here instead of decrypting the page again.
	 */
	uint8_t *p1_cipher;
	uint8_t p1_head[100];
	bool p1_valid;
	int lock;			/* SQLITE_LOCK_* held on the main file */
	/*
	 * While a journal is live (being written, or being rolled back), the
	 * nonce of every write of page 1 starts with its token, so that a hot
	 * journal can tell whether page 1 was written since it began.
	 */
	uint8_t token[TOKEN_LEN];
	bool token_live;
	/* journal only */
	struct shim_file *main;		/* the database's shim file */
	uint8_t *jtail;			/* plaintext being appended, not yet on disk */
	uint32_t jtail_len;
	uint8_t *jread;			/* plaintext of the block last read */
	int64_t jread_no;		/* its number, -1 for none */
	int64_t *jstart;		/* logical start of block i; [jblocks] = end on disk */
	size_t jstart_alloc;
	int64_t jblocks;		/* blocks on disk */
	int64_t jsize;			/* logical size; -1 not yet known */
	uint8_t jid[JID_LEN];
	/* This journal's start tag (page 1's GCM tag when it began) and token. */
	uint8_t jstart_tag[CRYPTO_TAG_LEN];
	uint8_t jtoken[TOKEN_LEN];
	bool jhot;			/* found on disk rather than begun here */
	bool jchecked;			/* the hot journal matched page 1 */
};

static sqlite3_vfs *shim_base;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vfs_file_key *reg_head;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

/* ---------------------------------------------------------------------
 * Key registry
 */

struct vfs_file_key *vfs_key_add(const char *db_path, const uint8_t store_id[VFS_STORE_ID_LEN])
{
	struct vfs_file_key *k = xcalloc(1, sizeof(*k));

	k->db_path = xstrdup(db_path);
	k->journal_path = xasprintf("%s-journal", db_path);
	memcpy(k->store_id, store_id, VFS_STORE_ID_LEN);
	pthread_mutex_lock(&reg_lock);
	k->next = reg_head;
	reg_head = k;
	pthread_mutex_unlock(&reg_lock);
	return k;
}

void vfs_key_set(struct vfs_file_key *k, uint32_t epoch, const uint8_t key[CRYPTO_KEY_LEN],
		 bool for_write)
{
	int i;

	for (i = 0; i < k->n_keys; i++)
		if (k->epoch[i] == epoch)
			break;
	if (i == k->n_keys) {
		if (k->n_keys == VFS_MAX_KEYS)
			abort();	/* a programming error: at most two epochs */
		k->n_keys++;
	} else {
		crypto_aead_free(k->aead[i]);
	}
	k->aead[i] = crypto_aead_new(key);
	k->epoch[i] = epoch;
	if (for_write)
		k->write_key = i;
}

void vfs_key_drop_old(struct vfs_file_key *k)
{
	for (int i = 0; i < k->n_keys; i++)
		if (i != k->write_key)
			crypto_aead_free(k->aead[i]);
	k->aead[0] = k->aead[k->write_key];
	k->epoch[0] = k->epoch[k->write_key];
	k->n_keys = 1;
	k->write_key = 0;
}

void vfs_key_remove(struct vfs_file_key *k)
{
	struct vfs_file_key **pp;

	if (!k)
		return;
	pthread_mutex_lock(&reg_lock);
	for (pp = &reg_head; *pp; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	pthread_mutex_unlock(&reg_lock);
	for (int i = 0; i < k->n_keys; i++)
		crypto_aead_free(k->aead[i]);
	free(k->db_path);
	free(k->journal_path);
	free(k);
}

static struct vfs_file_key *reg_find(const char *path, bool *journal)
{
	struct vfs_file_key *k;

	pthread_mutex_lock(&reg_lock);
	for (k = reg_head; k; k = k->next) {
		if (!strcmp(path, k->db_path)) {
			*journal = false;
			break;
		}
		if (!strcmp(path, k->journal_path)) {
			*journal = true;
			break;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	return k;
}

static struct crypto_aead *key_for_epoch(struct vfs_file_key *k, uint32_t epoch)
{
	for (int i = 0; i < k->n_keys; i++)
		if (k->epoch[i] == epoch)
			return k->aead[i];
	return NULL;
}

static void mark_damaged(struct vfs_file_key *k, bool journal, uint32_t no)
{
	k->damaged = true;
	k->damaged_journal = journal;
	k->damaged_no = no;
}

/* ---------------------------------------------------------------------
 * Pages of the main database
 */

static void page_aad(uint8_t aad[26], const struct vfs_file_key *k, uint32_t pgno,
		     uint32_t epoch)
{
	aad[0] = 'S';
	aad[1] = 'P';
	memcpy(aad + 2, k->store_id, VFS_STORE_ID_LEN);
	put32(aad + 18, pgno);
	put32(aad + 22, epoch);
}

/* Decrypt the on-disk page cipher (page pgno, 1-based) into plain[0..4064). */
static bool page_open(struct vfs_file_key *k, uint32_t pgno, const uint8_t *cipher,
		      uint8_t *plain, uint32_t *epoch_out)
{
	const uint8_t *trailer = cipher + VFS_PAYLOAD;
	uint32_t epoch = get32(trailer + CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN);
	struct crypto_aead *a = key_for_epoch(k, epoch);
	uint8_t aad[26];

	if (epoch_out)
		*epoch_out = epoch;
	if (!a)
		return false;
	page_aad(aad, k, pgno, epoch);
	return crypto_aead_open(a, trailer, aad, sizeof(aad), cipher, plain, VFS_PAYLOAD,
				trailer + CRYPTO_NONCE_LEN);
}

static int page_seal(struct vfs_file_key *k, uint32_t pgno, const uint8_t *plain,
		     uint8_t *cipher, const uint8_t *token)
{
	uint8_t *trailer = cipher + VFS_PAYLOAD;
	uint32_t epoch = k->epoch[k->write_key];
	uint8_t aad[26];

	crypto_nonce(trailer);
	if (token)
		memcpy(trailer, token, TOKEN_LEN);	/* still 48 random bits after it */
	put32(trailer + CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN, epoch);
	page_aad(aad, k, pgno, epoch);
	if (crypto_aead_seal(k->aead[k->write_key], trailer, aad, sizeof(aad), plain, cipher,
			     VFS_PAYLOAD, trailer + CRYPTO_NONCE_LEN) != ST_OK)
		return SQLITE_IOERR_WRITE;
	return SQLITE_OK;
}

static int main_read(struct shim_file *p, void *buf, int amt, sqlite3_int64 off)
{
	int64_t pg = off / VFS_PAGE_SIZE;
	int o = (int)(off % VFS_PAGE_SIZE);
	uint8_t *out = buf;
	bool in_place;
	int rc;

	if (o + amt > VFS_PAGE_SIZE)
		return SQLITE_IOERR_READ;
	/*
	 * A whole page other than page 1 (the common case: a cache miss) is
	 * read straight into SQLite's buffer and decrypted in place; the
	 * nonce, tag and epoch after the 4,064 bytes of ciphertext stay put
	 * while it is decrypted.  Page 1 goes through scratch for its cache.
	 */
	in_place = o == 0 && amt == VFS_PAGE_SIZE && pg != 0;
	rc = p->real->pMethods->xRead(p->real, in_place ? out : p->scratch, VFS_PAGE_SIZE,
				      pg * VFS_PAGE_SIZE);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		sqlite3_int64 size = 0;

		p->real->pMethods->xFileSize(p->real, &size);
		if (size <= pg * VFS_PAGE_SIZE) {
			memset(buf, 0, amt);
			return SQLITE_IOERR_SHORT_READ;
		}
		mark_damaged(p->key, false, (uint32_t)pg + 1);	/* cut inside a page */
		memset(buf, 0, amt);
		return SQLITE_IOERR_DATA;
	}
	if (rc != SQLITE_OK)
		return rc;
	if (o == 0 && amt == VFS_PAGE_SIZE) {
		if (!page_open(p->key, (uint32_t)pg + 1, in_place ? out : p->scratch, out, NULL))
			goto damaged;
		memset(out + VFS_PAYLOAD, 0, VFS_RESERVE);
		if (pg == 0) {
			memcpy(p->p1_cipher, p->scratch, VFS_PAGE_SIZE);
			memcpy(p->p1_head, out, sizeof(p->p1_head));
			p->p1_valid = true;
		}
		return SQLITE_OK;
	} else {
		uint8_t plain[VFS_PAGE_SIZE];
		bool ok;

		if (pg == 0 && o + amt <= (int)sizeof(p->p1_head) && p->p1_valid &&
		    !memcmp(p->scratch, p->p1_cipher, VFS_PAGE_SIZE)) {
			memcpy(out, p->p1_head + o, amt);
			return SQLITE_OK;
		}
		ok = page_open(p->key, (uint32_t)pg + 1, p->scratch, plain, NULL);
		if (ok && pg == 0 && p->p1_cipher) {
			memcpy(p->p1_cipher, p->scratch, VFS_PAGE_SIZE);
			memcpy(p->p1_head, plain, sizeof(p->p1_head));
			p->p1_valid = true;
		}

		memset(plain + VFS_PAYLOAD, 0, VFS_RESERVE);
		if (ok)
			memcpy(out, plain + o, amt);
		crypto_wipe(plain, sizeof(plain));
		if (!ok && off == 0 && amt == 100) {
			/*
			 * SQLite peeks at the header when it opens the file, before
			 * it takes a lock or rolls back a hot journal, so page 1 may
			 * be half-written from a crash that the journal will undo.
			 * Zeros make it use the defaults until it reads page 1 for
			 * real, under the lock, where a bad page is an error.
			 */
			memset(buf, 0, amt);
			return SQLITE_OK;
		}
		if (!ok)
			goto damaged;
		return SQLITE_OK;
	}
damaged:
	mark_damaged(p->key, false, (uint32_t)pg + 1);
	memset(buf, 0, amt);
	return SQLITE_IOERR_DATA;
}

static int main_write(struct shim_file *p, const void *buf, int amt, sqlite3_int64 off)
{
	const uint8_t *in = buf;
	int rc;

	/* Only whole pages of the one page size; anything else would change the format. */
	if (amt != VFS_PAGE_SIZE || off % VFS_PAGE_SIZE)
		return SQLITE_IOERR_WRITE;
	/* Page 1 must say 4096-byte pages with our 32 reserved bytes. */
	if (off == 0 && (in[16] != 0x10 || in[17] != 0x00 || in[20] != VFS_RESERVE))
		return SQLITE_IOERR_WRITE;
	rc = page_seal(p->key, (uint32_t)(off / VFS_PAGE_SIZE) + 1, in, p->scratch,
		       off == 0 && p->token_live ? p->token : NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = p->real->pMethods->xWrite(p->real, p->scratch, VFS_PAGE_SIZE, off);
	if (off == 0) {
		/*
		 * Remember page 1 as written, so the next transaction's peek at
		 * the change counter need not decrypt it again (the ciphertext on
		 * disk is still compared byte for byte before the copy is used).
		 */
		p->p1_valid = rc == SQLITE_OK;
		if (p->p1_valid) {
			memcpy(p->p1_cipher, p->scratch, VFS_PAGE_SIZE);
			memcpy(p->p1_head, in, sizeof(p->p1_head));
		}
	}
	return rc;
}

/* ---------------------------------------------------------------------
 * Journal blocks
 *
 * The journal is a stream SQLite only ever appends to (DELETE mode with
 * SAFE_APPEND: the header is written once, records follow).  On disk it is
 * a sequence of blocks, each holding the next `used` bytes of the stream;
 * a block is written when it fills up or when SQLite syncs, and never
 * rewritten: after a sync the stream continues in a new block.  So a crash
 * or a torn write can only ever cut off the end, never damage what SQLite
 * has synced and relies on.  The logical start of every block is kept in
 * jstart[]; for a journal found on disk it is rebuilt from the trailers.
 */

static void block_aad(uint8_t aad[42], const struct vfs_file_key *k, int64_t no,
		      uint32_t epoch, uint32_t used, const uint8_t jid[JID_LEN])
{
	aad[0] = 'S';
	aad[1] = 'J';
	memcpy(aad + 2, k->store_id, VFS_STORE_ID_LEN);
	put64(aad + 18, (uint64_t)no);
	put32(aad + 26, epoch);
	put32(aad + 30, used);
	memcpy(aad + 34, jid, JID_LEN);
}

static int journal_damaged(struct shim_file *p, int64_t no)
{
	mark_damaged(p->key, true, (uint32_t)no);
	return SQLITE_IOERR_DATA;
}

/* Read and authenticate block no into jread. */
static int block_read(struct shim_file *p, int64_t no)
{
	struct vfs_file_key *k = p->key;
	uint8_t *tr = p->scratch + JPLAIN;
	uint32_t epoch, used = (uint32_t)(p->jstart[no + 1] - p->jstart[no]);
	struct crypto_aead *a;
	uint8_t aad[42];
	int rc;

	if (p->jread_no == no)
		return SQLITE_OK;
	p->jread_no = -1;
	rc = p->real->pMethods->xRead(p->real, p->scratch, JPHYS, no * JPHYS);
	if (rc == SQLITE_IOERR_SHORT_READ)
		return journal_damaged(p, no);
	if (rc != SQLITE_OK)
		return rc;
	epoch = get32(tr + 28);
	a = key_for_epoch(k, epoch);
	if (!a || get32(tr + 32) != used || memcmp(tr + 36, p->jid, JID_LEN))
		return journal_damaged(p, no);
	block_aad(aad, k, no, epoch, used, p->jid);
	if (!crypto_aead_open(a, tr, aad, sizeof(aad), p->scratch, p->jread, JPLAIN, tr + 12))
		return journal_damaged(p, no);
	p->jread_no = no;
	return SQLITE_OK;
}

static void jstart_push(struct shim_file *p, int64_t end)
{
	ALLOC_GROW(p->jstart, (size_t)p->jblocks + 2, p->jstart_alloc);
	p->jstart[++p->jblocks] = end;
}

/* Write the tail as the next block; the stream goes on in a fresh one. */
static int journal_flush(struct shim_file *p)
{
	struct vfs_file_key *k = p->key;
	uint8_t *tr = p->scratch + JPLAIN;
	uint32_t epoch = k->epoch[k->write_key];
	int64_t no = p->jblocks;
	uint8_t aad[42];
	int rc;

	if (!p->jtail_len)
		return SQLITE_OK;
	memset(p->jtail + p->jtail_len, 0, JBLOCK - p->jtail_len);
	memcpy(p->jtail + JBLOCK, p->jstart_tag, CRYPTO_TAG_LEN);
	memcpy(p->jtail + JBLOCK + CRYPTO_TAG_LEN, p->jtoken, TOKEN_LEN);
	memset(p->jtail + JBLOCK + CRYPTO_TAG_LEN + TOKEN_LEN, 0,
	       JEXTRA - CRYPTO_TAG_LEN - TOKEN_LEN);
	memset(tr, 0, JTRAILER);
	crypto_nonce(tr);
	put32(tr + 28, epoch);
	put32(tr + 32, p->jtail_len);
	memcpy(tr + 36, p->jid, JID_LEN);
	block_aad(aad, k, no, epoch, p->jtail_len, p->jid);
	if (crypto_aead_seal(k->aead[k->write_key], tr, aad, sizeof(aad), p->jtail, p->scratch,
			     JPLAIN, tr + 12) != ST_OK)
		return SQLITE_IOERR_WRITE;
	rc = p->real->pMethods->xWrite(p->real, p->scratch, JPHYS, no * JPHYS);
	if (rc != SQLITE_OK)
		return rc;
	jstart_push(p, p->jstart[no] + p->jtail_len);
	p->jtail_len = 0;
	return SQLITE_OK;
}

static void journal_reset(struct shim_file *p)
{
	ALLOC_GROW(p->jstart, 2, p->jstart_alloc);
	p->jstart[0] = 0;
	p->jblocks = 0;
	p->jtail_len = 0;
	p->jread_no = -1;
	p->jhot = p->jchecked = false;
	p->jsize = 0;
}

/* Page 1's trailer (nonce, tag) as it is on disk; false when there is no page 1. */
static bool page1_trailer(struct shim_file *p, uint8_t out[CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN])
{
	sqlite3_file *db = p->main ? p->main->real : NULL;

	if (db && db->pMethods->xRead(db, out, CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN,
				      P1_TRAILER_OFF) == SQLITE_OK)
		return true;
	memset(out, 0, CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN);
	return false;
}

/*
 * A new journal: a fresh id, the tag of page 1 as it is on disk now (the
 * database is locked against writers; zeros when it has no page yet), and
 * a fresh secret token that every write of page 1 carries from now on.
 */
static void journal_begin(struct shim_file *p)
{
	uint8_t tr[CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN], fresh[CRYPTO_NONCE_LEN];

	journal_reset(p);
	/*
	 * From the nonce batch: unpredictable, and far cheaper than key-grade
	 * randomness (gcry_randomize costs about 11 us a call here).
	 */
	crypto_nonce(fresh);
	memcpy(p->jid, fresh, JID_LEN);
	crypto_nonce(fresh);
	memcpy(p->jtoken, fresh, TOKEN_LEN);
	crypto_wipe(fresh, sizeof(fresh));
	page1_trailer(p, tr);
	memcpy(p->jstart_tag, tr + CRYPTO_NONCE_LEN, CRYPTO_TAG_LEN);
	if (p->main) {
		memcpy(p->main->token, p->jtoken, TOKEN_LEN);
		p->main->token_live = true;
	}
}

/* Learn the blocks of a journal already on disk from their trailers. */
static int journal_scan(struct shim_file *p)
{
	sqlite3_int64 phys = 0;
	int64_t n;
	int rc;

	if (p->jsize >= 0)
		return SQLITE_OK;
	rc = p->real->pMethods->xFileSize(p->real, &phys);
	if (rc != SQLITE_OK)
		return rc;
	n = phys / JPHYS;	/* a torn last append is not a block */
	if (n == 0) {
		/* Empty, or only a torn first block (never synced): a new journal. */
		journal_begin(p);
		return SQLITE_OK;
	}
	journal_reset(p);
	p->jhot = true;
	for (int64_t i = 0; i < n; i++) {
		uint8_t tr[JTRAILER];
		uint32_t used;

		rc = p->real->pMethods->xRead(p->real, tr, JTRAILER, i * JPHYS + JPLAIN);
		if (rc != SQLITE_OK)
			return rc == SQLITE_IOERR_SHORT_READ ? journal_damaged(p, i) : rc;
		if (!i)
			memcpy(p->jid, tr + 36, JID_LEN);
		used = get32(tr + 32);
		/* Checked again, authenticated, when the block is read. */
		if (!used || used > JBLOCK || memcmp(tr + 36, p->jid, JID_LEN)) {
			journal_reset(p);
			p->jsize = -1;
			return journal_damaged(p, i);
		}
		jstart_push(p, p->jstart[i] + used);
	}
	p->jsize = p->jstart[p->jblocks];
	return SQLITE_OK;
}

/*
 * Before a hot journal is played back (SQLite holds the exclusive lock):
 * is it the journal of the last transaction, or an old one put back?
 * Every write transaction rewrites page 1 (the change counter), so page 1
 * on disk must be either as it was when this journal began (its tag is the
 * journal's start tag) or written while this journal was live (its nonce
 * starts with the journal's token).  An older journal matches neither.
 * Both values travel encrypted inside the journal's blocks, so they cannot
 * be read off an old journal to dress up page 1.  The trailer alone is
 * compared, not the whole page: a page 1 torn by a crash still carries one
 * of the two, and the playback rewrites it.
 */
static int journal_check_replay(struct shim_file *p)
{
	uint8_t tr[CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN];
	const uint8_t *start_tag, *token;
	int rc;

	if (!p->jhot || p->jchecked || !p->jblocks || !p->main ||
	    p->main->lock < SQLITE_LOCK_EXCLUSIVE)
		return SQLITE_OK;
	rc = block_read(p, 0);
	if (rc != SQLITE_OK)
		return rc;
	start_tag = p->jread + JBLOCK;
	token = start_tag + CRYPTO_TAG_LEN;
	page1_trailer(p, tr);	/* zeros when there is no page 1 */
	if (memcmp(tr + CRYPTO_NONCE_LEN, start_tag, CRYPTO_TAG_LEN) &&
	    memcmp(tr, token, TOKEN_LEN))
		return journal_damaged(p, 0);
	/* The rollback's own writes of page 1 carry the token too: a crash
	 * in the middle of it leaves a journal that still matches. */
	memcpy(p->main->token, token, TOKEN_LEN);
	p->main->token_live = true;
	p->jchecked = true;
	return SQLITE_OK;
}

/* The block holding logical offset off (which lies on disk). */
static int64_t journal_find(const struct shim_file *p, int64_t off)
{
	int64_t lo = 0, hi = p->jblocks - 1;

	while (lo < hi) {
		int64_t mid = (lo + hi + 1) / 2;

		if (p->jstart[mid] <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int journal_read(struct shim_file *p, void *buf, int amt, sqlite3_int64 off)
{
	uint8_t *out = buf;
	int rc = journal_scan(p);

	if (rc == SQLITE_OK)
		rc = journal_check_replay(p);
	if (rc != SQLITE_OK)
		return rc;
	while (amt > 0) {
		int64_t disk_end = p->jstart[p->jblocks], no, n;

		if (off >= p->jsize) {
			memset(out, 0, amt);
			return SQLITE_IOERR_SHORT_READ;
		}
		if (off >= disk_end) {
			n = p->jsize - off < amt ? p->jsize - off : amt;
			memcpy(out, p->jtail + (off - disk_end), n);
		} else {
			no = journal_find(p, off);
			rc = block_read(p, no);
			if (rc != SQLITE_OK)
				return rc;
			n = p->jstart[no + 1] - off < amt ? p->jstart[no + 1] - off : amt;
			memcpy(out, p->jread + (off - p->jstart[no]), n);
		}
		out += n;
		off += n;
		amt -= (int)n;
	}
	return SQLITE_OK;
}

static int journal_write(struct shim_file *p, const void *buf, int amt, sqlite3_int64 off)
{
	static const uint8_t zero[512];
	const uint8_t *in = buf;
	int rc = journal_scan(p);

	if (rc != SQLITE_OK)
		return rc;
	/* What is on disk is never rewritten (SQLite only appends here). */
	if (off < p->jstart[p->jblocks])
		return SQLITE_IOERR_WRITE;
	/* A gap (never seen from SQLite) becomes zeros. */
	while (off > p->jsize) {
		int n = off - p->jsize < (int64_t)sizeof(zero) ? (int)(off - p->jsize) : (int)sizeof(zero);

		rc = journal_write(p, zero, n, p->jsize);
		if (rc != SQLITE_OK)
			return rc;
	}
	while (amt > 0) {
		int64_t t = off - p->jstart[p->jblocks];
		int n;

		if (t == JBLOCK) {
			rc = journal_flush(p);
			if (rc != SQLITE_OK)
				return rc;
			continue;
		}
		n = JBLOCK - t < amt ? (int)(JBLOCK - t) : amt;
		memcpy(p->jtail + t, in, n);
		if (t + n > p->jtail_len)
			p->jtail_len = (uint32_t)(t + n);
		in += n;
		off += n;
		amt -= n;
	}
	p->jsize = p->jstart[p->jblocks] + p->jtail_len;
	return SQLITE_OK;
}

static int journal_truncate(struct shim_file *p, sqlite3_int64 size)
{
	int rc;

	if (size == 0) {
		journal_begin(p);
		return p->real->pMethods->xTruncate(p->real, 0);
	}
	rc = journal_scan(p);
	if (rc != SQLITE_OK || size >= p->jsize)
		return rc;
	if (size < p->jstart[p->jblocks])
		return SQLITE_IOERR_TRUNCATE;	/* never from SQLite in DELETE mode */
	p->jtail_len = (uint32_t)(size - p->jstart[p->jblocks]);
	p->jsize = size;
	return SQLITE_OK;
}

/* ---------------------------------------------------------------------
 * io methods
 */

/* Plaintext buffers are wiped before they go back to the allocator. */
static void shim_free_buffers(struct shim_file *p)
{
	if (p->jtail) {
		crypto_wipe(p->jtail, 2 * JPLAIN);	/* jtail and jread */
		sqlite3_free(p->jtail);
	}
	free(p->jstart);
	crypto_wipe(p->p1_head, sizeof(p->p1_head));
	sqlite3_free(p->p1_cipher);
	sqlite3_free(p->scratch);
	p->jtail = p->jread = p->p1_cipher = p->scratch = NULL;
	p->jstart = NULL;
}

static int shim_close(sqlite3_file *f)
{
	struct shim_file *p = (struct shim_file *)f;
	int rc = SQLITE_OK, rc2;

	if (p->journal) {
		rc = journal_flush(p);
		/* Page 1 is never written after its journal is gone (DELETE mode). */
		if (p->main)
			p->main->token_live = false;
	}
	rc2 = p->real->pMethods->xClose(p->real);
	shim_free_buffers(p);
	return rc != SQLITE_OK ? rc : rc2;
}

static int shim_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	struct shim_file *p = (struct shim_file *)f;

	return p->journal ? journal_read(p, buf, amt, off) : main_read(p, buf, amt, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	struct shim_file *p = (struct shim_file *)f;

	return p->journal ? journal_write(p, buf, amt, off) : main_write(p, buf, amt, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct shim_file *p = (struct shim_file *)f;

	if (p->journal)
		return journal_truncate(p, size);
	if (size % VFS_PAGE_SIZE)
		return SQLITE_IOERR_TRUNCATE;
	return p->real->pMethods->xTruncate(p->real, size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
	struct shim_file *p = (struct shim_file *)f;

	if (p->journal) {
		int rc = journal_flush(p);

		if (rc != SQLITE_OK)
			return rc;
	}
	return p->real->pMethods->xSync(p->real, flags);
}

static int shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct shim_file *p = (struct shim_file *)f;

	if (p->journal) {
		int rc = journal_scan(p);

		*size = p->jsize > 0 ? p->jsize : 0;
		return rc;
	}
	return p->real->pMethods->xFileSize(p->real, size);
}

static int shim_lock(sqlite3_file *f, int lock)
{
	struct shim_file *p = (struct shim_file *)f;
	int rc = p->real->pMethods->xLock(p->real, lock);

	if (rc == SQLITE_OK && lock > p->lock)
		p->lock = lock;
	return rc;
}

static int shim_unlock(sqlite3_file *f, int lock)
{
	struct shim_file *p = (struct shim_file *)f;
	int rc = p->real->pMethods->xUnlock(p->real, lock);

	if (rc == SQLITE_OK && lock < p->lock)
		p->lock = lock;
	return rc;
}

static int shim_check_reserved(sqlite3_file *f, int *out)
{
	struct shim_file *p = (struct shim_file *)f;

	return p->real->pMethods->xCheckReservedLock(p->real, out);
}

/* Pragmas that would weaken the format or write outside it, and the only
 * values allowed for each (NULL = any query, no setting). */
static const struct {
	const char *name;
	const char *allowed;	/* "|a|b|" */
} pragma_rules[] = {
	{ "journal_mode", "|delete|" },
	{ "page_size", "|4096|" },
	{ "mmap_size", "|0|" },
	{ "synchronous", "|full|2|extra|3|" },
	{ "temp_store", "|memory|2|" },
	{ "secure_delete", "|on|1|true|yes|" },
	{ "writable_schema", "||" },
	{ "temp_store_directory", "||" },
	{ "data_store_directory", "||" },
};

static int pragma_check(char **args)
{
	const char *name = args[1], *value = args[2];

	if (!value)
		return SQLITE_NOTFOUND;
	for (size_t i = 0; i < ARRAY_SIZE(pragma_rules); i++) {
		char want[64];

		if (strcasecmp(name, pragma_rules[i].name))
			continue;
		snprintf(want, sizeof(want), "|%s|", value);
		for (char *c = want; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		if (strlen(value) < 60 && strstr(pragma_rules[i].allowed, want))
			return SQLITE_NOTFOUND;	/* let SQLite apply it */
		args[0] = sqlite3_mprintf("PRAGMA %s is fixed in a senda store", name);
		return SQLITE_ERROR;
	}
	return SQLITE_NOTFOUND;
}

static int shim_file_control(sqlite3_file *f, int op, void *arg)
{
	struct shim_file *p = (struct shim_file *)f;

	if (op == SQLITE_FCNTL_PRAGMA && !p->journal)
		return pragma_check(arg);
	if (op == SQLITE_FCNTL_MMAP_SIZE) {
		*(sqlite3_int64 *)arg = 0;
		return SQLITE_OK;
	}
	return p->real->pMethods->xFileControl(p->real, op, arg);
}

/* One sector per page: SQLite then starts each journal header on a block. */
static int shim_sector_size(sqlite3_file *f)
{
	(void)f;
	return VFS_PAGE_SIZE;
}

static int shim_device(sqlite3_file *f)
{
	(void)f;
	return SQLITE_IOCAP_SAFE_APPEND;
}

static const sqlite3_io_methods shim_io = {
	1, shim_close, shim_read, shim_write, shim_truncate, shim_sync,
	shim_file_size, shim_lock, shim_unlock, shim_check_reserved,
	shim_file_control, shim_sector_size, shim_device,
	NULL, NULL, NULL, NULL, NULL, NULL
};

static int shim_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f,
		     int flags, int *out_flags)
{
	struct shim_file *p = (struct shim_file *)f;
	struct vfs_file_key *k = NULL;
	bool journal = false;
	int rc;

	(void)vfs;
	memset(p, 0, sizeof(*p));
	f->pMethods = NULL;
	if (name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL)))
		k = reg_find(name, &journal);
	/* A temp file, a WAL, an attached or VACUUM INTO database: never. */
	if (!k || journal != !!(flags & SQLITE_OPEN_MAIN_JOURNAL))
		return SQLITE_CANTOPEN;
	p->key = k;
	p->journal = journal;
	p->jread_no = -1;
	p->jsize = -1;
	p->real = (sqlite3_file *)(p + 1);
	p->scratch = sqlite3_malloc(JPHYS);
	if (journal) {
		p->jtail = sqlite3_malloc(2 * JPLAIN);
		p->jread = p->jtail ? p->jtail + JPLAIN : NULL;
		/* SQLite names the database file object behind a journal's name. */
		p->main = (struct shim_file *)sqlite3_database_file_object(name);
		if (p->main && p->main->base.pMethods != &shim_io)
			p->main = NULL;
		if (p->main)
			p->key = p->main->key;
	} else {
		p->p1_cipher = sqlite3_malloc(VFS_PAGE_SIZE);
	}
	if (!p->scratch || (journal ? !p->jtail : !p->p1_cipher)) {
		shim_free_buffers(p);
		return SQLITE_NOMEM;
	}
	rc = shim_base->xOpen(shim_base, name, p->real, flags, out_flags);
	if (!p->real->pMethods) {
		shim_free_buffers(p);
		return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
	}
	f->pMethods = &shim_io;
	return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return shim_base->xDelete(shim_base, name, sync_dir);
}

static int shim_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return shim_base->xAccess(shim_base, name, flags, out);
}

static int shim_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return shim_base->xFullPathname(shim_base, name, n, out);
}

static int shim_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	crypto_random(out, (size_t)n);
	return n;
}

static int shim_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return shim_base->xSleep(shim_base, us);
}

static int shim_current_time(sqlite3_vfs *vfs, double *t)
{
	(void)vfs;
	return shim_base->xCurrentTime(shim_base, t);
}

static int shim_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return shim_base->xGetLastError(shim_base, n, out);
}

static int shim_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	(void)vfs;
	return shim_base->xCurrentTimeInt64(shim_base, t);
}

static sqlite3_vfs shim_vfs = {
	2, 0, 512, NULL, VFS_NAME, NULL,
	shim_open, shim_delete, shim_access, shim_full_pathname,
	NULL, NULL, NULL, NULL,		/* no extension loading */
	shim_randomness, shim_sleep, shim_current_time, shim_last_error,
	shim_current_time64, NULL, NULL, NULL
};

static pthread_once_t shim_once = PTHREAD_ONCE_INIT;
static bool shim_ok;

static void shim_register_once(void)
{
	shim_base = vfs_fault_register();
	if (!shim_base)
		return;
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + shim_base->szOsFile;
	shim_vfs.mxPathname = shim_base->mxPathname;
	shim_ok = sqlite3_vfs_register(&shim_vfs, 0) == SQLITE_OK;
}

status_t vfs_register(void)
{
	pthread_once(&shim_once, shim_register_once);
	if (!shim_ok)
		return st_error(ST_ERR, "cannot register the encrypting SQLite VFS");
	return ST_OK;
}

status_t vfs_verify_file(struct vfs_file_key *k, uint32_t *n_pages, uint32_t *n_old)
{
	uint8_t cipher[VFS_PAGE_SIZE], plain[VFS_PAGE_SIZE];
	uint32_t pgno = 0, epoch;
	status_t st = ST_OK;
	ssize_t r;
	int fd;

	*n_pages = *n_old = 0;
	fd = open(k->db_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ST_OK : st_error(ST_IO, "cannot read %s: %s",
							  k->db_path, strerror(errno));
	while ((r = read(fd, cipher, sizeof(cipher))) > 0) {
		pgno++;
		if (r != VFS_PAGE_SIZE || !page_open(k, pgno, cipher, plain, &epoch)) {
			st = st_error(ST_DAMAGED, "%s (page %u)", status_message(ST_DAMAGED), pgno);
			break;
		}
		if (epoch != k->epoch[k->write_key])
			(*n_old)++;
	}
	if (r < 0)
		st = st_error(ST_IO, "cannot read %s: %s", k->db_path, strerror(errno));
	crypto_wipe(plain, sizeof(plain));
	close(fd);
	*n_pages = pgno;
	return st;
}
