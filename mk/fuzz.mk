# make fuzz: every tests/fuzz/fuzz_*.c target, libFuzzer + ASan + UBSan,
# FUZZ_SECONDS each, from the seed corpus in tests/fuzz/corpus/<name>/
# (copied, so runs never rewrite the committed seeds).  Crashes land in
# build-fuzz/crashes/<name>/ and fail the run.
FUZZ_O       := build-fuzz
FUZZ_SECONDS ?= 30
FUZZ_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_O)/fuzz/%)

.PHONY: fuzz fuzz-build
fuzz-build:
	$(MAKE) O=$(FUZZ_O) CC=clang WERROR= OPTFLAGS="-O1 -g" \
		SANFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" $(FUZZ_O)/libgadget.a
	@mkdir -p $(FUZZ_O)/fuzz
	@for s in $(FUZZ_SRCS); do n=$$(basename $$s .c); \
		clang -O1 -g -I. -D_GNU_SOURCE $(FUZZ_FLAGS) -fsanitize=fuzzer $$s $(FUZZ_O)/libgadget.a \
			$(LDLIBS) -o $(FUZZ_O)/fuzz/$$n || exit 1; done

fuzz: fuzz-build
	@fail=0; printf '%-24s %12s %8s\n' target executions crashes; \
	for s in $(FUZZ_SRCS); do n=$$(basename $$s .c); c=$${n#fuzz_}; \
		mkdir -p $(FUZZ_O)/corpus/$$c $(FUZZ_O)/crashes/$$c; \
		cp -n tests/fuzz/corpus/$$c/* $(FUZZ_O)/corpus/$$c/ 2>/dev/null; \
		$(FUZZ_O)/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
			-artifact_prefix=$(FUZZ_O)/crashes/$$c/ $(FUZZ_O)/corpus/$$c \
			> $(FUZZ_O)/$$n.log 2>&1; rc=$$?; \
		execs=$$(grep -o 'stat::number_of_executed_units: *[0-9]*' $(FUZZ_O)/$$n.log | grep -o '[0-9]*$$'); \
		[ -n "$$execs" ] || execs=$$(grep -Eo '#[0-9]+' $(FUZZ_O)/$$n.log | tail -1 | tr -d '#'); \
		crashes=$$(ls $(FUZZ_O)/crashes/$$c | wc -l); \
		printf '%-24s %12s %8s\n' $$n "$$execs" $$crashes; \
		[ $$rc -eq 0 ] && [ $$crashes -eq 0 ] || { fail=1; tail -30 $(FUZZ_O)/$$n.log; }; \
	done; exit $$fail

# The same targets as plain programs (tests/fuzz/replay.c is their main),
# built with the project's compiler and flags: `make unit` (and so `make
# sanitize`, on the ASan+UBSan build) replays every regression input and
# every seed through the harness that found it.
FUZZ_REPLAY := $(FUZZ_SRCS:%.c=$(O)/%)

$(O)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS) $(LDFLAGS)

.PHONY: fuzz-replay
fuzz-replay: $(FUZZ_REPLAY)
	@fail=0; for b in $(FUZZ_REPLAY); do n=$$(basename $$b); c=$${n#fuzz_}; \
		$$b tests/fuzz/regressions/$$c tests/fuzz/corpus/$$c || fail=1; done; exit $$fail

unit: fuzz-replay
