#!/usr/bin/env bash
# bench/run.sh — prisma-gate benchmarks.
#
# usage: bench/run.sh [SECTION...]    SECTION: lint | status | deploy | scaling | all (default: all)
#
# env:
#   PRISMA_GATE   prisma-gate binary (default: ./prisma-gate at the repo root)
#   BENCH_RUNS    timed runs per tool; the median is reported (default: 5)
#   BENCH_CORPUS  corpus directory (default: ../shared/corpus beside the repo)
#   SQUAWK        squawk binary to use instead of the npm-installed one
#   CC, CFLAGS    compiler and flags for the parse-only floor (default: cc, -O2)
#   BENCH_STATUS_PROJECT  corpus project for the status section
#                 (default: langfuse__langfuse, 434 migrations)
#   BENCH_STATUS_RUNS     timed runs per tool in the status section (default: 11)
#   BENCH_SCALE_N         N of the scaling section's ladders (default: 4000)
#   BENCH_SCALE_RUNS      timed runs per step in the scaling section (default: 3)
#   BENCH_SCALE_BIG       size of the scaling targets: a folder of that many
#                 migrations (peak RSS < 64 MiB) and every report format of
#                 that many findings (< 5 s, < 128 MiB) (default: 40000; 0: none)
#   BENCH_SCALE_HUGE      1: the scaling section also lints one file of 200,000
#                 and 400,000 statements (each one-file ladder) and prints
#                 the targets PASS/MISS (default: 0; several minutes)
#   BENCH_DRIFT_PROJECTS  corpus projects of the drift section
#                 (default: langfuse__langfuse triggerdotdev__trigger.dev)
#   BENCH_DRIFT_RUNS      timed runs per tool in the drift section (default: 3)
#   BENCH_DRIFT_SYNTH_N   migrations of the drift section's synthetic history
#                 (default: 10000; 0 leaves it out)
#   BENCH_PGROOT  directory the throwaway PostgreSQL clusters go under
#                 (default: /dev/shm when it is a tmpfs with 2 GiB free,
#                 else TMPDIR or /tmp; see pg_root below)
#
# Every tool is run once untimed (warm-up: page cache, dynamic loader), then
# BENCH_RUNS times, round-robin across tools so drift hits all of them alike.
# Wall and CPU (user+sys) come from bash's `time` keyword (ms resolution);
# peak memory is GNU time's %M (max RSS of the tool's process, KiB).
# See bench/README.md.
#
# Exit status: 0 when every section ran or skipped (targets are only
# informational), 1 when a tool crashed or errored, 2 on a usage error.

# Sections are called through a table and tools through namerefs, which
# the linter cannot follow.
# shellcheck disable=SC2317,SC2034

set -u
set -o pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$ROOT/bench
BUILD_DIR=$ROOT/build/bench
RUNS=${BENCH_RUNS:-5}
GNU_TIME=/usr/bin/time
SQUAWK_VERSION=2.66.0
STATUS=0

# Every section: name, function, one-line description.  Later sections
# (status vs `prisma migrate status`, deploy overhead) add a line here.
SECTIONS=(
    "lint|section_lint|lint the corpus vs squawk and the parse-only floor"
    "status|section_status|status vs \`prisma migrate status\` on one up-to-date database"
    "deploy|section_deploy|deploy with nothing pending vs a bare \`prisma migrate deploy\`"
    "scaling|section_scaling|CPU time at N and 2N statements/migrations/findings: growth per doubling"
    "drift|section_drift|drift (cold, and warm replay cache) vs Prisma's drift check, langfuse and trigger.dev"
)

usage() {
    echo "usage: bench/run.sh [SECTION...]   (default: all)"
    echo "sections:"
    local s
    for s in "${SECTIONS[@]}"; do
        IFS='|' read -r name _ desc <<<"$s"
        printf '  %-8s %s\n' "$name" "$desc"
    done
    echo "  all      every section above"
    echo "env: PRISMA_GATE (default ./prisma-gate), BENCH_RUNS (default 5),"
    echo "     BENCH_CORPUS (default ../shared/corpus), SQUAWK (squawk binary),"
    echo "     BENCH_STATUS_PROJECT (default langfuse__langfuse), BENCH_STATUS_RUNS (default 11)"
}

note() { printf '%s\n' "$*"; }
warn() { printf 'bench: %s\n' "$*" >&2; }

# Absolute path for a path given relative to the caller's directory.
abspath() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$CALLER_DIR" "$1" ;;
    esac
}
CALLER_DIR=$(pwd)

# ---------------------------------------------------------------- helpers

# median FILE: median of the numbers in FILE, one a line.
median() {
    sort -n "$1" | awk '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "nan"; exit }
            if (NR % 2) print v[(NR + 1) / 2];
            else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}

# ratio A B [DIGITS]: A/B, or n/a.
ratio() {
    awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {
        if (a == "" || b == "" || a == "nan" || b == "nan" || b + 0 == 0)
            print "n/a";
        else printf "%.*f\n", d, a / b }'
}

# verdict VALUE OP LIMIT: PASS, MISS or SKIP (VALUE n/a).
verdict() {
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
        if (v == "n/a" || v == "") { print "SKIP"; exit }
        ok = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 < l + 0);
        print ok ? "PASS" : "MISS" }'
}

# run_timed OUTDIR ARGV...: run ARGV once with stdout discarded, stderr
# kept in OUTDIR/stderr. Sets T_WALL T_CPU (ms) T_RSS (KiB) T_RC.
run_timed() {
    local out=$1
    shift
    local TIMEFORMAT='%3R %3U %3S'
    local rc
    {
        time "$GNU_TIME" -f '%M' -o "$out/rss" "$@" >/dev/null 2>"$out/stderr"
        rc=$?
    } 2>"$out/bashtime"
    T_RC=$rc
    # GNU time writes "Command exited with non-zero status N" first when
    # the tool exits non-zero; the %M figure is the last line.
    T_RSS=$(tail -n 1 "$out/rss" 2>/dev/null)
    case $T_RSS in '' | *[!0-9]*) T_RSS=nan ;; esac
    read -r T_WALL T_CPU <<<"$(awk '{ printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000 }' "$out/bashtime")"
}

# measure TOOL_IDS...: each TOOL_ID has arrays ARGV_<id> (command) and a
# scalar LABEL_<id>; runs a warm-up, then RUNS timed runs round-robin.
# Drops a tool whose exit status is >= 2 (crash/error) and sets STATUS=1.
# Results: MED_WALL_<id>, MED_CPU_<id>, MED_RSS_<id>, OK_<id>=1.
measure() {
    local id i
    local -a live=()
    for id in "$@"; do
        local -n argv="ARGV_$id"
        local -n label="LABEL_$id"
        mkdir -p "$WORK/$id"
        : >"$WORK/$id/wall"
        : >"$WORK/$id/cpu"
        : >"$WORK/$id/rss.all"
        run_timed "$WORK/$id" "${argv[@]}"
        if [ "$T_RC" -ge 2 ]; then
            tool_failed "$id" "$label" "$T_RC" "warm-up"
        else
            live+=("$id")
        fi
        unset -n argv label
    done
    for ((i = 1; i <= RUNS; i++)); do
        local -a next=()
        for id in "${live[@]}"; do
            local -n argv="ARGV_$id"
            local -n label="LABEL_$id"
            run_timed "$WORK/$id" "${argv[@]}"
            if [ "$T_RC" -ge 2 ]; then
                tool_failed "$id" "$label" "$T_RC" "run $i"
            else
                echo "$T_WALL" >>"$WORK/$id/wall"
                echo "$T_CPU" >>"$WORK/$id/cpu"
                echo "$T_RSS" >>"$WORK/$id/rss.all"
                next+=("$id")
            fi
            unset -n argv label
        done
        live=("${next[@]}")
    done
    for id in "${live[@]}"; do
        printf -v "MED_WALL_$id" '%s' "$(median "$WORK/$id/wall")"
        printf -v "MED_CPU_$id" '%s' "$(median "$WORK/$id/cpu")"
        printf -v "MED_RSS_$id" '%s' "$(median "$WORK/$id/rss.all")"
        printf -v "RANGE_$id" '%s' "$(sort -n "$WORK/$id/wall" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }')"
        printf -v "OK_$id" '%s' 1
    done
}

