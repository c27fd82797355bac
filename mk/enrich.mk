# The runtime's own BPF program (pid -> mount-ns tracker), compiled at build
# time for the architecture $(CC) builds for and embedded in libgadget.a as
# a bpftool skeleton.
PIDMNTNS_OBJ  := $(O)/runtime/bpf/pidmntns.bpf.o
PIDMNTNS_SKEL := $(O)/runtime/bpf/pidmntns.skel.h

$(PIDMNTNS_OBJ): runtime/bpf/pidmntns.bpf.c bpf-headers/$(BPF_ARCH)/vmlinux.h
	@mkdir -p $(dir $@)
	$(CLANG) -target bpf -O2 -g -D__TARGET_ARCH_$(BPF_ARCH) -Ibpf-headers/$(BPF_ARCH) -Ibpf-headers -c $< -o $@

$(PIDMNTNS_SKEL): $(PIDMNTNS_OBJ)
	$(BPFTOOL) gen skeleton $< name pidmntns > $@.tmp && mv $@.tmp $@

$(O)/runtime/enrich_pid.o: $(PIDMNTNS_SKEL)
$(O)/runtime/enrich_pid.o: CFLAGS += -I$(O)/runtime/bpf
