# mk/form.mk - the form engine's benchmark and fuzzers.
#
#   make bench-form   lint time of forms/intake.ini, and p50/p99 of "set one
#                     answer and recompute" with a 200-member group (part of
#                     `make bench`; exits non-zero when p99 > 2 ms)
#   make fuzz-form    libFuzzer (clang) on the form parser and on the
#                     expression parser, seeded from forms/ and
#                     tests/forms/bad/ (part of `make fuzz`); each runs
#                     FUZZ_TIME seconds (default 60) under nice; crashes are
#                     left in $(BUILD)/fuzz/ as crash-* files.

.PHONY: bench-form fuzz-form
bench: bench-form
fuzz: fuzz-form

FORM_BENCH := $(BUILD)/bench/form-bench

$(FORM_BENCH): $(BUILD)/tests/bench/form_bench.o $(BUILD)/libsenda.a
	@mkdir -p $(dir $@)
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

bench-form: $(FORM_BENCH)
	@$(FORM_BENCH) forms/intake.ini members

# The fuzzers compile the engine and what it needs (INI reader, util) with
# clang's coverage instrumentation; the rest of libsenda is not involved.
FUZZ_TIME ?= 60
FUZZ_DIR := $(BUILD)/fuzz
FORM_FUZZ_LIB := $(wildcard src/form/*.c) src/ini/ini.c $(wildcard src/util/*.c)
FORM_FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -Isrc -I/usr/include/iniparser \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FORM_FUZZ_LIB) $(wildcard src/form/*.h)
	@mkdir -p $(dir $@)
	$(quiet) FUZZCC $@
	$(Q)clang $(FORM_FUZZ_CFLAGS) -o $@ $< $(FORM_FUZZ_LIB) -liniparser -lm

fuzz-form: $(FUZZ_DIR)/fuzz_form $(FUZZ_DIR)/fuzz_expr
	@mkdir -p $(FUZZ_DIR)/corpus-form $(FUZZ_DIR)/corpus-expr
	@cp forms/*.ini tests/forms/bad/*.ini $(FUZZ_DIR)/corpus-form/
	@i=0; grep -hE '^(relevant|constraint|warning|calculation|choice_filter|when|urgency) *= *"' \
		forms/*.ini tests/forms/bad/*.ini | sed -e 's/^[^"]*"//' -e 's/"$$//' | \
	while IFS= read -r line; do i=$$((i + 1)); printf '%s' "$$line" > $(FUZZ_DIR)/corpus-expr/seed-$$i; done
	nice -n 19 $(FUZZ_DIR)/fuzz_form -max_total_time=$(FUZZ_TIME) -max_len=16384 -timeout=60 \
		-artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1 $(FUZZ_DIR)/corpus-form
	nice -n 19 $(FUZZ_DIR)/fuzz_expr -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=60 \
		-artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1 $(FUZZ_DIR)/corpus-expr
