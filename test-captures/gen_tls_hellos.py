#!/usr/bin/env python3
"""gen_tls_hellos.py - write the seed corpus of tests/fuzz_tls.c: crafted TLS hellos.

Usage:  python3 test-captures/gen_tls_hellos.py [OUTDIR]   (default:
        tests/fuzz_corpus/tls/ in the source tree)

Deterministic and standard library only: re-running it rewrites the same
bytes. Each seed is one fuzz input: a mode byte, then data (see
tests/fuzz_tls.c). Mode 0x80 means "a client's or server's stream as it is";
a mode below 0x80 means "a hello body, which the target wraps in a handshake
header and records of (mode & 0x7f) bytes, 0 for one record". The hellos are
built the way tests/check_tls.c builds them: lengths filled in from what
follows, nothing copied from a capture.
"""

import os
import struct
import sys

RAW = 0x80
GREASE = [0x0A0A + 0x1010 * i for i in range(16)]


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def vec(width, data):
    """Length-prefixed vector: 1-, 2- or 3-byte big-endian length, then data."""
    return len(data).to_bytes(width, "big") + data


def ext(kind, data):
    return u16(kind) + vec(2, data)


def ext_sni(*names, types=None):
    types = types or [0] * len(names)
    entries = b"".join(u8(t) + vec(2, n) for t, n in zip(types, names))
    return ext(0, vec(2, entries))


def ext_alpn(*names):
    return ext(16, vec(2, b"".join(vec(1, n) for n in names)))


def ext_versions(*versions):
    return ext(43, vec(1, b"".join(u16(v) for v in versions)))


def client_body(exts, version=0x0303, sid=b"", suites=(0xC02F, 0x1301)):
    """ClientHello body (RFC 8446 4.1.2): random of 0x5a, null compression."""
    body = u16(version) + b"\x5a" * 32 + vec(1, sid)
    body += vec(2, b"".join(u16(s) for s in suites)) + b"\x01\x00"
    if exts is not None:
        body += vec(2, b"".join(exts))
    return body


def server_body(exts, version=0x0303, random=b"\x77" * 32, suite=0x1301):
    """ServerHello body (RFC 8446 4.1.3): session id echo of 32 x 0x33."""
    body = u16(version) + random + vec(1, b"\x33" * 32) + u16(suite) + b"\x00"
    if exts is not None:
        body += vec(2, b"".join(exts))
    return body


def records(hs_type, body, sizes=(), version=0x0301):
    """Handshake header + body cut into handshake records of the given sizes
    (the last record takes the rest)."""
    msg = u8(hs_type) + vec(3, body)
    out, done, i = b"", 0, 0
    while done < len(msg):
        n = sizes[i] if i < len(sizes) else len(msg) - done
        out += b"\x16" + u16(version) + u16(n) + msg[done:done + n]
        done += n
        i += 1
    return out


HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

REF = client_body([ext_sni(b"example.com"), ext_alpn(b"h2", b"http/1.1")])
TLS13 = client_body(
    [ext(GREASE[2], b""), ext_sni(b"public.example"), ext_alpn(b"\x1a\x1a", b"h2", b"http/1.1"),
     ext_versions(GREASE[5], 0x0304, 0x0303), ext(0xFE0D, b"\x00\x00\x01\x00\x01\x42\x00\x00"),
     ext(GREASE[9], b"\x00"), ext(41, b"\x00\x00\x00\x00")],
    sid=b"\x33" * 32, suites=(GREASE[3], 0x1301, 0x1302, 0xC02B))
SEVERAL = client_body([ext_sni(b"a.example", b"x", b"b.example", types=[0, 1, 0]),
                       ext(0xFFCE, b"\x00\x01\x02")])
SH12 = server_body([ext(0xFF01, b"\x00"), ext_alpn(b"h2")], suite=0xC02F)
SH13 = server_body([ext(51, b"\x00\x1d" + vec(2, b"\x42" * 32)), ext(43, u16(0x0304))])
HRR = server_body([ext(43, u16(0x0304)), ext(51, b"\x00\x1d")], random=HRR_RANDOM)
CERT = b"\x0b" + vec(3, b"\xcc" * 40)

SEEDS = {
    # streams as they are (mode 0x80)
    "ch_tls12_sni_alpn": u8(RAW) + records(1, REF),
    "ch_tls13_grease_ech_psk_3records": u8(RAW) + records(1, TLS13, sizes=(40, 100), version=0x0303),
    "ch_split_in_header": u8(RAW) + records(1, REF, sizes=(2,)),
    "ch_several_names_esni": u8(RAW) + records(1, SEVERAL),
    "ch_no_extensions": u8(RAW) + records(1, client_body(None, version=0x0301)),
    "sh_tls12_alpn_then_cert": u8(RAW) + b"\x16\x03\x03" + u16(4 + len(SH12) + len(CERT))
    + u8(2) + vec(3, SH12) + CERT,
    "sh_tls13": u8(RAW) + records(2, SH13, version=0x0303),
    "sh_hrr": u8(RAW) + records(2, HRR, version=0x0303),
    "sh_alert": u8(RAW) + b"\x15\x03\x03\x00\x02\x02\x28",
    "not_tls_http": u8(RAW) + b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    "ch_alpn_30_names": u8(RAW) + records(1, client_body(
        [ext_alpn(*[b"proto-%02d-abcdefgh" % i for i in range(30)])])),
    "ch_versions_20": u8(RAW) + records(1, client_body(
        [ext_versions(*[0x7F01 + i for i in range(18)], 0x0304, 0x0303)])),
    # hello bodies, wrapped by the target
    "body_tls13_one_record": u8(0) + TLS13,
    "body_tls13_records_of_7": u8(7) + TLS13,
    "body_ref_records_of_1": u8(1) + REF,
    "body_sh13": u8(0) + SH13,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "fuzz_corpus", "tls")
    os.makedirs(outdir, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print(f"gen_tls_hellos: {len(SEEDS)} seeds in {outdir}")


if __name__ == "__main__":
    main()
