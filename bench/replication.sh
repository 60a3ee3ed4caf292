#!/usr/bin/env bash
# What replication costs: committed increments through a Raft group's leader, and throughput of a
# one-member cluster and of three nodes against single-node Cairn, all in one run on loopback.
#
#   bench/replication.sh
#
# Starts three deployments side by side, each on its own ports and directory:
#   three_nodes  deploy/local-cluster.sh up 3: every group on n1, n2, n3; a commit waits for a majority
#   one_member   deploy/local-cluster.sh up 1: members = n1 only, every group has one replica, so a
#                commit is the local Raft log's fsync
#   single       no cairn.cluster.members (started as bench/run.sh starts it, durability full, the
#                default): a commit is the node's commit-log fsync
# (the packaged jar, or CAIRN_BIN; the single node runs the program local-cluster.sh recorded), then
# loads every system with every workload for PREWARM s (unmeasured, once: the JIT), then
# runs ROUNDS rounds. Each round measures every workload on every system, the systems' order rotating
# from round to round so that drift (JIT, the machine's other work) falls on all of them; the systems
# not measured at that moment sit idle. Each measurement: WARMUP s of wrk unmeasured, then DURATION s
# measured with --latency. Every request is POST /objects/counter/<name>/increment with body {}.
#   latency  1 connection, 1 thread: on three_nodes straight to n1 with a counter n1 leads (found by
#            the Cairn-Owner header, checked before and after each measurement); on the others their
#            one node. The goal: three_nodes p50 <= LAT_GOAL_MS.
#   many     CONNS connections, THREADS threads, counters o0..o<NOBJ-1> uniformly at random (lua/many.lua)
#   one      the same connections, one counter "hot" (lua/post.lua)
# On three_nodes the many and one workloads spread wrk's threads over the three nodes (lua/spread.lua),
# each node forwarding what it does not lead. Goal: one_member >= RATIO_GOAL x single, per workload.
# Replication bytes: the cluster nodes' cairn_replication_entries_total and cairn_replication_bytes_total
# (/q/metrics, what leaders shipped) summed over the nodes before and after each measured run.
#
# Prints (stdout; the launcher's lines go to stderr):
#   REPL run round=<r> system=<s> workload=<w> at=<UTC time measuring began> rps=.. p50_ms=.. p99_ms=.. errors=.. requests=.. commits=.. bytes=.. server_cores=.. bench_idle_cores=.. wrk_cores=.. other_cores=..
#   REPL latency p50_ms=.. p99_ms=.. rps=..                     three_nodes, medians over the rounds
#   REPL latency_beside system=one_member|single p50_ms=.. p99_ms=.. rps=..
#   REPL throughput workload=<w> single_rps=.. one_member_rps=.. ratio=..    (ratio: median of the rounds' ratios)
#   REPL three_nodes workload=<w> single_rps=.. three_nodes_rps=.. ratio=..
#   REPL bytes system=<s> workload=<w> commits=.. bytes=.. bytes_per_commit=.. commits_per_request=..
#   REPL bytes_per_commit=.. commits=.. bytes=.. (three_nodes, every measured run)
#   REPL log system=<s> node=<n> warn=.. error=..   and   REPL log_kind ... logger=.. count=..
#        (WARN/ERROR lines the nodes logged from the pre-warm to the end of the last measurement)
#   REPL verdict latency|throughput workload=<w> PASS|FAIL (...)
# server_cores: CPU of the measured system's processes per wall second; bench_idle_cores: of the
# systems idle meanwhile; wrk_cores: wrk's; other_cores: the rest of the machine (other work).
# Exit status 1 when a goal is missed.
#
# Knobs (environment): ROUNDS (3), DURATION (10 s), WARMUP (5 s), PREWARM (20 s, 0 = none), CONNS
# (48), THREADS (3, a multiple of 3: one per node on three_nodes), NOBJ (1000), WORKLOADS ("latency
# many one", any of them, in this order), LAT_GOAL_MS (5), RATIO_GOAL (0.60), BASE_PORT (24100:
# three_nodes take it and the next two, one_member BASE_PORT+10, single BASE_PORT+20; the clusters'
# Raft ports are 1000 above), CAIRN_BIN (a native binary instead of the jar), CAIRN_START_TIMEOUT
# (300 s per deployment), KEEP=1 (keep the work directory: logs, wrk output, runs.tsv).
# Every deployment is stopped on exit (local-cluster.sh down; the single node SIGTERM, SIGKILL after
# STOP_TIMEOUT=60 s), whatever happens.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
LAUNCHER="$ROOT/deploy/local-cluster.sh"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
PREWARM="${PREWARM:-20}"
CONNS="${CONNS:-48}"
THREADS="${THREADS:-3}"
NOBJ="${NOBJ:-1000}"
WORKLOADS="${WORKLOADS:-latency many one}"
LAT_GOAL_MS="${LAT_GOAL_MS:-5}"
RATIO_GOAL="${RATIO_GOAL:-0.60}"
BASE_PORT="${BASE_PORT:-24100}"
KEEP="${KEEP:-0}"
STOP_TIMEOUT=60
RAFT_PORT_OFFSET=1000 # cairn.cluster.raft-port-offset's default: the clusters run with it
export CAIRN_START_TIMEOUT="${CAIRN_START_TIMEOUT:-300}"

