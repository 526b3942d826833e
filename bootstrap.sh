#!/bin/sh
# bootstrap.sh - install what tcpscope needs on Debian (when missing), then
# autoreconf, configure and build. Extra arguments go to ./configure.
#   ./bootstrap.sh                    build ./tcpscope
#   ./bootstrap.sh --enable-asan      build with AddressSanitizer + UBSan
set -eu
cd "$(dirname "$0")"

# Build tools and libraries, then what the test suite uses: tshark as the
# oracle, tcptrace as the RTT oracle, python3 for the comparisons,
# iproute2 + curl for the live test; the decompressors' libraries, and their
# command-line tools for the compressed-input test; python3-jsonschema for
# tests/schema.sh; rsvg-convert renders the plots in their test.
PACKAGES="build-essential autoconf automake pkg-config libpcap-dev libncurses-dev
  check uthash-dev tshark tcptrace python3 iproute2 curl tcpdump time
  zlib1g-dev libzstd-dev liblz4-dev liblzma-dev gzip zstd lz4 xz-utils
  python3-jsonschema librsvg2-bin"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bootstrap: installing:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		SUDO=sudo
	else
		SUDO=
	fi
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

autoreconf -fi
./configure "$@"
make -j"$(nproc)"
