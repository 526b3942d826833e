#!/usr/bin/env python3
"""schema_check.py - docs/schema.json against the field table and the records tcpscope writes.

Usage: schema_check.py TCPSCOPE SCHEMA CAPTURE...

1. The committed schema is what tests/gen_schema.py makes of
   `tcpscope --list-fields` (it cannot drift from the table), and a valid
   draft 2020-12 schema.
2. Every record of every capture validates: -F json --events (conn, event,
   summary), --conn 1-3 --timeline -F json (packet), --by server|client
   -F json (server, client).
3. Records made wrong on purpose fail: a required field removed, a value of
   the wrong type, an unknown field, at the top and inside objects; and the
   summary's optional keys (live capture, faults) validate when present with
   the types the README gives them.
"""
import concurrent.futures
import copy
import difflib
import json
import os
import subprocess
import sys

import jsonschema

tcpscope, schema_path, captures = sys.argv[1], sys.argv[2], sys.argv[3:]
here = os.path.dirname(os.path.abspath(__file__))
fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL " + msg)


listing = subprocess.run([tcpscope, "--list-fields"], capture_output=True, text=True, check=True).stdout
generated = subprocess.run([sys.executable, os.path.join(here, "gen_schema.py")], input=listing,
                           capture_output=True, text=True, check=True).stdout
committed = open(schema_path, encoding="utf-8").read()
if generated != committed:
    diff = difflib.unified_diff(committed.splitlines(), generated.splitlines(), "docs/schema.json",
                                "generated", lineterm="", n=1)
    fail("docs/schema.json differs from the field table; regenerate it with\n"
         "  ./tcpscope --list-fields | python3 tests/gen_schema.py > docs/schema.json\n" +
         "\n".join(list(diff)[:40]))
schema = json.loads(committed)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
# the record's own definition gives the clearer message than the oneOf
by_type = {t: jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/" + t})
           for t in schema["$defs"]}


def errors(record):
    return list(validator.iter_errors(record))


def first_error(record):
    v = by_type.get(record.get("type"), validator)
    e = next(iter(v.iter_errors(record)), None)
    return "%s at %s" % (e.message[:160], "/".join(map(str, e.absolute_path))) if e else "?"


# Each capture's records: -F json --events (conn, event, summary), the
# packets of its first three connections (--conn 1-3 --timeline: packet,
# and their conn records), and --by server and --by client (server, client).
RUNS = (["-F", "json", "--events"], ["--conn", "1-3", "--timeline", "-F", "json"],
        ["--by", "server", "-F", "json"], ["--by", "client", "-F", "json"])


def run(job):
    cap, args = job
    return cap, args, subprocess.run([tcpscope, "-r", cap] + args, capture_output=True, text=True)


counts = {}
samples = {}
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(run, [(cap, args) for cap in captures for args in RUNS]))
for cap, args, out in results:
    if out.returncode != 0:
        fail("%s %s: tcpscope exited %d: %s" % (cap, " ".join(args), out.returncode, out.stderr.strip()[:200]))
        continue
    for line in out.stdout.splitlines():
        record = json.loads(line)
        counts[record["type"]] = counts.get(record["type"], 0) + 1
        if errors(record):
            fail("%s: %s record does not validate: %s" % (os.path.basename(cap), record["type"], first_error(record)))
        key = record["type"] if record["type"] != "event" else "event:" + record["event"]
        if key == "conn" and "tls" in record:
            key = "conn:tls"
        if key == "conn" and "http" in record:
            key = "conn:http"
        if key == "packet" and record["sack"]:
            key = "packet:sack"
        if key == "server" and record["names"]:
            key = "server:names"
        samples.setdefault(key, record)
print("ok   %s records validated (%s) from %d captures" %
      (sum(counts.values()), ", ".join("%s %d" % kv for kv in sorted(counts.items())), len(captures)))
for need in ("conn", "conn:tls", "conn:http", "summary", "event:state", "event:rst", "event:analysis", "packet",
             "packet:sack", "server", "server:names", "client"):
    if need not in samples:
        fail("no %s record among the captures: the negative checks below would miss it" % need)


def must_fail(what, record):
    if not errors(record):
        fail("a record with %s validates" % what)


def must_pass(what, record):
    if errors(record):
        fail("%s does not validate: %s" % (what, first_error(record)))


