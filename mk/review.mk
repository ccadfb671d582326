# mk/review.mk - the supervisor review queue's benchmark (issue 8).
#
#   make bench-review  5,000 interviews in an encrypted store: open the
#                      queue, filter, next (key + redraw) and one decision;
#                      median of several rounds each, goal < 50 ms (part of
#                      `make bench`; exits non-zero when a median is over).

.PHONY: bench-review
bench: bench-review

REVIEW_BENCH := $(BUILD)/bench/review-bench

$(REVIEW_BENCH): $(BUILD)/tests/bench/review_bench.o $(BUILD)/libsenda.a
	@mkdir -p $(dir $@)
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

bench-review: $(REVIEW_BENCH)
	@$(REVIEW_BENCH)
