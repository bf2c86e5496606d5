#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS as a user runs it, on the host, as root: "make dkms-add" (the
# sources to /usr/src/qtcpip-<version>, dkms add), "dkms build" and "dkms
# install" for each installed Debian kernel (-k: the host runs another
# one), check the installed module with modinfo, then "dkms remove" and
# check that nothing of qtcpip is left in the DKMS tree or /lib/modules.
#
# It leaves a machine where qtcpip is already registered with DKMS alone
# (SKIP), so the source copy dkms makes under /usr/src is ours to delete.
set -u
. "$(dirname "$0")/../../tools/lib/common.sh"
. "$QTCPIP_TOP/selftests/lib/tap.sh"
cd "$QTCPIP_TOP" || exit 1

conf_val() { sed -n "s/^$1=\"\\(.*\\)\"\$/\\1/p" dkms.conf; }
name=$(conf_val PACKAGE_NAME)
ver=$(conf_val PACKAGE_VERSION)
src=/usr/src/$name-$ver
log=$QTCPIP_BUILD/dkms.log
: > "$log"

# Debian's kernels: headers trees (what -k builds against) with modules.
kvers=()
for h in /usr/src/linux-headers-*-amd64; do
	k=${h#/usr/src/linux-headers-}
	[ -d "/lib/modules/$k/kernel" ] && kvers+=("$k")
done

tap_plan $((4 + 3 * ${#kvers[@]}))
why=
if [ "$(id -u)" != 0 ]; then
	why="needs root"
elif ! command -v dkms > /dev/null; then
	why="dkms is not installed (tools/setup.sh installs it)"
elif [ -n "$(dkms status "$name" 2>/dev/null)" ] || [ -e "$src" ]; then
	why="$name is already registered with DKMS or $src exists: left alone"
fi
if [ -n "$why" ]; then
	for i in $(seq $((4 + 3 * ${#kvers[@]}))); do skip "dkms: $why"; done
	exit 0
fi

# run <command...>: log the command and its output; show the last lines
# if it fails.
run() {
	echo "+ $*" >> "$log"
	"$@" >> "$log" 2>&1 && return 0
	tail -n 25 "$log" | sed 's/^/#   /'
	return 1
}

cleanup() {
	dkms remove "$name/$ver" --all > /dev/null 2>&1
	rm -rf "$src"
}
trap cleanup EXIT

check "dkms.conf names $name $ver and both Debian kernels have headers" \
	test "$name" = qtcpip -a -n "$ver" -a "${#kvers[@]}" -ge 2

# make dkms-add, as the documentation has it: the sources Kbuild reads
# go to $src, and dkms add registers them.
check "make dkms-add registers $name/$ver from $src" \
	eval 'run make -s dkms-add && [ -f "$src/dkms.conf" ] && [ ! -e "$src/build" ] &&
	      dkms status "$name/$ver" | grep -q added'

for k in "${kvers[@]}"; do
	t0=$(date +%s)
	check "dkms build -k $k" run dkms build "$name/$ver" -k "$k"
	diag "built for $k in $(( $(date +%s) - t0 ))s"
	check "dkms install -k $k" run dkms install "$name/$ver" -k "$k"
	# modinfo resolves the name through depmod's index, as modprobe does.
	file=$(modinfo -k "$k" -F filename "$name" 2>/dev/null)
	vermagic=$(modinfo -k "$k" -F vermagic "$name" 2>/dev/null)
	modname=$(modinfo -k "$k" -F name "$name" 2>/dev/null)
	diag "$k: $file: name '$modname', vermagic '$vermagic'"
	case $file in
	/lib/modules/"$k"/updates/dkms/"$name".ko*) f_ok=1 ;;
	*) f_ok= ;;
	esac
	check "$k: modprobe finds $name in updates/dkms, vermagic $k" \
		test -n "$f_ok" -a "$modname" = "$name" -a "${vermagic%% *}" = "$k"
done

check "dkms remove $name/$ver --all" run dkms remove "$name/$ver" --all
rm -rf "$src"
left=$(find /var/lib/dkms/"$name" /lib/modules/*/updates \
	    -name "$name*" 2>/dev/null; [ -e "/var/lib/dkms/$name" ] && echo "/var/lib/dkms/$name")
for k in "${kvers[@]}"; do
	modinfo -k "$k" "$name" > /dev/null 2>&1 && left="$left modinfo-k-$k"
done
[ -z "$left" ] || diag "left behind: $left"
check "nothing of $name left (DKMS tree, /lib/modules, depmod index)" test -z "$left"
trap - EXIT
tap_done
