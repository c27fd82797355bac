# The packet-filter witness: runtime/cbpf.c's eBPF against pcap_offline_filter()
# in the kernel (BPF_PROG_TEST_RUN), for tests/bats/packetfilter.bats.
PF_TESTRUN := $(O)/tests/tools/pf_testrun

$(PF_TESTRUN): tests/tools/pf_testrun.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS) $(LDFLAGS)

all: $(PF_TESTRUN)
bats: $(PF_TESTRUN)
