#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`panshi sensor` on the loopback interface: start it, send DNS queries to
127.0.0.1:53 (nothing needs to listen: the query itself is captured), stop
it with SIGTERM and check that it exited 0 after writing the dns events,
the flow events and the stats event. Exit 77 (skipped) when this process
may not capture (not root / no CAP_NET_RAW).

    sensor_lo.py PANSHI
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

NAME = "sensor-test.example.com"


def query(name, txid):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) + q + \
        struct.pack("!HH", 1, 1)


def main():
    panshi = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        eve = os.path.join(tmp, "eve.json")
        p = subprocess.Popen([panshi, "sensor", "--iface", "lo", "--no-store",
                              "--bpf", "udp port 53", "--eve", eve],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        time.sleep(1.0)
        if p.poll() is not None:
            out, err = p.communicate()
            if "permission" in err.lower() or "not permitted" in err.lower():
                print("skipped: cannot capture on lo here: " + err.strip())
                return 77
            print(f"sensor exited early ({p.returncode}): {err}", file=sys.stderr)
            return 1
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(3):
            s.sendto(query(NAME, 0x1000 + i), ("127.0.0.1", 53))
            time.sleep(0.1)
        s.close()
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
    dns = [e for e in events if e.get("event_type") == "dns" and
           any(q.get("rrname") == NAME for q in e["dns"].get("queries", []))]
    flows = [e for e in events if e.get("event_type") == "flow" and
             e.get("dest_port") == 53]
    stats = [e for e in events if e.get("event_type") == "stats"]
    print(f"{len(events)} events: {len(dns)} dns, {len(flows)} flow, "
          f"{len(stats)} stats")
    if len(dns) != 3 or not flows or len(stats) != 1:
        print("want 3 dns queries, >= 1 flow to port 53 and 1 stats event",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
