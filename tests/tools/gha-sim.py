#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/tools/gha-sim.py - runs a GitHub Actions job, or the composite
action (action.yml), on this machine the way the runner does, for
tests/ci-action.sh. Not a general runner: what the project's action and
examples use.

  gha-sim.py job FILE JOB  [--matrix JSON] [--needs JSON] [--inputs JSON]
  gha-sim.py action DIR    [--with NAME=VALUE]...
  gha-sim.py lint FILE...  every `run:` free of ${{ }} (exit 1 naming them)
  gha-sim.py gitlab FILE JOB  a GitLab job's before_script + script

The caller sets the GitHub environment (GITHUB_EVENT_NAME,
GITHUB_EVENT_PATH, GITHUB_BASE_REF, GITHUB_REF, GITHUB_REPOSITORY,
RUNNER_TEMP, GITHUB_WORKSPACE; PATH with a stand-in gh). Per step it
makes fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY
files and applies them as the runner does; `${{ }}` expressions are
evaluated (contexts github, runner, inputs, steps, env, matrix, needs,
secrets, vars; always(), success(), failure(), cancelled(), contains,
startsWith, endsWith, format, fromJSON, toJSON).

`uses:` steps: `./` and prisma-gate/prisma-gate@REF run the action in
SIM_ACTION_DIR; actions/cache restores SIM_CACHE_DIR into its path (a hit)
when set; actions/upload-artifact and download-artifact copy to and from
SIM_ARTIFACTS; anything else (checkout, upload-sarif, junit reporters,
setup-node) is recorded, not run.

Environment: SIM_SECRETS (JSON object), SIM_SKIP (names of steps not
to run, one per line: e.g. an `npm ci` the test replaces), SIM_RESULT (where the result
JSON goes), SIM_SUMMARY (the job's step summaries appended), SIM_LOG (every
step's output), SIM_COMMANDS (every workflow-command line a step printed,
on stdout or stderr, as "STEP<TAB>LINE").
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import fnmatch

import yaml


# ------------------------------------------------------------ expressions

class Expr:
    TOKEN = re.compile(r"""\s*(?:
        (?P<str>'(?:[^']|'')*')|
        (?P<num>-?\d+(?:\.\d+)?)|
        (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,])|
        (?P<id>[A-Za-z_][A-Za-z0-9_-]*|\*)
    )""", re.X)

    def __init__(self, text, ctx):
        self.toks = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError("cannot parse expression: %r" % text)
            pos = m.end()
            for k in ("str", "num", "op", "id"):
                if m.group(k) is not None:
                    self.toks.append((k, m.group(k)))
                    break
        self.i = 0
        self.ctx = ctx

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, v=None):
        t = self.peek()
        if v is not None and t[1] != v:
            raise ValueError("expected %s, got %s" % (v, t[1]))
        self.i += 1
        return t

    def parse(self):
        v = self.or_()
        if self.i != len(self.toks):
            raise ValueError("trailing tokens in expression")
        return v

    def or_(self):
        v = self.and_()
        while self.peek()[1] == "||":
            self.take()
            r = self.and_()
            v = v if truthy(v) else r
        return v

    def and_(self):
        v = self.cmp()
        while self.peek()[1] == "&&":
            self.take()
            r = self.cmp()
            v = r if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek()[1] in ("==", "!=", "<", ">", "<=", ">="):
            op = self.take()[1]
            r = self.unary()
            a, b = loose(v), loose(r)
            if op == "==":
                v = a == b
            elif op == "!=":
                v = a != b
            else:
                v = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return v

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix()

    def postfix(self):
        v = self.primary()
        while True:
            t = self.peek()[1]
            if t == ".":
                self.take()
                name = self.take()[1]
                v = prop(v, name)
            elif t == "[":
                self.take()
                k = self.or_()
                self.take("]")
                v = prop(v, k)
            else:
                return v

    def primary(self):
        kind, val = self.take()
        if kind == "str":
            return val[1:-1].replace("''", "'")
        if kind == "num":
            return float(val) if "." in val else int(val)
        if val == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind == "id":
            low = val.lower()
            if low == "true":
                return True
            if low == "false":
                return False
            if low == "null":
                return None
            if self.peek()[1] == "(":
                self.take()
                args = []
                while self.peek()[1] != ")":
                    args.append(self.or_())
                    if self.peek()[1] == ",":
                        self.take()
                self.take(")")
                return call(low, args, self.ctx)
            return self.ctx.get(val)
        raise ValueError("unexpected token %r" % val)


