#!/usr/bin/env python3
"""csv_load.py - tcpscope's CSV loads as a plain RFC 4180 table.

Usage: csv_load.py TCPSCOPE CAPTURE...

For each capture: runs tcpscope -F json and -F csv (with and without
--summary FILE) and checks that
  - Python's csv module reads a header and exactly one row per connection
    record of the JSON output (same ids, in the same order), every row
    with as many fields as the header, one physical line each (LF ends, no
    CR anywhere: the CR and LF of names from the wire are escaped);
  - each row has the JSON record's values: id, addresses and ports,
    end_reason, state, per-direction packets, bytes, payload_bytes,
    retransmissions and retransmitted_bytes, tls_sni, tls_alpn, http_method,
    http_host, http_path, diagnoses (strings from the wire compared after
    the escaping the README documents);
  - without --summary the CSV's stdout is the table alone and the summary
    is on stderr in words; with --summary FILE, FILE is one JSON object with
    "type":"summary" whose connections count equals the rows, and the same
    object as the JSON report's summary line, and stderr has no summary;
  - JSON keeps its "type":"summary" line last without --summary, and has none
    with --summary FILE (the object goes to FILE);
  - pandas.read_csv (when pandas is installed) and DuckDB (python module or
    duckdb CLI, when installed) read the same number of rows and ids.
For test-captures/crafted/csv_hostile_names.pcap the values are also
checked against the bytes gen_crafted.py put on the wire.

Exit 0 when every capture passes, 1 otherwise. Prints one line per skipped
reader.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

# What gen_crafted.py's sc_csv_hostile_names put on the wire, as the CSV
# must show it (CR and LF escaped as \r and \n; the rest as it is).
HOSTILE = {
    1: {"http_method": "GET", "http_host": 'h#1,"x"\\r.example', "http_path": '/a#b,c"d?e=1,2#frag',
        "tls_sni": ""},
    2: {"tls_sni": 'sni#1,"q"\\nline2.example', "tls_alpn": 'x"#y', "http_host": ""},
    3: {"http_method": "GET", "http_host": "example.test", "http_path": "/"},
}


def escape(s):
    """The README's escaping of names from the wire in text and CSV."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        elif 0x80 <= o <= 0x9F:  # a C1 control: both bytes of its UTF-8
            out.append("\\xc2\\x%02x" % o)
        else:
            out.append(ch)
    return "".join(out)


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def expected_row(rec):
    """The CSV fields a JSON connection record must give."""
    e = {
        "id": str(rec["id"]),
        "client_ip": rec["client"]["ip"], "client_port": str(rec["client"]["port"]),
        "server_ip": rec["server"]["ip"], "server_port": str(rec["server"]["port"]),
        "end_reason": rec["end_reason"], "state": rec["state"],
        "diagnoses": "; ".join(rec["diagnoses"]),
    }
    for d in ("c2s", "s2c"):
        for k in ("packets", "bytes", "payload_bytes", "retransmissions", "retransmitted_bytes"):
            e["%s_%s" % (d, k)] = str(rec[d][k])
    tls, http = rec.get("tls"), rec.get("http")
    e["tls_sni"] = escape(tls["sni"]) if tls and tls["sni"] is not None else ""
    e["tls_alpn"] = ",".join(escape(a) for a in tls["alpn"]) if tls else ""
    e["http_method"] = http["method"] if http else ""
    e["http_host"] = escape(http["host"]) if http and http["host"] is not None else ""
    e["http_path"] = escape(http["path"]) if http and http["path"] is not None else ""
    return e


