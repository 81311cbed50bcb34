# SPDX-License-Identifier: Apache-2.0
"""Shared by the sample-data integration scripts: the check list, the
panshi runner with a private store and audit key, direct SQL on the store
(sqlite3 or psql), and main() that sets up the backend given on the
command line ("sqlite", or "pgsql" in a fresh schema of
PANSHI_TEST_PG_DSN; exit 77 without it or psql) and reports."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


class Panshi:
    def __init__(self, exe, db, schema, tmp):
        self.exe = exe
        self.db = db
        self.schema = schema
        self.tmp = tmp
        self.env = dict(os.environ, PANSHI_DB=db, PANSHI_LANG="en",
                        PANSHI_CONFIG=os.path.join(SRC, "samples/panshi-sample.yaml"),
                        PANSHI_FRAMEWORK_DIR=os.path.join(SRC, "frameworks"),
                        PANSHI_AUDIT_KEY=os.path.join(tmp, "audit.key"))

    def run(self, *args, ok=True):
        p = subprocess.run([self.exe, *args], cwd=SRC, env=self.env,
                           capture_output=True, text=True, timeout=300)
        if ok and p.returncode != 0:
            raise SystemExit("panshi %s failed (%d):\n%s%s" %
                             (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def json(self, *args):
        return json.loads(self.run(*args, "--format", "json").stdout)

    def sql(self, sqlite_sql, pg_sql=None):
        """Rows of a statement run on the store itself, not through panshi
        (pg_sql defaults to sqlite_sql); values come back as text on
        PostgreSQL."""
        if self.schema is None:
            con = sqlite3.connect(self.db)
            rows = con.execute(sqlite_sql).fetchall()
            con.commit()
            con.close()
            return rows
        out = subprocess.run(["psql", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                              os.environ["PANSHI_TEST_PG_DSN"], "-c",
                              "SET search_path TO %s; %s" % (self.schema, pg_sql or sqlite_sql)],
                             check=True, capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]


class Server:
    """`panshi serve` on a free loopback port, with a JSON client of its API."""

    def __init__(self, ps, env=None):
        self.err_path = os.path.join(ps.tmp, "serve-%d.err" % time.monotonic_ns())
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen([ps.exe, "serve", "--listen", "127.0.0.1:0"],
                                         cwd=SRC, env=env or ps.env, stdout=subprocess.PIPE,
                                         stderr=err, text=True)
        self.base = None
        deadline = time.time() + 30
        while time.time() < deadline and self.base is None:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.base = "http://127.0.0.1:%s/api/v1" % m.group(1)
        if self.base is None:
            self.proc.kill()
            raise SystemExit("panshi serve did not start")
        # no proxy for loopback
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method, path, body=None, token=None, raw=None):
        data = raw if raw is not None else (
            json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, method=method, data=data)
        req.add_header("Content-Type", "application/octet-stream" if raw is not None
                       else "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with self.opener.open(req, timeout=10) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def login(self, name, password):
        return self.call("POST", "/sessions", {"name": name, "password": password})

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main(doc, name, body):
    """Run body(ps) on the backend of argv[2]; 0, 1 (failures) or 77."""
    if len(sys.argv) < 2:
        raise SystemExit(doc)
    exe = os.path.abspath(sys.argv[1])
    backend = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    tmp = tempfile.mkdtemp(prefix="panshi-%s-" % name)
    schema = None
    try:
        if backend == "pgsql":
            dsn = os.environ.get("PANSHI_TEST_PG_DSN")
            if not dsn or shutil.which("psql") is None:
                print("skipped: PANSHI_TEST_PG_DSN or psql missing")
                return 77
            schema = "%s_%d" % (name, os.getpid())
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", dsn, "-c",
                            "CREATE SCHEMA %s" % schema], check=True)
            sep = "&" if "?" in dsn else "?"
            db = "%s%soptions=-csearch_path%%3D%s" % (dsn, sep, schema)
        else:
            db = os.path.join(tmp, "sample.db")
        body(Panshi(exe, db, schema, tmp))
    finally:
        if schema is not None:
            subprocess.run(["psql", "-q", os.environ["PANSHI_TEST_PG_DSN"], "-c",
                            "DROP SCHEMA %s CASCADE" % schema],
                           env=dict(os.environ, PGOPTIONS="--client-min-messages=warning"))
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("%s: all checks passed (%s)" % (name, backend))
    return 0
