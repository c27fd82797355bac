# gadget: build, package, sign, ship and run eBPF gadgets.
#
#   make            build ./build/gadget
#   make deps       install the Debian packages the project needs
#   make test       deps, build, unit tests (cmocka), end-to-end tests (bats),
#                   then make sanitize
#   make sanitize   unit tests and the bats tests tagged "sanitize" on an
#                   ASan+UBSan build (a few minutes)
#   make bench      benchmarks (ratios against peers and limits)
#   make gadgets    build the whole catalogue in gadgets/
#   make fuzz       run every fuzz target for a bounded time
#   make arm64      cross-build build-arm64/gadget
#   make vmtest     every program type and the VM tests in qemu guests
#                   (Debian's 6.1 kernels, amd64 and arm64; mk/vm.mk)
#   make install    PREFIX=/usr/local DESTDIR=

VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/gadget
O          ?= build

CC         ?= cc
# The architecture $(CC) builds for (make arm64 cross-builds): which
# bpf-headers/ folder the runtime's own BPF program is compiled against.
BPF_ARCH   := $(if $(filter aarch64-%,$(shell $(CC) -dumpmachine)),arm64,x86)
CLANG      ?= clang
BPFTOOL    ?= bpftool
OPTFLAGS   ?= -O2 -g
SANFLAGS   ?=
WERROR     ?= -Werror
CFLAGS     += $(OPTFLAGS) $(SANFLAGS) -std=gnu11 -Wall -Wextra $(WERROR) -Wno-missing-field-initializers \
              -D_GNU_SOURCE -I. -MMD -MP \
              -DGADGET_VERSION='"$(VERSION)"' -DGADGET_DATADIR='"$(DATADIR)"'
LDFLAGS    += $(SANFLAGS)
# libcurl, libarchive, libmicrohttpd and libpcap are dlopen()ed on first use
# (base/lazylib.c): not linked, so no command pays for loading them early.
LDLIBS     += -lbpf -lelf -ljansson -lyaml -lcrypto -ldl -lpthread -lm

STAGES     := base info compiler validator packager runtime
LIB_SRCS   := $(sort $(wildcard $(addsuffix /*.c,$(STAGES))))
CLI_SRCS   := $(sort $(wildcard cli/*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(O)/%.o)
CLI_OBJS   := $(CLI_SRCS:%.c=$(O)/%.o)
LIB        := $(O)/libgadget.a
GADGET     := $(O)/gadget

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:%.c=$(O)/%)

DEB_PACKAGES := clang llvm libbpf-dev libelf-dev libarchive-dev libjansson-dev libyaml-dev \
                libcurl4-openssl-dev libssl-dev libmicrohttpd-dev libpcap-dev libcmocka-dev pkg-config \
                bats bats-support bats-assert bpftool libbpf-tools skopeo docker-registry \
                prometheus openssl python3 iproute2 util-linux procps curl hyperfine jq bc valgrind \
                strace man-db groff-base python3-yaml

.PHONY: all deps test unit bats sanitize bench gadgets fuzz install man completion clean vmlinux check-root

all: $(GADGET)

$(GADGET): $(CLI_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(O)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka $(LDFLAGS)

# The C test tools (mk/packager.mk's pack_obj, mk/pfilter.mk's pf_testrun).
$(O)/tests/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS) $(LDFLAGS)

# Install what is missing, say nothing when everything is there.  The
# :arm64 packages (make arm64, the arm64 guest) need dpkg to know arm64.
deps:
	@if ! dpkg --print-foreign-architectures | grep -qx arm64; then \
		echo "make deps: dpkg --add-architecture arm64"; \
		dpkg --add-architecture arm64 && apt-get update -qq >/dev/null || exit 1; \
	fi
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq >/dev/null && apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi

unit: $(UNIT_BINS)
	@tests/tools/kernel-fs.sh
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

bats: $(GADGET)
	GADGET=$(abspath $(GADGET)) GADGET_SRC=$(CURDIR) tests/run-bats.sh

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) bats
	$(MAKE) sanitize

# ASan+UBSan build in its own output folder; the bats files tagged
# "sanitize" are the representative end-to-end part.
sanitize: deps
	$(MAKE) O=build-san SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" OPTFLAGS="-O1 -g" all unit
	GADGET=$(abspath build-san/gadget) GADGET_SRC=$(CURDIR) \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/run-bats.sh --filter-tags sanitize tests/bats

# Man pages and completion scripts come from the binary's option tables
# (gadget help --man, gadget completion): $(O)/man/*.1, $(O)/completion/.
MANDIR     ?= $(PREFIX)/share/man
man: $(GADGET)
	@mkdir -p $(O)/man
	$(GADGET) help --man > $(O)/man/gadget.1
	for c in $$($(GADGET) __complete commands); do \
		$(GADGET) help --man $$c > $(O)/man/gadget-$$c.1 || exit 1; done

completion: $(GADGET)
	@mkdir -p $(O)/completion
	$(GADGET) completion bash > $(O)/completion/gadget.bash
	$(GADGET) completion zsh > $(O)/completion/_gadget
	$(GADGET) completion fish > $(O)/completion/gadget.fish

install: $(GADGET) man completion
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(GADGET) $(DESTDIR)$(BINDIR)/gadget
	cp -r bpf-headers templates $(DESTDIR)$(DATADIR)/
	install -m 0644 $(O)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(O)/completion/gadget.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/gadget
	install -m 0644 $(O)/completion/_gadget $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_gadget
	install -m 0644 $(O)/completion/gadget.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/gadget.fish

# Regenerate the committed vmlinux.h from this machine's kernel BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > bpf-headers/x86/vmlinux.h

clean:
	rm -rf build build-san

-include mk/*.mk
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

# Each bench/*.sh prints one table of ratios measured side by side
# (first_attach.sh times the catalogue's objects: they are built first).
bench: $(GADGET) gadgets
	@for b in bench/*.sh; do [ -e "$$b" ] || continue; echo "== $$b"; GADGET=$(abspath $(GADGET)) GADGET_SRC=$(CURDIR) bash "$$b" || exit 1; done