tool_failed() {
    local id=$1 label=$2 rc=$3 when=$4
    printf -v "FAIL_$id" 'crashed/errored (%s: exit status %s)' "$when" "$rc"
    warn "$label failed ($when): exit status $rc; dropping its column. stderr tail:"
    tail -n 5 "$WORK/$id/stderr" | sed 's/^/    /' >&2
    STATUS=1
}

# row LABEL ID: one table row (or a "skipped" row).
row() {
    local label=$1 id=$2 reason=${3:-}
    local ok="OK_$id" fail="FAIL_$id"
    [ -n "${!fail:-}" ] && reason=${!fail}
    if [ "${!ok:-0}" = 1 ]; then
        local w="MED_WALL_$id" c="MED_CPU_$id" r="MED_RSS_$id" g="RANGE_$id"
        printf '%-16s %9.0f %8.0f %12.0f   %s\n' "$label" "${!w}" "${!c}" "${!r}" "${!g}"
    else
        printf '%-16s %9s %8s %12s   %s\n' "$label" - - - "${reason:-skipped}"
    fi
}

# ---------------------------------------------------------------- tools

# build_floor: compile bench/parse-floor.c to build/bench/parse-floor.
build_floor() {
    FLOOR=$BUILD_DIR/parse-floor
    local src=$BENCH_DIR/parse-floor.c
    if [ -x "$FLOOR" ] && [ "$FLOOR" -nt "$src" ]; then
        return 0
    fi
    mkdir -p "$BUILD_DIR"
    # shellcheck disable=SC2086 # CFLAGS is a list of flags
    if ! ${CC:-cc} -std=c11 ${CFLAGS:--O2} -o "$FLOOR" "$src" \
        -l:libpg_query.a -lprotobuf-c 2>"$BUILD_DIR/parse-floor.log"; then
        cat "$BUILD_DIR/parse-floor.log" >&2
        FLOOR_WHY="build failed (libpg-query-dev missing? run ci/deps.sh)"
        return 1
    fi
}

# find_squawk: the squawk $SQUAWK_VERSION binary, installed from
# bench/package-lock.json on first use.  Sets SQUAWK_BIN or SQUAWK_WHY.
find_squawk() {
    SQUAWK_BIN=
    if [ -n "${SQUAWK:-}" ]; then
        SQUAWK_BIN=$(abspath "$SQUAWK")
    else
        # The npm package's js/bin/squawk is a node wrapper that spawns the
        # native binary; time the native binary itself so node's start-up
        # (~150 ms) is not charged to squawk.
        SQUAWK_BIN=$BENCH_DIR/node_modules/@squawk-cli/linux-x64/bin/squawk
        case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) ;;
        *)
            SQUAWK_WHY="bench/package-lock.json pins the linux-x64 build only; set SQUAWK=/path/to/squawk"
            SQUAWK_BIN=
            return 1
            ;;
        esac
        if [ ! -x "$SQUAWK_BIN" ]; then
            if ! command -v npm >/dev/null 2>&1; then
                SQUAWK_WHY="npm not found (run ci/deps.sh)"
                SQUAWK_BIN=
                return 1
            fi
            note "squawk: installing squawk-cli@$SQUAWK_VERSION from bench/package-lock.json ..."
            # Not `npm ci`: squawk-cli lists optional per-platform packages
            # whose $SQUAWK_VERSION builds the registry does not serve
            # (darwin, win32, linux-arm64), so the lock holds only
            # linux-x64 and `npm ci` rejects it as out of sync.  `npm
            # install --no-save` installs the locked versions with their
            # integrity hashes and leaves the lockfile untouched.
            if ! (cd "$BENCH_DIR" && timeout 300 npm install --no-save \
                --no-audit --no-fund --fetch-retries=1 \
                --fetch-timeout=60000 >"$WORK/npm.log" 2>&1); then
                tail -n 5 "$WORK/npm.log" | sed 's/^/    /' >&2
                SQUAWK_WHY="npm install failed (npm registry unreachable?)"
                SQUAWK_BIN=
                return 1
            fi
            if [ ! -x "$SQUAWK_BIN" ]; then
                SQUAWK_WHY="npm installed no squawk binary for this platform"
                SQUAWK_BIN=
                return 1
            fi
        fi
    fi
    local v
    v=$("$SQUAWK_BIN" --version 2>/dev/null)
    if [ "$v" != "squawk $SQUAWK_VERSION" ]; then
        SQUAWK_WHY="$SQUAWK_BIN reports '${v:-nothing}', want squawk $SQUAWK_VERSION"
        SQUAWK_BIN=
        return 1
    fi
}

find_gate() {
    GATE_BIN=$(abspath "${PRISMA_GATE:-$ROOT/prisma-gate}")
    if [ ! -x "$GATE_BIN" ]; then
        GATE_WHY="no binary at ${PRISMA_GATE:-./prisma-gate} (run make, or set PRISMA_GATE)"
        GATE_BIN=
        return 1
    fi
}

