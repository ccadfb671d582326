/*
 * vfs_fault.c - "senda-fault", the VFS layer beneath the encrypting shim
 * that lets tests make the disk misbehave: one write failing, one write
 * torn in half, or a simulated power cut (a torn write, then every later
 * write, sync, truncate and delete fails).  With no fault set it passes
 * every call straight to the default VFS; the cost is one indirect call.
 *
 * SENDA_TEST_KILL_AT_WRITE=N makes the process SIGKILL itself just before
 * its Nth write through the store, so end-to-end tests can cut a command
 * (a key rotation, a long transaction) at an exact point.  It holds no
 * secret and can only stop the program.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/vfs.h"

struct fault_file {
	sqlite3_file base;
	sqlite3_file *real;	/* allocated right after this struct */
};

static sqlite3_vfs *fault_real;
static enum vfs_fault_mode fault_mode;
static long fault_at, fault_count, kill_at;
static bool fault_fired;

void vfs_fault_set(enum vfs_fault_mode mode, long at_write)
{
	fault_mode = mode;
	fault_at = at_write;
	fault_count = 0;
	fault_fired = false;
}

long vfs_fault_count(void)
{
	return fault_count;
}

bool vfs_fault_fired(void)
{
	return fault_fired;
}

/* After a simulated power cut nothing reaches the disk any more. */
static bool fault_dead(void)
{
	return fault_mode == VFS_FAULT_CRASH && fault_fired;
}

static int fault_close(sqlite3_file *f)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xClose(p->real);
}

static int fault_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xRead(p->real, buf, amt, off);
}

static int fault_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	struct fault_file *p = (struct fault_file *)f;

	if (fault_dead())
		return SQLITE_IOERR_WRITE;
	fault_count++;
	if (kill_at && fault_count >= kill_at)
		raise(SIGKILL);
	if (fault_mode != VFS_FAULT_OFF && fault_count == fault_at) {
		fault_fired = true;
		if (fault_mode != VFS_FAULT_ERROR && amt > 1)
			p->real->pMethods->xWrite(p->real, buf, amt / 2, off);
		return SQLITE_IOERR_WRITE;
	}
	return p->real->pMethods->xWrite(p->real, buf, amt, off);
}

static int fault_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct fault_file *p = (struct fault_file *)f;

	if (fault_dead())
		return SQLITE_IOERR_TRUNCATE;
	return p->real->pMethods->xTruncate(p->real, size);
}

static int fault_sync(sqlite3_file *f, int flags)
{
	struct fault_file *p = (struct fault_file *)f;

	if (fault_dead())
		return SQLITE_IOERR_FSYNC;
	return p->real->pMethods->xSync(p->real, flags);
}

static int fault_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xFileSize(p->real, size);
}

static int fault_lock(sqlite3_file *f, int lock)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xLock(p->real, lock);
}

static int fault_unlock(sqlite3_file *f, int lock)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xUnlock(p->real, lock);
}

static int fault_check_reserved(sqlite3_file *f, int *out)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int fault_file_control(sqlite3_file *f, int op, void *arg)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xFileControl(p->real, op, arg);
}

static int fault_sector_size(sqlite3_file *f)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xSectorSize(p->real);
}

static int fault_device(sqlite3_file *f)
{
	struct fault_file *p = (struct fault_file *)f;

	return p->real->pMethods->xDeviceCharacteristics(p->real);
}

/* Version 1: no shared memory (no WAL) and no memory mapping. */
static const sqlite3_io_methods fault_io = {
	1, fault_close, fault_read, fault_write, fault_truncate, fault_sync,
	fault_file_size, fault_lock, fault_unlock, fault_check_reserved,
	fault_file_control, fault_sector_size, fault_device,
	NULL, NULL, NULL, NULL, NULL, NULL
};

static int fault_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f,
		      int flags, int *out_flags)
{
	struct fault_file *p = (struct fault_file *)f;
	int rc;

	(void)vfs;
	p->real = (sqlite3_file *)(p + 1);
	rc = fault_real->xOpen(fault_real, name, p->real, flags, out_flags);
	f->pMethods = p->real->pMethods ? &fault_io : NULL;
	return rc;
}

static int fault_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	if (fault_dead())
		return SQLITE_IOERR_DELETE;
	return fault_real->xDelete(fault_real, name, sync_dir);
}

static int fault_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return fault_real->xAccess(fault_real, name, flags, out);
}

static int fault_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return fault_real->xFullPathname(fault_real, name, n, out);
}

static int fault_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fault_real->xRandomness(fault_real, n, out);
}

static int fault_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return fault_real->xSleep(fault_real, us);
}

static int fault_current_time(sqlite3_vfs *vfs, double *t)
{
	(void)vfs;
	return fault_real->xCurrentTime(fault_real, t);
}

static int fault_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fault_real->xGetLastError ? fault_real->xGetLastError(fault_real, n, out) : 0;
}

static int fault_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	(void)vfs;
	return fault_real->xCurrentTimeInt64(fault_real, t);
}

static sqlite3_vfs fault_vfs = {
	2, 0, 512, NULL, "senda-fault", NULL,
	fault_open, fault_delete, fault_access, fault_full_pathname,
	NULL, NULL, NULL, NULL,		/* no extension loading */
	fault_randomness, fault_sleep, fault_current_time, fault_last_error,
	fault_current_time64, NULL, NULL, NULL
};

/* Called once by vfs_register(); returns the layer the shim sits on. */
sqlite3_vfs *vfs_fault_register(void);
sqlite3_vfs *vfs_fault_register(void)
{
	const char *k = getenv("SENDA_TEST_KILL_AT_WRITE");

	fault_real = sqlite3_vfs_find(NULL);
	if (!fault_real)
		return NULL;
	if (k)
		kill_at = atol(k);
	fault_vfs.szOsFile = (int)sizeof(struct fault_file) + fault_real->szOsFile;
	fault_vfs.mxPathname = fault_real->mxPathname;
	if (sqlite3_vfs_register(&fault_vfs, 0) != SQLITE_OK)
		return NULL;
	return &fault_vfs;
}
