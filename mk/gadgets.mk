# make gadgets: build the whole catalogue (gadgets/*/) with our own
# `gadget build`, one object each in $(GADGETS_OUT)/NAME.o, in parallel
# (GADGETS_JOBS at once, default one per CPU), and say which failed.  The
# objects never land in the source tree.  The first build that can use the
# precompiled header starts making it; the builds after it use it.
# GADGET_BUILD_FLAGS=-v puts each build's decisions in its NAME.log.
CATALOGUE    := $(sort $(patsubst gadgets/%/,%,$(dir $(wildcard gadgets/*/gadget.json))))
GADGETS_OUT  ?= $(O)/gadgets
GADGETS_JOBS ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
GADGET_BUILD_FLAGS ?=
GADGET_TARGETS := $(CATALOGUE:%=gadget-%)

.PHONY: $(GADGET_TARGETS)

# -k: every gadget is tried, and the run fails if one did.  Under `make -jN`
# the builds share that make's job slots instead.
gadgets: $(GADGET)
	@mkdir -p $(GADGETS_OUT)
	@$(MAKE) --no-print-directory -k $(if $(filter --jobserver%,$(MAKEFLAGS)),,-j$(GADGETS_JOBS)) \
		$(GADGET_TARGETS)

$(GADGET_TARGETS): gadget-%:
	@if $(GADGET) build gadgets/$* $(GADGET_BUILD_FLAGS) -o $(GADGETS_OUT)/$*.o >$(GADGETS_OUT)/$*.log 2>&1; then \
		printf '%-28s ok\n' $*; \
	else printf '%-28s FAILED\n' $*; cat $(GADGETS_OUT)/$*.log; exit 1; fi