# pg_root: the directory the sections' throwaway clusters go under:
# BENCH_PGROOT when set; else /dev/shm when it is a writable tmpfs with at
# least 2 GiB free; else TMPDIR or /tmp. Why memory by default: the
# clusters already run with fsync off (the disk is not what is measured),
# and on a filesystem such as ext4 without a journal (this project's CI
# machines) creating a file scans past every inode deleted in the last
# seconds: a shadow database creates about a thousand files and its drop
# deletes them, so back-to-back runs of either tool slowed each other's
# DDL by a third (see bench/README.md, "Where the clusters live").
pg_root() {
    local free
    if [ -n "${BENCH_PGROOT:-}" ]; then
        printf '%s\n' "$BENCH_PGROOT"
        return
    fi
    if [ -d /dev/shm ] && [ -w /dev/shm ] &&
        [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
        free=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
        if [ "${free:-0}" -ge 2097152 ] 2>/dev/null; then
            printf '%s\n' /dev/shm
            return
        fi
    fi
    printf '%s\n' "${TMPDIR:-/tmp}"
}

# pg_root_line: where the clusters go, and what kind of filesystem it is.
pg_root_line() {
    local root fs
    root=$(pg_root)
    fs=$(stat -f -c %T "$root" 2>/dev/null)
    note "PostgreSQL clusters under $root (${fs:-unknown filesystem}; BENCH_PGROOT to move them)"
}

machine_line() {
    local cpu
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
    local load
    load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
    note "machine: ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores, $(uname -sr); load average ${load:-?} (busy cores skew squawk, which is multi-threaded)"
}

# ---------------------------------------------------------------- sections

section_lint() {
    local corpus=${BENCH_CORPUS:-$ROOT/../shared/corpus}
    local shown=${BENCH_CORPUS:-../shared/corpus}
    corpus=$(abspath "$corpus")

    note "== lint =="
    if [ ! -d "$corpus" ]; then
        note "lint: skipped: corpus $shown not found (it sits beside the repo"
        note "      in the project workspace; set BENCH_CORPUS to another one)"
        return 0
    fi
    local -a files=("$corpus"/*/migrations/*/migration.sql)
    if [ ! -e "${files[0]}" ]; then
        note "lint: skipped: no */migrations/*/migration.sql under $shown"
        return 0
    fi
    # 1789 absolute paths are ~180 KB of argv: far below ARG_MAX, checked.
    local bytes
    bytes=$(printf '%s\0' "${files[@]}" | wc -c)
    if [ "$bytes" -gt $(($(getconf ARG_MAX) / 2)) ]; then
        note "lint: skipped: file list ($bytes bytes) too long for one argv"
        return 0
    fi

    FLOOR_WHY=
    SQUAWK_WHY=
    GATE_WHY=
    local -a ids=()
    if build_floor; then
        ARGV_floor=("$FLOOR" "${files[@]}")
        LABEL_floor=parse-floor
        ids+=(floor)
    fi
    if find_gate; then
        ARGV_gate=("$GATE_BIN" lint --format json --fail-on critical "${files[@]}")
        LABEL_gate=prisma-gate
        ids+=(gate)
    fi
    if find_squawk; then
        ARGV_squawk=("$SQUAWK_BIN" --reporter json "${files[@]}")
        LABEL_squawk="squawk $SQUAWK_VERSION"
        ids+=(squawk)
    fi

    # Tools run from an empty directory so no config file (.squawk.toml,
    # prisma-gate's) in the caller's tree changes what they do.
    cd "$WORK/cwd" || return 1
    measure "${ids[@]}"
    cd "$ROOT" || return 1

    local stmts="?"
    if [ "${OK_floor:-0}" = 1 ]; then
        stmts=$(sed -n 's/^parse-floor: [0-9]* files, \([0-9]*\) statements.*/\1/p' "$WORK/floor/stderr")
        local fails
        fails=$(sed -n 's/.* \([0-9]*\) parse failures.*/\1/p' "$WORK/floor/stderr")
        [ "${fails:-0}" != 0 ] && note "note: libpg_query failed on $fails file(s)"
    fi
    note "lint: ${#files[@]} files, $stmts statements (corpus: $shown)"
    note "medians of $RUNS runs after 1 warm-up; wall/cpu in ms, cpu = user+sys"
    printf '%-16s %9s %8s %12s   %s\n' tool 'wall(ms)' 'cpu(ms)' 'maxrss(KiB)' 'wall min-max'
    row parse-floor floor "$FLOOR_WHY"
    row prisma-gate gate "$GATE_WHY"
    row "squawk $SQUAWK_VERSION" squawk "$SQUAWK_WHY"

    local gw=${MED_WALL_gate:-} gc=${MED_CPU_gate:-} gr=${MED_RSS_gate:-}
    [ "${OK_gate:-0}" = 1 ] || { gw='' gc='' gr=''; }
    local sw=${MED_WALL_squawk:-} sc=${MED_CPU_squawk:-}
    [ "${OK_squawk:-0}" = 1 ] || { sw='' sc=''; }
    local fw=${MED_WALL_floor:-} fc=${MED_CPU_floor:-}
    [ "${OK_floor:-0}" = 1 ] || { fw='' fc=''; }

    local r_sw r_sc r_fw r_fc mib
    r_sw=$(ratio "$gw" "$sw")
    r_sc=$(ratio "$gc" "$sc")
    r_fw=$(ratio "$gw" "$fw")
    r_fc=$(ratio "$gc" "$fc")
    mib=$(ratio "$gr" 1024 1)
    note "ratios: prisma-gate/squawk wall $r_sw cpu $r_sc;" \
        "prisma-gate/floor wall $r_fw cpu $r_fc;" \
        "peak memory $mib MiB (target < 16)"
    note "targets (informational):"
    printf '  %-4s prisma-gate wall <= 0.5x squawk    (%s)\n' "$(verdict "$r_sw" '<=' 0.5)" "$r_sw"
    printf '  %-4s prisma-gate cpu  <= 0.5x squawk    (%s)\n' "$(verdict "$r_sc" '<=' 0.5)" "$r_sc"
    printf '  %-4s prisma-gate wall <= 1.5x floor     (%s)\n' "$(verdict "$r_fw" '<=' 1.5)" "$r_fw"
    printf '  %-4s prisma-gate peak memory < 16 MiB   (%s MiB)\n' "$(verdict "$mib" '<' 16)" "$mib"
}

# status_row LABEL ID: a row with one decimal (prisma-gate takes milliseconds).
status_row() {
    local ok="OK_$2" fail="FAIL_$2"
    if [ "${!ok:-0}" = 1 ]; then
        local w="MED_WALL_$2" c="MED_CPU_$2" r="MED_RSS_$2"
        printf '%-24s %9.1f %8.1f %12.0f   %s\n' "$1" "${!w}" "${!c}" "${!r}" \
            "$(sort -n "$WORK/$2/wall" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f-%.1f", lo, hi }')"
    else
        printf '%-24s %9s %8s %12s   %s\n' "$1" - - - "${!fail:-skipped}"
    fi
}

