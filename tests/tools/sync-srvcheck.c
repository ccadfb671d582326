/*
 * sync-srvcheck - what the sync tests assert on the server side: that
 * senda-server holds every item a client queued, each exactly once.
 *
 * usage: sync-srvcheck --data DIR [--extra N] IDS_FILE...
 * IDS_FILE lines are "kind id" (written by sync-fill; kind "bad" marks an
 * item the server must reject, not expected there).  --extra N: the server
 * also holds N items not listed (the clients' audit items, which their
 * ledgers count).  Prints
 *   items N conflicts N expected N missing N duplicated-ids N
 * and exits 1 unless every expected id is stored, no id was listed twice
 * across clients, the server holds exactly the expected number of items
 * (plus the extra ones),
 * and there are no conflicts.  Run it after the server has stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/server_db.h"
#include "util/util.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[1], "--data")) {
		fprintf(stderr, "usage: sync-srvcheck --data DIR IDS_FILE...\n");
		return 2;
	}
	char *path = path_join(argv[2], "server.db");
	struct server_db *db = NULL;
	status_t s = server_db_open(path, &db);
	if (s != ST_OK) {
		fprintf(stderr, "sync-srvcheck: %s: %s\n", path, st_detail(s));
		return 2;
	}
	char **ids = NULL;
	size_t n = 0, alloc = 0;
	int64_t extra = 0;
	int first = 3;
	if (argc > 5 && !strcmp(argv[3], "--extra")) {
		if (!parse_int64(argv[4], &extra) || extra < 0) {
			fprintf(stderr, "sync-srvcheck: --extra: '%s' is not a count\n", argv[4]);
			return 2;
		}
		first = 5;
	}
	for (int i = first; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		char kind[32], id[64];
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		while (fscanf(f, "%31s %63s", kind, id) == 2) {
			if (!strcmp(kind, "bad"))
				continue;	/* the server must reject these */
			ALLOC_GROW(ids, n + 1, alloc);
			ids[n++] = xstrdup(id);
		}
		fclose(f);
	}
	qsort(ids, n, sizeof(*ids), cmp);
	size_t missing = 0, twice = 0;
	for (size_t i = 0; i < n; i++) {
		struct sdb_item it;
		if (i && !strcmp(ids[i], ids[i - 1]))
			twice++;
		if (server_db_item_get(db, ids[i], &it) != ST_OK) {
			if (missing++ < 5)
				fprintf(stderr, "missing on the server: %s\n", ids[i]);
		}
	}
	int64_t items = 0, conflicts = 0;
	if (server_db_counts(db, &items, &conflicts) != ST_OK)
		items = conflicts = -1;
	/* "items" counts what the ids files list; the audit items are apart. */
	printf("items %lld conflicts %lld expected %zu missing %zu duplicated-ids %zu "
	       "extra %lld\n", (long long)(items - extra), (long long)conflicts, n, missing,
	       twice, (long long)extra);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(path);
	server_db_close(db);
	return missing || twice || conflicts || items != (int64_t)n + extra ? 1 : 0;
}
