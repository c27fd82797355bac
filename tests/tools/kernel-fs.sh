#!/usr/bin/env bash
# Mount what the tests need from the kernel, where it is not mounted yet:
# bpffs (pinning), tracefs (tracepoint ids for libbpf), debugfs (older
# libbpf looks for tracing there).  Used by `make unit`, `make bats` and
# the bats helpers; a no-op on a machine that has them all.
set -eu
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
if [ ! -e /sys/kernel/tracing/events ]; then
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
fi
if [ ! -e /sys/kernel/debug/tracing ] && ! mountpoint -q /sys/kernel/debug; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
fi
