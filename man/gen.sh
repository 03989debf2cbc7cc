#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the man pages from man/*.8.in and the programs' own help, so a
# page lists every command and option the binary has:
#   @COMMANDS@  hyperctl: every page of `hyperctl help CMD SUB`
#   @OPTIONS@   hyperiond: `hyperiond --help`
#   @VERSION@   the version
# Usage: man/gen.sh BUILD_DIR OUT_DIR VERSION
set -eu
build=$1 out=$2 version=$3
src=$(dirname "$0")
mkdir -p "$out"

# literal text for roff: backslashes, and lines starting with . or '
roff_text() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\([.']\)/\\\\\&\1/"; }

commands() {
	"$build/hyperctl" help | sed -n '/^Commands:/,/^$/p' | awk -F '  +' 'NF > 2 {print $2}' |
		while read -r verb; do
			# shellcheck disable=SC2086
			printf '.SS "%s"\n.nf\n' "hyperctl $verb"
			"$build/hyperctl" help $verb | roff_text
			printf '.fi\n'
		done
}

fill() { # IN OUT: replaces the markers
	local in=$1 outf=$2 tmp
	tmp=$(mktemp)
	while IFS= read -r line; do
		case $line in
		@COMMANDS@) commands ;;
		@OPTIONS@) printf '.nf\n'; "$build/hyperiond" --help | roff_text; printf '.fi\n' ;;
		*) printf '%s\n' "${line//@VERSION@/$version}" ;;
		esac
	done <"$in" >"$tmp"
	mv "$tmp" "$outf"
}

for page in "$src"/*.8.in; do
	fill "$page" "$out/$(basename "$page" .in)"
done
