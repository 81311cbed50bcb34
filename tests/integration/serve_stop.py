#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Stopping `panshi serve` while an intel import uploaded through the API
is still running. With the default api.stop_wait the server stops taking
requests, says it waits, lets the import finish and exits 0: every
indicator is stored and the source's import counts are recorded. With
api.stop_wait 0 it does not wait: it tells the import to stop, which rolls
back its batch in progress and records what it read, exits 0 and says on
stderr that the import stopped before the end and must be run again. The
audit trail stays intact either way.

    serve_stop.py PANSHI [sqlite|pgsql]
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_harness import SRC, Server, check, main  # noqa: E402

ROWS = 200000


def csv_body(tag, rows=ROWS):
    lines = ["value,type,category,severity,confidence"]
    lines += ["h%d.%s.stop-test.example,domain,malicious_domain,3,70" % (i, tag)
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def token_of(ps):
    p = subprocess.run([ps.exe, "user", "add", "imp", "--role", "analyst",
                        "--password-stdin"], input="import password 1234\n", cwd=SRC,
                       env=ps.env, capture_output=True, text=True)
    check(p.returncode == 0, "user add: %r" % p.stderr)
    return ps.run("token", "create", "--user", "imp").stdout.strip().splitlines()[-1]


def start_import(srv, tok, source, body):
    st, job = srv.call("POST", "/intel/imports?source=%s&format=csv&name=%s.csv" %
                       (source, source), token=tok, raw=body)
    check(st == 202 and job and job["state"] == "running",
          "%s: import accepted and running: %s %s" % (source, st, job))


def stop_and_wait(srv):
    """SIGTERM; the rest of stdout, the exit status and the seconds taken."""
    t0 = time.monotonic()
    srv.proc.terminate()
    out = srv.proc.stdout.read()
    rc = srv.proc.wait(timeout=300)
    return out, rc, time.monotonic() - t0


def count(ps, source):
    return int(ps.sql("SELECT count(*) FROM indicators i JOIN intel_sources s ON "
                      "s.id = i.source_id WHERE s.name = '%s'" % source)[0][0])


def body(ps):
    ps.run("--quiet", "init")
    tok = token_of(ps)

    # 1. the default: the server waits for the import
    srv = Server(ps)
    start_import(srv, tok, "waited", csv_body("w"))
    out, rc, _ = stop_and_wait(srv)
    check(rc == 0, "serve exits 0 after the import: %d %s" % (rc, srv.stderr()))
    check("waiting up to 120 s for 1 intel import to finish" in out,
          "serve says it waits: %r" % out)
    check(out.rstrip().endswith("stopped"), "then stops: %r" % out)
    check(count(ps, "waited") == ROWS, "every indicator stored: %d" % count(ps, "waited"))
    src = [s for s in ps.json("intel", "sources") if s.get("name") == "waited"]
    check(len(src) == 1 and src[0]["read"] == str(ROWS) and src[0]["imported"] == str(ROWS)
          and src[0]["last_import"] != "", "the source's import counts are recorded: %s" % src)
    check(src and src[0]["location"] == "upload:waited.csv by token:imp",
          "the location names the upload and who sent it, not a temporary file: %s" % src)

    # 2. stop_wait 0: no waiting, and it says what that means
    conf = os.path.join(ps.tmp, "nowait.yaml")
    with open(os.path.join(SRC, "samples/panshi-sample.yaml")) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write(text + "\napi:\n  stop_wait: 0s\n")
    srv = Server(ps, env=dict(ps.env, PANSHI_CONFIG=conf))
    # three times as long, so that it surely still runs when told to stop
    start_import(srv, tok, "cut", csv_body("c", 3 * ROWS))
    out, rc, secs = stop_and_wait(srv)
    err = srv.stderr()
    check(rc == 0, "serve exits 0 without waiting: %d" % rc)
    check("1 intel import stopped before the end" in err and "import the file again" in err,
          "serve says the import stopped: %r" % err[-400:])
    check("did not stop" not in err, "the import stopped when told: %r" % err[-400:])
    # one batch of 200,000 rows: stopped part way, it is rolled back whole
    check(count(ps, "cut") == 0, "the batch in progress is rolled back: %d" % count(ps, "cut"))
    check("waiting" not in out, "no waiting announced: %r" % out)
    src = [s for s in ps.json("intel", "sources") if s.get("name") == "cut"]
    check(len(src) == 1 and 0 < int(src[0]["read"]) < ROWS and src[0]["imported"] == "0",
          "what it read is recorded: %s" % src)
    check(secs < 30, "no waiting: %.1f s" % secs)

    v = ps.run("audit", "verify")
    check(v.returncode == 0 and "intact" in v.stdout, "audit verify: %r" % v.stdout)


if __name__ == "__main__":
    sys.exit(main(__doc__, "serve_stop", body))
