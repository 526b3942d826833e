#!/usr/bin/env python3
"""fields_docs.py - the field lists of README.md and man/tcpscope.1 against the field table.

Usage: fields_docs.py TCPSCOPE README MANPAGE

The table is `tcpscope --list-fields`. A doc fails when it lists a field the
table lacks, or misses one the table has:

- man page, "Connection fields" and "Summary fields": each tag (.TP) names a
  field of that record; every name in the record's paths (each part of
  c2s.rtt.min_ms) is written in bold somewhere in its section.
- man page, "End reasons" and "Decode errors": the tags are exactly the keys
  of the summary's end_reasons and decode_errors (the first three decode
  outcomes, not_ip, not_tcp and ip_fragments, are summary fields of their own).
- man page, "CSV format": the header shown is the CSV header, in order ("..."
  standing for columns left out); "JSON Lines format": the event examples
  hold exactly the event fields.
- man page, OPTIONS: the fields named in bold in --timeline's paragraph (after
  "record per packet") and in --by's (from "Fields, in order:") are exactly
  the packet record's, and the server and client records'.
- README, the timeline's table and --by's: the first column names exactly
  the record's top-level fields, every part of every path is quoted in it.
- README, "Output": the rows of the connection table name top-level fields;
  every name in a connection's, the summary's and an event's paths is in
  backquotes in the section (or, for the sequence analysis, in
  "Sequence, window and RTT analysis"); the CSV columns named are columns.
"""
import re
import struct
import subprocess
import sys
import tempfile

tcpscope, readme_path, man_path = sys.argv[1:4]
fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL " + msg)


listing = subprocess.run([tcpscope, "--list-fields"], capture_output=True, text=True, check=True).stdout.splitlines()
header = listing[0].split("\t")
rows = [dict(zip(header, line.split("\t"))) for line in listing[1:]]


def names(kind):
    """Every part of every path of a record kind ("c2s", "rtt", "min_ms", ...), "type" aside."""
    out = set()
    for r in rows:
        if r["kind"] == kind:
            out.update(r["path"].split("."))
    out.discard("type")
    return out


def map_keys(kind, path):
    return [r["keys"].split(",") for r in rows if r["kind"] == kind and r["path"] == path][0]


csv_columns = [r["csv"] for r in rows if r["kind"] == "conn" and r["csv"] != "-"]
# the CSV header, in column order, as tcpscope writes it (an empty capture: header only)
with tempfile.NamedTemporaryFile(suffix=".pcap") as empty:
    # a pcap file header and no frames (Ethernet, microseconds, snaplen 65535)
    empty.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    empty.flush()
    csv_header = subprocess.run([tcpscope, "-r", empty.name, "-F", "csv"], capture_output=True, text=True,
                                check=True).stdout

# ---- the man page ----

man = open(man_path, encoding="utf-8").read().splitlines()


def man_section(title, level="SS"):
    start = man.index(".%s %s" % (level, title))
    end = start + 1
    while end < len(man) and not man[end].startswith((".SS ", ".SH ")):
        end += 1
    return man[start + 1:end]


def unescape(text):
    return text.replace("\\-", "-").replace("\\(dq", '"').replace("\\e", "\\")


def tag_words(section):
    """The words of each tag: the line after .TP."""
    out = []
    for i, line in enumerate(section[:-1]):
        if line.startswith(".TP"):
            out += re.findall(r"[a-z][a-z0-9_]*", unescape(section[i + 1]).split(" ", 1)[1])
    return out


def bold_words(section):
    out = set()
    for line in section:
        line = unescape(line)
        if re.match(r"\.(B|BR|RB|BI|IB)\b", line):
            out.update(re.findall(r"[a-z][a-z0-9_]*", line.split(" ", 1)[1] if " " in line else ""))
        for span in re.findall(r"\\fB(.*?)\\f[PR]", line):
            out.update(re.findall(r"[a-z][a-z0-9_]*", span))
    return out


for title, kind in (("Connection fields", "conn"), ("Summary fields", "summary")):
    section = man_section(title)
    known = names(kind)
    for word in tag_words(section):
        if word not in known:
            fail("man page, %s: %s is not a field of the %s record (tcpscope --list-fields)" % (title, word, kind))
    shown = bold_words(section)
    for word in sorted(known - shown):
        fail("man page, %s: the %s record's field %s is not described" % (title, kind, word))

for title, path in (("End reasons", "end_reasons"), ("Decode errors", "decode_errors")):
    tags = [w for w in tag_words(man_section(title)) if w not in ("not_ip", "not_tcp", "ip_fragments")]
    keys = map_keys("summary", path)
    if sorted(tags) != sorted(keys):
        fail("man page, %s: tags %s, but the summary's %s has %s" %
             (title, sorted(set(tags) ^ set(keys)), path, "these keys differ"))

