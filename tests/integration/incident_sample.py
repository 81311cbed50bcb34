#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The sample data end to end through the panshi binary, as the main job
runs it: registry, intel, events and captures in, alerts correlated into
incidents. Checks that every incident has the owner its address implies
(asset, unit, department, person) and the evidence count it should, that
unregistered addresses of ours open their items (and an ipseen record
inside filed space), that a second correlation does nothing, that an
incident goes through the loop from the CLI (assign, work, rectify, the
tick's automatic verification after the quiet period, a refused move that
changes nothing), that the November 2026 bulletin's numbers (total, by
category, by day) equal counts made directly on the stored events, that
`case correlate --follow` picks up a late event, and that editing one
incident record of the audit trail in the database is named by `audit
verify`.

usage: incident_sample.py PANSHI [sqlite|pgsql]
pgsql needs PANSHI_TEST_PG_DSN and psql; exit 77 (skipped) without them.
"""
import glob
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_harness import SRC, check, main  # noqa: E402


def load(ps):
    ps.run("--quiet", "init")
    ps.run("registry", "import", "samples/registry/demo-operator.yaml")
    ps.run("intel", "import", "--source", "panshi-demo", "samples/intel/demo-indicators.csv")
    ps.run("event", "import", "samples/events/sample-eve.jsonl")
    ps.run("event", "import", "samples/events/demo-alerts-2026-11.jsonl")
    ps.run("analyze", *sorted(glob.glob(os.path.join(SRC, "samples/pcap/*"))))


# (title contains, asset or address, unit, dept, person, evidence events)
EXPECT = [
    ("outbound connection to listed C2 address", "A-IDC-NET", "U-IDC-01", "D-IDC", "P-ZHAO", 1),
    ("cleartext telnet login with weak password", "A-IDC-NET", "U-IDC-01", "D-IDC", "P-ZHAO", 1),
    ("periodic beacon to rare host", "A-IDC-NET", "U-IDC-01", "D-IDC", "P-ZHAO", 1),
    ("weak password to network device", "A-CORE-R1", "U-CORE-01", "D-NET", "P-LI", 3),
    ("SYN flood against hosted server", "A-IDC-WEB", "U-IDC-01", "D-IDC", "P-ZHAO", 5),
    ("periodic beacon to rare host", "A-WEB-NET", "U-WEB-01", "D-IT", "P-WANG", 4),
    ("BIND9 CVE-2021-25216", "A-DNS-1", "U-DNS-01", "D-NET", "P-LI", 1),
    ("personal information", "A-IOV-1", "U-IOV-01", "D-IT", "P-WANG", 2),
    # alert.target names the querying broadband user, not the resolver
    ("listed phishing domain", "A-BRAS-POOL", "U-BRAS-01", "D-NET", "P-LI", 3),
    # no asset: the department of incident.unregistered_dept (samples/panshi-sample.yaml)
    ("outbound connection to listed C2 address", "10.1.1.200", None, "D-SEC", None, 1),
    ("IRC command-and-control", "198.51.100.77", None, "D-SEC", None, 1),
    # threat-intel hits in the captures
    ("gtpu.test.example", "A-BRAS-POOL", "U-BRAS-01", "D-NET", "P-LI", 2),
    ("ja3 308b0bd904abbef5e0034a1ff7a78920", "A-WEB-NET", "U-WEB-01", "D-IT", "P-WANG", 1),
    ("74.125.95.104", "172.16.16.128", None, "D-SEC", None, 1),
    ("134.249.62.199", "134.249.61.163", None, "D-SEC", None, 1),
    # addresses of ours that no asset covers
    ("未登记资产的地址 10.1.1.200", "10.1.1.200", None, "D-SEC", None, 1),
    ("未登记资产的地址 198.51.100.77", "198.51.100.77", None, "D-SEC", None, 1),
    ("未登记资产的地址 172.16.16.128", "172.16.16.128", None, "D-SEC", None, 1),
]


def nz(v):
    return v if v not in ("", None) else None


def check_routing(ps):
    st = ps.json("case", "correlate")
    check(st["events"] == 28, "28 alert events correlated: %r" % st)
    check(st["opened"] == 15 and st["unregistered"] == 3,
          "15 incidents and 3 unregistered-asset items: %r" % st)
    again = ps.json("case", "correlate")
    check(again["events"] == 0, "a second correlation reads nothing: %r" % again)
    rows = ps.json("case", "list", "--limit", "0")
    check(len(rows) == 18, "18 incidents listed, got %d" % len(rows))
    left = list(rows)
    for title, asset, unit, dept, person, n in EXPECT:
        hit = [r for r in left if title in r["title"] and r["asset"] == asset]
        check(len(hit) == 1, "one incident '%s' on %s, got %d" % (title, asset, len(hit)))
        if not hit:
            continue
        r = hit[0]
        left.remove(r)
        got = (nz(r["unit"]), nz(r["dept"]), nz(r["person"]), int(r["events"]))
        check(got == (unit, dept, person, n),
              "'%s' on %s: owner and evidence %r, want %r" %
              (title, asset, got, (unit, dept, person, n)))
    check(not left, "no unexpected incident: %r" % [r["title"] for r in left])
    seen = ps.json("ipseen", "list")
    check(any(r["key"] == "O-FLOW-198.51.100.77" and r["source"] == "flow" for r in seen),
          "the unregistered address in filed space became an ipseen record")
    check(not any(r["key"] == "O-FLOW-10.1.1.200" for r in seen),
          "a private address is not an ipseen record")
    return rows


def find(rows, title, asset):
    return [r for r in rows if title in r["title"] and r["asset"] == asset][0]["id"]


def check_loop(ps, rows):
    inc = find(rows, "weak password to network device", "A-CORE-R1")
    bad = ps.run("case", "move", inc, "closed", ok=False)
    check(bad.returncode == 1 and "cannot move an incident from 'new' to 'closed'" in bad.stderr,
          "a forbidden move is refused: %s" % bad.stderr)
    ps.run("case", "assign", inc, "P-LI", "--at", "2026-11-23T09:00:00+08:00")
    ps.run("case", "note", inc, "telnet disabled, SSH keys only", "--at",
           "2026-11-23T10:00:00+08:00")
    ps.run("case", "move", inc, "in_progress", "--at", "2026-11-23T10:00:00+08:00")
    ps.run("case", "move", inc, "rectified", "--at", "2026-11-24T10:00:00+08:00")
    # the quiet period is 7 days (incident.auto_verify_quiet)
    t = ps.run("case", "tick", "--now", "2026-12-01T09:59:59+08:00").stdout
    check(t.startswith("0 verified"), "not verified before the quiet period ends: %s" % t)
    t = ps.run("case", "tick", "--now", "2026-12-01T10:00:00+08:00").stdout
    check(t.startswith("1 verified"), "verified when it ends: %s" % t)
    show = ps.json("case", "show", inc)
    check(show["state"] == "verified", "state verified: %s" % show["state"])
    acts = [(h["action"], h["to"]) for h in show["history"]]
    want = [("open", "new"), ("move", "triaged"), ("move", "assigned"), ("assign", None),
            ("note", None), ("move", "in_progress"), ("move", "rectified"),
            ("verify", "verified")]
    check(acts == want, "history %r" % acts)
    check(show["history"][-1]["actor"] == "system", "verified by the system")
    check(any(c["clock"] == "rectification" and c["status"] == "met" for c in show["clocks"]),
          "the rectification clock was met: %r" % show["clocks"])
    return inc


def check_follow(ps):
    """`case correlate --follow` picks up events imported while it runs and
    stops cleanly on SIGTERM."""
    p = subprocess.Popen([ps.exe, "case", "correlate", "--follow", "--interval", "1"],
                         cwd=SRC, env=ps.env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        line = ('{"timestamp":"2026-11-29T08:00:00.000000+0800","event_type":"alert",'
                '"src_ip":"198.18.7.20","src_port":51999,"dest_ip":"10.16.1.11",'
                '"dest_port":23,"proto":"TCP","alert":{"gid":1,"signature_id":9000010,'
                '"signature":"PANSHI SAMPLE cleartext telnet login with weak password to '
                'network device","category":"安全隐患","severity":2}}\n')
        path = os.path.join(ps.tmp, "late.jsonl")
        with open(path, "w") as f:
            f.write(line)
        ps.run("event", "import", path)
        deadline = time.time() + 20
        while time.time() < deadline:
            rows = ps.json("case", "list", "--limit", "0")
            hit = [r for r in rows if r["asset"] == "A-CORE-R1"]
            if hit and int(hit[0]["events"]) == 4:
                break
            time.sleep(0.5)
        check(hit and int(hit[0]["events"]) == 4,
              "--follow correlated the late event into the core-router incident")
    finally:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    check(p.returncode == 0, "--follow stops on SIGTERM with 0: %d %s" % (p.returncode, err))
    check("1 alert events" in out, "--follow reported its round: %r" % out)


# the Chinese category names of the sample events and the names they are stored under
CANON = {"恶意IP地址": "malicious_ip", "恶意域名": "malicious_domain", "恶意程序": "malicious_program",
         "安全隐患": "security_hazard", "网络安全事件": "security_incident"}
NOV = (1793462400000000, 1796054400000000)  # [2026-11-01, 2026-12-01) at +08:00


def check_bulletin(ps):
    """The November bulletin's numbers equal counts made on the stored
    events directly: the total, each category and each day."""
    rows = ps.run("report", "bulletin", "--month", "2026-11", "--format", "csv").stdout
    import csv
    import io
    got = {}
    for r in csv.DictReader(io.StringIO(rows)):
        got.setdefault(r["section"], {})[r["key"]] = int(r["count"])
    where = "event_type = 'alert' AND ts >= %d AND ts < %d" % NOV
    total = int(ps.sql("SELECT count(*) FROM events WHERE " + where)[0][0])
    check(total == 23, "23 alert events in November 2026, counted directly: %d" % total)
    check(got["total"]["events"] == total,
          "bulletin total %d equals the direct count %d" % (got["total"]["events"], total))
    cats = ps.sql("SELECT json_extract(details, '$.alert.category'), count(*) FROM events "
                  "WHERE %s GROUP BY 1" % where,
                  "SELECT details->'alert'->>'category', count(*) FROM events "
                  "WHERE %s GROUP BY 1" % where)
    want = {}
    for c, n in cats:
        want[CANON.get(c, c)] = want.get(CANON.get(c, c), 0) + int(n)
    check(got["category"] == want, "bulletin by category %r, direct %r" % (got["category"], want))
    days = ps.sql("SELECT date((ts / 1000000) + 28800, 'unixepoch'), count(*) FROM events "
                  "WHERE %s GROUP BY 1" % where,
                  "SELECT to_char(to_timestamp(ts / 1000000.0) AT TIME ZONE 'Asia/Shanghai', "
                  "'YYYY-MM-DD'), count(*) FROM events WHERE %s GROUP BY 1" % where)
    want_days = {d: int(n) for d, n in days}
    got_days = {k: v for k, v in got["day"].items() if v}
    check(got_days == want_days, "bulletin by day %r, direct %r" % (got_days, want_days))
    check(len(got["day"]) == 30, "every day of November listed")
    check(sum(got["unit"].values()) == total, "the units add up to the total")
    check(sum(got["level"].values()) == total, "the levels add up to the total")


def check_audit(ps):
    v = ps.run("audit", "verify")
    check("intact" in v.stdout, "audit trail intact: %s" % v.stdout)
    recs = ps.json("audit", "list", "--limit", "100000")
    moves = [r for r in recs if r["action"] == "incident.move"]
    check(len(moves) >= 4, "incident moves are in the trail")
    rid = int(moves[0]["id"])
    ps.sql("UPDATE audit_log SET details = '{\"to\":\"closed\"}' WHERE id = %d" % rid)
    v = ps.run("audit", "verify", ok=False)
    check(v.returncode == 1 and ("record %d: hash does not match" % rid) in v.stderr,
          "audit verify names the edited incident record %d: %s%s" % (rid, v.stdout, v.stderr))


def body(ps):
    load(ps)
    rows = check_routing(ps)
    check_loop(ps, rows)
    check_bulletin(ps)
    check_follow(ps)
    check_audit(ps)


if __name__ == "__main__":
    sys.exit(main(__doc__, "incsample", body))
