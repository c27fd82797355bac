# The syscall-name table for gadget_syscall fields, for the architecture
# $(CC) builds for (the runtime prints the numbers of the machine it runs
# on), generated from the kernel headers Debian ships (linux-libc-dev, and
# linux-libc-dev:arm64 for make arm64) so it is never stale by hand.  The
# preprocessor resolves what arm64's asm-generic/unistd.h defines through
# other macros (__NR_fcntl -> __NR3264_fcntl -> 25).
# runtime/syscall_names_extra.txt adds the syscalls newer than those headers
# (numbers from 424 on are the same on every architecture).
SYSCALL_EXTRA := runtime/syscall_names_extra.txt
$(O)/gen/syscall_names.h: $(SYSCALL_EXTRA)
	@mkdir -p $(dir $@)
	$(CC) -dM -E -include asm/unistd.h -x c /dev/null | \
	awk 'FILENAME == "-" && $$1 == "#define" { def[$$2] = $$3 } \
	     FILENAME == "$(SYSCALL_EXTRA)" && $$1 ~ /^[0-9]+$$/ { extra[$$1] = $$2 } \
	     END { for (d in def) { if (d !~ /^__NR_/ || d == "__NR_syscalls") continue; \
	             v = def[d]; for (i = 0; i < 8 && (v in def); i++) v = def[v]; \
	             if (v ~ /^[0-9]+$$/) name[v] = substr(d, 6) } \
	           for (nr in extra) if (!(nr in name)) name[nr] = extra[nr]; \
	           for (nr in name) printf "\t[%d] = \"%s\",\n", nr, name[nr] }' - $(SYSCALL_EXTRA) | sort -t [ -k 2n > $@.tmp && mv $@.tmp $@
$(O)/runtime/format.o: $(O)/gen/syscall_names.h
$(O)/runtime/format.o: CFLAGS += -I$(O)/gen
