#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The monthly threat bulletin through the panshi binary and headless Chromium.

Builds a temporary store (init, `event import` of EVE alerts written here,
`case correlate`, or plain SQL when correlation is not available), writes
the November 2026 bulletin as CSV and HTML, checks that its event total
equals a direct count of the stored alert events of the month (+08:00),
that vulnerability details stay out unless asked for (and that asking is
audited), then renders the HTML in headless Chromium: the screenshot must
be a valid, non-blank PNG and the DOM must hold at least four SVG charts
with drawn bars.

usage: bulletin_render.py PANSHI [OUTDIR]
Exit 77 (skipped) when chromium is not installed.
"""
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []

# Nov 2026 in Asia/Shanghai: [2026-10-31T16:00Z, 2026-11-30T16:00Z) in µs
NOV_START = 1793462400 * 1000000
NOV_END = 1796054400 * 1000000


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def alert(ts, src, sport, dst, dport, sig, cat, sid, proto="TCP"):
    return json.dumps({
        "timestamp": ts, "event_type": "alert", "src_ip": src, "src_port": sport,
        "dest_ip": dst, "dest_port": dport, "proto": proto,
        "alert": {"signature_id": sid, "signature": sig, "category": cat, "severity": 1},
    }, ensure_ascii=False)


EVE = [
    # the first instant of November in +08:00, and the last one of October
    alert("2026-11-01T00:00:00.000000+0800", "10.1.2.3", 51000, "203.0.113.9", 443,
          "ET TROJAN beacon <b>bold</b>", "A Network Trojan was detected", 2000001),
    alert("2026-10-31T23:59:59.999999+0800", "10.1.2.3", 51001, "203.0.113.9", 443,
          "ET TROJAN beacon <b>bold</b>", "A Network Trojan was detected", 2000001),
    alert("2026-11-03T11:00:00.000000+0800", "10.1.2.3", 51002, "203.0.113.9", 443,
          "ET TROJAN beacon <b>bold</b>", "A Network Trojan was detected", 2000001),
    alert("2026-11-10T09:00:00.000000+0800", "198.51.100.20", 40000, "10.1.2.8", 80,
          "ET SCAN probe", "Attempted Information Leak", 2000002),
    alert("2026-11-10T09:05:00.000000+0800", "198.51.100.20", 40001, "10.1.2.8", 8080,
          "ET SCAN probe", "Attempted Information Leak", 2000002),
    alert("2026-11-21T23:30:00.000000+0800", "10.1.2.9", 53000, "192.0.2.1", 53,
          "ET DNS query to bad domain", "Potentially Bad Traffic", 2000003, "UDP"),
    alert("2026-11-30T23:59:59.000000+0800", "10.1.2.9", 53001, "192.0.2.1", 53,
          "ET DNS query to bad domain", "Potentially Bad Traffic", 2000003, "UDP"),
    # December in +08:00
    alert("2026-12-01T00:00:00.000000+0800", "10.1.2.9", 53002, "192.0.2.1", 53,
          "ET DNS query to bad domain", "Potentially Bad Traffic", 2000003, "UDP"),
    json.dumps({"timestamp": "2026-11-05T10:00:00.000000+0800", "event_type": "dns",
                "src_ip": "10.1.2.3", "src_port": 5353, "dest_ip": "8.8.8.8",
                "dest_port": 53, "proto": "UDP"}),
]


class Panshi:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.db = os.path.join(tmp, "panshi.db")
        self.env = dict(os.environ, PANSHI_DB=self.db,
                        PANSHI_AUDIT_KEY=os.path.join(tmp, "audit.key"))
        self.env.pop("PANSHI_LANG", None)
        self.env.pop("PANSHI_CONFIG", None)
        self.tmp = tmp

    def run(self, *args, ok=True):
        p = subprocess.run([self.exe, "--policy-dir", os.path.join(SRC, "policy"), *args],
                           cwd=self.tmp, env=self.env, capture_output=True, text=True,
                           timeout=120)
        if ok and p.returncode != 0:
            raise SystemExit("panshi %s failed (%d):\n%s%s" %
                             (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p


def incidents_by_sql(db):
    """Group alerts by signature into incidents, as correlation would."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, ts, details FROM events WHERE event_type = 'alert'"
                       " ORDER BY ts, id").fetchall()
    ids = {}
    for eid, ts, details in rows:
        a = json.loads(details or "{}").get("alert", {})
        sig = a.get("signature", "?")
        if sig not in ids:
            cur = con.execute(
                "INSERT INTO incidents (group_key, kind, title, category, state,"
                " indicator, first_seen, last_seen, state_since, created_at, updated_at)"
                " VALUES (?, 'ids', ?, ?, 'new', ?, ?, ?, ?, ?, ?) RETURNING id",
                ("sql:" + sig, sig, a.get("category"), sig, ts, ts, ts, ts, ts))
            ids[sig] = cur.fetchone()[0]
        con.execute("INSERT INTO incident_events (incident_id, event_id, ts, category,"
                    " severity) VALUES (?, ?, ?, ?, 1)", (ids[sig], eid, ts, a.get("category")))
        con.execute("UPDATE incidents SET event_count = event_count + 1, last_seen = ?"
                    " WHERE id = ?", (ts, ids[sig]))
    con.commit()
    con.close()