# section_status: `prisma-gate status` against `prisma migrate status` (the
# real CLI, ci/prisma.sh) on the same database, brought up to date first by
# `prisma migrate deploy` of a corpus project's whole history, on a
# throwaway PostgreSQL 15 (ci/pg.sh). Wall time is what a CI step waits for.
section_status() {
    local corpus=${BENCH_CORPUS:-$ROOT/../shared/corpus}
    local name=${BENCH_STATUS_PROJECT:-langfuse__langfuse}
    local runs=${BENCH_STATUS_RUNS:-11}
    local src proj out rc cli config

    note "== status =="
    corpus=$(abspath "$corpus")
    src=$corpus/$name
    if [ ! -d "$src/migrations" ]; then
        note "status: skipped: corpus project $name not found under ${BENCH_CORPUS:-../shared/corpus}"
        return 0
    fi
    if ! find_gate; then
        note "status: skipped: $GATE_WHY"
        return 0
    fi
    out=$("$ROOT/ci/prisma.sh" install 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        note "status: skipped: the Prisma CLI fixture could not be installed (ci/prisma.sh install, exit $rc)"
        printf '%s\n' "$out" | tail -n 3 | sed 's/^/    /'
        return 0
    fi
    cli=$(sed -n 2p <<<"$("$ROOT/ci/prisma.sh" argv)")
    config=$("$ROOT/ci/prisma.sh" config)

    STATUS_PGDIR=$(mktemp -d "$(pg_root)/prisma-gate-bench-pg.XXXXXX")
    if ! out=$("$ROOT/ci/pg.sh" start "$STATUS_PGDIR" 2>"$WORK/pg.err"); then
        note "status: skipped: no PostgreSQL 15 cluster (ci/pg.sh start failed):"
        tail -n 3 "$WORK/pg.err" | sed 's/^/    /'
        return 0
    fi
    eval "$out"
    DATABASE_URL=$("$ROOT/ci/pg.sh" createdb "$STATUS_PGDIR" bench 2>>"$WORK/pg.err") || {
        note "status: skipped: createdb failed"
        return 0
    }
    export DATABASE_URL CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

    proj=$WORK/status-proj
    mkdir -p "$proj/prisma"
    cp -R "$src/migrations" "$proj/prisma/migrations"
    # deploy and status read only the migrations: a minimal schema keeps
    # projects whose datasource has no url (Prisma 7 style) working
    cat >"$proj/prisma/schema.prisma" <<'EOF_SCHEMA'
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
EOF_SCHEMA
    local nmig
    nmig=$(find "$proj/prisma/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l)
    note "status: $name, $nmig migrations; prisma migrate deploy (untimed) ..."
    if ! (cd "$proj" && node "$cli" migrate deploy --config "$config" >"$WORK/deploy.log" 2>&1); then
        note "status: skipped: prisma migrate deploy failed:"
        tail -n 5 "$WORK/deploy.log" | sed 's/^/    /'
        STATUS=1
        return 0
    fi

    ARGV_gstatus=("$GATE_BIN" status --format json)
    LABEL_gstatus="prisma-gate status"
    ARGV_pstatus=(node "$cli" migrate status --config "$config")
    LABEL_pstatus="prisma migrate status"
    cd "$proj" || return 1
    # both must say "up to date" (exit 0) on this database
    "${ARGV_gstatus[@]}" >"$WORK/g.out" 2>&1
    local g_rc=$?
    "${ARGV_pstatus[@]}" >"$WORK/p.out" 2>&1
    local p_rc=$?
    if [ $g_rc -ne 0 ] || [ $p_rc -ne 0 ]; then
        warn "status: expected both to exit 0 on an up-to-date database: prisma-gate $g_rc, prisma $p_rc"
        tail -n 5 "$WORK/g.out" "$WORK/p.out" | sed 's/^/    /' >&2
        STATUS=1
    fi
    local saved=$RUNS
    RUNS=$runs
    measure gstatus pstatus
    RUNS=$saved
    cd "$ROOT" || return 1

    note "status: medians of $runs runs after 1 warm-up; wall/cpu in ms, cpu = user+sys"
    note "        (prisma: node $(node --version 2>/dev/null), prisma 6.19.3 via ci/prisma.sh, run directly, not through npx)"
    printf '%-24s %9s %8s %12s   %s\n' tool 'wall(ms)' 'cpu(ms)' 'maxrss(KiB)' 'wall min-max'
    status_row "prisma-gate status" gstatus
    status_row "prisma migrate status" pstatus
    local gw=${MED_WALL_gstatus:-} pw=${MED_WALL_pstatus:-} gc=${MED_CPU_gstatus:-} pc=${MED_CPU_pstatus:-}
    [ "${OK_gstatus:-0}" = 1 ] || { gw='' gc=''; }
    [ "${OK_pstatus:-0}" = 1 ] || { pw='' pc=''; }
    local r_w r_c
    r_w=$(ratio "$pw" "$gw" 0)
    r_c=$(ratio "$pc" "$gc" 0)
    note "ratio: prisma migrate status / prisma-gate status = ${r_w}x wall, ${r_c}x cpu"
    note "target (informational):"
    local v=MISS
    case $r_w in
    n/a) v=SKIP ;;
    *) [ "$r_w" -ge 50 ] && v=PASS ;;
    esac
    printf '  %-4s prisma-gate status >= 50x faster (wall)   (%sx)\n' "$v" "$r_w"
}

# section_deploy: the gate's overhead. `prisma-gate deploy` with nothing
# pending (gate lock, plan under it, the same `prisma migrate deploy`,
# libpq verification) against a bare `prisma migrate deploy`, on one
# up-to-date database (a corpus project's whole history, ci/pg.sh).
section_deploy() {
    local corpus=${BENCH_CORPUS:-$ROOT/../shared/corpus}
    local name=${BENCH_DEPLOY_PROJECT:-${BENCH_STATUS_PROJECT:-langfuse__langfuse}}
    local runs=${BENCH_DEPLOY_RUNS:-7}
    local src proj out rc cli config

    note "== deploy =="
    corpus=$(abspath "$corpus")
    src=$corpus/$name
    if [ ! -d "$src/migrations" ]; then
        note "deploy: skipped: corpus project $name not found under ${BENCH_CORPUS:-../shared/corpus}"
        return 0
    fi
    if ! find_gate; then
        note "deploy: skipped: $GATE_WHY"
        return 0
    fi
    out=$("$ROOT/ci/prisma.sh" install 2>&1)
    rc=$?
    if [ "$rc" -ne 0 ]; then
        note "deploy: skipped: the Prisma CLI fixture could not be installed (ci/prisma.sh install, exit $rc)"
        return 0
    fi
    cli=$(sed -n 2p <<<"$("$ROOT/ci/prisma.sh" argv)")
    config=$("$ROOT/ci/prisma.sh" config)
    DEPLOY_PGDIR=$(mktemp -d "$(pg_root)/prisma-gate-bench-pg.XXXXXX")
    if ! out=$("$ROOT/ci/pg.sh" start "$DEPLOY_PGDIR" 2>"$WORK/pg-deploy.err"); then
        note "deploy: skipped: no PostgreSQL 15 cluster (ci/pg.sh start failed)"
        return 0
    fi
    eval "$out"
    # ci/pg.sh's URLs name the cluster's postgres database: with the fixture's
    # driver adapter (names computed in code) deploy would check them too
    unset GATE_TEST_PG_URL GATE_TEST_PG_PW_URL
    DATABASE_URL=$("$ROOT/ci/pg.sh" createdb "$DEPLOY_PGDIR" benchdeploy 2>>"$WORK/pg-deploy.err") || {
        note "deploy: skipped: createdb failed"
        return 0
    }
    export DATABASE_URL CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

    proj=$WORK/deploy-proj
    mkdir -p "$proj/prisma"
    cp -R "$src/migrations" "$proj/prisma/migrations"
    cat >"$proj/prisma/schema.prisma" <<'EOF_SCHEMA'
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
EOF_SCHEMA
    cat >"$proj/prisma-gate.yml" <<EOF_POLICY
version: 1
project:
  prisma: [node, $cli, --config, $config]
EOF_POLICY
    note "deploy: $name, $(find "$proj/prisma/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l) migrations; prisma migrate deploy (untimed) ..."
    if ! (cd "$proj" && node "$cli" migrate deploy --config "$config" >"$WORK/deploy2.log" 2>&1); then
        note "deploy: skipped: prisma migrate deploy failed:"
        tail -n 5 "$WORK/deploy2.log" | sed 's/^/    /'
        STATUS=1
        return 0
    fi
    ARGV_gdeploy=("$GATE_BIN" deploy --format json)
    LABEL_gdeploy="prisma-gate deploy"
    ARGV_pdeploy=(node "$cli" --config "$config" migrate deploy)
    LABEL_pdeploy="prisma migrate deploy"
    cd "$proj" || return 1
    if ! "${ARGV_gdeploy[@]}" >"$WORK/gd.out" 2>&1; then
        warn "deploy: prisma-gate deploy with nothing pending should exit 0"
        tail -n 5 "$WORK/gd.out" | sed 's/^/    /' >&2
        STATUS=1
    fi
    local saved=$RUNS
    RUNS=$runs
    measure gdeploy pdeploy
    RUNS=$saved
    # the gate's own time, free of the CLI's run-to-run noise: each run's
    # wall time minus the Prisma child's duration from its own JSON report
    local i t0 t1 child
    : >"$WORK/gate-own"
    for ((i = 1; i <= runs; i++)); do
        t0=$(date +%s%N)
        "$GATE_BIN" deploy --format json >"$WORK/gd-run.json" 2>/dev/null
        t1=$(date +%s%N)
        child=$(sed -n 's/^ *"duration_ms": \([0-9]*\),*$/\1/p' "$WORK/gd-run.json" | head -n 1)
        [ -n "$child" ] && echo $(((t1 - t0) / 1000000 - child)) >>"$WORK/gate-own"
    done
    cd "$ROOT" || return 1

    note "deploy: medians of $runs runs after 1 warm-up; wall/cpu in ms (both run the same Prisma CLI)"
    printf '%-24s %9s %8s %12s   %s\n' tool 'wall(ms)' 'cpu(ms)' 'maxrss(KiB)' 'wall min-max'
    status_row "prisma-gate deploy" gdeploy
    status_row "prisma migrate deploy" pdeploy
    local gw=${MED_WALL_gdeploy:-} pw=${MED_WALL_pdeploy:-}
    [ "${OK_gdeploy:-0}" = 1 ] || gw=''
    [ "${OK_pdeploy:-0}" = 1 ] || pw=''
    local added
    added=$(awk -v g="$gw" -v p="$pw" 'BEGIN { if (g == "" || p == "" || p + 0 == 0) print "n/a"; else printf "%.1f\n", (g - p) * 100 / p }')
    local own own_pct
    own=$(median "$WORK/gate-own")
    own_pct=$(awk -v o="$own" -v p="$pw" 'BEGIN { if (o == "nan" || p == "" || p + 0 == 0) print "n/a"; else printf "%.1f\n", o * 100 / p }')
    note "gate overhead: ${added}% of a bare prisma migrate deploy (difference of the medians, noisy);"
    note "               the gate's own time (wall minus the Prisma child's, median): ${own} ms = ${own_pct}%"
    note "target (informational):"
    printf '  %-4s prisma-gate deploy adds < 5%% (its own time)   (%s%%)\n' "$(verdict "$own_pct" '<' 5)" "$own_pct"
}

