#!/usr/bin/env python3
"""gen_schema.py - docs/schema.json from the field table.

Usage: tcpscope --list-fields | python3 tests/gen_schema.py > docs/schema.json

Reads the tab-separated table `tcpscope --list-fields` prints (kind, path,
csv, type, unit, presence, formats, keys, meaning) and writes a JSON Schema
(draft 2020-12) with one definition per record type: every field with its
type, its unit (in the description and as "x-unit") and its meaning; every
object closed (additionalProperties false); fields that are always written
required. tests/schema.sh regenerates it and fails when the committed file
differs, so the schema cannot drift from the table.
"""
import json
import sys

RECORDS = {
    "conn": "A connection record: one per TCP connection, written when it ends.",
    "event": "An event (--events): something notable inside a connection, as it happens.",
    "summary": "The summary: totals over the whole input, written once at the end.",
    "packet": "A packet of a selected connection (--conn N --timeline -F json), in capture order.",
    "server": "One server address:port and what its connections add up to (--by server -F json).",
    "client": "One client address and what its connections add up to (--by client -F json).",
}

SCALARS = {
    "integer": {"type": "integer", "minimum": 0},
    "time": {"type": "number", "minimum": 0},
    "signed_time": {"type": "number"},
    "micro": {"type": "number", "minimum": 0},
    "pair": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2},
    "milli": {"type": "number", "minimum": 0},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
    "wire_string": {"type": "string"},
}


def describe(row):
    text = row["meaning"]
    if row["unit"] != "-":
        text += " (unit: %s)" % row["unit"]
    if row["type"] == "wire_string" or row["type"] == "array:wire_string":
        text += "; from the wire: any characters, escaped"
    return text


def nullable(schema):
    t = schema["type"]
    schema["type"] = [t, "null"]
    return schema


def new_object(description):
    return {"type": "object", "description": description, "properties": {}, "required": [],
            "additionalProperties": False}


def field_schema(row):
    t = row["type"]
    if t.startswith("array:"):
        schema = {"type": "array", "items": dict(SCALARS[t[len("array:"):]])}
    elif t in SCALARS:
        schema = dict(SCALARS[t])
    elif t == "map":
        schema = new_object("")
        for key in row["keys"].split(","):
            schema["properties"][key] = dict(SCALARS["integer"])
            schema["required"].append(key)
    elif t == "object":
        schema = new_object("")
    elif t == "object_array":
        schema = {"type": "array", "items": new_object("one entry")}
    else:
        sys.exit("gen_schema: %s: unknown type %s" % (row["path"], t))
    schema["description"] = describe(row)
    if row["unit"] != "-":
        schema["x-unit"] = row["unit"]
    if "nullable" in row["presence"]:
        nullable(schema)
    if row["path"] == "type":
        schema = {"const": row["kind"], "description": describe(row)}
    # keys in a fixed order, the description first
    order = ["description", "x-unit", "const", "type", "minimum", "items", "properties", "required",
             "additionalProperties"]
    return {k: schema[k] for k in order if k in schema}


def object_of(schema):
    """The object that takes members: the schema itself, or an object array's items."""
    return schema["items"] if schema.get("type") == "array" and "properties" in schema["items"] else schema


def main():
    lines = sys.stdin.read().splitlines()
    header = lines[0].split("\t")
    if header != ["kind", "path", "csv", "type", "unit", "presence", "formats", "keys", "meaning"]:
        sys.exit("gen_schema: unexpected header: %s" % lines[0])
    defs = {kind: new_object(text) for kind, text in RECORDS.items()}
    by_path = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        if row["kind"] not in defs:
            sys.exit("gen_schema: record type %s has no description here" % row["kind"])
        parent_path, _, leaf = row["path"].rpartition(".")
        parent = object_of(by_path[(row["kind"], parent_path)]) if parent_path else defs[row["kind"]]
        schema = field_schema(row)
        parent["properties"][leaf] = schema
        if "optional" not in row["presence"]:
            parent["required"].append(leaf)
        by_path[(row["kind"], row["path"])] = schema
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tcpscope JSON Lines records",
        "description": "Each line of `tcpscope -F json` is one of these records, told apart by \"type\". "
                       "Generated from the field table (tcpscope --list-fields) by tests/gen_schema.py; "
                       "do not edit by hand.",
        "oneOf": [{"$ref": "#/$defs/%s" % kind} for kind in RECORDS],
        "$defs": defs,
    }
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


main()
