#!/usr/bin/env python3
"""pcap_variants.py - classic pcap files that exercise every rule of a pcap reader.

Usage: pcap_variants.py SOURCE.pcap OUTDIR

From SOURCE (a little-endian microsecond classic pcap) writes into OUTDIR the
same records as:
  le_us.pcap, be_us.pcap, le_ns.pcap, be_ns.pcap   both byte orders, both magics
  cut_in_header.pcap    the last record's 16-byte header cut after 7 bytes
  cut_in_data.pcap      the last record's data cut 5 bytes short
  snaplen_100.pcap      file snaplen 100: longer records exceed it (libpcap cuts them)
  absurd_caplen.pcap    the 5th record claims 300000 captured bytes (over libpcap's 262144)
  bogus_fraction.pcap   the 3rd record's fraction is 0xfffffff0 (negative as a signed value)
  clock_jump.pcap       the 4th record stamped two days later (a clock fault)
  version_2_2.pcap      version 2.2 (caplen and len swapped, as libpcap expects)
  empty_records.pcap    the file header only
Only the file header and record headers change; packet bytes are copied.
"""
import os
import struct
import sys


def read_records(path):
    data = open(path, "rb").read()
    magic, = struct.unpack("<I", data[:4])
    if magic != 0xA1B2C3D4:
        sys.exit("pcap_variants: %s: want a little-endian microsecond pcap" % path)
    snaplen, linktype = struct.unpack("<II", data[16:24])
    records, off = [], 24
    while off + 16 <= len(data):
        sec, usec, caplen, wirelen = struct.unpack("<IIII", data[off:off + 16])
        records.append([sec, usec, caplen, wirelen, data[off + 16:off + 16 + caplen]])
        off += 16 + caplen
    return snaplen, linktype, records


def write(path, records, order="<", nano=False, snaplen=262144, linktype=1, version=(2, 4),
          tail=b""):
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    with open(path, "wb") as f:
        f.write(struct.pack(order + "IHHiIII", magic, version[0], version[1], 0, 0, snaplen, linktype))
        for sec, frac, caplen, wirelen, payload in records:
            if nano and frac < 1000000:
                frac *= 1000
            if version < (2, 3):
                caplen, wirelen = wirelen, caplen
            f.write(struct.pack(order + "IIII", sec, frac, caplen, wirelen))
            f.write(payload)
        f.write(tail)


def main():
    src, out = sys.argv[1], sys.argv[2]
    snaplen, linktype, recs = read_records(src)
    if len(recs) < 6:
        sys.exit("pcap_variants: %s: want at least 6 records" % src)
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    kw = dict(snaplen=snaplen, linktype=linktype)
    write(p("le_us.pcap"), recs, "<", False, **kw)
    write(p("be_us.pcap"), recs, ">", False, **kw)
    write(p("le_ns.pcap"), recs, "<", True, **kw)
    write(p("be_ns.pcap"), recs, ">", True, **kw)

    last = recs[-1]
    head = struct.pack("<IIII", *last[:4])
    write(p("cut_in_header.pcap"), recs[:-1], tail=head[:7], **kw)
    write(p("cut_in_data.pcap"), recs[:-1], tail=head + last[4][:-5], **kw)

    write(p("snaplen_100.pcap"), recs, snaplen=100, linktype=linktype)

    absurd = [r[:] for r in recs]
    absurd[4][2] = 300000  # claims more than the data that follows
    write(p("absurd_caplen.pcap"), absurd, **kw)

    bogus = [r[:] for r in recs]
    bogus[2][1] = 0xFFFFFFF0
    write(p("bogus_fraction.pcap"), bogus, **kw)

    jump = [r[:] for r in recs]
    jump[3][0] += 2 * 86400
    write(p("clock_jump.pcap"), jump, **kw)

    write(p("version_2_2.pcap"), recs, version=(2, 2), **kw)
    write(p("empty_records.pcap"), [], **kw)


if __name__ == "__main__":
    main()
