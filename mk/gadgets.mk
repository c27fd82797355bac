# make gadgets: build the whole catalogue (gadgets/*/) with our own
# `gadget build`, one object each in $(O)/gadgets/NAME.o, and say which
# failed.  The objects never land in the source tree.
CATALOGUE := $(sort $(patsubst gadgets/%/,%,$(dir $(wildcard gadgets/*/gadget.json))))

gadgets: $(GADGET)
	@mkdir -p $(O)/gadgets
	@fail=0; for g in $(CATALOGUE); do \
		if $(GADGET) build gadgets/$$g -o $(O)/gadgets/$$g.o >$(O)/gadgets/$$g.log 2>&1; then \
			printf '%-28s ok\n' $$g; \
		else printf '%-28s FAILED\n' $$g; cat $(O)/gadgets/$$g.log; fail=1; fi; \
	done; exit $$fail
