# SPDX-License-Identifier: GPL-2.0
# Shared settings for qtcpip's shell tools. Source it; do not run it.

QTCPIP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Kernels, debug builds and extracted headers survive fresh clones here.
QTCPIP_CACHE=${QTCPIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qtcpip}
QTCPIP_BUILD=${QTCPIP_BUILD:-$QTCPIP_TOP/build}
mkdir -p "$QTCPIP_CACHE" "$QTCPIP_BUILD"

qt_log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
qt_die() { qt_log "error: $*"; exit 1; }