# CSV format: the header shown, "..." for a run of columns left out
csv_section = man_section("CSV format")
example = csv_section[csv_section.index(".EX") + 1:csv_section.index(".EE")]
shown = "".join(example)
columns = csv_header.strip().split(",")
at, skipping = 0, False
for name in shown.split(","):
    if name == "...":
        skipping = True
        continue
    found = columns.index(name, at) if name in columns[at:] else -1
    if found < 0 or (found != at and not skipping):
        fail("man page, CSV format: the header shown has %s where the CSV header has %s" %
             (name, columns[at] if at < len(columns) else "nothing more"))
        break
    at, skipping = found + 1, False
else:
    if at != len(columns) and not skipping:
        fail("man page, CSV format: the header shown ends before %s" % columns[at])

# JSON Lines format: the keys of the event examples
json_section = "\n".join(man_section("JSON Lines format"))
event_keys = set()
for obj in re.findall(r'\{"type":"event".*?\}', json_section, re.S):
    event_keys.update(re.findall(r'"([a-z_]+)":', obj))
event_keys.discard("type")
if event_keys != names("event"):
    fail("man page, JSON Lines format: the event examples have %s, the event record %s" %
         (sorted(event_keys), sorted(names("event"))))

# OPTIONS, --timeline and --by: the fields named in bold after "record per
# packet" and after "Fields, in order:" are exactly the packet record's and
# the server and client records' (every part of every path)
options = man_section("OPTIONS", "SH")


def option_paragraph(tag_start):
    start = next(i for i, line in enumerate(options) if line.startswith(tag_start) and options[i - 1] == ".TP")
    end = start + 1
    while end < len(options) and not options[end].startswith(".TP"):
        end += 1
    return options[start:end]


for tag, after, until, kinds in ((".B \\-\\-timeline", "record per packet", None, ("packet",)),
                                 (".BR \\-\\-by ", "Fields, in order:", "Percentiles", ("server", "client"))):
    para = option_paragraph(tag)
    start = next(i for i, line in enumerate(para) if after in line)
    end = next((i for i, line in enumerate(para) if until and until in line), len(para))
    shown = bold_words(para[start + 1:end])
    known = set().union(*(names(k) for k in kinds))
    for word in sorted(shown - known):
        fail("man page, %s: %s is not a field of the %s record" % (tag, word, " or ".join(kinds)))
    for word in sorted(known - shown):
        fail("man page, %s: the %s record's field %s is not named" % (tag, " or ".join(kinds), word))

# ---- the README ----

readme = open(readme_path, encoding="utf-8").read()


def readme_section(title):
    m = re.search(r"^## %s\n(.*?)(?=^## )" % re.escape(title), readme, re.S | re.M)
    return m.group(1)


def quoted_words(text):
    out = set()
    for span in re.findall(r"`([^`]*)`", text):
        out.update(re.findall(r"[A-Za-z][A-Za-z0-9_]*", span))
    return out


output = readme_section("Output")
seq = readme_section("Sequence, window and RTT analysis")
conn_table = [line for line in output.splitlines() if line.startswith("| `")]
top_level = {r["path"] for r in rows if r["kind"] == "conn" and "." not in r["path"]}
for line in conn_table:
    for word in re.findall(r"`([a-z0-9_]+)`", line.split("|")[1]):
        if word not in top_level:
            fail("README, connection record table: %s is not a top-level field of the conn record" % word)
quoted = quoted_words(output)
for kind, where in (("conn", quoted | quoted_words(seq)), ("summary", quoted), ("event", quoted)):
    for word in sorted(names(kind) - where):
        fail("README, Output: the %s record's field %s is not named" % (kind, word))
m = re.search(r"CSV has one header line(.*?)empty where they do not apply", output, re.S)
for word in re.findall(r"`([a-z0-9_]+)`", m.group(1) if m else ""):
    if word not in csv_columns:
        fail("README, CSV: %s is not a CSV column" % word)



def readme_table(header, after):
    """The rows of the README table under the header line given, the first after the line `after`."""
    lines = readme.splitlines()
    start = lines.index(header, lines.index(after)) + 2
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return lines[start:end]


# the timeline's table and --by's: the first column names exactly the
# record's top-level fields; every part of every path is quoted in the table
for header, after, kinds in (("| JSON field | text | meaning |", "## Drill-down: one connection, packet by packet", ("packet",)),
                             ("| field | meaning |", "## Per server and per client", ("server", "client"))):
    table = readme_table(header, after)
    first = set()
    for line in table:
        first.update(re.findall(r"`([a-z0-9_]+)`", line.split("|")[1]))
    top = {r["path"] for r in rows if r["kind"] in kinds and "." not in r["path"]} - {"type"}
    what = " or ".join(kinds)
    for word in sorted(first - top):
        fail("README, the %s table: %s is not a top-level field of the %s record" % (what, word, what))
    for word in sorted(top - first):
        fail("README, the %s table: the %s record's field %s has no row" % (what, what, word))
    quoted = quoted_words("\n".join(table))
    for word in sorted(set().union(*(names(k) for k in kinds)) - quoted):
        fail("README, the %s table: the %s record's field %s is not named" % (what, what, word))

checked = len(rows)
print("ok   %d fields of the table checked against README.md and the man page" % checked if fails == 0
      else "%d failure(s)" % fails)
sys.exit(1 if fails else 0)
