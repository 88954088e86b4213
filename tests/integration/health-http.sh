#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/integration/health-http.sh - `prisma-gate health` against a real
# local HTTP server (tests/integration/http-server.js, Node's built-in
# http module): healthy, failing, wrong JSON, non-JSON, slow, flapping,
# huge and redirecting endpoints; ad-hoc --url checks and a policy file;
# exit codes, messages, retry counts (the server counts requests per
# client id), text and JSON output, and that nothing is left running.
#
# Timing is asserted only loosely (bounds many times the expected value).
# Skips (exit 0, "0 passed, 0 failed (skipped: ...)") without node.
#
# Usage: PRISMA_GATE=./prisma-gate tests/integration/health-http.sh

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${PRISMA_GATE:-$ROOT/prisma-gate}
SERVER_JS=$ROOT/tests/integration/http-server.js

# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

if ! command -v node >/dev/null 2>&1; then
	skip_all "node not found; ci/deps.sh installs it"
fi
if [ ! -x "$BIN" ]; then
	echo "health-http: $BIN is not built" >&2
	exit 1
fi

# a proxy in the environment must not see 127.0.0.1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_COLOR=1

TMP=$(mktemp -d)
SERVER_PID=
# shellcheck disable=SC2317 # called through trap
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# a self-signed certificate, for the https endpoint (skipped without openssl)
TLS_ARGS=()
if command -v openssl >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
		-keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1; then
	TLS_ARGS=(--tls "$TMP/key.pem" "$TMP/cert.pem")
fi
node "$SERVER_JS" --lifetime 600 "${TLS_ARGS[@]}" >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
	PORT=$(sed -n 's/^PORT //p' "$TMP/server.out")
	[ -n "$PORT" ] && break
	sleep 0.1
done
if [ -z "$PORT" ]; then
	not_ok "start the HTTP server ($(cat "$TMP/server.err"))"
	finish
fi
ok "HTTP server listening on 127.0.0.1:$PORT"
B="http://127.0.0.1:$PORT"
TLSPORT=$(sed -n 's/^TLSPORT //p' "$TMP/server.out")

# run NAME WANT_EXIT ARGS... : runs prisma-gate, keeps stdout/stderr in $OUT/$ERR
OUT=$TMP/out
ERR=$TMP/err
run() {
	local name=$1 want=$2 rc
	shift 2
	"$BIN" "$@" >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name: exit $rc"
	else
		not_ok "$name: exit $rc, want $want"
		sed 's/^/#   out: /' "$OUT"
		sed 's/^/#   err: /' "$ERR"
	fi
}
# has NAME FILE TEXT : FILE contains TEXT (fixed string)
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		not_ok "$1: '$3' not in:"
		sed 's/^/#   /' "$2"
	fi
}
lacks() {
	if grep -qF -- "$3" "$2"; then
		not_ok "$1: '$3' unexpectedly in:"
		sed 's/^/#   /' "$2"
	else ok "$1"; fi
}
# count ID : requests the server saw for client ID
count() {
	node -e '
		const http = require("http");
		http.get(process.argv[1], (r) => { let b = ""; r.on("data", (c) => b += c);
			r.on("end", () => console.log(JSON.parse(b).count)); });' "$B/count?client=$1"
}
eq() { # eq NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1 ($2)"; else not_ok "$1: got '$2', want '$3'"; fi
}
now_ms() { date +%s%3N; }

EXPECT=(--expect status=healthy --expect database.connected=true)
FAST=(--retries 0 --timeout 5s)

# --- pass -------------------------------------------------------------------
run "healthy" 0 health --url "$B/healthy" "${EXPECT[@]}" "${FAST[@]}"
has "healthy: pass line" "$OUT" "pass  GET '$B/healthy': HTTP 200, 2 JSON values as expected"
has "healthy: summary" "$OUT" "health: 1 check, 1 passed, 0 failed, 0 could not be evaluated"
run "healthy, number and string values" 0 health --url "$B/healthy" --expect version=3 \
	--expect status='"healthy"' "${FAST[@]}"
run "non-JSON body without expectations" 0 health --url "$B/not-json" "${FAST[@]}"
run "a redirect to http is followed" 0 health --url "$B/redirect-healthy" "${EXPECT[@]}" "${FAST[@]}"
run "expected status other than 200" 0 health --url "$B/status/204" --expect-status 204 "${FAST[@]}"

# --- fail (exit 1) ------------------------------------------------------------
run "failing endpoint" 1 health --url "$B/failing?client=f1" --retries 2 --backoff 10ms
has "failing: message names the URL, status and body" "$OUT" \
	"fail  GET '$B/failing?client=f1': HTTP 500, expected 200: {\"status\":\"unhealthy\"} (after 3 attempts)"
eq "failing: 1 + 2 retries requested" "$(count f1)" 3

