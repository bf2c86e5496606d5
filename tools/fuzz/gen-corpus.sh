#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Seed corpus from the replay transcripts (the manuals' examples): each
# transcript with the 3 config bytes parser_fuzz.c expects, built from its
# .args, plus variants with other chunking seeds and a reset.
# Usage: gen-corpus.sh <tests dir> <corpus dir>
set -euo pipefail
src=$1
dst=$2
mkdir -p "$dst"
rm -f "$dst"/*
for in in "$src"/*.in; do
	base=${in%.in}
	name=$(basename "$base")
	args=$(cat "$base.args" 2>/dev/null || true)
	cfg=1
	case $args in *uc20*) cfg=2 ;; esac
	case $args in *--viewmode-comma*) cfg=$((cfg | 4)) ;; esac
	case $args in *--recv-hex*) cfg=$((cfg | 8)) ;; esac
	case $args in *--no-echo-filter*) cfg=$((cfg | 16)) ;; esac
	case $args in *--raw-on-connect*) cfg=$((cfg | 32)) ;; esac
	for v in "$cfg 1 0" "$cfg 77 0" "$((cfg | 64)) 5 41"; do
		read -r c s r <<< "$v"
		{ printf "\\x$(printf %02x "$c")\\x$(printf %02x "$s")\\x$(printf %02x "$r")"
		  cat "$in"; } > "$dst/$name-$c-$s"
	done
done
ls "$dst" | wc -l