# ---------------------------------------------------------------- main

# bench_cleanup: on any exit, the status section's cluster and the work dir.
# ---------------------------------------------------------------- scaling

# scale_gen KIND N DIR: a migrations folder for one ladder step (awk writes
# the SQL: a shell loop would take longer than the lint it measures).
scale_gen() {
    local kind=$1 n=$2 dir=$3
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$kind" = migrations ]; then
        (cd "$dir" && awk -v n="$n" 'BEGIN {
            for (i = 0; i < n; i++) printf "2024%010d_m%d\n", i, i }' | xargs mkdir -p)
        awk -v n="$n" -v d="$dir" 'BEGIN {
            for (i = 0; i < n; i++) {
                f = sprintf("%s/2024%010d_m%d/migration.sql", d, i, i)
                printf "CREATE TABLE \"t%d\" (\"id\" INTEGER NOT NULL);\n", i > f
                close(f)
            } }'
        return
    fi
    mkdir -p "$dir/20240101000000_big"
    awk -v n="$n" -v k="$kind" 'BEGIN {
        for (i = 0; i < n; i++) {
            if (k == "add-col-tables") printf "ALTER TABLE \"t%d\" ADD COLUMN \"c\" INTEGER;\n", i
            else if (k == "one-line") printf "ALTER TABLE \"t\" ADD COLUMN \"c%d\" INTEGER NOT NULL; ", i
            else if (k == "add-col-one") printf "ALTER TABLE \"t\" ADD COLUMN \"c%d\" INTEGER;\n", i
            else if (k == "create-index") {
                printf "CREATE TABLE \"t%d\" (\"id\" INTEGER NOT NULL);\n", i
                printf "CREATE INDEX \"t%d_id_idx\" ON \"t%d\"(\"id\");\n", i, i
            } else if (k == "warnings") {
                if (i == 0) {
                    printf "/*\n  Warnings:\n\n"
                    for (j = 0; j < n; j++)
                        printf "  - You are about to drop the column `c%d` on the `t` table.\n", j
                    printf "*/\nALTER TABLE \"t\" DROP COLUMN \"c0\""
                } else printf ",\nDROP COLUMN \"c%d\"", i
                if (i == n - 1) printf ";\n"
            } else if (k == "enum") {
                if (i == 0) printf "CREATE TABLE \"t\" (\"e\" \"E\");\n"
                printf "ALTER TYPE \"E\" ADD VALUE \x27v%d\x27;\n", i
            } else printf "DROP TABLE \"t%d\";\n", i
        }
        for (i = 0; k == "enum" && i < n; i++)
            printf "INSERT INTO \"t\" (\"e\") VALUES (\x27v%d\x27);\n", i
        }' >"$dir/20240101000000_big/migration.sql"
}

# scale_cpu DIR FORMAT: median CPU ms of `lint --format FORMAT DIR` into
# SCALE_CPU, median peak RSS (KiB) into SCALE_RSS.
scale_cpu() {
    local dir=$1 fmt=$2 r
    mkdir -p "$WORK/scale"
    : >"$WORK/scale/cpu"
    : >"$WORK/scale/rss.runs"
    SCALE_CPU=nan
    SCALE_RSS=nan
    for ((r = 0; r < SCALE_RUNS; r++)); do
        run_timed "$WORK/scale" "$PG" lint --format "$fmt" "$dir"
        if [ "$T_RC" -ge 2 ]; then
            warn "lint --format $fmt $dir: exit status $T_RC"
            tail -n 5 "$WORK/scale/stderr" | sed 's/^/    /' >&2
            STATUS=1
            return
        fi
        echo "$T_CPU" >>"$WORK/scale/cpu"
        echo "$T_RSS" >>"$WORK/scale/rss.runs"
    done
    SCALE_CPU=$(median "$WORK/scale/cpu")
    SCALE_RSS=$(median "$WORK/scale/rss.runs")
}

# scale_mib KIB: KiB as MiB with one decimal ("nan" stays).
scale_mib() {
    case $1 in
    nan) echo nan ;;
    *) awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' ;;
    esac
}

# scale_target LABEL CPU_MS CPU_LIMIT_MS RSS_KIB RSS_LIMIT_MIB: one PASS/MISS line.
scale_target() {
    local v=MISS
    awk -v c="$2" -v cl="$3" -v r="$4" -v rl="$5" \
        'BEGIN { exit !(c != "nan" && r != "nan" && c + 0 < cl + 0 && r / 1024 < rl + 0) }' && v=PASS
    printf '  %-4s %-52s %8s ms %7s MiB\n' "$v" "$1" "$2" "$(scale_mib "$4")"
}

# scale_verdict LABEL OK: one PASS/MISS line (OK is 1 or 0).
scale_verdict() {
    local v=MISS
    [ "$2" = 1 ] && v=PASS
    printf '  %-4s %s\n' "$v" "$1"
}

