#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/tools/gh-standin.py - a stand-in for the GitHub CLI's `gh api`,
installed as `gh` on PATH by tests/ci-action.sh. It records every call
(GH_STANDIN_LOG: one JSON object per line: argv, method, path, fields)
and keeps the issues and comments it was asked to make in a JSON file
(GH_STANDIN_STATE), answering later calls from it as the REST API would:

  GET   repos/O/R/issues/N/comments       POST  repos/O/R/issues/N/comments
  PATCH repos/O/R/issues/comments/ID      GET   repos/O/R/issues?state=open...
  POST  repos/O/R/issues                  GET / PATCH repos/O/R/issues/N

--jq FILTER runs the real jq (-r) over the answer, like gh. No GH_TOKEN:
exit 4 with gh's message. GH_STANDIN_READONLY=1: writes answer HTTP 403
(a fork's read-only token), exit 1. The comments' author is
GH_STANDIN_USER (default github-actions[bot]).
"""
import json
import os
import re
import subprocess
import sys


def load():
    p = os.environ["GH_STANDIN_STATE"]
    if os.path.exists(p):
        return json.load(open(p))
    return {"comments": [], "issues": [], "next_id": 1000, "next_number": 1}


def save(st):
    with open(os.environ["GH_STANDIN_STATE"], "w") as f:
        json.dump(st, f, indent=1)


def typed(v):
    if v in ("true", "false"):
        return v == "true"
    if re.fullmatch(r"-?\d+", v):
        return int(v)
    return v


def main(argv):
    if not argv or argv[0] != "api":
        print("gh-standin: only `gh api` is simulated", file=sys.stderr)
        return 1
    method, path, jq, fields, paginate = None, None, None, {}, False
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("--method", "-X"):
            method = argv[i + 1]
            i += 2
        elif a == "--jq" or a == "-q":
            jq = argv[i + 1]
            i += 2
        elif a == "--paginate":
            paginate = True
            i += 1
        elif a in ("-F", "--field", "-f", "--raw-field"):
            k, v = argv[i + 1].split("=", 1)
            if a in ("-F", "--field"):
                if v.startswith("@"):
                    v = open(v[1:], encoding="utf-8").read()
                else:
                    v = typed(v)
            fields[k] = v
            i += 2
        elif a.startswith("-"):
            print("gh-standin: unknown flag %s" % a, file=sys.stderr)
            return 1
        else:
            path = a
            i += 1
    if method is None:
        method = "POST" if fields else "GET"
    with open(os.environ["GH_STANDIN_LOG"], "a") as f:
        f.write(json.dumps({"argv": argv, "method": method, "path": path, "fields": fields,
                            "paginate": paginate}) + "\n")
    if not os.environ.get("GH_TOKEN") and not os.environ.get("GITHUB_TOKEN"):
        print("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN "
              "environment variable.", file=sys.stderr)
        return 4
    if method != "GET" and os.environ.get("GH_STANDIN_READONLY") == "1":
        print("gh: Resource not accessible by integration (HTTP 403)", file=sys.stderr)
        return 1
    st = load()
    user = os.environ.get("GH_STANDIN_USER", "github-actions[bot]")
    base, _, query = path.partition("?")
    m = re.fullmatch(r"repos/([^/]+/[^/]+)/issues/(\d+)/comments", base)
    ans = None
    if m and method == "GET":
        ans = [c for c in st["comments"] if c["issue"] == int(m.group(2))]
    elif m and method == "POST":
        c = {"id": st["next_id"], "issue": int(m.group(2)), "body": fields["body"],
             "user": {"login": user}}
        st["next_id"] += 1
        st["comments"].append(c)
        ans = c
    elif re.fullmatch(r"repos/[^/]+/[^/]+/issues/comments/(\d+)", base) and method == "PATCH":
        cid = int(base.rsplit("/", 1)[1])
        ans = next((c for c in st["comments"] if c["id"] == cid), None)
        if ans is None:
            print("gh: Not Found (HTTP 404)", file=sys.stderr)
            return 1
        ans["body"] = fields["body"]
    elif re.fullmatch(r"repos/[^/]+/[^/]+/issues", base) and method == "GET":
        state = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("state", "open")
        ans = [x for x in st["issues"] if state == "all" or x["state"] == state]
    elif re.fullmatch(r"repos/[^/]+/[^/]+/issues", base) and method == "POST":
        ans = {"number": st["next_number"], "title": fields["title"], "body": fields.get("body", ""),
               "state": "open", "pull_request": None, "user": {"login": user}}
        st["next_number"] += 1
        st["issues"].append(ans)
    elif re.fullmatch(r"repos/[^/]+/[^/]+/issues/(\d+)", base):
        num = int(base.rsplit("/", 1)[1])
        ans = next((x for x in st["issues"] if x["number"] == num), None)
        if ans is None:
            print("gh: Not Found (HTTP 404)", file=sys.stderr)
            return 1
        if method == "PATCH":
            ans.update(fields)
    else:
        print("gh-standin: %s %s is not simulated" % (method, path), file=sys.stderr)
        return 1
    save(st)
    text = json.dumps(ans)
    if jq:
        p = subprocess.run(["jq", "-r", jq], input=text.encode(), stdout=subprocess.PIPE)
        sys.stdout.write(p.stdout.decode())
        return p.returncode
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
