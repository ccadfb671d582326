/*
 * schema.h - the store's schema migrations.  Each db/NNNN_name.sql file is
 * compiled into the program (mk/store-data.mk generates migrations.c) and
 * applied once, in order, each in its own transaction, with the schema
 * version kept in PRAGMA user_version.  A store made by any earlier senda
 * is brought up to date when it is opened; a store from a newer senda is
 * refused rather than misread.
 */
#ifndef SENDA_STORE_SCHEMA_H
#define SENDA_STORE_SCHEMA_H

#include "util/status.h"

struct store;

struct store_migration {
	int version;		/* 1 for 0001_init.sql */
	const char *name;	/* "0001_init" */
	const char *sql;
};

/* Generated from the SQL files in db/, in version order. */
extern const struct store_migration store_migrations[];
extern const unsigned store_n_migrations;

/* The version the newest migration brings a store to. */
int store_schema_latest(void);

/* The store's schema version (0 for a new, empty store). */
status_t store_schema_version(struct store *st, int *version);

/*
 * Apply every migration after the store's version up to and including
 * target, one transaction each.  ST_STATE if the store is newer than this
 * program knows; ST_DAMAGED if a migration fails on a store that claims an
 * older version.
 */
status_t store_migrate_to(struct store *st, int target);

/* Bring the store to store_schema_latest(); what opening a store calls. */
status_t store_migrate(struct store *st);

/*
 * For the migration tests only: empty an (in-memory) store back to version
 * 0, and run raw SQL to build a store as an older senda left it.
 */
status_t store_schema_reset_for_test(struct store *st);
status_t store_schema_exec_for_test(struct store *st, const char *sql);

#endif