run "wrong JSON value" 1 health --url "$B/wrong-json" "${EXPECT[@]}" "${FAST[@]}"
has "wrong JSON: which value" "$OUT" "status is \"degraded\", expected \"healthy\""
run "wrong JSON bool" 1 health --url "$B/wrong-json" --expect database.connected=true "${FAST[@]}"
has "wrong JSON bool: message" "$OUT" "database.connected is false, expected true"
run "missing JSON path" 1 health --url "$B/healthy" --expect database.pool.size=10 "${FAST[@]}"
has "missing path: message" "$OUT" "database.pool.size is missing from the response, expected 10"
run "type must match" 1 health --url "$B/healthy" --expect version='"3"' "${FAST[@]}"
has "type mismatch: message" "$OUT" "version is 3, expected \"3\" (a number)"
run "non-JSON body with expectations" 1 health --url "$B/not-json" "${EXPECT[@]}" "${FAST[@]}"
has "non-JSON: message" "$OUT" "the body is not JSON (at 1:1"

run "huge body (Content-Length)" 1 health --url "$B/huge?client=h1" --retries 3 --backoff 10ms
has "huge: refused" "$OUT" "response body larger than 1024 KiB: refused"
eq "huge: not retried" "$(count h1)" 1
run "huge body (chunked)" 1 health --url "$B/huge-chunked?client=h2" --retries 3 --backoff 10ms
has "huge chunked: refused" "$OUT" "response body larger than 1024 KiB: refused"
eq "huge chunked: not retried" "$(count h2)" 1

run "redirect to file:// refused" 1 health --url "$B/redirect-file?client=r1" --retries 2 --backoff 10ms
has "redirect file: message" "$OUT" "redirect to a URL that is not http or https refused"
has "redirect file: names the protocol" "$OUT" 'Protocol "file"'
eq "redirect file: not retried" "$(count r1)" 1
run "redirect to ftp:// refused" 1 health --url "$B/redirect-ftp" "${FAST[@]}"
has "redirect ftp: names the protocol" "$OUT" 'Protocol "ftp"'

# --- flapping: retries with backoff ------------------------------------------
run "flapping, recovers within the retries" 0 health --url "$B/flapping?client=fl1&fail=2" \
	"${EXPECT[@]}" --retries 3 --backoff 20ms
has "flapping: passes after 3 attempts" "$OUT" "as expected (after 3 attempts)"
eq "flapping: exactly 3 requests" "$(count fl1)" 3
run "flapping, retries used up" 1 health --url "$B/flapping?client=fl2&fail=5" \
	--retries 2 --backoff 20ms
has "flapping: last answer reported" "$OUT" "HTTP 503, expected 200"
eq "flapping: 1 + 2 requests" "$(count fl2)" 3
# exponential backoff: 200 + 400 + 800 ms of waiting at least
t0=$(now_ms)
run "backoff grows" 1 health --url "$B/status/503?client=bo" --retries 3 --backoff 200ms
t1=$(now_ms)
eq "backoff: 4 requests" "$(count bo)" 4
if [ $((t1 - t0)) -ge 1400 ]; then ok "backoff: waited 200+400+800 ms ($((t1 - t0)) ms)"; else
	not_ok "backoff: took only $((t1 - t0)) ms, want >= 1400"; fi

# --- could not evaluate (exit 3) ---------------------------------------------
t0=$(now_ms)
run "slow endpoint times out" 3 health --url "$B/slow?ms=20000" --timeout 300ms --retries 0
t1=$(now_ms)
has "slow: timeout message" "$OUT" "error GET '$B/slow?ms=20000': timed out after 300 ms"
if [ $((t1 - t0)) -lt 15000 ]; then ok "slow: gave up long before the server answered"; else
	not_ok "slow: took $((t1 - t0)) ms"; fi
# a port nobody listens on: bind one, then close it
DEAD=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
run "connection refused" 3 health --url "http://127.0.0.1:$DEAD/health" --retries 1 --backoff 10ms
has "refused: message" "$OUT" "Couldn't connect to server (after 2 attempts)"
run "fail and unreachable together: 3 wins" 3 health --url "$B/failing" \
	--url "http://127.0.0.1:$DEAD/health" "${FAST[@]}"
has "mixed: summary" "$OUT" "health: 2 checks, 0 passed, 1 failed, 1 could not be evaluated"

# https is allowed, and its certificate is verified: a self-signed one is not trusted
if [ -n "$TLSPORT" ]; then
	run "https with an untrusted certificate" 3 health --url "https://127.0.0.1:$TLSPORT/healthy" "${FAST[@]}"
	has "https: certificate verified" "$OUT" "error GET 'https://127.0.0.1:$TLSPORT/healthy': SSL certificate problem"
else
	echo "# skipped: https cases (no openssl to make a certificate)"
fi

# --- concurrency -------------------------------------------------------------
t0=$(now_ms)
run "four slow checks run concurrently" 0 health --url "$B/slow?ms=1500&a" --url "$B/slow?ms=1500&b" \
	--url "$B/slow?ms=1500&c" --url "$B/slow?ms=1500&d" --timeout 20s --retries 0