# section_scaling_huge: BENCH_SCALE_HUGE=1 adds the one-file ladders at
# 200,000 and 400,000 statements (the create-index ladder: 100,000 and
# 200,000 pairs), with peak memory, and the targets: the 400,000-statement
# file (~18 MB) under 10 s of CPU, at most 2.3x per doubling, peak memory
# growing no faster than the input.
section_scaling_huge() {
    local spec kf kind label n a b ra rb r m
    note "== scaling, 400,000 statements in one file (BENCH_SCALE_HUGE=1): CPU (median of $SCALE_RUNS), peak RSS"
    printf '  %-44s %10s %10s %6s %9s %9s\n' "ladder" "200k" "400k" "ratio" "RSS 200k" "RSS 400k"
    for spec in \
        "add-col-tables 200000|N x ALTER TABLE \"tI\" ADD COLUMN (one file)" \
        "add-col-one 200000|N x ADD COLUMN on one table (one file)" \
        "create-index 100000|N x (CREATE TABLE + CREATE INDEX) (one file)"; do
        IFS='|' read -r kf label <<<"$spec"
        read -r kind n <<<"$kf"
        scale_gen "$kind" "$n" "$WORK/scale-a"
        scale_cpu "$WORK/scale-a" json
        a=$SCALE_CPU ra=$SCALE_RSS
        scale_gen "$kind" $((2 * n)) "$WORK/scale-b"
        scale_cpu "$WORK/scale-b" json
        b=$SCALE_CPU rb=$SCALE_RSS
        rm -rf "$WORK/scale-a" "$WORK/scale-b"
        r=$(ratio "$b" "$a")
        printf '  %-44s %8s ms %7s ms %5sx %6s MiB %6s MiB\n' "$label" "$a" "$b" "$r" \
            "$(awk -v k="$ra" 'BEGIN { printf "%.0f", k / 1024 }')" \
            "$(awk -v k="$rb" 'BEGIN { printf "%.0f", k / 1024 }')"
        m=$(awk -v r="$r" 'BEGIN { print (r + 0 > 0 && r + 0 <= 2.3) ? 1 : 0 }')
        scale_verdict "$label: at most 2.3x per doubling ($r)" "$m"
        m=$(awk -v a="$ra" -v b="$rb" 'BEGIN { print (a + 0 > 0 && b + 0 <= 2.3 * a) ? 1 : 0 }')
        scale_verdict "$label: peak memory at most 2.3x per doubling" "$m"
        if [ "$kind" = add-col-tables ]; then
            m=$(awk -v b="$b" 'BEGIN { print (b + 0 > 0 && b + 0 < 10000) ? 1 : 0 }')
            scale_verdict "400,000-statement file (~18 MB) in under 10 s of CPU ($b ms)" "$m"
        fi
    done
}

section_scaling() {
    local n=${BENCH_SCALE_N:-4000} kind fmt label a b ra spec kf
    SCALE_RUNS=${BENCH_SCALE_RUNS:-3}
    PG=${PRISMA_GATE:-$ROOT/prisma-gate}
    note "== scaling: CPU time (user+sys, median of $SCALE_RUNS) at N=$n and 2N; ratio 2 is linear, 4 quadratic"
    printf '  %-44s %10s %10s %6s %9s %9s\n' "ladder" "N" "2N" "ratio" "RSS N" "RSS 2N"
    for spec in \
        "add-col-tables json|N x ALTER TABLE \"tI\" ADD COLUMN (one file)" \
        "add-col-one json|N x ADD COLUMN on one table (one file)" \
        "one-line json|N x ADD COLUMN NOT NULL, all on one line" \
        "create-index json|N x (CREATE TABLE + CREATE INDEX) (one file)" \
        "migrations json|N migrations of one statement" \
        "findings sarif|SARIF of one file with N findings" \
        "findings gitlab|GitLab of one file with N findings" \
        "findings junit|JUnit of one file with N findings" \
        "findings markdown|Markdown of one file with N findings" \
        "enum json|N x ADD VALUE, then N x INSERT using them (one file)" \
        "warnings json|N Prisma warnings over N x DROP COLUMN (one file)"; do
        IFS='|' read -r kf label <<<"$spec"
        read -r kind fmt <<<"$kf"
        scale_gen "$kind" "$n" "$WORK/scale-a"
        scale_cpu "$WORK/scale-a" "$fmt"
        a=$SCALE_CPU
        ra=$SCALE_RSS
        scale_gen "$kind" $((2 * n)) "$WORK/scale-b"
        scale_cpu "$WORK/scale-b" "$fmt"
        b=$SCALE_CPU
        printf '  %-44s %8s ms %7s ms %5sx %5s MiB %5s MiB\n' "$label" "$a" "$b" "$(ratio "$b" "$a")" \
            "$(scale_mib "$ra")" "$(scale_mib "$SCALE_RSS")"
    done
    if [ "${BENCH_SCALE_HUGE:-0}" = 1 ]; then
        section_scaling_huge
    fi
    # the issue's absolute targets, at their own size (0 leaves them out)
    local big=${BENCH_SCALE_BIG:-40000}
    [ "$big" -gt 0 ] || return 0
    note "== scaling targets at $big (median of $SCALE_RUNS): CPU time, peak RSS"
    scale_gen migrations "$big" "$WORK/scale-a"
    scale_cpu "$WORK/scale-a" json
    scale_target "lint of $big migrations: peak RSS under 64 MiB" "$SCALE_CPU" 1e12 "$SCALE_RSS" 64
    scale_gen findings "$big" "$WORK/scale-a"
    for fmt in json sarif gitlab junit markdown github text; do
        scale_cpu "$WORK/scale-a" "$fmt"
        scale_target "$fmt report of $big findings: under 5 s and 128 MiB" "$SCALE_CPU" 5000 \
            "$SCALE_RSS" 128
    done
    rm -rf "$WORK/scale-a" "$WORK/scale-b"
}

# drift_target LABEL RATIO LIMIT: one informational target line (RATIO >= LIMIT).
drift_target() {
    local v=MISS
    case $2 in
    n/a) v=SKIP ;;
    *) awk -v r="$2" -v l="$3" 'BEGIN { exit !(r + 0 >= l + 0) }' && v=PASS ;;
    esac
    printf '  %-4s %s   (%sx)\n' "$v" "$1" "$2"
}