conn = samples.get("conn")
if conn:
    r = copy.deepcopy(conn); del r["id"]; must_fail("no id", r)
    r = copy.deepcopy(conn); del r["c2s"]["rtt"]["samples"]; must_fail("no c2s.rtt.samples", r)
    r = copy.deepcopy(conn); r["c2s"]["packets"] = "12"; must_fail("c2s.packets a string", r)
    r = copy.deepcopy(conn); r["c2s"]["packets"] = -1; must_fail("c2s.packets negative", r)
    r = copy.deepcopy(conn); r["duration"] = None; must_fail("duration null", r)
    r = copy.deepcopy(conn); r["direction_inferred"] = 0; must_fail("direction_inferred a number", r)
    r = copy.deepcopy(conn); r["diagnoses"] = "refused"; must_fail("diagnoses a string", r)
    r = copy.deepcopy(conn); r["retransmissions"] = 3; must_fail("an unknown top-level field", r)
    r = copy.deepcopy(conn); r["s2c"]["rtt"]["p99_ms"] = 1.0; must_fail("an unknown field in s2c.rtt", r)
    r = copy.deepcopy(conn); r["handshake"]["client"] = {"mss": 1460}; must_fail("SYN options missing members", r)
    r = copy.deepcopy(conn); r["handshake"]["client"] = None; must_pass("a conn with no client SYN (null)", r)
    r = copy.deepcopy(conn); r["type"] = "connection"; must_fail("type connection", r)
tls = samples.get("conn:tls")
if tls:
    r = copy.deepcopy(tls); r["tls"]["alpn"] = "h2"; must_fail("tls.alpn a string", r)
    r = copy.deepcopy(tls); r["tls"]["sni"] = None; must_pass("a TLS conn without SNI (null)", r)
    r = copy.deepcopy(tls); r["tls"]["ja3"] = "x"; must_fail("an unknown field in tls", r)
summary = samples.get("summary")
if summary:
    r = copy.deepcopy(summary); del r["end_reasons"]["closed"]; must_fail("end_reasons without closed", r)
    r = copy.deepcopy(summary); r["decode_errors"]["bad_magic"] = 0; must_fail("an unknown decode error", r)
    r = copy.deepcopy(summary); r["frames"] = 1.5; must_fail("frames not an integer", r)
    r = copy.deepcopy(summary)
    r.update({"live": True, "late_packets": 3, "pcap": {"received": 10, "dropped": 1, "if_dropped": 0},
              "interrupted": True, "clock_faults": 2, "reassembly_over_budget": 1, "warning": "read error",
              "syn_flood_omitted": {"servers": 5, "half_open": 40},
              "syn_flood": [{"server": {"ip": "10.0.0.1", "port": 80}, "half_open": 50, "sources": 50,
                             "sources_capped": False, "half_open_capped": True, "flood": True}]})
    must_pass("a live summary with every optional key", r)
    r["syn_flood"][0]["server"]["port"] = "80"; must_fail("syn_flood[0].server.port a string", r)
    r = copy.deepcopy(summary); r["pcap"] = {"received": 10}; must_fail("pcap without dropped", r)
event = samples.get("event:analysis")
if event:
    r = copy.deepcopy(event); r["kinds"] = [1]; must_fail("kinds holding a number", r)
    r = copy.deepcopy(event); del r["conn"]; must_fail("an event without conn", r)
packet = samples.get("packet:sack")
if packet:
    r = copy.deepcopy(packet); del r["frame"]; must_fail("a packet without frame", r)
    r = copy.deepcopy(packet); r["sack"] = [[1, 2, 3]]; must_fail("a SACK block of three numbers", r)
    r = copy.deepcopy(packet); r["sack"] = [1, 2]; must_fail("sack not a list of pairs", r)
    r = copy.deepcopy(packet); r["flags"] = "SA"; must_fail("flags a string", r)
    r = copy.deepcopy(packet); r["seq"] = -5; must_fail("seq negative", r)
    r = copy.deepcopy(packet); r["rel_time"] = -0.000001; must_pass("a packet before its connection's first (negative rel_time)", r)
    r = copy.deepcopy(packet); r["ts"] = -1.0; must_fail("ts negative", r)
    r = copy.deepcopy(packet); r["retransmission"] = True; must_fail("an unknown packet field", r)
server = samples.get("server:names")
if server:
    r = copy.deepcopy(server); del r["connections"]; must_fail("a server without connections", r)
    r = copy.deepcopy(server); r["server"] = {"ip": "10.0.0.1"}; must_fail("a server without its port", r)
    r = copy.deepcopy(server); r["server"] = None; must_pass("the servers past the limit (server null)", r)
    r = copy.deepcopy(server); r["names"] = ["example.com"]; must_fail("names as strings", r)
    r = copy.deepcopy(server); r["retx_share"] = "0.5"; must_fail("retx_share a string", r)
    r = copy.deepcopy(server); r["type"] = "client"; must_fail("a server record typed client", r)
client = samples.get("client")
if client:
    r = copy.deepcopy(client); r["client"]["port"] = 80; must_fail("a client with a port", r)
print("ok   deliberately wrong records fail" if fails == 0 else "%d failure(s)" % fails)
sys.exit(1 if fails else 0)
