# The x86_64 syscall-name table for gadget_syscall fields, generated from the
# kernel headers Debian ships (linux-libc-dev), so it is never stale by hand.
SYSCALL_HDR := /usr/include/x86_64-linux-gnu/asm/unistd_64.h
$(O)/gen/syscall_names.h: $(SYSCALL_HDR)
	@mkdir -p $(dir $@)
	awk '$$1 == "#define" && $$2 ~ /^__NR_/ { n = $$2; sub(/^__NR_/, "", n); printf "\t[%d] = \"%s\",\n", $$3, n }' $< > $@.tmp && mv $@.tmp $@
$(O)/runtime/format.o: $(O)/gen/syscall_names.h
$(O)/runtime/format.o: CFLAGS += -I$(O)/gen
