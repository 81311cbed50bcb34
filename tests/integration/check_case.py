#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run `panshi analyze` on one integration case and check its events.

A case is a folder holding one capture (input.pcap or input.pcapng, or a
file `capture` naming one relative to the repository root, e.g. a bundled
sample) and expected.jsonl: one JSON object per line, each a *pattern* that at least one
output event must match (every key present with an equal value; nested
objects match recursively; lists must contain the pattern's items in any
order). A pattern line may carry "_count": N to require exactly N matching
events, and "_absent": true to require that none matches. Lines starting
with // are comments.

    check_case.py PANSHI CASE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile


def matches(pat, val):
    if isinstance(pat, dict):
        return isinstance(val, dict) and all(
            k in val and matches(v, val[k]) for k, v in pat.items())
    if isinstance(pat, list):
        return isinstance(val, list) and all(
            any(matches(p, v) for v in val) for p in pat)
    return pat == val


def main():
    panshi, case = sys.argv[1], sys.argv[2]
    cap = next((os.path.join(case, f) for f in sorted(os.listdir(case))
                if f.startswith("input.")), None)
    ref = os.path.join(case, "capture")
    if cap is None and os.path.exists(ref):
        root = os.path.abspath(os.path.join(case, "..", "..", "..", ".."))
        cap = os.path.join(root, open(ref).read().strip())
    if cap is None:
        print(f"{case}: no input capture", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        eve = os.path.join(tmp, "eve.json")
        r = subprocess.run([panshi, "--quiet", "analyze", "--no-store",
                            "--eve", eve, cap], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{case}: panshi analyze failed ({r.returncode}): {r.stderr}",
                  file=sys.stderr)
            return 1
        events = []
        with open(eve, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    events.append(json.loads(line))
                except ValueError as e:
                    print(f"{eve}:{n}: not JSON: {e}", file=sys.stderr)
                    return 1
    bad = 0
    with open(os.path.join(case, "expected.jsonl"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            pat = json.loads(line)
            want = pat.pop("_count", None)
            absent = pat.pop("_absent", False)
            got = sum(1 for e in events if matches(pat, e))
            ok = (got == 0) if absent else (got == want if want is not None
                                            else got >= 1)
            if not ok:
                bad += 1
                print(f"expected.jsonl:{n}: {got} events match "
                      f"(want {'none' if absent else want or 'at least 1'}): "
                      f"{line}", file=sys.stderr)
    print(f"{os.path.basename(case)}: {len(events)} events, "
          f"{'FAIL' if bad else 'ok'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