t1=$(now_ms)
if [ $((t1 - t0)) -lt 5500 ]; then ok "concurrent: $((t1 - t0)) ms < 4 x 1500 ms"; else
	not_ok "concurrent: took $((t1 - t0)) ms (sequential would be 6000)"; fi
has "concurrent: results in the order given" "$OUT" "pass  GET '$B/slow?ms=1500&a'"

# --- JSON report -------------------------------------------------------------
run "JSON report" 1 -f json health --url "$B/healthy" --url "$B/flapping?client=js&fail=9" \
	"${EXPECT[@]}" --retries 1 --backoff 10ms
if node -e '
	const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const h = r.health;
	const ok = r.command === "health" && r.exit_code === 1 && r.verdict === "fail" &&
		h.length === 2 && h[0].status === "pass" && h[0].http_status === 200 &&
		h[0].attempts === 1 && h[1].status === "fail" && h[1].http_status === 503 &&
		h[1].attempts === 2 && typeof h[1].elapsed_ms === "number" &&
		h[1].message.includes("HTTP 503, expected 200") && h[0].name === h[0].url;
	process.exit(ok ? 0 : 1);' "$OUT"; then
	ok "JSON report: health[] with status, http_status, attempts, message"
else
	not_ok "JSON report content"
	sed 's/^/#   /' "$OUT"
fi
run "JSON report, unreachable" 3 -f json health --url "http://127.0.0.1:$DEAD/" "${FAST[@]}"
if node -e '
	const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	process.exit(r.verdict === "error" && r.health[0].status === "error" &&
		r.health[0].http_status === null ? 0 : 1);' "$OUT"; then
	ok "JSON report: unreachable is status error, http_status null"
else
	not_ok "JSON report (unreachable)"
	sed 's/^/#   /' "$OUT"
fi

# --- usage errors (exit 2, nothing asked) ------------------------------------
run "credentials in the URL" 2 health --url "http://admin:hunter2@127.0.0.1:$PORT/healthy?client=cr"
has "credentials: refused" "$ERR" "has credentials: refused"
lacks "credentials: password not shown" "$ERR" "hunter2"
eq "credentials: no request made" "$(count cr)" 0
run "ftp URL" 2 health --url "ftp://127.0.0.1/health"
has "ftp URL: message" "$ERR" "is not http:// or https://"
run "--expect without --url" 2 health --expect status=ok
run "bad --expect" 2 health --url "$B/healthy" --expect status
run "bad --expect-status" 2 health --url "$B/healthy" --expect-status 99
run "bad --timeout" 2 health --url "$B/healthy" --timeout soon
run "bad --retries" 2 health --url "$B/healthy" --retries -1
run "--url is not an option of lint" 2 lint --url "$B/healthy"
mkdir -p "$TMP/empty"
run "no policy and no --url" 2 -C "$TMP/empty" health
has "no checks: message" "$ERR" "no health checks"

# --- the policy's health: list -----------------------------------------------
mkdir -p "$TMP/proj"
cat >"$TMP/proj/prisma-gate.yml" <<EOF
version: 1
health:
  - name: api
    url: $B/healthy
    expect_status: 200
    expect_json: {status: healthy, database: {connected: true}}
    timeout: 5s
    retries: 0
  - name: warming-up
    url: $B/flapping?client=pol&fail=1
    expect_json:
      status: healthy
    retries: 2
    backoff: 50ms
EOF
run "policy checks" 0 -C "$TMP/proj" health
has "policy: named check" "$OUT" "pass  api: GET '$B/healthy': HTTP 200, 2 JSON values as expected"
has "policy: retried check" "$OUT" "pass  warming-up: GET '$B/flapping?client=pol&fail=1': HTTP 200, 1 JSON value as expected (after 2 attempts)"
eq "policy: flapping check asked twice" "$(count pol)" 2
cat >"$TMP/proj/bad.yml" <<EOF
version: 1
health:
  - name: api
    url: $B/wrong-json
    expect_json: {database: {connected: true}}
    retries: 0
EOF
run "policy check fails" 1 -C "$TMP/proj" -p bad.yml health
has "policy fail: message" "$OUT" "fail  api: GET '$B/wrong-json': HTTP 200, but database.connected is false, expected true"
cat >"$TMP/proj/creds.yml" <<EOF
version: 1
health:
  - name: api
    url: http://tok-topsecret@127.0.0.1:$PORT/healthy
EOF
run "policy URL with credentials" 2 -C "$TMP/proj" -p creds.yml health
has "policy credentials: refused" "$ERR" "credentials"
lacks "policy credentials: not shown" "$ERR" "topsecret"

# --- nothing left running ------------------------------------------------------
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
if kill -0 "$SERVER_PID" 2>/dev/null; then not_ok "server stopped"; else ok "server stopped"; fi
SERVER_PID=
jobs -p >"$TMP/jobs"
if [ -s "$TMP/jobs" ]; then
	not_ok "a background job is left running: $(tr '\n' ' ' <"$TMP/jobs")"
else
	ok "no background job left running"
fi

finish