fail() {
    echo "replication.sh: $*" >&2
    exit 1
}
usage_error() {
    echo "replication.sh: $*" >&2
    exit 2
}

for knob in ROUNDS DURATION WARMUP CONNS THREADS NOBJ CAIRN_START_TIMEOUT; do
    [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || usage_error "$knob must be a positive whole number, not '${!knob}'"
done
[[ $PREWARM =~ ^(0|[1-9][0-9]*)$ ]] || usage_error "PREWARM must be a whole number of seconds (0: none), not '$PREWARM'"
((THREADS % 3 == 0)) || usage_error "THREADS must be a multiple of 3 (each node of three_nodes gets as many), not $THREADS"
((CONNS % THREADS == 0)) || usage_error "CONNS must be a multiple of THREADS ($THREADS), so every thread has as many connections, not $CONNS"
for knob in LAT_GOAL_MS RATIO_GOAL; do
    [[ ${!knob} =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "$knob must be a number such as 5 or 0.60, not '${!knob}'"
done
[[ $KEEP == 0 || $KEEP == 1 ]] || usage_error "KEEP must be 0 or 1, not '$KEEP'"
read -r -a WORKLOAD_LIST <<<"$WORKLOADS"
((${#WORKLOAD_LIST[@]} > 0)) || usage_error "WORKLOADS must name at least one of: latency many one"
for w in "${WORKLOAD_LIST[@]}"; do
    [[ $w == latency || $w == many || $w == one ]] || usage_error "WORKLOADS may hold latency, many and one, not '$w'"
done
if ! [[ $BASE_PORT =~ ^[0-9]{4,5}$ ]] || ((BASE_PORT < 1024 || BASE_PORT + 20 + RAFT_PORT_OFFSET > 65535)); then
    usage_error "BASE_PORT must be a port from 1024 to $((65535 - 20 - RAFT_PORT_OFFSET)) (it and the next 20 serve HTTP, 1000 above them Raft), not '$BASE_PORT'"
fi

if ! command -v wrk >/dev/null; then
    { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || fail "needs wrk (apt-get install -y wrk)"
fi
for tool in curl awk sed; do
    command -v "$tool" >/dev/null || fail "needs $tool"
done

SYSTEMS=(three_nodes one_member single)
THREE_PORTS=("$BASE_PORT" "$((BASE_PORT + 1))" "$((BASE_PORT + 2))")
ONE_PORT=$((BASE_PORT + 10))
SINGLE_PORT=$((BASE_PORT + 20))

# curl's exit code 7 (connection refused) means nobody listens: anything else would take our load.
port_free() {
    local rc=0
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" || rc=$?
    [[ $rc == 7 ]]
}
for port in "${THREE_PORTS[@]}" "$ONE_PORT" "$SINGLE_PORT"; do
    port_free "$port" || fail "port $port is in use: choose another BASE_PORT"
done
for port in "${THREE_PORTS[@]}" "$ONE_PORT"; do
    port_free $((port + RAFT_PORT_OFFSET)) || fail "port $((port + RAFT_PORT_OFFSET)) (Raft) is in use: choose another BASE_PORT"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cairn-replication.XXXXXX")"
SINGLE_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
stop_single() {
    [[ -n $SINGLE_PID ]] || return 0
    kill -TERM "$SINGLE_PID" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$SINGLE_PID" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.2
    done
    if kill -0 "$SINGLE_PID" 2>/dev/null; then
        echo "replication.sh: the single node (pid $SINGLE_PID) did not stop within ${STOP_TIMEOUT} s: SIGKILL" >&2
        kill -KILL "$SINGLE_PID" 2>/dev/null || true
    fi
    wait "$SINGLE_PID" 2>/dev/null || true
    SINGLE_PID=""
}
# shellcheck disable=SC2317 # the EXIT trap
finish() {
    stop_single
    local dir
    for dir in "$WORK/three" "$WORK/one"; do
        [[ -f $dir/local-cluster.env ]] && { "$LAUNCHER" down "$dir" >&2 || true; }
    done
    if [[ $KEEP == 1 ]]; then
        echo "replication.sh: kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap finish EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK/wrk"

# ---------------------------------------------------------------- the three deployments
echo "replication.sh: starting three_nodes (ports ${THREE_PORTS[*]}), one_member ($ONE_PORT), single ($SINGLE_PORT) one after the other" >&2
CAIRN_BASE_PORT="$BASE_PORT" "$LAUNCHER" up 3 "$WORK/three" >&2
CAIRN_BASE_PORT="$ONE_PORT" "$LAUNCHER" up 1 "$WORK/one" >&2

# The single node runs the program local-cluster.sh chose (the jar with its JDK, or CAIRN_BIN), with
# the flags bench/run.sh gives it; its working directory is its data directory.
start_single() {
    # shellcheck disable=SC2034 # the file sets them all (netns, net, tag: later launchers); only launch and launch_tail are used
    local nodes base_port launch launch_tail extra netns net tag
    # shellcheck source=/dev/null
    . "$WORK/one/local-cluster.env"
    mkdir -p "$WORK/single"
    (cd "$WORK/single" && exec "${launch[@]}" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$SINGLE_PORT" \
        -Dcairn.data-dir="$WORK/single" "${launch_tail[@]}") </dev/null >"$WORK/single.log" 2>&1 &
    SINGLE_PID=$!
    local deadline=$((SECONDS + CAIRN_START_TIMEOUT))
    until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$SINGLE_PORT/q/health/ready" || true)" == 200 ]]; do
        if ! kill -0 "$SINGLE_PID" 2>/dev/null; then
            tail -n 40 "$WORK/single.log" >&2
            fail "the single node exited before it was ready (log above)"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 40 "$WORK/single.log" >&2
            fail "the single node is not ready after ${CAIRN_START_TIMEOUT} s (CAIRN_START_TIMEOUT)"
        fi
        sleep 0.2
    done
    echo "single pid=$SINGLE_PID http=http://127.0.0.1:$SINGLE_PORT" >&2
}
start_single

declare -A PIDS URL LOGS
PIDS[three_nodes]="$(cat "$WORK/three/n1.pid" "$WORK/three/n2.pid" "$WORK/three/n3.pid" | tr '\n' ' ')"
PIDS[one_member]="$(<"$WORK/one/n1.pid")"
PIDS[single]="$SINGLE_PID"
URL[three_nodes]="http://127.0.0.1:${THREE_PORTS[0]}"
URL[one_member]="http://127.0.0.1:$ONE_PORT"
URL[single]="http://127.0.0.1:$SINGLE_PORT"
LOGS[three_nodes]="$WORK/three/n1.log $WORK/three/n2.log $WORK/three/n3.log"
LOGS[one_member]="$WORK/one/n1.log"
LOGS[single]="$WORK/single.log"
declare -A METRIC_URLS=(
    [three_nodes]="http://127.0.0.1:${THREE_PORTS[0]} http://127.0.0.1:${THREE_PORTS[1]} http://127.0.0.1:${THREE_PORTS[2]}"
    [one_member]="http://127.0.0.1:$ONE_PORT"
    [single]=""
)

# ---------------------------------------------------------------- helpers
increment() { # $1 = base URL, $2 = counter; prints the response's headers
    curl -s -o /dev/null -D - --max-time 10 -X POST -H 'Content-Type: application/json' -d '{}' \
        "$1/objects/counter/$2/increment" | tr -d '\r'
}
owner_of() { # $1 = base URL, $2 = counter: the Cairn-Owner header of an increment sent there
    increment "$1" "$2" | sed -n 's/^[Cc]airn-[Oo]wner: //p'
}

# The counters' "entries bytes" summed over a system's nodes ("0 0" for the single node, which has none).
replication_counters() { # $1 = system
    local url total_e=0 total_b=0 e b
    for url in ${METRIC_URLS[$1]}; do
        read -r e b < <(curl -s --max-time 10 "$url/q/metrics" | awk '
            $1 == "cairn_replication_entries_total" { e = $2; seen++ }
            $1 == "cairn_replication_bytes_total" { b = $2; seen++ }
            END { if (seen == 2) printf "%.0f %.0f\n", e, b; else print "missing missing" }')
        [[ $e != missing ]] || fail "$url/q/metrics has no cairn_replication_entries_total / cairn_replication_bytes_total"
        total_e=$((total_e + e))
        total_b=$((total_b + b))
    done
    echo "$total_e $total_b"
}
replication_counters three_nodes >/dev/null
replication_counters one_member >/dev/null

HZ="$(getconf CLK_TCK)"
ticks() { # utime + stime of the processes given (all their threads); fields after the last ')'
    local pid total=0 v
    for pid in "$@"; do
        v="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')" || v=0
        total=$((total + ${v:-0}))
    done
    echo "$total"
}
child_ticks() { sed 's/.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }'; } # reaped children: wrk
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
cores() { awk -v t="$1" -v hz="$HZ" -v s="$2" 'BEGIN { c = t / hz / s; if (c < 0) c = 0; printf "%.2f", c }'; }

alive() { # $1 = system: fails with the end of its logs when one of its processes is gone
    local pid log
    for pid in ${PIDS[$1]}; do
        if ! kill -0 "$pid" 2>/dev/null; then
            for log in ${LOGS[$1]}; do
                echo "--- the end of $log:" >&2
                tail -n 30 "$log" >&2
            done
            fail "a process of $1 (pid $pid) is gone"
        fi
    done
}

# wrk's scripts: body {}, the scenario, (three_nodes) one node per thread, the WRKSTAT line.
lua_script() { # $1 = output name, then the lua files to concatenate
    local out="$WORK/$1.lua"
    shift
    (cd "$HERE/lua" && cat json.lua "$@" report.lua) >"$out"
    echo "$out"
}
POST_LUA="$(lua_script post post.lua)"
MANY_LUA="$(lua_script many many.lua)"
POST_SPREAD_LUA="$(lua_script post-spread post.lua spread.lua)"
MANY_SPREAD_LUA="$(lua_script many-spread many.lua spread.lua)"
export WRK_SPREAD_PORTS="${THREE_PORTS[*]}"

# A counter led by n1 of three_nodes, for the latency workload (names lat-0..lat-499).
LAT_NAME=""
find_latency_counter() {
    local i
    for ((i = 0; i < 500; i++)); do
        if [[ "$(owner_of "${URL[three_nodes]}" "lat-$i")" == n1 ]]; then
            LAT_NAME="lat-$i"
            return 0
        fi
    done
    fail "none of lat-0..lat-499 is led by n1 (is the Cairn-Owner header set? see GET ${URL[three_nodes]}/cluster)"
}
find_latency_counter

wrkstat() { sed -n "s/^WRKSTAT.* $2=\([^ ]*\).*/\1/p" "$1" | head -n1; }

# target <system> <workload>: sets W_CONNS W_THREADS W_LUA W_URL (with the path) and W_ARGS (the
# script's) for a wrk run, and W_NOTE when three_nodes' latency counter had to be replaced.
target() {
    local sys="$1" workload="$2" path
    W_CONNS="$CONNS" W_THREADS="$THREADS" W_ARGS=() W_NOTE=""
    case "$workload" in
        latency)
            W_CONNS=1 W_THREADS=1 W_LUA="$POST_LUA" path="/objects/counter/lat/increment"
            if [[ $sys == three_nodes ]]; then
                if [[ "$(owner_of "${URL[$sys]}" "$LAT_NAME")" != n1 ]]; then
                    W_NOTE=" moved_from=$LAT_NAME"
                    find_latency_counter
                fi
                path="/objects/counter/$LAT_NAME/increment"
            fi
            ;;
        many)
            W_LUA="$MANY_LUA" path="/" W_ARGS=("/objects/counter/o{i}/increment" "$NOBJ")
            [[ $sys != three_nodes ]] || W_LUA="$MANY_SPREAD_LUA"
            ;;
        one)
            W_LUA="$POST_LUA" path="/objects/counter/hot/increment"
            [[ $sys != three_nodes ]] || W_LUA="$POST_SPREAD_LUA"
            ;;
    esac
    W_URL="${URL[$sys]}$path"
}

# load <seconds> <output file> [--latency]: one wrk run on the target set by `target`.
load() {
    local seconds="$1" out="$2"
    shift 2
    wrk -t"$W_THREADS" -c"$W_CONNS" -d"${seconds}s" --timeout 10s "$@" -s "$W_LUA" "$W_URL" -- "${W_ARGS[@]}" >"$out" 2>&1 || true
}

# measure <round> <system> <workload>: WARMUP s unmeasured, then DURATION s measured; prints the
# REPL run line and appends the figures to $WORK/runs.tsv.
measure() {
    local round="$1" sys="$2" workload="$3" note
    target "$sys" "$workload"
    note="$W_NOTE"
    local out="$WORK/wrk/r$round.$sys.$workload" idle_pids=() other
    for other in "${SYSTEMS[@]}"; do
        # shellcheck disable=SC2206 # PIDS holds a list of numbers
        [[ $other == "$sys" ]] || idle_pids+=(${PIDS[$other]})
    done
    load "$WARMUP" "$out.warmup.txt"
    local e0 b0 e1 b1 s0 s1 i0 i1 m0 m1 w0 w1 t0 t1 at
    at="$(date -u +%H:%M:%S)"
    read -r e0 b0 < <(replication_counters "$sys")
    # shellcheck disable=SC2086 # PIDS holds a list
    s0=$(ticks ${PIDS[$sys]}) i0=$(ticks "${idle_pids[@]}") m0=$(machine_busy) w0=$(child_ticks) t0=$(date +%s%N)
    load "$DURATION" "$out.txt" --latency
    # shellcheck disable=SC2086
    s1=$(ticks ${PIDS[$sys]}) i1=$(ticks "${idle_pids[@]}") m1=$(machine_busy) w1=$(child_ticks) t1=$(date +%s%N)
    read -r e1 b1 < <(replication_counters "$sys")
    alive "$sys"
    grep -q '^WRKSTAT' "$out.txt" || {
        cat "$out.txt" >&2
        fail "wrk printed no WRKSTAT line ($sys $workload, round $round)"
    }
    if [[ $workload == latency && $sys == three_nodes ]]; then
        local after
        after="$(owner_of "${URL[$sys]}" "$LAT_NAME")"
        [[ $after == n1 ]] || note="$note owner_after=${after:-none}"
    fi
    local secs rps p50 p99 requests errors server idle wrkc machine othc
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')
    server=$(cores $((s1 - s0)) "$secs") idle=$(cores $((i1 - i0)) "$secs") wrkc=$(cores $((w1 - w0)) "$secs")
    machine=$(cores $((m1 - m0)) "$secs")
    othc=$(awk -v m="$machine" -v a="$server" -v b="$idle" -v c="$wrkc" 'BEGIN { o = m - a - b - c; if (o < 0) o = 0; printf "%.2f", o }')
    rps="$(wrkstat "$out.txt" rps)"
    requests="$(wrkstat "$out.txt" requests)"
    p50="$(awk -v us="$(wrkstat "$out.txt" p50_us)" 'BEGIN { printf "%.3f", us / 1000 }')"
    p99="$(awk -v us="$(wrkstat "$out.txt" p99_us)" 'BEGIN { printf "%.3f", us / 1000 }')"
    errors=$(($(wrkstat "$out.txt" err_connect) + $(wrkstat "$out.txt" err_read) + $(wrkstat "$out.txt" err_write) +
        $(wrkstat "$out.txt" err_status) + $(wrkstat "$out.txt" err_timeout)))
    echo "REPL run round=$round system=$sys workload=$workload at=$at rps=$rps p50_ms=$p50 p99_ms=$p99 errors=$errors requests=$requests commits=$((e1 - e0)) bytes=$((b1 - b0)) server_cores=$server bench_idle_cores=$idle wrk_cores=$wrkc other_cores=$othc$note"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$sys" "$workload" "$rps" "$p50" "$p99" "$errors" \
        "$requests" "$((e1 - e0))" "$((b1 - b0))" >>"$WORK/runs.tsv"
}

# ---------------------------------------------------------------- the rounds
declare -A LOG_FROM # each log's line count before the first load
for sys in "${SYSTEMS[@]}"; do
    for log in ${LOGS[$sys]}; do
        LOG_FROM[$log]="$(wc -l <"$log")"
    done
done
: >"$WORK/runs.tsv"
echo "REPL start $(date -u +%Y-%m-%dT%H:%M:%SZ) cores=$(nproc) rounds=$ROUNDS duration_s=$DURATION warmup_s=$WARMUP prewarm_s=$PREWARM conns=$CONNS threads=$THREADS nobj=$NOBJ workloads=${WORKLOADS// /,} latency_counter=$LAT_NAME program=$(awk '/^launch=/' "$WORK/one/local-cluster.env" | cut -c1-160)"
# Once, before the rounds: every system on every workload, so the JIT has compiled the paths of all
# before anything is measured (three JVMs at ~100 commits/s take minutes to get there otherwise).
if ((PREWARM > 0)); then
    for workload in "${WORKLOAD_LIST[@]}"; do
        for sys in "${SYSTEMS[@]}"; do
            target "$sys" "$workload"
            load "$PREWARM" "$WORK/wrk/prewarm.$sys.$workload.txt"
            alive "$sys"
        done
    done
    echo "REPL prewarmed $(date -u +%Y-%m-%dT%H:%M:%SZ) ${PREWARM} s per system and workload"
fi
for ((round = 1; round <= ROUNDS; round++)); do
    order=()
    for ((k = 0; k < ${#SYSTEMS[@]}; k++)); do
        order+=("${SYSTEMS[(k + round - 1) % ${#SYSTEMS[@]}]}")
    done
    for workload in "${WORKLOAD_LIST[@]}"; do
        for sys in "${order[@]}"; do
            measure "$round" "$sys" "$workload"
        done
    done
done
echo "REPL end $(date -u +%Y-%m-%dT%H:%M:%SZ)"

# ---------------------------------------------------------------- summary
median() { # the values on stdin, one a line
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
column_of() { # $1 = system, $2 = workload, $3 = column (4 rps, 5 p50, 6 p99): one value per round
    awk -F'\t' -v s="$1" -v w="$2" -v c="$3" '$2 == s && $3 == w { print $c }' "$WORK/runs.tsv"
}
ratios() { # $1 = system, $2 = workload: per round, its rps / single's rps
    awk -F'\t' -v s="$1" -v w="$2" '$3 == w && $2 == s { a[$1] = $4 } $3 == w && $2 == "single" { b[$1] = $4 }
        END { for (r = 1; r in a || r in b; r++) if (r in a && b[r] > 0) printf "%.3f\n", a[r] / b[r] }' "$WORK/runs.tsv"
}
verdicts_failed=0
verdict() { # $1 = what, $2 = 1 when met, $3 = explanation
    if [[ $2 == 1 ]]; then
        echo "REPL verdict $1 PASS ($3)"
    else
        echo "REPL verdict $1 FAIL ($3)"
        verdicts_failed=1
    fi
}
has_workload() { [[ " ${WORKLOAD_LIST[*]} " == *" $1 "* ]]; }

if has_workload latency; then
    p50="$(column_of three_nodes latency 5 | median)"
    echo "REPL latency p50_ms=$p50 p99_ms=$(column_of three_nodes latency 6 | median) rps=$(column_of three_nodes latency 4 | median) (three_nodes, straight to the leader n1, 1 connection; medians over $ROUNDS rounds)"
    for sys in one_member single; do
        echo "REPL latency_beside system=$sys p50_ms=$(column_of "$sys" latency 5 | median) p99_ms=$(column_of "$sys" latency 6 | median) rps=$(column_of "$sys" latency 4 | median)"
    done
fi
for workload in many one; do
    has_workload "$workload" || continue
    single="$(column_of single "$workload" 4 | median)"
    echo "REPL throughput workload=$workload single_rps=$single one_member_rps=$(column_of one_member "$workload" 4 | median) ratio=$(ratios one_member "$workload" | median) round_ratios=$(ratios one_member "$workload" | paste -sd, -)"
    echo "REPL three_nodes workload=$workload single_rps=$single three_nodes_rps=$(column_of three_nodes "$workload" 4 | median) ratio=$(ratios three_nodes "$workload" | median) round_ratios=$(ratios three_nodes "$workload" | paste -sd, -)"
done
for sys in three_nodes one_member; do
    for workload in "${WORKLOAD_LIST[@]}"; do
        awk -F'\t' -v s="$sys" -v w="$workload" '$2 == s && $3 == w { e += $9; b += $10; q += $8 }
            END { printf "REPL bytes system=%s workload=%s commits=%d bytes=%d bytes_per_commit=%s commits_per_request=%s\n",
                s, w, e, b, (e > 0 ? sprintf("%.0f", b / e) : "n/a"), (q > 0 ? sprintf("%.3f", e / q) : "n/a") }' "$WORK/runs.tsv"
    done
done
awk -F'\t' '$2 == "three_nodes" { e += $9; b += $10 }
    END { printf "REPL bytes_per_commit=%s commits=%d bytes=%d (three_nodes, every measured run; each entry goes to 2 followers)\n",
        (e > 0 ? sprintf("%.0f", b / e) : "n/a"), e, b }' "$WORK/runs.tsv"

# WARN and ERROR lines logged under the bench's load (start-up's are left out).
for sys in "${SYSTEMS[@]}"; do
    for log in ${LOGS[$sys]}; do
        node="$(basename "$log" .log)"
        tail -n +"$((LOG_FROM[$log] + 1))" "$log" | grep -E '^[0-9-]+ [0-9:,]+ (WARN|ERROR) ' >"$WORK/findings.$sys.$node.txt" || true
        echo "REPL log system=$sys node=$node warn=$(grep -c ' WARN ' "$WORK/findings.$sys.$node.txt" || true) error=$(grep -c ' ERROR ' "$WORK/findings.$sys.$node.txt" || true)"
        awk -v s="$sys" -v n="$node" '{ logger = $4; gsub(/[][]/, "", logger); k = $3 " " logger; c[k]++ }
            END { for (k in c) { split(k, p, " "); printf "REPL log_kind system=%s node=%s level=%s logger=%s count=%d\n", s, n, p[1], p[2], c[k] } }' \
            "$WORK/findings.$sys.$node.txt" | sort
    done
done

if has_workload latency; then
    verdict latency "$(awk -v p="$p50" -v g="$LAT_GOAL_MS" 'BEGIN { print (p != "" && p <= g) ? 1 : 0 }')" \
        "three_nodes p50 $p50 ms, goal <= $LAT_GOAL_MS ms"
fi
for workload in many one; do
    has_workload "$workload" || continue
    ratio="$(ratios one_member "$workload" | median)"
    verdict "throughput workload=$workload" "$(awk -v r="$ratio" -v g="$RATIO_GOAL" 'BEGIN { print (r != "" && r >= g) ? 1 : 0 }')" \
        "one_member / single = $ratio, goal >= $RATIO_GOAL"
done
exit "$verdicts_failed"
