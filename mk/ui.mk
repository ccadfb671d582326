# mk/ui.mk - the console's benchmark (issue 6).
#
#   make bench-ui   key press to finished screen update (dispatch, redraw,
#                   curses output) p50/p99 in the interview view with a
#                   200-member travelling group (goal p99 <= 16 ms), and
#                   start-up to the unlock prompt (goal < 50 ms).

.PHONY: bench-ui
bench: bench-ui

UI_BENCH := $(BUILD)/bench/ui-bench

$(UI_BENCH): $(BUILD)/tests/bench/ui_bench.o $(BUILD)/libsenda.a
	@mkdir -p $(dir $@)
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

bench-ui: $(UI_BENCH) $(BUILD)/senda
	@$(UI_BENCH)
	@tests/bench/ui_start.sh $(BUILD)/senda
