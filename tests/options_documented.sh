#!/bin/sh
# options_documented.sh - every option is documented everywhere: the long
# options --help lists, the ones main.c's getopt table accepts, the README's
# option table and the man page's OPTIONS section must name the same set,
# and the man page's EXAMPLES must hold the command lines --help ends with.
# Generic on purpose: a new option fails here until all three name it.
set -u
: "${TCPSCOPE:?}"
: "${TOP_SRCDIR:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

readme=$TOP_SRCDIR/README.md
man=$TOP_SRCDIR/man/tcpscope.1
main_c=$TOP_SRCDIR/src/main.c

"$TCPSCOPE" --help >"$T/help" 2>&1 || { fail "--help exits non-zero"; cat "$T/help"; }

# --help: the option lines (before "Examples:"), and the usage line.
sed '/^Examples:/,$d' "$T/help" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/help.opts"
# main.c: {"name", no_argument|required_argument|optional_argument, ...}
grep -o '{"[a-z][a-z0-9-]*", *[a-z_]*_argument' "$main_c" | sed 's/{"\([^"]*\)".*/--\1/' | sort -u >"$T/getopt.opts"
# README: the rows of the table under "## Usage" (lines starting with "| `").
sed -n '/^## Usage/,/^## /p' "$readme" | grep '^| `' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/readme.opts"
# man page: the tags of the OPTIONS section (.B/.BR/.BI lines right after .TP), man's \- unescaped.
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$man" | sed -n '/^\.TP/{n;p;}' | sed 's/\\-/-/g' |
	grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.opts"

for f in help getopt readme man; do
	[ -s "$T/$f.opts" ] || fail "no long options found in $f (has its layout changed?)"
done
cat "$T"/*.opts | sort -u >"$T/all.opts"
while read -r opt; do
	for f in help getopt readme man; do
		grep -qx -- "$opt" "$T/$f.opts" || fail "$opt is missing from $(
			case $f in help) echo "--help" ;; getopt) echo "main.c's option table (the binary does not accept it)" ;;
				readme) echo "README.md's option table" ;; man) echo "the man page's OPTIONS" ;; esac)"
	done
done <"$T/all.opts"
echo "ok   $(wc -l <"$T/all.opts") long options checked: $(tr '\n' ' ' <"$T/all.opts")"

# The examples: each command line after "Examples:" in --help (its "# ..." note
# dropped) is a line of the man page's EXAMPLES, with man's escapes undone.
sed -n '/^Examples:/,$p' "$T/help" | sed '1d; s/^  //; s/  *#.*$//; s/ *$//' | grep . >"$T/help.examples"
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$man" | sed -n '/^\.EX/,/^\.EE/p' | grep -v '^\.E[XE]' |
	sed 's/\\-/-/g; s/\\(aq/'"'"'/g; s/\\(dq/"/g; s/\\e/\\/g' >"$T/man.examples"
[ "$(wc -l <"$T/help.examples")" -ge 5 ] || fail "--help ends with fewer than five examples"
while IFS= read -r ex; do
	grep -qxF -- "$ex" "$T/man.examples" || fail "--help example not in the man page's EXAMPLES: $ex"
done <"$T/help.examples"
while IFS= read -r ex; do
	grep -qxF -- "$ex" "$T/help.examples" || fail "man page example not in --help: $ex"
done <"$T/man.examples"
echo "ok   $(wc -l <"$T/help.examples") examples in --help and the man page"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
