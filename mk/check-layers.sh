#!/bin/sh
# check-layers.sh DIR:ALLOWED,ALLOWED ...: every #include "X/..." of DIR's
# sources names DIR itself or one of the folders it builds on (mk/layers.mk).
fail=0
for spec in "$@"; do
	dir=${spec%%:*}
	allowed=" $dir $(echo "${spec#*:}" | tr , ' ') "
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -e "$f" ] || continue
		for inc in $(sed -n 's|^#include "\([a-z_]*\)/.*|\1|p' "$f" | sort -u); do
			case "$allowed" in
			*" $inc "*) ;;
			*) echo "$f: includes $inc/, which $dir/ does not build on (mk/layers.mk)" >&2
			   fail=1 ;;
			esac
		done
	done
done
exit $fail
