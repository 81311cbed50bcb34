#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The sample registry end to end through the panshi binary.

Loads samples/registry/demo-operator.yaml into a fresh store exactly as
scripts/quickstart.sh does, then checks what an operator would look at:
the compliance calendar as of 2026-12-01 (chosen items, each with the
status its dates imply), the five planted 固源 findings, a draw that is
reproduced by `inspect verify`, and an import with one bad row that
changes nothing and names the line and field. Last, `audit verify` finds
the trail of all those changes intact, and names record 5 once its actor
is edited in the database.

usage: registry_sample.py PANSHI [sqlite|pgsql]
pgsql needs PANSHI_TEST_PG_DSN and psql; exit 77 (skipped) without them.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_harness import check, main  # noqa: E402


def load_sample(ps):
    ps.run("--quiet", "init")
    ps.run("registry", "import", "samples/registry/demo-operator.yaml")
    ps.run("catalog", "file", "DC-1", "--date", "2025-08-01")
    ps.run("catalog", "file", "DC-2", "--date", "2025-08-01")
    ps.run("catalog", "edit", "DC-1", "--records", "12000000",
           "--change_date", "2026-10-15")


def check_calendar(ps):
    cal = ps.json("calendar", "--as-of", "2026-12-01")
    got = {(o["rule"], o["subject"]["key"]): o for o in cal["obligations"]}
    expect = [
        # rule 2: reviewed 2026-09-01, unfiled: due 2026-10-01, overdue
        ("protection.filing", "U-DNS-01", "overdue", "2026-10-01"),
        # reviewed 2026-11-10: due 2026-12-10, still in time
        ("protection.filing", "U-CDN-01", "due", "2026-12-10"),
        ("protection.filing", "U-CORE-01", "done", "2025-04-09"),
        # rule 4: level 5, last evaluation 2025-11-20
        ("protection.evaluation", "U-CORE-01", "overdue", "2026-11-20"),
        # rule 5: level 2, last evaluation 2024-10-01, two-year window
        ("protection.evaluation", "U-IIP-01", "overdue", "2026-10-01"),
        ("protection.evaluation", "U-IDR-01", "done", "2027-05-01"),
        # level 2 with no risk assessment: due on the day itself is in time
        ("protection.risk_assessment", "U-IOV-01", "due", "2026-12-01"),
        # rule 3: changed 2026-11-15, not filed
        ("protection.change_filing", "CHG-1", "due", "2026-12-15"),
        ("protection.change_filing", "CHG-2", "done", "2026-03-31"),
        # rule 10: 三级 enterprise, last evaluation 2025-10-01: yearly
        ("industrial.evaluation", "IIE-1", "overdue", "2026-10-01"),
        # 二级: every two years
        ("industrial.evaluation", "IIE-2", "done", "2027-06-01"),
        # rule 14: DC-1 grew 33 % on 2026-10-15: filing due 3 months later
        ("datasec.catalogue_change", "DC-1", "due", "2027-01-15"),
        # rule 16: report of 2025-11-20 valid one year
        ("datasec.risk_assessment", "OP-DEMO", "overdue", "2026-11-20"),
        # rule 17: 180 days < 183
        ("datasec.logs.retention", "OP-DEMO", "overdue", None),
        # rule 32: ICP change 2026-10-01 not filed
        ("filing.icp.change", "ICP-2", "overdue", "2026-10-31"),
        ("training.hours", "P-WANG", "due", "2026-12-31"),
        ("training.hours", "P-LI", "done", None),
        ("drills.yearly.live", "OP-DEMO", "due", "2026-12-31"),
        ("drills.yearly.process", "OP-DEMO", "done", None),
    ]
    for rule, key, status, due in expect:
        o = got.get((rule, key))
        check(o is not None, "calendar has %s for %s" % (rule, key))
        if o is None:
            continue
        check(o["status"] == status, "%s %s: status %s, want %s" %
              (rule, key, o["status"], status))
        if due is not None:
            check(o["due"] == due, "%s %s: due %s, want %s" % (rule, key, o["due"], due))
    # level 1 units have no evaluation duty (rule 6)
    check(("protection.evaluation", "U-MAIL-01") not in got, "no evaluation for level 1")
    # with DC-1 and DC-2 filed, the catalogue duty is met (rule 13)
    o = got.get(("datasec.catalogue", "OP-DEMO"))
    check(o is not None and o["status"] == "done", "catalogue filed")
    # a date that does not exist is refused (rule 40)
    p = ps.run("calendar", "--as-of", "2026-02-30", ok=False)
    check(p.returncode == 2 and "2026-02" in p.stderr, "--as-of 2026-02-30 refused")