def build_store(ps):
    ps.run("--quiet", "init")
    eve = os.path.join(ps.tmp, "eve.json")
    with open(eve, "w", encoding="utf-8") as f:
        f.write("\n".join(EVE) + "\n")
    ps.run("event", "import", eve)
    p = ps.run("case", "correlate", ok=False)
    if p.returncode != 0:
        check("not implemented" in p.stderr, "case correlate failed: " + p.stderr)
        incidents_by_sql(ps.db)
    # mark the scan incident as holding vulnerability details
    con = sqlite3.connect(ps.db)
    con.execute("UPDATE incidents SET vuln = 1 WHERE indicator LIKE '%198.51.100.20%'"
                " OR title LIKE '%SCAN%' OR peer_ip = '198.51.100.20'")
    con.commit()
    con.close()


def check_numbers(ps):
    con = sqlite3.connect(ps.db)
    direct = con.execute("SELECT count(*) FROM events WHERE event_type = 'alert'"
                         " AND ts >= ? AND ts < ?", (NOV_START, NOV_END)).fetchone()[0]
    linked = con.execute("SELECT count(*) FROM events e WHERE e.event_type = 'alert'"
                         " AND NOT EXISTS (SELECT 1 FROM incident_events i"
                         " WHERE i.event_id = e.id)").fetchone()[0]
    con.close()
    check(direct == 6, "expected 6 alert events in November, counted %d" % direct)
    check(linked == 0, "%d alert events are linked to no incident" % linked)
    out = os.path.join(ps.tmp, "bulletin.csv")
    ps.run("report", "bulletin", "--month", "2026-11", "--out", out)
    rows = {}
    with open(out, encoding="utf-8") as f:
        lines = f.read().splitlines()
    check(lines[0] == "section,key,label,count", "csv header: %r" % lines[0])
    for line in lines[1:]:
        sec, rest = line.split(",", 1)
        key = rest.split(",", 1)[0]
        rows.setdefault(sec, {})[key] = int(line.rsplit(",", 1)[1])
    check(rows["total"]["events"] == direct,
          "bulletin total %d != direct count %d" % (rows["total"]["events"], direct))
    for sec in ("category", "level", "unit", "day"):
        total = sum(rows.get(sec, {}).values())
        check(total == direct, "section %s sums to %d, not %d" % (sec, total, direct))
    check(rows["day"].get("2026-11-01") == 1, "Nov 1 00:00 +08:00 belongs to November")
    check(rows["day"].get("2026-11-30") == 1, "Nov 30 23:59:59 +08:00 belongs to November")
    check(len(rows["day"]) == 30, "30 days listed, got %d" % len(rows["day"]))