def truthy(v):
    return v not in (None, False, 0, "", 0.0)


def loose(v):
    if isinstance(v, str):
        return v.lower()
    return v


def prop(v, name):
    if isinstance(v, dict):
        if isinstance(name, str):
            for k in v:
                if k.lower() == name.lower():
                    return v[k]
        return None
    if isinstance(v, list) and isinstance(name, int) and 0 <= name < len(v):
        return v[name]
    return None


def tostr(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def call(name, args, ctx):
    st = ctx.get("__status__", "success")
    if name == "always":
        return True
    if name == "success":
        return st == "success"
    if name == "failure":
        return st == "failure"
    if name == "cancelled":
        return False
    if name == "contains":
        h, n = args
        if isinstance(h, list):
            return any(loose(x) == loose(n) for x in h)
        return tostr(n).lower() in tostr(h).lower()
    if name == "startswith":
        return tostr(args[0]).lower().startswith(tostr(args[1]).lower())
    if name == "endswith":
        return tostr(args[0]).lower().endswith(tostr(args[1]).lower())
    if name == "format":
        s = tostr(args[0])
        for i, a in enumerate(args[1:]):
            s = s.replace("{%d}" % i, tostr(a))
        return s
    if name == "fromjson":
        return json.loads(tostr(args[0]))
    if name == "tojson":
        return json.dumps(args[0])
    if name == "hashfiles":
        return ""
    raise ValueError("unknown function %s" % name)


class Ctx(dict):
    def get(self, k, d=None):
        for key in self:
            if key.lower() == k.lower():
                return self[key]
        return d


def evaluate(text, ctx):
    return Expr(text, ctx).parse()


EXPR = re.compile(r"\$\{\{((?:(?!\}\}).)*)\}\}", re.S)


def subst(value, ctx):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    value = str(value)
    m = EXPR.fullmatch(value.strip())
    if m:
        return tostr(evaluate(m.group(1), ctx))
    return EXPR.sub(lambda m: tostr(evaluate(m.group(1), ctx)), value)


def cond(text, ctx):
    if text is None:
        return call("success", [], ctx)
    if isinstance(text, bool):
        return text
    text = str(text).strip()
    m = EXPR.fullmatch(text)
    if m:
        text = m.group(1)
    if not re.search(r"\b(always|success|failure|cancelled)\s*\(", text):
        return call("success", [], ctx) and truthy(evaluate(text, ctx))
    return truthy(evaluate(text, ctx))


# ------------------------------------------------------------------ runner

def read_kv(path):
    """name=value and name<<DELIM lines of an environment file."""
    out = {}
    try:
        lines = open(path, encoding="utf-8").read().split("\n")
    except FileNotFoundError:
        return out
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        m = re.match(r"^([^=<]+)<<(.+)$", line)
        if m:
            delim = m.group(2)
            val = []
            while i < len(lines) and lines[i] != delim:
                val.append(lines[i])
                i += 1
            if i >= len(lines):
                raise SystemExit("gha-sim: %s: %s has no end delimiter" % (path, m.group(1)))
            i += 1
            out[m.group(1)] = "\n".join(val)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        else:
            raise SystemExit("gha-sim: %s: malformed line %r" % (path, line))
    return out


class Job:
    def __init__(self, name):
        self.name = name
        self.env_extra = {}  # from GITHUB_ENV
        self.path_extra = []  # from GITHUB_PATH
        self.tmp = tempfile.mkdtemp(prefix="gha-sim-")
        self.nstep = 0
        self.records = []

    def log(self, text):
        p = os.environ.get("SIM_LOG")
        if p:
            with open(p, "a", encoding="utf-8", errors="replace") as f:
                f.write(text)

    def commands(self, step, text):
        p = os.environ.get("SIM_COMMANDS")
        if not p:
            return
        with open(p, "a", encoding="utf-8", errors="replace") as f:
            for line in text.splitlines():
                if line.lstrip().startswith("::"):
                    f.write("%s\t%s\n" % (step, line))

    def base_env(self, env):
        e = dict(os.environ)
        e.update(self.env_extra)
        e.update(env)
        if self.path_extra:
            e["PATH"] = ":".join(reversed(self.path_extra)) + ":" + e.get("PATH", "")
        return e

    def run_script(self, label, script, shell, env, cwd):
        self.nstep += 1
        d = os.path.join(self.tmp, "step%d" % self.nstep)
        os.makedirs(d)
        files = {}
        for k, n in (("GITHUB_OUTPUT", "output"), ("GITHUB_ENV", "env"),
                     ("GITHUB_PATH", "path"), ("GITHUB_STEP_SUMMARY", "summary")):
            files[k] = os.path.join(d, n)
            open(files[k], "w").close()
        sp = os.path.join(d, "script.sh")
        with open(sp, "w") as f:
            f.write(script)
        e = self.base_env(env)
        e.update(files)
        if shell in (None, ""):
            argv = ["bash", "-e", sp]
        elif shell == "bash":
            argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail", sp]
        elif shell == "sh":
            argv = ["sh", "-e", sp]
        else:
            raise SystemExit("gha-sim: shell %s not simulated" % shell)
        p = subprocess.run(argv, env=e, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        self.log("== %s: %s (exit %d)\n%s%s" % (self.name, label, p.returncode, out, err))
        self.commands(label, out)
        self.commands(label, err)
        outputs = read_kv(files["GITHUB_OUTPUT"])
        self.env_extra.update(read_kv(files["GITHUB_ENV"]))
        for line in open(files["GITHUB_PATH"]).read().splitlines():
            if line:
                self.path_extra.append(line)
        summ = open(files["GITHUB_STEP_SUMMARY"], encoding="utf-8").read()
        if summ and os.environ.get("SIM_SUMMARY"):
            with open(os.environ["SIM_SUMMARY"], "a", encoding="utf-8") as f:
                f.write(summ)
        return p.returncode, outputs

    def run_uses(self, label, uses, with_, env, ctx, cwd):
        self.records.append({"uses": uses, "with": with_})
        ref = uses.split("@")[0]
        if uses.startswith("./") or ref == "prisma-gate/prisma-gate":
            adir = os.environ["SIM_ACTION_DIR"]
            return self.run_action(adir, with_, env, ctx, uses.split("@")[1] if "@" in uses else "")
        if ref == "actions/cache":
            src = os.environ.get("SIM_CACHE_DIR")
            if src and os.path.isdir(src):
                dst = with_.get("path", "")
                if os.path.exists(dst):
                    shutil.rmtree(dst)
                shutil.copytree(src, dst, symlinks=True)
                return 0, {"cache-hit": "true"}
            return 0, {"cache-hit": "false"}
        arts = os.environ.get("SIM_ARTIFACTS")
        if ref == "actions/upload-artifact" and arts:
            dst = os.path.join(arts, with_["name"])
            os.makedirs(dst, exist_ok=True)
            for p in with_.get("path", "").split("\n"):
                p = p.strip()
                if p and os.path.isfile(p):
                    shutil.copy(p, dst)
            return 0, {}
        if ref == "actions/download-artifact" and arts:
            dst = os.path.join(cwd, with_.get("path", "."))
            for name in sorted(os.listdir(arts)):
                if fnmatch.fnmatch(name, with_.get("pattern", "*")):
                    shutil.copytree(os.path.join(arts, name), os.path.join(dst, name))
            return 0, {}
        return 0, {}

    def run_steps(self, steps, ctx, env_base, cwd_base, label_prefix):
        """Run steps; returns (status, steps context)."""
        status = "success"
        stepsctx = {}
        ctx["steps"] = stepsctx
        for n, st in enumerate(steps):
            sid = st.get("id", "__step%d" % n)
            label = "%s%s" % (label_prefix, st.get("name") or st.get("uses") or sid)
            ctx["__status__"] = status
            env = dict(env_base)
            ctx["env"] = dict(env)
            for k, v in (st.get("env") or {}).items():
                env[k] = subst(v, ctx)
            ctx["env"] = dict(env)
            skip = [x for x in os.environ.get("SIM_SKIP", "").split("\n") if x]
            if not cond(st.get("if"), ctx) or st.get("name") in skip:
                stepsctx[sid] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
                self.log("== %s: %s (skipped)\n" % (self.name, label))
                continue
            cwd = cwd_base
            if st.get("working-directory"):
                cwd = os.path.join(cwd_base, subst(st["working-directory"], ctx))
            if "run" in st:
                rc, outs = self.run_script(label, st["run"], st.get("shell"), env, cwd)
            else:
                with_ = {k: subst(v, ctx) for k, v in (st.get("with") or {}).items()}
                rc, outs = self.run_uses(label, st["uses"], with_, env, ctx, cwd)
            outcome = "success" if rc == 0 else "failure"
            conclusion = outcome
            if rc != 0 and subst(st.get("continue-on-error", False), ctx) == "true":
                conclusion = "success"
            stepsctx[sid] = {"outputs": outs, "outcome": outcome, "conclusion": conclusion}
            self.records.append({"step": label, "id": sid, "rc": rc, "outcome": outcome,
                                 "conclusion": conclusion, "outputs": outs})
            if conclusion == "failure":
                status = "failure"
        return status, stepsctx

    def run_action(self, adir, with_, env, outer_ctx, ref):
        meta = yaml.safe_load(open(os.path.join(adir, "action.yml")))
        if meta["runs"]["using"] != "composite":
            raise SystemExit("gha-sim: only composite actions")
        ctx = Ctx(outer_ctx)
        gh = dict(ctx.get("github") or {})
        gh["action_path"] = adir
        gh["action_ref"] = ref
        ctx["github"] = gh
        inputs = {}
        for k, spec in (meta.get("inputs") or {}).items():
            d = spec.get("default", "")
            inputs[k] = with_[k] if k in with_ else subst(d, ctx)
        for k in with_:
            if k not in inputs:
                raise SystemExit("gha-sim: the action has no input %r" % k)
        ctx["inputs"] = inputs
        env = dict(env)
        env["GITHUB_ACTION_PATH"] = adir
        env["GITHUB_ACTION_REF"] = ref
        status, stepsctx = self.run_steps(meta["runs"]["steps"], ctx, env,
                                          os.environ.get("GITHUB_WORKSPACE", os.getcwd()),
                                          "action: ")
        ctx["steps"] = stepsctx
        outs = {k: subst(v.get("value", ""), ctx) for k, v in (meta.get("outputs") or {}).items()}
        return (0 if status == "success" else 1), outs


def github_ctx():
    e = os.environ
    event = {}
    if e.get("GITHUB_EVENT_PATH") and os.path.exists(e["GITHUB_EVENT_PATH"]):
        event = json.load(open(e["GITHUB_EVENT_PATH"]))
    return {
        "event_name": e.get("GITHUB_EVENT_NAME", ""),
        "event": event,
        "ref": e.get("GITHUB_REF", ""),
        "base_ref": e.get("GITHUB_BASE_REF", ""),
        "head_ref": e.get("GITHUB_HEAD_REF", ""),
        "repository": e.get("GITHUB_REPOSITORY", ""),
        "sha": e.get("GITHUB_SHA", ""),
        "workspace": e.get("GITHUB_WORKSPACE", ""),
        "run_id": e.get("GITHUB_RUN_ID", "1"),
        "server_url": "https://github.com",
        "token": e.get("SIM_TOKEN", "sim-token"),
        "workflow": e.get("GITHUB_WORKFLOW", ""),
    }


def base_ctx():
    ctx = Ctx()
    ctx["github"] = github_ctx()
    ctx["runner"] = {"os": "Linux", "arch": "X64", "temp": os.environ.get("RUNNER_TEMP", "/tmp")}
    ctx["secrets"] = json.loads(os.environ.get("SIM_SECRETS", "{}"))
    ctx["vars"] = {}
    ctx["inputs"] = {}
    ctx["matrix"] = {}
    ctx["needs"] = {}
    return ctx


def write_result(res):
    p = os.environ.get("SIM_RESULT")
    if p:
        with open(p, "w") as f:
            json.dump(res, f, indent=1)


def cmd_job(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("job")
    ap.add_argument("--matrix", default="{}")
    ap.add_argument("--needs", default="{}")
    ap.add_argument("--inputs", default="{}")
    a = ap.parse_args(argv)
    wf = yaml.safe_load(open(a.file))
    job = wf["jobs"][a.job]
    ctx = base_ctx()
    ctx["matrix"] = json.loads(a.matrix)
    ctx["needs"] = json.loads(a.needs)
    ctx["inputs"] = json.loads(a.inputs)
    ctx["__status__"] = "success"
    if "if" in job and not cond(job["if"], ctx):
        write_result({"job": a.job, "status": "skipped", "outputs": {}, "steps": []})
        print("gha-sim: job %s skipped" % a.job)
        return 0
    env = {}
    for scope in (wf.get("env") or {}, job.get("env") or {}):
        for k, v in scope.items():
            ctx["env"] = dict(env)
            env[k] = subst(v, ctx)
    j = Job(a.job)
    status, stepsctx = j.run_steps(job.get("steps") or [], ctx, env,
                                   os.environ.get("GITHUB_WORKSPACE", os.getcwd()), "")
    ctx["steps"] = stepsctx
    outs = {k: subst(v, ctx) for k, v in (job.get("outputs") or {}).items()}
    res = {"job": a.job, "status": status, "outputs": outs, "steps": j.records,
           "environment": subst(job.get("environment", ""), ctx) if job.get("environment") else "",
           "concurrency": {k: subst(v, ctx) for k, v in (job.get("concurrency") or {}).items()}}
    write_result(res)
    shutil.rmtree(j.tmp, ignore_errors=True)
    return 0 if status == "success" else 1


def cmd_action(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--with", dest="with_", action="append", default=[])
    a = ap.parse_args(argv)
    with_ = dict(w.split("=", 1) for w in a.with_)
    os.environ["SIM_ACTION_DIR"] = os.path.abspath(a.dir)
    ctx = base_ctx()
    j = Job("action")
    rc, outs = j.run_action(os.path.abspath(a.dir), with_, {}, ctx, os.environ.get("SIM_REF", "v1"))
    write_result({"status": "success" if rc == 0 else "failure", "outputs": outs, "steps": j.records})
    shutil.rmtree(j.tmp, ignore_errors=True)
    return rc


def runs_of(node, where):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "run" and isinstance(v, str):
                yield where, v
            else:
                yield from runs_of(v, where + "." + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from runs_of(v, "%s[%d]" % (where, i))


def cmd_lint(argv):
    bad = 0
    for f in argv:
        for where, script in runs_of(yaml.safe_load(open(f)), ""):
            if "${{" in script:
                print("%s: %s: ${{ }} inside run:" % (f, where))
                bad += 1
    return 1 if bad else 0


def gl_job(doc, name):
    job = dict(doc[name])
    ext = job.pop("extends", None)
    if ext:
        for e in ([ext] if isinstance(ext, str) else ext):
            base = gl_job(doc, e)
            base.update(job)
            job = base
    return job


def cmd_gitlab(argv):
    """Run a GitLab job's before_script and script in one bash -e session,
    as the shell executor does, with the global and job variables over
    the caller's CI_* environment; the result names the job's exit code,
    its allow_failure exit codes, its artifacts (and whether they exist)
    and the variables its dotenv report exports."""
    f, name = argv[0], argv[1]
    doc = yaml.safe_load(open(f))
    job = gl_job(doc, name)
    env = dict(os.environ)
    for scope in (doc.get("variables") or {}, job.get("variables") or {}):
        for k, v in scope.items():
            env[k] = os.path.expandvars(str(v)) if "$" in str(v) else str(v)
            if str(v).startswith("$") and str(v)[1:] in env:
                env[k] = env[str(v)[1:]]
    lines = list(job.get("before_script") or []) + list(job.get("script") or [])
    script = "set -eo pipefail\n" + "\n".join(lines) + "\n"
    sp = tempfile.mktemp(prefix="gl-sim-", suffix=".sh")
    with open(sp, "w") as fh:
        fh.write(script)
    p = subprocess.run(["bash", sp], env=env, cwd=env.get("CI_PROJECT_DIR", os.getcwd()),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.unlink(sp)
    out = p.stdout.decode("utf-8", "replace")
    lp = os.environ.get("SIM_LOG")
    if lp:
        with open(lp, "a") as fh:
            fh.write("== gitlab %s (exit %d)\n%s" % (name, p.returncode, out))
    arts = job.get("artifacts") or {}
    reports = arts.get("reports") or {}
    cwd = env.get("CI_PROJECT_DIR", os.getcwd())
    exist = {}
    for k, v in reports.items():
        for path in ([v] if isinstance(v, str) else v):
            exist[path] = os.path.exists(os.path.join(cwd, path))
    dotenv = {}
    if "dotenv" in reports and os.path.exists(os.path.join(cwd, reports["dotenv"])):
        for line in open(os.path.join(cwd, reports["dotenv"])).read().splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                dotenv[k] = v
    af = job.get("allow_failure")
    codes = af.get("exit_codes", []) if isinstance(af, dict) else []
    if isinstance(codes, int):
        codes = [codes]
    status = "success" if p.returncode == 0 else (
        "warning" if p.returncode in codes or af is True else "failed")
    write_result({"job": name, "exit_code": p.returncode, "status": status,
                  "allow_failure_exit_codes": codes, "artifacts": exist, "dotenv": dotenv,
                  "when": [r.get("when", "on_success") for r in job.get("rules") or []],
                  "environment": (job.get("environment") or {}).get("name", ""),
                  "resource_group": job.get("resource_group", ""), "output": out})
    return 0


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "job":
        return cmd_job(rest)
    if cmd == "action":
        return cmd_action(rest)
    if cmd == "lint":
        return cmd_lint(rest)
    if cmd == "gitlab":
        return cmd_gitlab(rest)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
