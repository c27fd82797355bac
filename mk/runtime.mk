# The x86_64 syscall-name table for gadget_syscall fields, generated from the
# kernel headers Debian ships (linux-libc-dev), so it is never stale by hand.
SYSCALL_HDR := /usr/include/x86_64-linux-gnu/asm/unistd_64.h
# runtime/syscall_names_extra.txt adds the syscalls newer than those headers.
SYSCALL_EXTRA := runtime/syscall_names_extra.txt
$(O)/gen/syscall_names.h: $(SYSCALL_HDR) $(SYSCALL_EXTRA)
	@mkdir -p $(dir $@)
	awk 'FILENAME == "$(SYSCALL_HDR)" && $$1 == "#define" && $$2 ~ /^__NR_/ { n = $$2; sub(/^__NR_/, "", n); name[$$3] = n } \
	     FILENAME == "$(SYSCALL_EXTRA)" && $$1 ~ /^[0-9]+$$/ && !($$1 in name) { name[$$1] = $$2 } \
	     END { for (nr in name) printf "\t[%d] = \"%s\",\n", nr, name[nr] }' $(SYSCALL_HDR) $(SYSCALL_EXTRA) | sort -t [ -k 2n > $@.tmp && mv $@.tmp $@
$(O)/runtime/format.o: $(O)/gen/syscall_names.h
$(O)/runtime/format.o: CFLAGS += -I$(O)/gen
