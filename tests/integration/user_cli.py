#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`panshi user` and `panshi token` through the binary, checked against a
running `panshi serve` on loopback: what the CLI changes is what the API
enforces at once (new, disabled, re-enabled and re-roled users, changed
and reset passwords, created and revoked tokens), bad arguments are refused
by name, and every change is in the audit trail, which stays intact.

    user_cli.py PANSHI [sqlite|pgsql]
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_harness import SRC, Server, check, main  # noqa: E402

GOOD = "correct horse battery 42"


def otp_of(out):
    m = re.search(r"one-time password[^:]*: (\S+)", out)
    return m.group(1) if m else None


def body(ps):
    ps.run("--quiet", "init")
    ps.run("registry", "import", "samples/registry/demo-operator.yaml")

    # refusals by name, before anything is stored
    p = ps.run("user", "add", "alice", "--role", "wizard", ok=False)
    check(p.returncode == 2 and "unknown role 'wizard'" in p.stderr,
          "an unknown role is a usage error naming it: %r" % p.stderr)
    p = ps.run("user", "add", "alice", ok=False)
    check(p.returncode == 2 and "--role is required" in p.stderr, "add without --role")
    p = subprocess.run([ps.exe, "user", "add", "alice", "--role", "analyst",
                        "--password-stdin"], input="short\n", cwd=SRC, env=ps.env,
                       capture_output=True, text=True)
    check(p.returncode == 1 and "password" in p.stderr, "a short password is refused: %r" % p.stderr)

    p = subprocess.run([ps.exe, "user", "add", "alice", "--role", "analyst",
                        "--password-stdin"], input=GOOD + "\n", cwd=SRC, env=ps.env,
                       capture_output=True, text=True)
    check(p.returncode == 0 and "created user 'alice' (analyst" in p.stdout,
          "alice created: %r %r" % (p.stdout, p.stderr))
    check(otp_of(p.stdout) is None, "no one-time password when one was given")
    p = ps.run("user", "add", "alice", "--role", "analyst", ok=False)
    check(p.returncode == 1 and "alice" in p.stderr, "a second alice is refused: %r" % p.stderr)
    p = ps.run("user", "add", "owen", "--role", "unit_owner", "--units", "U-IDC-01,U-NOPE",
               ok=False)
    check(p.returncode == 1 and "no unit 'U-NOPE' in the registry" in p.stderr,
          "a unit owner of an unknown unit is refused: %r" % p.stderr)
    ps.run("user", "add", "owen", "--role", "unit_owner", "--units", "U-IDC-01")
    p = ps.run("user", "role", "owen", "unit_owner", "--units", "U-IDC-1", ok=False)
    check(p.returncode == 1 and "U-IDC-1" in p.stderr, "a role with a misspelt unit: %r" % p.stderr)
    bob_otp = otp_of(ps.run("user", "add", "bob", "--role", "regulator").stdout)
    check(bob_otp is not None and len(bob_otp) >= 16, "bob's one-time password printed")

    users = {u["name"]: u for u in ps.json("user", "list")}
    check(set(users) == {"alice", "bob", "owen"}, "user list: %s" % sorted(users))
    check(users["owen"]["units"] == "U-IDC-01", "owen keeps his unit: %s" % users["owen"])
    check(users["bob"]["must_change"] == "yes" and users["alice"]["must_change"] == "no",
          "must_change follows how the password was set")
    check(users["bob"]["role_zh"] != "" and users["alice"]["disabled"] == "no", "list columns")

    p = ps.run("token", "create", "--user", "nobody", ok=False)
    check(p.returncode == 1 and "nobody" in p.stderr, "a token of no user: %r" % p.stderr)
    p = ps.run("token", "create", "--user", "alice", "--expires", "tomorrow", ok=False)
    check(p.returncode != 0 and "--expires" in p.stderr, "a bad expiry names the option")
    out = ps.run("token", "create", "--user", "alice", "--label", "ci").stdout
    m = re.match(r"token (\d+) of 'alice'", out)
    check(m is not None, "token create says its id: %r" % out)
    tok_id, tok = (m.group(1) if m else "0"), out.strip().splitlines()[-1]
    p = ps.run("token", "revoke", "x1", ok=False)
    check(p.returncode == 2 and "'x1' is not a token id" in p.stderr, "revoke of a non-id")

    srv = Server(ps)
    try:
        st, me = srv.call("GET", "/me", token=tok)
        check(st == 200 and me and me["name"] == "alice" and me["role"] == "analyst",
              "the CLI's token works: %s %s" % (st, me))
        st, _ = srv.call("GET", "/incidents", token=tok)
        check(st == 200, "an analyst reads incidents: %s" % st)
        tokens = ps.json("token", "list", "--user", "alice")
        check(len(tokens) == 1 and tokens[0]["label"] == "ci" and tokens[0]["last_used"] != "",
              "token list shows the use: %s" % tokens)

        st, r = srv.login("bob", bob_otp)
        check(st == 201 and r["user"]["must_change"] is True, "bob logs in and must change: %s" % st)

        # role: alice becomes an auditor and loses the incidents at once
        p = ps.run("user", "role", "alice", "auditor")
        check("'alice' is now auditor" in p.stdout, "user role: %r" % p.stdout)
        st, _ = srv.call("GET", "/incidents", token=tok)
        check(st == 403, "an auditor is refused the incidents: %s" % st)
        st, _ = srv.call("GET", "/audit", token=tok)
        check(st == 200, "an auditor reads the audit log: %s" % st)
        ps.run("user", "role", "alice", "analyst")

        # disable: token and login refused; enable: both back
        ps.run("user", "disable", "alice")
        st, _ = srv.call("GET", "/me", token=tok)
        check(st == 401, "a disabled user's token is refused: %s" % st)
        st, _ = srv.login("alice", GOOD)
        check(st == 401, "a disabled user cannot log in: %s" % st)
        ps.run("user", "enable", "alice")
        st, _ = srv.call("GET", "/me", token=tok)
        check(st == 200, "enabled again, the token works: %s" % st)

        # passwd: the old password stops working
        p = subprocess.run([ps.exe, "user", "passwd", "alice"], input="another good one 7\n",
                           cwd=SRC, env=ps.env, capture_output=True, text=True)
        check(p.returncode == 0 and "sessions have ended" in p.stdout, "user passwd")
        st, _ = srv.login("alice", GOOD)
        check(st == 401, "the old password is refused: %s" % st)
        st, _ = srv.login("alice", "another good one 7")
        check(st == 201, "the new password works: %s" % st)

        # reset: a new one-time password replaces the old
        new_otp = otp_of(ps.run("user", "reset", "bob").stdout)
        check(new_otp is not None and new_otp != bob_otp, "user reset prints a new one")
        st, _ = srv.login("bob", bob_otp)
        check(st == 401, "the first one-time password is dead: %s" % st)
        st, r = srv.login("bob", new_otp)
        check(st == 201 and r["user"]["must_change"] is True, "the new one works: %s" % st)
        p = ps.run("user", "reset", "carol", ok=False)
        check(p.returncode == 1 and "carol" in p.stderr, "reset of no user names it")

        # revoke: the token is refused at once, and a second revoke says so
        p = ps.run("token", "revoke", tok_id)
        check(("token %s revoked" % tok_id) in p.stdout, "token revoke")
        st, _ = srv.call("GET", "/me", token=tok)
        check(st == 401, "a revoked token is refused: %s" % st)
        p = ps.run("token", "revoke", tok_id, ok=False)
        check(p.returncode == 1, "a revoked token cannot be revoked again")
        tokens = ps.json("token", "list", "--user", "alice")
        check(tokens[0]["revoked"] != "", "token list shows the revocation")
    finally:
        srv.stop()

    # the trail: every change, in order, and intact
    trail = ps.json("audit", "list", "--limit", "200")
    actions = [r["action"] for r in trail]
    for a in ("user.create", "token.create", "user.role", "user.disable", "user.enable",
              "user.password", "user.password_reset", "token.revoke", "auth.login",
              "auth.login_failed"):
        check(a in actions, "audited: %s" % a)
    check(actions.count("user.create") == 3, "three users created, one audit record each")
    v = ps.run("audit", "verify")
    check(v.returncode == 0 and "intact" in v.stdout, "audit verify: %r" % v.stdout)


if __name__ == "__main__":
    sys.exit(main(__doc__, "user_cli", body))