# section_drift: `prisma-gate drift` against Prisma's own drift check, the
# one the real CLI can run here (prisma 6.19.3, engine 'js': `prisma db pull
# --print` into a file, then `prisma migrate diff --from-migrations
# prisma/migrations --to-schema-datamodel FILE --exit-code`, which replays
# every migration into a temporary shadow database of its own), on one
# database that `prisma migrate deploy` brought up to date with a corpus
# project's whole history (ci/pg.sh, ci/prisma.sh). prisma-gate runs with
# drift.shadow: create (a temporary shadow on the same server): cold
# without the replay cache, warm with drift.cache: 1 (its warm-up run fills
# the cache and the cache's snapshot of the shadow's model; every timed run
# finds the whole history cached and reads that snapshot).
section_drift() {
    local corpus=${BENCH_CORPUS:-$ROOT/../shared/corpus}
    local runs=${BENCH_DRIFT_RUNS:-3}
    local out rc cli config name src proj nmig db

    note "== drift =="
    corpus=$(abspath "$corpus")
    if ! find_gate; then
        note "drift: skipped: $GATE_WHY"
        return 0
    fi
    if ! "$GATE_BIN" help drift >/dev/null 2>&1; then
        note "drift: skipped: this prisma-gate has no drift command"
        return 0
    fi
    out=$("$ROOT/ci/prisma.sh" install 2>&1)
    rc=$?
    if [ "$rc" -ne 0 ]; then
        note "drift: skipped: the Prisma CLI fixture could not be installed (ci/prisma.sh install, exit $rc)"
        return 0
    fi
    cli=$(sed -n 2p <<<"$("$ROOT/ci/prisma.sh" argv)")
    config=$("$ROOT/ci/prisma.sh" config)
    DRIFT_PGDIR=$(mktemp -d "$(pg_root)/prisma-gate-bench-pg.XXXXXX")
    if ! out=$("$ROOT/ci/pg.sh" start "$DRIFT_PGDIR" 2>"$WORK/pg-drift.err"); then
        note "drift: skipped: no PostgreSQL 15 cluster (ci/pg.sh start failed)"
        return 0
    fi
    eval "$out"
    export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
    # Prisma's drift check as one command: 0 no drift, 1 drift, 3 error
    cat >"$WORK/prisma-drift.sh" <<'EOF_PD'
#!/bin/bash
cli=$1 config=$2 work=$3
if ! node "$cli" db pull --print --config "$config" >"$work/pull.prisma" 2>"$work/pull.err"; then
    cat "$work/pull.err" "$work/pull.prisma" >&2
    exit 3
fi
sed -n '/^\(generator\|datasource\)/,$p' "$work/pull.prisma" >"$work/live.prisma"
node "$cli" migrate diff --from-migrations prisma/migrations --to-schema-datamodel \
    "$work/live.prisma" --exit-code --config "$config" >"$work/diff.out" 2>&1
case $? in 0) exit 0 ;; 2) exit 1 ;; *) cat "$work/diff.out" >&2; exit 3 ;; esac
EOF_PD
    note "drift: medians of $runs runs after 1 warm-up; wall/cpu in ms, cpu = user+sys"
    note "       (prisma: node $(node --version 2>/dev/null), prisma 6.19.3 via ci/prisma.sh, engine 'js' (Wasm), run directly)"
    for name in ${BENCH_DRIFT_PROJECTS:-langfuse__langfuse triggerdotdev__trigger.dev}; do
        src=$corpus/$name
        if [ ! -d "$src/migrations" ]; then
            note "drift: $name: skipped: not found under ${BENCH_CORPUS:-../shared/corpus}"
            continue
        fi
        db=drift_$(printf '%s' "$name" | tr -c 'a-z0-9\n' '_' | cut -c1-40)
        DATABASE_URL=$("$ROOT/ci/pg.sh" createdb "$DRIFT_PGDIR" "$db" 2>>"$WORK/pg-drift.err") || {
            note "drift: $name: skipped: createdb failed"
            continue
        }
        export DATABASE_URL
        proj=$WORK/drift-$name
        mkdir -p "$proj/prisma" "$proj/pd"
        cp -R "$src/migrations" "$proj/prisma/migrations"
        cat >"$proj/prisma/schema.prisma" <<'EOF_SCHEMA'
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
EOF_SCHEMA
        printf 'version: 1\ndrift:\n  shadow: create\n  cache: 0\n' >"$proj/cold.yml"
        printf 'version: 1\ndrift:\n  shadow: create\n  cache: 1\n' >"$proj/warm.yml"
        nmig=$(find "$proj/prisma/migrations" -mindepth 1 -maxdepth 1 -type d | wc -l)
        note "drift: $name, $nmig migrations; prisma migrate deploy (untimed) ..."
        if ! (cd "$proj" && node "$cli" migrate deploy --config "$config" >"$WORK/drift-deploy.log" 2>&1); then
            note "drift: $name: skipped: prisma migrate deploy failed:"
            tail -n 5 "$WORK/drift-deploy.log" | sed 's/^/    /'
            continue
        fi
        ARGV_gdcold=("$GATE_BIN" -C "$proj" -p "$proj/cold.yml" drift --format json)
        LABEL_gdcold="prisma-gate drift (cold)"
        ARGV_gdwarm=("$GATE_BIN" -C "$proj" -p "$proj/warm.yml" drift --format json)
        LABEL_gdwarm="prisma-gate drift (warm cache)"
        ARGV_pdrift=(bash -c 'cd "$1" && exec bash "$2" "$3" "$4" "$1/pd"' _ "$proj" "$WORK/prisma-drift.sh" "$cli" "$config")
        LABEL_pdrift="prisma drift check"
        # right after a clean deploy both must say "no drift"
        "${ARGV_gdcold[@]}" >"$WORK/gd.out" 2>"$WORK/gd.err"
        rc=$?
        [ $rc -eq 0 ] || warn "drift: $name: prisma-gate drift exits $rc right after a clean deploy (want 0)"
        unset OK_gdcold OK_gdwarm OK_pdrift FAIL_gdcold FAIL_gdwarm FAIL_pdrift
        local saved=$RUNS before=$STATUS
        RUNS=$runs
        measure gdcold gdwarm pdrift
        RUNS=$saved
        printf '%-30s %9s %8s %12s   %s\n' "$name" 'wall(ms)' 'cpu(ms)' 'maxrss(KiB)' 'wall min-max'
        status_row "prisma-gate drift (cold)" gdcold
        status_row "prisma-gate drift (warm)" gdwarm
        status_row "prisma drift check" pdrift
        local pw=${MED_WALL_pdrift:-} cw=${MED_WALL_gdcold:-} ww=${MED_WALL_gdwarm:-}
        [ "${OK_pdrift:-0}" = 1 ] || pw=''
        [ "${OK_gdcold:-0}" = 1 ] || cw=''
        [ "${OK_gdwarm:-0}" = 1 ] || ww=''
        note "ratio: prisma drift check / prisma-gate drift = $(ratio "$pw" "$cw" 1)x cold, $(ratio "$pw" "$ww" 1)x warm (wall)"
        note "target (informational):"
        case $name in
        langfuse__langfuse)
            drift_target "prisma-gate drift >= 5x faster than Prisma cold (wall)" "$(ratio "$pw" "$cw" 1)" 5
            drift_target "prisma-gate drift >= 50x faster with the replay cache warm (wall)" "$(ratio "$pw" "$ww" 1)" 50
            ;;
        *)
            if [ "${OK_gdcold:-0}" = 1 ] && [ "${OK_gdwarm:-0}" = 1 ]; then
                printf '  %-4s prisma-gate drift works on %s (%s migrations)\n' PASS "$name" "$nmig"
            else
                printf '  %-4s prisma-gate drift works on %s (%s migrations)\n' MISS "$name" "$nmig"
            fi
            ;;
        esac
        if [ "${OK_pdrift:-0}" != 1 ]; then
            # Prisma's failure is the finding, not a bench error
            note "  prisma drift check: $(grep -m1 -o 'RuntimeError.*\|Error.*' "$WORK/pdrift/stderr" 2>/dev/null | cut -c1-200)"
            if [ "${OK_gdcold:-0}" = 1 ] && [ "${OK_gdwarm:-0}" = 1 ]; then STATUS=$before; fi
        fi
    done
    case ${BENCH_DRIFT_SYNTH_N:-10000} in
    0) ;;
    *[!0-9]*) warn "BENCH_DRIFT_SYNTH_N must be a number, got '$BENCH_DRIFT_SYNTH_N'" ;;
    *) drift_synthetic "${BENCH_DRIFT_SYNTH_N:-10000}" ;;
    esac
}