def check_capture(tcpscope, path, problems, readers):
    name = os.path.relpath(path)
    js = run([tcpscope, "-r", path, "-F", "json"])
    if js.returncode != 0:
        problems.append("%s: -F json exited %d" % (name, js.returncode))
        return 0
    lines = js.stdout.decode().splitlines()
    objs = [json.loads(l) for l in lines]
    recs = [o for o in objs if o["type"] == "conn"]
    if not objs or objs[-1]["type"] != "summary" or sum(o["type"] == "summary" for o in objs) != 1:
        problems.append("%s: JSON without --summary must end with its one summary line" % name)

    with tempfile.TemporaryDirectory() as tmp:
        sum_path = os.path.join(tmp, "summary.json")
        cs = run([tcpscope, "-r", path, "-F", "csv"])
        cs_file = run([tcpscope, "-r", path, "-F", "csv", "--summary", sum_path])
        js_file = run([tcpscope, "-r", path, "-F", "json", "--summary", sum_path + ".2"])
        summary = json.loads(open(sum_path).read())
        summary2 = json.loads(open(sum_path + ".2").read())
        raw = cs.stdout
        csv_path = os.path.join(tmp, "conns.csv")
        with open(csv_path, "wb") as f:
            f.write(raw)
        if cs.returncode or cs_file.returncode or js_file.returncode:
            problems.append("%s: a run exited non-zero" % name)
        if cs_file.stdout != raw:
            problems.append("%s: CSV stdout differs with --summary FILE" % name)
        if b"frames: " not in cs.stderr:
            problems.append("%s: CSV without --summary: no summary in words on stderr" % name)
        if b"frames: " in cs_file.stderr:
            problems.append("%s: CSV with --summary FILE still wrote the summary to stderr" % name)
        for s, what in ((summary, "CSV"), (summary2, "JSON")):
            if s.get("type") != "summary" or s.get("connections") != len(recs):
                problems.append("%s: --summary FILE (%s run): not a summary object with %d connections"
                                % (name, what, len(recs)))
        if summary != objs[-1] or summary2 != objs[-1]:
            problems.append("%s: --summary FILE differs from the JSON summary record" % name)
        if any(json.loads(l)["type"] == "summary" for l in js_file.stdout.decode().splitlines()):
            problems.append("%s: JSON with --summary FILE still has a summary line" % name)

        # RFC 4180 as Python's csv module reads it
        if b"\r" in raw:
            problems.append("%s: a CR in the CSV (line ends are LF, CRs from the wire escaped)" % name)
        text = raw.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header, body = rows[0], rows[1:]
        if text.count("\n") != len(rows):
            problems.append("%s: %d physical lines for %d CSV records" % (name, text.count("\n"), len(rows)))
        if len(body) != len(recs):
            problems.append("%s: %d CSV rows, %d JSON records" % (name, len(body), len(recs)))
        for r in body:
            if len(r) != len(header):
                problems.append("%s: a row of %d fields, header %d" % (name, len(r), len(header)))
        dict_rows = list(csv.DictReader(io.StringIO(text, newline="")))
        for rec, row in zip(recs, dict_rows):
            for k, v in expected_row(rec).items():
                if row.get(k) != v:
                    problems.append("%s id %s: %s CSV %r, JSON %r" % (name, rec["id"], k, row.get(k), v))
        if os.path.basename(path) == "csv_hostile_names.pcap":
            byid = {int(r["id"]): r for r in dict_rows}
            for i, want in HOSTILE.items():
                for k, v in want.items():
                    if byid.get(i, {}).get(k) != v:
                        problems.append("%s id %d: %s CSV %r, on the wire %r"
                                        % (name, i, k, byid.get(i, {}).get(k), v))
        ids = [int(r["id"]) for r in dict_rows]
        for reader, got in other_readers(csv_path, readers):
            if got != ids:
                problems.append("%s: %s reads ids %s, csv module %s" % (name, reader, got[:10], ids[:10]))
    return len(recs)


# Each reader as a small program printing the ids it reads, run by whichever
# Python has the module (the Debian packages install for /usr/bin/python3,
# which need not be the python3 first on PATH).
READERS = {
    "pandas": "import pandas, sys\n"
              "df = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)\n"
              "print(' '.join(df['id']))",
    "duckdb": "import duckdb, sys\n"
              "q = \"SELECT id FROM read_csv('%s', header=true, all_varchar=true)\" % sys.argv[1]\n"
              "print(' '.join(r[0] for r in duckdb.connect().execute(q).fetchall()))",
}


def find_readers():
    """{name: argv prefix} of the readers installed; prints what is skipped."""
    found = {}
    pythons = [sys.executable] + [p for p in ("/usr/bin/python3",) if os.path.exists(p)]
    for name, prog in READERS.items():
        for py in pythons:
            if run([py, "-c", "import " + name]).returncode == 0:
                found[name] = [py, "-c", prog]
                break
    if "duckdb" not in found and shutil.which("duckdb"):
        found["duckdb CLI"] = None
    for name, pkg in (("pandas", "Debian python3-pandas"), ("duckdb", "pip duckdb or the duckdb CLI")):
        if name not in found and not (name == "duckdb" and "duckdb CLI" in found):
            print("skip: %s not installed (%s)" % (name, pkg))
    return found


def other_readers(csv_path, readers):
    """(name, ids) from pandas and DuckDB where they are installed."""
    out = []
    for name, argv in readers.items():
        if argv is None:  # the duckdb CLI
            q = ("COPY (SELECT id FROM read_csv('%s', header=true, all_varchar=true)) "
                 "TO '/dev/stdout' (HEADER false)" % csv_path)
            p = run([shutil.which("duckdb"), "-c", q])
        else:
            p = run(argv + [csv_path])
        if p.returncode != 0:
            out.append((name, ["failed: " + p.stderr.decode(errors="replace")[-200:]]))
            continue
        out.append((name, [int(x) for x in p.stdout.decode().split()]))
    return out


def main():
    tcpscope, paths = sys.argv[1], sys.argv[2:]
    readers = find_readers()
    problems, conns = [], 0
    for p in paths:
        conns += check_capture(tcpscope, p, problems, readers)
    for p in problems[:50]:
        print("FAIL " + p)
    print("%d captures, %d connections: CSV rows equal to the JSON records (csv module%s)%s"
          % (len(paths), conns, "".join(", " + r for r in readers), "" if not problems else
             "; %d problems" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
