#!/usr/bin/env python3
"""Check a hook's stdout against a tool's documented output schema.

usage: agent_schema_check.py SCHEMA.json < stdout
Exit 0 when stdout is exactly one JSON value that the schema accepts; otherwise
exit 1 with one line saying what is wrong.
"""
import json
import sys

import jsonschema


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    text = sys.stdin.read()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        print(f"stdout is not one JSON value ({e}): {text!r}")
        return 1
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    for e in errors:
        where = "/".join(str(p) for p in e.path) or "(top)"
        print(f"{where}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