def check_guyuan(ps):
    g = ps.json("guyuan", "check")
    found = sorted((f["check"], ",".join(f["subject"]), f["range"]) for f in g["findings"])
    want = sorted([
        ("out_of_range", "F-4", "192.0.2.0/28"),
        ("conflict", "F-1,F-2", "203.0.113.16/28"),
        ("unreported", "O-2", "198.51.100.200"),
        ("unreported", "O-4", "2001:db8:20::80"),
        ("misreported", "F-3,O-3", "198.51.100.53"),
    ])
    check(found == want, "guyuan findings %s, want %s" % (found, want))


def check_draw(ps):
    args = ("inspect", "draw", "--entities", "10", "--type", "vas", "--province",
            "江苏", "--seed", "5a3c0e1f9b7d4a2688c1e0f3b5d7a9c2")
    a = ps.run(*args, "--dry-run", "--format", "json").stdout
    b = ps.run(*args, "--dry-run", "--format", "json").stdout
    check(a == b, "same seed, same draw")
    ps.run(*args)
    v = ps.run("inspect", "verify", "DRAW-1", ok=False)
    check(v.returncode == 0, "inspect verify DRAW-1: %s%s" % (v.stdout, v.stderr))
    # the minimum sample of VAS operators per province comes from policy
    p = ps.run("inspect", "draw", "--entities", "3", "--type", "vas", "--province",
               "江苏", "--dry-run", ok=False)
    check(p.returncode != 0 and "10" in p.stderr, "fewer than the minimum refused")


def check_bad_import(ps):
    before = ps.run("registry", "export", "-").stdout
    bad = os.path.join(ps.tmp, "units.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("key,operator,name,type,level\n")
        f.write("U-NEW-1,OP-DEMO,新单元一,idc,2\n")
        f.write("U-NEW-2,OP-DEMO,新单元二,idc,6\n")
        f.write("U-NEW-3,OP-DEMO,新单元三,cdn,3\n")
    p = ps.run("registry", "import", bad, ok=False)
    check(p.returncode == 1, "bad import exits 1")
    check("units.csv:3" in p.stderr and "level" in p.stderr,
          "bad import names line 3 and the field: %r" % p.stderr)
    after = ps.run("registry", "export", "-").stdout
    check(before == after, "bad import changed nothing")


def check_audit(ps):
    """Every change above is in the audit trail; an edited row is named."""
    v = ps.run("audit", "verify", ok=False)
    check(v.returncode == 0, "audit verify after the sample: %s%s" % (v.stdout, v.stderr))
    rows = ps.json("audit", "list", "--object", "unit:U-NEW-1")
    check(rows == [], "the refused import left no audit record")
    rows = ps.json("audit", "list", "--object", "catalog:DC-1")
    check(len(rows) >= 2 and rows[-1]["action"] == "registry.update",
          "catalogue edits are audited: %r" % rows)
    ps.sql("UPDATE audit_log SET actor='x' WHERE id=5")
    v = ps.run("audit", "verify", ok=False)
    check(v.returncode == 1 and "record 5: hash does not match" in v.stderr,
          "audit verify names the edited record 5: %s%s" % (v.stdout, v.stderr))


def body(ps):
    load_sample(ps)
    check_calendar(ps)
    check_guyuan(ps)
    check_draw(ps)
    check_bad_import(ps)
    check_audit(ps)


if __name__ == "__main__":
    sys.exit(main(__doc__, "regsample", body))
