# The packet-filter witness: runtime/cbpf.c's eBPF against pcap_offline_filter()
# in the kernel (BPF_PROG_TEST_RUN), for tests/bats/packetfilter.bats.
PF_TESTRUN := $(O)/tests/tools/pf_testrun

all: $(PF_TESTRUN)
bats: $(PF_TESTRUN)