# drift_synthetic N: one timing line of `prisma-gate drift` on a synthetic
# history of N one-statement migrations (every tenth creates a table
# "sI" with a primary key, the nine after it add a column to it: N/10
# tables, 9N/10 columns), applied to its own database by psql with the
# `_prisma_migrations` rows Prisma would have written (the SHA-256 of each
# file): replay into a temporary shadow and diff, cold (drift.cache: 0),
# then with drift.cache: 1 (the first of those runs fills the cache, the
# second is timed as warm). One run each: this is a scale line, not a
# comparison. Prisma is not run on it (its deploy alone would take longer
# than the whole section).
drift_synthetic() {
    local n=$1 proj=$WORK/drift-synthetic url rc t0 t1 cold warm
    note "drift: synthetic history of $n migrations ($((n / 10)) tables, $((n - n / 10)) columns)"
    url=$("$ROOT/ci/pg.sh" createdb "$DRIFT_PGDIR" drift_synthetic 2>>"$WORK/pg-drift.err") || {
        note "drift: synthetic: skipped: createdb failed"
        return 0
    }
    mkdir -p "$proj/prisma/migrations"
    printf 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' >"$proj/prisma/schema.prisma"
    printf 'provider = "postgresql"\n' >"$proj/prisma/migrations/migration_lock.toml"
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "2024%010d_m%d\n", i, i }' |
        (cd "$proj/prisma/migrations" && xargs mkdir)
    awk -v n="$n" -v dir="$proj/prisma/migrations" 'BEGIN {
        for (i = 0; i < n; i++) {
            name = sprintf("%s/2024%010d_m%d", dir, i, i)
            t = int(i / 10)
            if (i % 10 == 0)
                printf "CREATE TABLE \"s%d\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"s%d_pkey\" PRIMARY KEY (\"id\"));\n", t, t > (name "/migration.sql")
            else
                printf "ALTER TABLE \"s%d\" ADD COLUMN \"c%d\" TEXT;\n", t, i > (name "/migration.sql")
            close(name "/migration.sql")
        }
    }'
    {
        printf 'BEGIN;\n'
        cat "$proj"/prisma/migrations/*/migration.sql
        printf 'CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0);\n'
        printf 'COPY _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) FROM stdin;\n'
        (cd "$proj/prisma/migrations" && sha256sum -- */migration.sql) |
            awk '{ split($2, p, "/"); printf "%08d-0000-4000-8000-000000000000\t%s\t2024-01-01 00:00:00+00\t%s\t1\n", NR, $1, p[1] }'
        printf '\\.\nCOMMIT;\n'
    } >"$WORK/synthetic.sql"
    if ! psql -X -q -v ON_ERROR_STOP=1 -d "$url" -f "$WORK/synthetic.sql" >/dev/null 2>"$WORK/synthetic.err"; then
        note "drift: synthetic: skipped: applying the history failed: $(head -c 200 "$WORK/synthetic.err")"
        return 0
    fi
    printf 'version: 1\ndrift:\n  shadow: create\n  cache: 0\n  timeout: 30m\n' >"$proj/cold.yml"
    printf 'version: 1\ndrift:\n  shadow: create\n  cache: 1\n  timeout: 30m\n' >"$proj/warm.yml"
    t0=$(date +%s%N)
    DATABASE_URL=$url "$GATE_BIN" -C "$proj" -p "$proj/cold.yml" drift --format json >"$WORK/synthetic-cold.json" 2>"$WORK/synthetic-cold.err"
    rc=$?
    t1=$(date +%s%N)
    cold=$(((t1 - t0) / 1000000))
    if [ $rc -ne 0 ]; then
        note "drift: synthetic: prisma-gate drift (cold) exits $rc (want 0): $(head -c 200 "$WORK/synthetic-cold.err")"
        STATUS=1
        return 0
    fi
    DATABASE_URL=$url "$GATE_BIN" -C "$proj" -p "$proj/warm.yml" drift --format json >/dev/null 2>&1
    t0=$(date +%s%N)
    DATABASE_URL=$url "$GATE_BIN" -C "$proj" -p "$proj/warm.yml" drift --format json >/dev/null 2>"$WORK/synthetic-warm.err"
    rc=$?
    t1=$(date +%s%N)
    warm=$(((t1 - t0) / 1000000))
    [ $rc -eq 0 ] || {
        note "drift: synthetic: prisma-gate drift (warm) exits $rc (want 0): $(head -c 200 "$WORK/synthetic-warm.err")"
        STATUS=1
        return 0
    }
    printf '%-30s %s ms cold (replay of %s migrations + diff), %s ms warm (replay cache), one run each, no drift\n' \
        "synthetic ($n)" "$cold" "$n" "$warm"
}

bench_cleanup() {
    if [ -n "${STATUS_PGDIR:-}" ]; then
        "$ROOT/ci/pg.sh" stop "$STATUS_PGDIR" >/dev/null 2>&1
        rm -rf "$STATUS_PGDIR"
    fi
    if [ -n "${DRIFT_PGDIR:-}" ]; then
        "$ROOT/ci/pg.sh" stop "$DRIFT_PGDIR" >/dev/null 2>&1
        rm -rf "$DRIFT_PGDIR"
    fi
    if [ -n "${DEPLOY_PGDIR:-}" ]; then
        "$ROOT/ci/pg.sh" stop "$DEPLOY_PGDIR" >/dev/null 2>&1
        rm -rf "$DEPLOY_PGDIR"
    fi
    rm -rf "$WORK"
}

main() {
    local -a want=()
    local a s found
    [ $# -eq 0 ] && set -- all
    for a in "$@"; do
        case $a in
        -h | --help)
            usage
            exit 0
            ;;
        all)
            for s in "${SECTIONS[@]}"; do want+=("${s%%|*}"); done
            ;;
        *)
            found=
            for s in "${SECTIONS[@]}"; do
                [ "${s%%|*}" = "$a" ] && found=1
            done
            if [ -z "$found" ]; then
                warn "unknown section '$a'"
                usage >&2
                exit 2
            fi
            want+=("$a")
            ;;
        esac
    done
    case $RUNS in '' | *[!0-9]* | 0)
        warn "BENCH_RUNS must be a positive integer, got '$RUNS'"
        exit 2
        ;;
    esac
    if [ ! -x "$GNU_TIME" ]; then
        warn "GNU time not found at $GNU_TIME (Debian package 'time'; run ci/deps.sh)"
        exit 1
    fi

    WORK=$(mktemp -d "${TMPDIR:-/tmp}/prisma-gate-bench.XXXXXX")
    STATUS_PGDIR=
    DEPLOY_PGDIR=
    DRIFT_PGDIR=
    trap 'bench_cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    mkdir -p "$WORK/cwd"

    machine_line
    pg_root_line
    local w fn
    for w in "${want[@]}"; do
        for s in "${SECTIONS[@]}"; do
            IFS='|' read -r name fn _ <<<"$s"
            if [ "$name" = "$w" ]; then
                "$fn"
                echo
            fi
        done
    done
    if [ "$STATUS" != 0 ]; then
        warn "a tool crashed or errored (see above)"
    fi
    exit "$STATUS"
}

main "$@"
