#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks docs/openapi.yaml as YAML: it parses, no mapping repeats a key (a merge that leaves two
'200' responses is silently wrong elsewhere), and every operation has responses. Exit 77 (skipped)
without python3-yaml."""
import sys

try:
    import yaml
except ImportError:
    print("skip: python3-yaml is not installed")
    sys.exit(77)


class Strict(yaml.SafeLoader):
    pass


def mapping(loader, node, deep=False):
    seen = {}
    for k, _ in node.value:
        key = loader.construct_object(k, deep=deep)
        if key in seen:
            raise yaml.YAMLError(f"line {k.start_mark.line + 1}: key {key!r} repeated (first on line {seen[key]})")
        seen[key] = k.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
path = sys.argv[1]
try:
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Strict)
except yaml.YAMLError as e:
    print(f"FAIL: {path}: {e}")
    sys.exit(1)
bad = [f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m, op in ops.items()
       if m in ("get", "post", "put", "patch", "delete") and not (op or {}).get("responses")]
for b in bad:
    print(f"FAIL: {path}: {b} has no responses")
if not bad:
    print(f"openapi: {len(doc['paths'])} paths, no repeated key, every operation answers")
sys.exit(1 if bad else 0)
