#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Threat intelligence in a running `panshi sensor` on the loopback
interface, reloaded without stopping capture:

  1. a store holds one indicator (first.example.net); the sensor starts and
     a DNS query for it is sent to 127.0.0.1:53;
  2. second.example.net is imported and `panshi intel reload` run; after
     the sensor's poll a query for it is sent;
  3. third.example.net is imported and the sensor gets SIGHUP; a query for
     it follows; then a query for a name in no list;
  4. SIGTERM. The EVE file must hold exactly one alert for each of the
     three names and none for the fourth, and stderr the two reloads.

Exit 77 (skipped) when this process may not capture on lo.

    sensor_intel_lo.py PANSHI
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NAMES = ["first.example.net", "second.example.net", "third.example.net"]
UNLISTED = "fourth.example.net"


def query(name, txid):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) + q + \
        struct.pack("!HH", 1, 1)


def send(name, txid):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(query(name, txid), ("127.0.0.1", 53))
    s.close()
    time.sleep(0.2)


def panshi(exe, db, *args):
    p = subprocess.run([exe, "--db", db, "--lang", "en"] + list(args),
                       capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise SystemExit(f"panshi {' '.join(args)} failed: {p.stderr}")


def add(exe, db, tmp, name):
    path = os.path.join(tmp, name + ".txt")
    with open(path, "w") as f:
        f.write(name + "\n")
    panshi(exe, db, "--quiet", "intel", "import", "--source", name, path)


def main():
    exe = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "panshi.db")
        eve = os.path.join(tmp, "eve.json")
        panshi(exe, db, "init")
        add(exe, db, tmp, NAMES[0])
        p = subprocess.Popen([exe, "--db", db, "--lang", "en", "sensor",
                              "--iface", "lo", "--no-store",
                              "--bpf", "udp port 53", "--eve", eve],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT)
        time.sleep(1.5)
        if p.poll() is not None:
            out, err = p.communicate()
            if "permission" in err.lower() or "not permitted" in err.lower():
                print("skipped: cannot capture on lo here: " + err.strip())
                return 77
            print(f"sensor exited early ({p.returncode}): {err}",
                  file=sys.stderr)
            return 1
        send(NAMES[0], 0x2001)
        add(exe, db, tmp, NAMES[1])
        panshi(exe, db, "--quiet", "intel", "reload")
        time.sleep(2.5)                  # the sensor polls once a second
        send(NAMES[1], 0x2002)
        add(exe, db, tmp, NAMES[2])
        p.send_signal(signal.SIGHUP)
        time.sleep(2.5)
        send(NAMES[2], 0x2003)
        send(UNLISTED, 0x2004)
        time.sleep(1.0)
        p.send_signal(signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            print("sensor did not stop within 20 s of SIGTERM", file=sys.stderr)
            return 1
        if p.returncode != 0:
            print(f"sensor exited {p.returncode}: {err}", file=sys.stderr)
            return 1
        events = [json.loads(l) for l in open(eve, encoding="utf-8")]
    alerts = [e["intel"]["value"] for e in events
              if e.get("event_type") == "alert" and "intel" in e]
    reloads = err.count("intel reloaded")
    print(f"alerts: {alerts}; reloads reported: {reloads}")
    ok = True
    for n in NAMES:
        if alerts.count(n) != 1:
            print(f"want one alert for {n}, got {alerts.count(n)}",
                  file=sys.stderr)
            ok = False
    if UNLISTED in alerts:
        print(f"alert for {UNLISTED}, which is in no list", file=sys.stderr)
        ok = False
    if reloads != 2:
        print(f"want 2 reloads reported on stderr, got {reloads}: {err}",
              file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