def check_cli(ps):
    p = ps.run("report", "bulletin", "--month", "2026-13", ok=False)
    check(p.returncode == 2 and "--month" in p.stderr and "2026-13" in p.stderr,
          "bad month: %d %s" % (p.returncode, p.stderr))
    p = ps.run("report", "bulletin", "--month", "2026-1", ok=False)
    check(p.returncode == 2 and "'2026-1'" in p.stderr, "short month: " + p.stderr)
    con = sqlite3.connect(ps.db)
    secret = con.execute("SELECT asset_ip FROM incidents WHERE vuln = 1").fetchone()[0]
    con.close()
    html = os.path.join(ps.tmp, "plain.html")
    ps.run("report", "bulletin", "--month", "2026-11", "--out", html)
    with open(html, encoding="utf-8") as f:
        text = f.read()
    check(secret not in text, "vulnerability details (%s) in the plain bulletin" % secret)
    check("（漏洞细节已隐去）" in text, "no withheld marker in the plain bulletin")
    check("<script" not in text and "<b>" not in text, "unescaped store text in HTML")
    con = sqlite3.connect(ps.db)
    before = con.execute("SELECT count(*) FROM audit_log WHERE action ="
                         " 'report.disclose_vuln'").fetchone()[0]
    con.close()
    ps.run("report", "bulletin", "--month", "2026-11", "--include-vuln-details",
           "--out", os.path.join(ps.tmp, "full.md"))
    con = sqlite3.connect(ps.db)
    after = con.execute("SELECT object FROM audit_log WHERE action ="
                        " 'report.disclose_vuln'").fetchall()
    con.close()
    check(len(after) == before + 1 and after[-1][0] == "bulletin:2026-11",
          "disclosure not audited: %r" % after)
    with open(os.path.join(ps.tmp, "full.md"), encoding="utf-8") as f:
        check(secret in f.read(), "details missing with --include-vuln-details")
    p = ps.run("audit", "verify", ok=False)
    check(p.returncode == 0, "audit verify after the disclosure: " + p.stdout + p.stderr)


def png_pixels_ok(path):
    """Decode the PNG far enough to count colours; (ok, reason)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False, "not a PNG signature"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(typ + body) & 0xffffffff != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            return False, "bad CRC in chunk %r" % typ
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        elif typ == b"IEND":
            break
        pos += 12 + n
    if ihdr is None:
        return False, "no IHDR"
    width, height, depth, ctype = ihdr[:4]
    if depth != 8 or ctype not in (2, 6):
        return False, "unexpected PNG format depth %d type %d" % (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        return False, "pixel data has %d bytes, expected %d" % (len(raw), height * (stride + 1))
    colours, prev, bar = set(), bytearray(stride), False
    for y in range(height):
        ft = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            if ft == 1:
                row[i] = (row[i] + a) & 255
            elif ft == 2:
                row[i] = (row[i] + b) & 255
            elif ft == 3:
                row[i] = (row[i] + ((a + b) >> 1)) & 255
            elif ft == 4:
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            px = bytes(row[x:x + 3])
            colours.add(px)
            if px == b"\x1f\x5f\xa8":
                bar = True
        prev = row
        if bar and len(colours) > 20:
            break
    if len(colours) <= 20:
        return False, "only %d distinct colours: blank page?" % len(colours)
    if not bar:
        return False, "no chart bar colour #1f5fa8 in the screenshot"
    return True, "%d+ colours" % len(colours)


def render(ps, outdir):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("skipped: chromium is not installed")
        return 77
    html = os.path.join(ps.tmp, "bulletin.html")
    ps.run("report", "bulletin", "--month", "2026-11", "--out", html)
    png = os.path.join(outdir, "bulletin.png")
    if os.path.exists(png):
        os.unlink(png)
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--user-data-dir=" + os.path.join(ps.tmp, "chromium")]
    subprocess.run(base + ["--screenshot=" + png, "--window-size=1280,2400",
                           "file://" + html], capture_output=True, timeout=60)
    check(os.path.exists(png), "chromium wrote no screenshot")
    if os.path.exists(png):
        ok, why = png_pixels_ok(png)
        check(ok, "screenshot: " + why)
        print("screenshot %s: %s" % (png, why))
    dom = subprocess.run(base + ["--dump-dom", "file://" + html], capture_output=True,
                         text=True, timeout=60).stdout
    svgs = re.findall(r"<svg\b.*?</svg>", dom, re.S)
    drawn = [s for s in svgs if re.search(r"<rect[^>]*class=\"bar\"", s)]
    check(len(svgs) >= 4, "%d <svg> elements in the DOM" % len(svgs))
    check(len(drawn) >= 4, "%d charts with drawn bars" % len(drawn))
    check("<script" not in dom, "a script element in the bulletin")
    return 0


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    exe = os.path.abspath(sys.argv[1])
    outdir = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else tempfile.gettempdir()
    os.makedirs(outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="panshi-bulletin-")
    try:
        ps = Panshi(exe, tmp)
        build_store(ps)
        check_numbers(ps)
        check_cli(ps)
        rc = render(ps, outdir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    if rc == 0:
        print("ok")
    return rc


if __name__ == "__main__":
    sys.exit(main())
