# mk/store-data.mk - compile the schema migrations (db/NNNN_name.sql) into
# the binary: each file becomes one C string in $(BUILD)/gen/migrations.c,
# in file-name order, so a store can be created or upgraded with no files
# beside the program.  src/store/schema.c applies them.

STORE_SQL := $(sort $(wildcard db/[0-9][0-9][0-9][0-9]_*.sql))

GEN_SRCS += $(BUILD)/gen/migrations.c

# Each line is escaped for a C string literal (\ and "); the version is the
# file name's four-digit prefix (expr, so 0008 is not read as octal).
$(BUILD)/gen/migrations.c: $(STORE_SQL) mk/store-data.mk
	@mkdir -p $(dir $@)
	$(quiet) GEN $@
	$(Q){ \
	echo '/* Generated from the SQL files in db/ by mk/store-data.mk; do not edit. */'; \
	echo '#include "store/schema.h"'; \
	echo 'const struct store_migration store_migrations[] = {'; \
	for f in $(STORE_SQL); do \
		b=$${f##*/}; b=$${b%.sql}; n=$$(expr $${b%%_*} + 0); \
		printf '\t{ %d, "%s",\n' "$$n" "$$b"; \
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' "$$f"; \
		printf '\t},\n'; \
	done; \
	echo '};'; \
	echo 'const unsigned store_n_migrations = sizeof(store_migrations) / sizeof(store_migrations[0]);'; \
	} > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	$(quiet) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The data API's costs on a real encrypted store (figures, no assertions).
.PHONY: bench-store-data
bench: bench-store-data
bench-store-data: $(BUILD)/tools/store-data-bench
	@echo "== store data: autosave, a 5,000-interview queue, audit verify =="
	@$(BUILD)/tools/store-data-bench
