#!/usr/bin/env bash
# Cairn vs workerd throughput benchmark, loopback only.
#
# Starts the workerd peer (../shared/peers/workerd, copied into bench/.work because that
# folder is read-only), drives four workloads with wrk, stops it, then measures its memory on a
# fresh start; then does the same with the packaged Cairn app (fresh data dir each time). Prints
#   SCENARIO <system> <scenario> rps=.. p50_ms=.. p99_ms=.. server_cores=.. wrk_cores=.. other_cores=.. errors=..
# per scenario, CHECK lines (counter value vs. successful increments), a MEMORY line per system
# and a table of cairn/workerd ratios. Raw wrk output, server logs and summary.txt go to
# bench/results/<stamp>/.
#
# Workloads (each: WARMUP s unmeasured, then DURATION s measured, CONNS connections, THREADS threads):
#   single_increment  POST increment on one object ("hot")       — serialised writes to one SQLite db
#   noop              POST noop on that same object              — cost of a call, no storage
#   many_increment    POST increment spread over NOBJ objects    — o0..o<NOBJ-1>, uniformly at random
#   kv_increment      POST kv-increment on "hot": KV get + put   — skipped (SKIP line) where the
#                     endpoint answers 404, i.e. on Cairn builds without Counter.kvIncrement
#
# Memory (memory_10k, a separate fresh server start per system, no wrk): VmRSS / VmHWM of the
# server after start, after POSTing increment once to each of MEM_OBJECTS distinct objects
# m0..m<MEM_OBJECTS-1>, and after they were evicted (Cairn runs with
# -Dcairn.objects.idle-timeout=MEM_IDLE_TIMEOUT for this).
#
# Knobs (environment):
#   DURATION (10) WARMUP (5) CONNS (64) THREADS (2) NOBJ (1000)
#   PORT (18080, Cairn)  WORKERD_PORT (PORT+1)
#   SKIP_WORKERD=1 / SKIP_CAIRN=1   run only one side (no ratios then)
#   CAIRN_APP_DIR   a quarkus-app dir to run (default ../target/quarkus-app, built if missing)
#   CAIRN_NATIVE    a native Cairn executable to run instead of the jar (e.g. target/cairn-*-runner;
#                   JAVA_OPTS then go to it: -Xmx.., -Xmn.., -XX:..)
#   THROUGHPUT=0    skip the four wrk scenarios (memory_10k only)
#   JAVA            java binary (default: newest JDK >= 25 under /usr/lib/jvm)   JAVA_OPTS  extra JVM flags
#   MAX_RUNTIME (1200 s, whole script)  BUILD_TIMEOUT (900 s, mvnw / npm install)  STOP_TIMEOUT (30 s)
#   QUIET_WAIT (60) QUIET_MAX (0.15) CLEAN_MAX (0.25) ATTEMPTS (3)   noise control, see wait_quiet/run_scenario
#   KEEP_DATA=1     keep the servers' data dirs under bench/.work after the run
#   MEM (1) MEM_WORKERD (1) MEM_OBJECTS (10000) MEM_CONNS (64) MEM_IDLE_TIMEOUT (40 s)
#   MEM_EVICT_WAIT (90 s) MEM_ACTIVATE_TIMEOUT (300 s)   memory measurement, see memory_run
#
# Every process started here is stopped by PID on exit (trap), servers additionally run under
# `timeout` so they cannot outlive MAX_RUNTIME even if this shell is SIGKILLed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PEER="$(cd "$ROOT/.." && pwd)/shared/peers/workerd"

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
CONNS="${CONNS:-64}"
THREADS="${THREADS:-2}"
NOBJ="${NOBJ:-1000}"
PORT="${PORT:-18080}"
WORKERD_PORT="${WORKERD_PORT:-$((PORT + 1))}"
SKIP_WORKERD="${SKIP_WORKERD:-0}"
SKIP_CAIRN="${SKIP_CAIRN:-0}"
CAIRN_APP_DIR="${CAIRN_APP_DIR:-}"
CAIRN_NATIVE="${CAIRN_NATIVE:-}"
THROUGHPUT="${THROUGHPUT:-1}"
JAVA_OPTS="${JAVA_OPTS:-}"
MAX_RUNTIME="${MAX_RUNTIME:-1200}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-900}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
QUIET_WAIT="${QUIET_WAIT:-60}"
QUIET_MAX="${QUIET_MAX:-0.15}"
CLEAN_MAX="${CLEAN_MAX:-0.25}"
ATTEMPTS="${ATTEMPTS:-3}"
KEEP_DATA="${KEEP_DATA:-0}"
MEM="${MEM:-1}"
MEM_WORKERD="${MEM_WORKERD:-1}"
MEM_OBJECTS="${MEM_OBJECTS:-10000}"
MEM_CONNS="${MEM_CONNS:-64}"
MEM_IDLE_TIMEOUT="${MEM_IDLE_TIMEOUT:-40}"
MEM_EVICT_WAIT="${MEM_EVICT_WAIT:-90}"
MEM_ACTIVATE_TIMEOUT="${MEM_ACTIVATE_TIMEOUT:-300}"

STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="$HERE/results/$STAMP"
WORK="$HERE/.work"
mkdir -p "$RESULTS" "$WORK"
SUMMARY="$RESULTS/summary.txt"

log() { echo "$*" | tee -a "$SUMMARY"; }
die() { echo "run.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
if ! command -v wrk >/dev/null; then
  echo "wrk not found, installing it (apt-get install -y wrk)" >&2
  { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || die "could not install wrk"
fi
for tool in curl timeout awk; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done

# ---------------------------------------------------------------- process bookkeeping
SERVER_NAME=""   # "workerd" / "cairn" while a server runs
WRAP_PID=""      # the `timeout` wrapper around the server
SERVER_PID=""    # the server itself (child of the wrapper): what we signal and measure
WATCHDOG_PID=""
CLEANUP_DIRS=()  # scratch dirs removed on exit (unless KEEP_DATA=1)

# stop_server: SIGTERM, wait up to STOP_TIMEOUT s for a graceful exit, then SIGKILL.
stop_server() {
  [ -n "$WRAP_PID" ] || return 0
  local t0; t0=$(date +%s%N)
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; fi
  local i
  for i in $(seq $((STOP_TIMEOUT * 10))); do kill -0 "$WRAP_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$WRAP_PID" 2>/dev/null; then
    echo "note: $SERVER_NAME did not stop within ${STOP_TIMEOUT}s of SIGTERM; sending SIGKILL" >&2
    [ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null || true
    kill -KILL "$WRAP_PID" 2>/dev/null || true
  fi
  wait "$WRAP_PID" 2>/dev/null || true
  STOP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  WRAP_PID=""; SERVER_PID=""; SERVER_NAME=""
}
cleanup() {
  stop_server
  if [ -n "$WATCHDOG_PID" ]; then kill "$WATCHDOG_PID" 2>/dev/null || true; wait "$WATCHDOG_PID" 2>/dev/null || true; fi
  if [ "$KEEP_DATA" != "1" ] && [ "${#CLEANUP_DIRS[@]}" -gt 0 ]; then rm -rf "${CLEANUP_DIRS[@]}"; fi
  rmdir "$RESULTS" 2>/dev/null || true   # a run that failed before producing anything
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Bound the whole run: after MAX_RUNTIME the watchdog signals this shell, whose trap cleans up.
# (bash runs the trap once the current foreground command returns; wrk runs are bounded by
# DURATION, builds by BUILD_TIMEOUT, servers by their own `timeout`.)
( sp=""; trap '[ -n "$sp" ] && kill "$sp" 2>/dev/null; exit 0' TERM
  sleep "$MAX_RUNTIME" & sp=$!; wait "$sp"
  echo "run.sh: MAX_RUNTIME ${MAX_RUNTIME}s exceeded" >&2; kill -TERM $$ ) &
WATCHDOG_PID=$!

# port_free <port>: curl exit code 7 = connection refused, i.e. nobody listens there. Anything
# else means another server would receive our load and the numbers would be meaningless.
port_free() {
  local rc=0
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" || rc=$?
  [ "$rc" = 7 ]
}

# start_server <name> <port> <log> <cmd...>: launches the server in the background under
# `timeout`, sets WRAP_PID / SERVER_PID.
start_server() {
  local name="$1" port="$2" logf="$3"; shift 3
  port_free "$port" || die "port $port is already in use; set PORT / WORKERD_PORT"
  SERVER_NAME="$name"
  START_NS=$(date +%s%N)
  timeout -s TERM -k 10 "$MAX_RUNTIME" "$@" >"$logf" 2>&1 &
  WRAP_PID=$!
  SERVER_PID=""
  local i
  for i in $(seq 200); do
    SERVER_PID="$(awk '{print $1}' "/proc/$WRAP_PID/task/$WRAP_PID/children" 2>/dev/null || true)"
    [ -n "$SERVER_PID" ] && break
    sleep 0.01
  done
  [ -n "$SERVER_PID" ] || die "$name did not start (see $logf)"
}

# wait_ready <timeout_s> <curl args...>: polls until the request answers 200; sets READY_MS.
wait_ready() {
  local limit="$1"; shift
  local deadline=$(( $(date +%s) + limit )) code=""
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true)"
    [ "$code" = 200 ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$SERVER_LOG" >&2; die "$SERVER_NAME exited during startup"; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 30 "$SERVER_LOG" >&2; die "$SERVER_NAME not ready after ${limit}s (last HTTP status: ${code:-none})"; }
    sleep 0.02
  done
  READY_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
}

# ---------------------------------------------------------------- CPU accounting (from /proc)
HZ="$(getconf CLK_TCK)"
# tree_ticks <pid>: utime+stime of a process and all its descendants (all threads included).
# Fields are read after the last ')' because the command name may contain spaces.
tree_pids() {
  local p="$1" c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}
tree_ticks() {
  local p t=0 v
  for p in $(tree_pids "$1"); do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || v=0
    t=$(( t + ${v:-0} ))
  done
  echo "$t"
}
# cutime+cstime of this shell: CPU of its reaped children, i.e. wrk.
child_ticks() { sed 's/.*) //' "/proc/$$/stat" | awk '{print $14 + $15}'; }
# machine-wide busy ticks: user+nice+system+irq+softirq
sys_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat; }
cores() { awk -v d="$1" -v hz="$HZ" -v s="$2" 'BEGIN{printf "%.2f", d/hz/s}'; }

# wait_quiet: the machine may be shared; wait (at most QUIET_WAIT s) until it uses at most
# QUIET_MAX cores over a 1 s sample (this includes the idle server finishing JIT/GC/checkpoints),
# so every scenario starts on a quiet box.
wait_quiet() {
  local deadline=$(( $(date +%s) + QUIET_WAIT )) b0 b1 busy
  while :; do
    b0=$(sys_busy); sleep 1; b1=$(sys_busy)
    busy=$(cores $((b1 - b0)) 1)
    awk -v b="$busy" -v m="$QUIET_MAX" 'BEGIN{exit !(b <= m)}' && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "note: machine not quiet (${busy} cores busy before the scenario); numbers may be contaminated" >&2
      return 0
    fi
  done
}

# wrkstat <file> <key>: a value from the WRKSTAT line that lua/report.lua prints.
wrkstat() { sed -n "s/^WRKSTAT.* $2=\([^ ]*\).*/\1/p" "$1" | head -n1; }

# ---------------------------------------------------------------- scenarios
declare -A RPS P50 P99 FLAG MEMS
HOT_OK=0      # successful (non-error-status) responses to the hot object's increments, all wrk runs
HOT_RUNS=0    # wrk runs against it (each can leave up to CONNS requests in flight at its end)
HOT_BAD=0     # non-2xx/3xx responses among them

# wrk_run <out> <duration> <lua> <url> [lua args...]
wrk_run() {
  local out="$1" dur="$2" lua="$3" url="$4"; shift 4
  wrk -t"$THREADS" -c"$CONNS" -d"${dur}s" --timeout 10s --latency -s "$lua" "$url" -- "$@" >"$out" 2>&1 || true
  grep -q '^WRKSTAT' "$out" || { cat "$out" >&2; die "wrk produced no WRKSTAT line ($out)"; }
}

# tally_hot <wrk output>: add a run against the hot counter to the sanity-check totals.
tally_hot() {
  local req bad
  req=$(wrkstat "$1" requests); bad=$(wrkstat "$1" err_status)
  HOT_OK=$(( HOT_OK + req - bad )); HOT_BAD=$(( HOT_BAD + bad )); HOT_RUNS=$(( HOT_RUNS + 1 ))
}

# measure_once <sys> <scn> <lua> <url> <hot:0|1> [lua args...]: warmup + one measured run; sets LINE, OTHER.
measure_once() {
  local sys="$1" scn="$2" lua="$3" url="$4" hot="$5"; shift 5
  local base="$RESULTS/$sys.$scn"
  # warmup: creates the objects, lets connections open and (for the JVM) some JIT happen
  if [ "$WARMUP" != 0 ]; then
    wrk_run "$base.warmup.wrk.txt" "$WARMUP" "$lua" "$url" "$@"
    if [ "$hot" = 1 ]; then tally_hot "$base.warmup.wrk.txt"; fi
  fi
  local c0 c1 s0 s1 w0 w1 t0 t1
  c0=$(tree_ticks "$SERVER_PID"); s0=$(sys_busy); w0=$(child_ticks); t0=$(date +%s%N)
  wrk_run "$base.wrk.txt" "$DURATION" "$lua" "$url" "$@"
  c1=$(tree_ticks "$SERVER_PID"); s1=$(sys_busy); w1=$(child_ticks); t1=$(date +%s%N)
  if [ "$hot" = 1 ]; then tally_hot "$base.wrk.txt"; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$SERVER_LOG" >&2; die "$sys died during $scn"; }

  local f="$base.wrk.txt" secs srv sysc wrkc errs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1e9}')
  srv=$(cores $((c1 - c0)) "$secs"); sysc=$(cores $((s1 - s0)) "$secs"); wrkc=$(cores $((w1 - w0)) "$secs")
  # Everything that is neither the server nor wrk (kernel threads, other users' jobs): well
  # above ~0.05 means a noisy neighbour shared the 2 cores with the benchmark.
  OTHER=$(awk -v a="$sysc" -v b="$srv" -v c="$wrkc" 'BEGIN{o=a-b-c; if(o<0)o=0; printf "%.2f", o}')
  errs=$(( $(wrkstat "$f" err_connect) + $(wrkstat "$f" err_read) + $(wrkstat "$f" err_write) \
         + $(wrkstat "$f" err_status) + $(wrkstat "$f" err_timeout) ))
  M_RPS=$(wrkstat "$f" rps)
  M_P50=$(awk -v u="$(wrkstat "$f" p50_us)" 'BEGIN{printf "%.2f", u/1000}')
  M_P99=$(awk -v u="$(wrkstat "$f" p99_us)" 'BEGIN{printf "%.2f", u/1000}')
  LINE="$(printf "SCENARIO %-7s %-16s rps=%-9s p50_ms=%-7s p99_ms=%-7s server_cores=%s wrk_cores=%s other_cores=%s errors=%s" \
    "$sys" "$scn" "$M_RPS" "$M_P50" "$M_P99" "$srv" "$wrkc" "$OTHER" "$errs")"
}

# run_scenario <sys> <scn> <path> <lua> <hot:0|1> [lua args...]: waits for a quiet machine,
# measures, and repeats (up to ATTEMPTS times) while other processes used more than CLEAN_MAX cores.
run_scenario() {
  local sys="$1" scn="$2" path="$3" script="$4" hot="$5"; shift 5
  local lua="$RESULTS/$sys.$scn.lua" try flag=""
  cat "$HERE/lua/$script" "$HERE/lua/report.lua" >"$lua"
  for try in $(seq "$ATTEMPTS"); do
    wait_quiet
    measure_once "$sys" "$scn" "$lua" "$BASE$path" "$hot" "$@"
    if awk -v o="$OTHER" -v m="$CLEAN_MAX" 'BEGIN{exit !(o <= m)}'; then break; fi
    echo "$LINE noisy(try $try)" >>"$RESULTS/noisy.txt"
    if [ "$try" = "$ATTEMPTS" ]; then flag="NOISY"; LINE="$LINE NOISY"; fi
  done
  log "$LINE"
  RPS[$sys.$scn]="$M_RPS"; P50[$sys.$scn]="$M_P50"; P99[$sys.$scn]="$M_P99"; FLAG[$sys.$scn]="$flag"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$sys" "$scn" "$M_RPS" "$M_P50" "$M_P99" "${flag:-ok}" >>"$RESULTS/results.tsv"
}

# check_counter <sys> <scn> <get path> [optional]: the hot counter must hold every increment wrk
# saw succeed, plus at most CONNS per wrk run (requests still in flight when wrk stopped are
# executed by the server but never counted by wrk). Fewer would mean lost writes. With
# "optional", a 404 on the GET skips the check (a read endpoint the build may not have).
check_counter() {
  local sys="$1" scn="$2" path="$3" optional="${4:-}" body value slack verdict code
  sleep 0.5   # let requests in flight at wrk's stop finish
  if [ "$optional" = optional ]; then
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE$path" || true)"
    if [ "$code" = 404 ]; then
      log "CHECK   $sys $scn skipped: GET $path answers 404 (no read endpoint in this build)"
      HOT_OK=0; HOT_RUNS=0; HOT_BAD=0
      return 0
    fi
  fi
  body="$(curl -fsS "$BASE$path" | tr -d '\n')" || body="(GET failed)"
  value="$(grep -o '[0-9]\+' <<<"$body" | head -n1 || true)"
  slack=$(( HOT_RUNS * CONNS ))
  if [ -z "$value" ]; then verdict="FAIL (no value in response)"
  elif [ "$value" -lt "$HOT_OK" ]; then verdict="FAIL (counter below successful increments: lost writes)"
  elif [ $(( value - HOT_OK )) -gt "$slack" ]; then verdict="FAIL (counter exceeds successes by more than the in-flight bound)"
  elif [ "$HOT_BAD" -ne 0 ]; then verdict="FAIL ($HOT_BAD non-2xx responses)"
  else verdict="OK"; fi
  log "CHECK   $sys $scn counter=$value wrk_successes=$HOT_OK (warmup+measured, $HOT_RUNS runs) in_flight_at_stop=$(( ${value:-0} - HOT_OK )) (<= $slack allowed) non2xx=$HOT_BAD -> $verdict"
  HOT_OK=0; HOT_RUNS=0; HOT_BAD=0
}

# kv_scenario <sys> <post path> <get path>: the KV-style increment (storage get + put) on "hot".
# One POST probes the endpoint first: a Cairn build without Counter.kvIncrement answers 404 and
# the scenario is skipped with a SKIP line. When it exists the probe is itself an increment, so
# it counts as one success for the check that follows.
kv_scenario() {
  local sys="$1" post="$2" get="$3" code probe
  probe="$RESULTS/$sys.kv_increment.probe.txt"
  HOT_OK=0; HOT_RUNS=0; HOT_BAD=0
  code="$(curl -s -o "$probe" -w '%{http_code}' --max-time 10 -X POST "$BASE$post" || true)"
  case "$code" in
    2??) HOT_OK=1 ;;
    *)
      local why="endpoint not in this build"
      [ "$code" = 404 ] || why="$(head -c 200 "$probe" 2>/dev/null | tr -d '\n')"
      log "SKIP    $sys kv_increment: POST $post answers ${code:-no response} ($why)"
      FLAG[$sys.kv_increment]="skipped"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$sys" kv_increment - - - skipped >>"$RESULTS/results.tsv"
      return 0 ;;
  esac
  run_scenario "$sys" kv_increment "$post" post.lua 1
  check_counter "$sys" kv_increment "$get" optional
}

# ---------------------------------------------------------------- memory (memory_10k)
# Everything is read from /proc/<server pid>: VmRSS (resident now), VmHWM (peak resident),
# the open files, and among them the open object databases: both systems keep <64 hex>.sqlite
# (+ -wal, -shm) open per active object, so open_dbs = active objects (workerd's per-namespace
# metadata.sqlite does not match the pattern).
status_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB.*/\1/p" "/proc/$1/status" 2>/dev/null | head -n1; }
open_dbs() { { ls -l "/proc/$1/fd" 2>/dev/null || true; } | grep -c '/[0-9a-f]\{64\}\.sqlite$' || true; }
open_fds() { { ls "/proc/$1/fd" 2>/dev/null || true; } | wc -l; }
mb() { awk -v k="$1" 'BEGIN{ if (k == "") print "n/a"; else printf "%.0f", k / 1024 }'; }

# mem_point <sys> <point>: records RSS/HWM/fds/open dbs in memory.tsv; sets M_RSS M_HWM M_FDS M_DBS.
mem_point() {
  M_RSS="$(status_kb "$SERVER_PID" VmRSS)"; M_HWM="$(status_kb "$SERVER_PID" VmHWM)"
  M_FDS="$(open_fds "$SERVER_PID")"; M_DBS="$(open_dbs "$SERVER_PID")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(mb "$M_RSS")" "$(mb "$M_HWM")" "$M_FDS" "$M_DBS" \
    "$(( ($(date +%s%N) - MEM_T0) / 1000000 ))" >>"$RESULTS/memory.tsv"
}

# activate_objects <sys> <path template with {i}>: POSTs exactly once to each of m0..m<MEM_OBJECTS-1>
# (curl --parallel, MEM_CONNS at a time, keep-alive), in order, so every object is activated
# deterministically (wrk's random or time-bounded mix would not guarantee that). Sets ACT_OK,
# ACT_FAIL, ACT_S, ACT_ERR (first non-2xx body, if any).
activate_objects() {
  local sys="$1" tmpl="$2" cfg out t0 t1
  cfg="$RESULTS/$sys.memory.urls"; out="$RESULTS/$sys.memory.responses.txt"
  awk -v n="$MEM_OBJECTS" -v base="$BASE" -v t="$tmpl" \
    'BEGIN{ for (i = 0; i < n; i++) { u = t; sub(/\{i\}/, i, u); printf "url = \"%s%s\"\n", base, u } }' >"$cfg"
  t0=$(date +%s%N)
  # Each response body, then "@@<status>" on a line of its own (the status is 000 for a transport error).
  timeout "$MEM_ACTIVATE_TIMEOUT" curl -s --no-progress-meter --parallel --parallel-max "$MEM_CONNS" \
    --max-time 60 -X POST -K "$cfg" -w '\n@@%{http_code}\n' >"$out" 2>"$RESULTS/$sys.memory.curl.err" || true
  t1=$(date +%s%N)
  ACT_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b-a)/1e9}')
  ACT_OK=$(grep -c '^@@2' "$out" || true)
  ACT_FAIL=$(( MEM_OBJECTS - ACT_OK ))
  # bodies of parallel transfers may share a line ({"value":1}{"value":1}); successes are skipped
  ACT_ERR="$(grep -E -v -e '^@@' -e '^$' -e '^(\{"value":[0-9]+\})+$' -e '^[0-9]+$' "$out" | head -n1 | cut -c1-240 || true)"
}

# sample_objects <sys> <get template with {i}>: reads back m0, the middle one and the last one;
# each was incremented exactly once on a fresh data dir, so each must read 1. Sets SAMPLE.
sample_objects() {
  local tmpl="$2" i v bad=0 vals=""
  for i in 0 $(( MEM_OBJECTS / 2 )) $(( MEM_OBJECTS - 1 )); do
    v="$(curl -s --max-time 10 "$BASE${tmpl//\{i\}/$i}" | grep -o '[0-9]\+' | head -n1 || true)"
    vals="$vals${vals:+,}m$i=${v:-?}"
    [ "${v:-}" = 1 ] || bad=1
  done
  if [ "$bad" = 0 ]; then SAMPLE="ok($vals)"; else SAMPLE="BAD($vals)"; fi
}

# memory_run <sys> <post template> <get template>: on a server just started (fresh data dir):
#   start    after the ready request (+ wait_quiet, so start-up JIT/GC has settled)
#   active   right after every one of the MEM_OBJECTS objects answered its POST
#   evicted  once no object database is open any more (polled every second, at most
#            MEM_EVICT_WAIT s after the activation; Cairn evicts after MEM_IDLE_TIMEOUT)
#   trimmed  (Cairn, when jcmd is available) after `jcmd GC.run` + `jcmd System.trim_native_heap`:
#            how much of the evicted RSS the JVM and glibc malloc could give back
# Logs one MEMORY line and appends the points to memory.tsv.
memory_run() {
  local sys="$1" post="$2" get="$3" s_rss s_hwm s_fds a_rss a_dbs a_fds e_rss e_dbs t_rss="" evict_s deadline
  local nofile verdict notes="" jcmd
  MEM_T0=$(date +%s%N)
  wait_quiet
  mem_point "$sys" start; s_rss=$M_RSS; s_hwm=$M_HWM; s_fds=$M_FDS
  nofile="$(awk '/^Max open files/{print $4}' "/proc/$SERVER_PID/limits" 2>/dev/null || true)"
  activate_objects "$sys" "$post"
  mem_point "$sys" active; a_rss=$M_RSS; a_dbs=$M_DBS; a_fds=$M_FDS
  sample_objects "$sys" "$get"
  local t_act; t_act=$(date +%s)
  deadline=$(( t_act + MEM_EVICT_WAIT ))
  while [ "$(open_dbs "$SERVER_PID")" -gt 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
  evict_s=$(( $(date +%s) - t_act ))
  mem_point "$sys" evicted; e_rss=$M_RSS; e_dbs=$M_DBS
  [ "$e_dbs" = 0 ] || notes="$notes; $e_dbs databases still open after ${MEM_EVICT_WAIT}s"
  jcmd="$(dirname "${JAVA:-/nonexistent/java}")/jcmd"
  if [ "$sys" = cairn ] && [ -x "$jcmd" ]; then
    { "$jcmd" "$SERVER_PID" GC.run && "$jcmd" "$SERVER_PID" System.trim_native_heap; } >"$RESULTS/$sys.memory.jcmd.txt" 2>&1 || true
    sleep 1
    mem_point "$sys" trimmed; t_rss=$M_RSS
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$SERVER_LOG" >&2; die "$sys died during memory_10k"; }

  if [ "$ACT_FAIL" = 0 ] && [[ "$SAMPLE" == ok* ]]; then verdict="OK"
  else
    verdict="INCOMPLETE ($ACT_FAIL of $MEM_OBJECTS activations failed"
    [ -n "$ACT_ERR" ] && verdict="$verdict, first error: $ACT_ERR"
    verdict="$verdict)"
  fi
  # Fewer databases open than successful activations: some objects were already evicted (or
  # never kept open) when "active" was measured.
  [ "$a_dbs" -ge "$ACT_OK" ] || notes="$notes; only $a_dbs databases open at 'active' for $ACT_OK activations"
  if [ -n "$nofile" ] && [ "$nofile" != unlimited ] && [ $(( 3 * MEM_OBJECTS + s_fds )) -gt "$nofile" ]; then
    notes="$notes; open-files limit $nofile < 3 files x $MEM_OBJECTS objects (+$s_fds)"
  fi
  local per_obj="n/a"
  [ "$a_dbs" -gt 0 ] && per_obj=$(awk -v a="$a_rss" -v s="$s_rss" -v n="$a_dbs" 'BEGIN{printf "%.0f", (a-s)/n}')
  log "$(printf "MEMORY  %-7s memory_10k objects=%s ok=%s activate_s=%s start_rss_mb=%s start_hwm_mb=%s active_rss_mb=%s active_dbs=%s kb_per_active_obj=%s evicted_rss_mb=%s evict_s=%s trimmed_rss_mb=%s peak_hwm_mb=%s fds=%s/%s nofile=%s sample=%s -> %s%s" \
    "$sys" "$MEM_OBJECTS" "$ACT_OK" "$ACT_S" "$(mb "$s_rss")" "$(mb "$s_hwm")" "$(mb "$a_rss")" "$a_dbs" "$per_obj" \
    "$(mb "$e_rss")" "$evict_s" "$(mb "$t_rss")" "$(mb "$M_HWM")" "$s_fds" "$a_fds" "${nofile:-?}" "$SAMPLE" "$verdict" "$notes")"
  MEMS[$sys]="$(mb "$s_rss") $(mb "$a_rss") $a_dbs $(mb "$e_rss") $(mb "$t_rss") $(mb "$M_HWM") $ACT_OK"
}

# ---------------------------------------------------------------- Cairn: app dir + JDK (before any load)
pick_java() {
  if [ -n "${JAVA:-}" ]; then echo "$JAVA"; return; fi
  local rel v best="" bestv=""
  for rel in /usr/lib/jvm/*/release; do
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)"/\1/p' "$rel")"
    [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null && [ -x "$(dirname "$rel")/bin/java" ] || continue
    if [ -z "$bestv" ] || [ "$(printf '%s\n%s\n' "$bestv" "$v" | sort -V | tail -n1)" = "$v" ]; then
      best="$(dirname "$rel")/bin/java"; bestv="$v"
    fi
  done
  [ -n "$best" ] || die "no JDK >= 25 under /usr/lib/jvm (set JAVA=/path/to/java)"
  echo "$best"
}

if [ "$SKIP_CAIRN" != 1 ] && [ -n "$CAIRN_NATIVE" ]; then
  [ -x "$CAIRN_NATIVE" ] || die "CAIRN_NATIVE=$CAIRN_NATIVE is not an executable"
  # A snapshot, like the jar: a concurrent native build would otherwise replace it mid-run.
  CAIRN_SNAPSHOT="$WORK/cairn-native-$STAMP"
  CLEANUP_DIRS+=("$CAIRN_SNAPSHOT")
  mkdir -p "$CAIRN_SNAPSHOT"
  cp -a "$CAIRN_NATIVE" "$CAIRN_SNAPSHOT/cairn"
elif [ "$SKIP_CAIRN" != 1 ]; then
  JAVA="$(pick_java)"
  if [ -z "$CAIRN_APP_DIR" ]; then
    CAIRN_APP_DIR="$ROOT/target/quarkus-app"
    if [ ! -f "$CAIRN_APP_DIR/quarkus-run.jar" ]; then
      echo "building Cairn (./mvnw -q package -DskipTests) ..." >&2
      ( cd "$ROOT" && JAVA_HOME="$(dirname "$(dirname "$JAVA")")" timeout "$BUILD_TIMEOUT" ./mvnw -q package -DskipTests ) \
        || die "build failed"
    fi
  fi
  [ -f "$CAIRN_APP_DIR/quarkus-run.jar" ] || die "no quarkus-run.jar in $CAIRN_APP_DIR"
  # Run a snapshot: a concurrent `mvnw package` would otherwise swap jars under the running JVM.
  CAIRN_SNAPSHOT="$WORK/cairn-app-$STAMP"
  CLEANUP_DIRS+=("$CAIRN_SNAPSHOT")
  cp -a "$CAIRN_APP_DIR" "$CAIRN_SNAPSHOT"
fi

# ---------------------------------------------------------------- workerd: scratch copy + npm install
if [ "$SKIP_WORKERD" != 1 ]; then
  [ -d "$PEER" ] || die "workerd peer not found at $PEER"
  WD_DIR="$WORK/workerd"
  mkdir -p "$WD_DIR"
  # The peer folder is read-only: copy the few files needed; reinstall when package.json changes.
  for f in config.capnp worker.js; do install -m 644 "$PEER/$f" "$WD_DIR/$f"; done
  if ! cmp -s "$PEER/package.json" "$WD_DIR/package.json" || [ ! -x "$WD_DIR/node_modules/.bin/workerd" ]; then
    install -m 644 "$PEER/package.json" "$WD_DIR/package.json"
    install -m 644 "$PEER/package-lock.json" "$WD_DIR/package-lock.json"
    echo "installing workerd into ${WD_DIR#$ROOT/} (npm install) ..." >&2
    # `npm install`, not `npm ci`: the lockfile lacks other platforms' binaries (see peer README).
    ( cd "$WD_DIR" && timeout "$BUILD_TIMEOUT" npm install --no-audit --no-fund >"$RESULTS/npm-install.log" 2>&1 ) \
      || { cat "$RESULTS/npm-install.log" >&2; die "npm install failed"; }
  fi
  WORKERD="$WD_DIR/node_modules/.bin/workerd"
fi

log "bench $STAMP: cores=$(nproc) wrk_threads=$THREADS conns=$CONNS warmup=${WARMUP}s duration=${DURATION}s nobj=$NOBJ mem_objects=$([ "$MEM" = 1 ] && echo "$MEM_OBJECTS" || echo off)"
printf 'system\tscenario\trps\tp50_ms\tp99_ms\tflag\n' >"$RESULTS/results.tsv"
printf 'system\tpoint\trss_mb\thwm_mb\topen_fds\topen_dbs\tms_since_start_of_memory_run\n' >"$RESULTS/memory.tsv"

# start_workerd <tag>: workerd on a fresh data dir (tag names the dir and the log).
start_workerd() {
  BASE="http://127.0.0.1:$WORKERD_PORT"
  WD_DATA="$WORK/workerd-data$1-$STAMP"
  CLEANUP_DIRS+=("$WD_DATA")
  mkdir -p "$WD_DATA"   # workerd does not create the disk service's directory itself
  SERVER_LOG="$RESULTS/workerd$1.log"
  start_server workerd "$WORKERD_PORT" "$SERVER_LOG" "$WORKERD" serve "$WD_DIR/config.capnp" \
    --socket-addr "http=127.0.0.1:$WORKERD_PORT" --directory-path "data-dir=$WD_DATA"
  wait_ready 30 "$BASE/"
}

# start_cairn <tag> [extra JVM flags...]: the Cairn snapshot on a fresh data dir, so every
# object starts at 0. Ready = an object call works end to end (this also creates object "warm").
start_cairn() {
  local tag="$1"; shift
  BASE="http://127.0.0.1:$PORT"
  CAIRN_DATA="$WORK/cairn-data$tag-$STAMP"
  CLEANUP_DIRS+=("$CAIRN_DATA")
  mkdir -p "$CAIRN_DATA"
  SERVER_LOG="$RESULTS/cairn$tag.log"
  # cwd = the data dir so that nothing the app writes relative to its cwd lands in the repo
  if [ -n "$CAIRN_NATIVE" ]; then
    # shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
    start_server cairn "$PORT" "$SERVER_LOG" \
      env -C "$CAIRN_DATA" "$CAIRN_SNAPSHOT/cairn" $JAVA_OPTS "$@" \
        -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dcairn.data-dir="$CAIRN_DATA"
  else
    # shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
    start_server cairn "$PORT" "$SERVER_LOG" \
      env -C "$CAIRN_DATA" "$JAVA" --enable-native-access=ALL-UNNAMED $JAVA_OPTS "$@" \
        -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dcairn.data-dir="$CAIRN_DATA" \
        -jar "$CAIRN_SNAPSHOT/quarkus-run.jar"
  fi
  wait_ready 120 -X POST "$BASE/objects/counter/warm/noop"
}

# ---------------------------------------------------------------- workerd run
if [ "$SKIP_WORKERD" != 1 ] && [ "$THROUGHPUT" = 1 ]; then
  start_workerd ""
  log "START   workerd $("$WORKERD" --version) pid=$SERVER_PID ready_ms=$READY_MS"
  run_scenario workerd single_increment "/counter/hot/increment" post.lua 1
  check_counter workerd single_increment "/counter/hot"
  run_scenario workerd noop             "/noop/hot"              post.lua 0
  run_scenario workerd many_increment   "/"                      many.lua 0 "/counter/o{i}/increment" "$NOBJ"
  kv_scenario  workerd "/counter/hot/kv-increment" "/counter/hot/kv"
  stop_server
  log "STOP    workerd stop_ms=$STOP_MS"
fi
if [ "$SKIP_WORKERD" != 1 ]; then
  if [ "$MEM" = 1 ] && [ "$MEM_WORKERD" = 1 ]; then
    start_workerd "-mem"
    log "START   workerd (memory_10k) pid=$SERVER_PID ready_ms=$READY_MS"
    memory_run workerd "/counter/m{i}/increment" "/counter/m{i}"
    stop_server
    log "STOP    workerd (memory_10k) stop_ms=$STOP_MS"
  fi
fi

# ---------------------------------------------------------------- Cairn run
CAIRN_WHAT=""
if [ "$SKIP_CAIRN" = 1 ]; then
  :
elif [ -n "$CAIRN_NATIVE" ]; then
  CAIRN_WHAT="native $CAIRN_NATIVE (built $(date -r "$CAIRN_NATIVE" '+%F %T'))"
else
  CAIRN_WHAT="$("$JAVA" -version 2>&1 | head -n1) app=$CAIRN_APP_DIR (built $(date -r "$CAIRN_APP_DIR/quarkus-run.jar" '+%F %T'))"
fi
if [ "$SKIP_CAIRN" != 1 ] && [ "$THROUGHPUT" = 1 ]; then
  start_cairn ""
  log "START   cairn $CAIRN_WHAT pid=$SERVER_PID ready_ms=$READY_MS"
  run_scenario cairn single_increment "/objects/counter/hot/increment" post.lua 1
  check_counter cairn single_increment "/objects/counter/hot"
  run_scenario cairn noop             "/objects/counter/hot/noop"      post.lua 0
  run_scenario cairn many_increment   "/"                              many.lua 0 "/objects/counter/o{i}/increment" "$NOBJ"
  kv_scenario  cairn "/objects/counter/hot/kv-increment" "/objects/counter/hot/kv"
  stop_server
  log "STOP    cairn stop_ms=$STOP_MS"
fi
if [ "$SKIP_CAIRN" != 1 ]; then
  if [ "$MEM" = 1 ]; then
    # max-active above the object count, so the cap's LRU eviction does not interfere; the idle
    # timeout must exceed the activation time, or early objects are gone before "active".
    start_cairn "-mem" -Dcairn.objects.idle-timeout="${MEM_IDLE_TIMEOUT}s" \
      -Dcairn.objects.max-active="$(( MEM_OBJECTS + 1000 ))"
    log "START   cairn (memory_10k: idle-timeout=${MEM_IDLE_TIMEOUT}s max-active=$(( MEM_OBJECTS + 1000 ))) $CAIRN_WHAT pid=$SERVER_PID ready_ms=$READY_MS"
    memory_run cairn "/objects/counter/m{i}/increment" "/objects/counter/m{i}"
    stop_server
    log "STOP    cairn (memory_10k) stop_ms=$STOP_MS"
  fi
fi

# ---------------------------------------------------------------- summary
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
log ""
log "$(printf '%-17s %10s %10s %8s | %8s %8s %8s | %8s %8s %8s' scenario cairn_rps workerd_rps ratio \
  cairn_p50 wd_p50 ratio cairn_p99 wd_p99 ratio)"
for scn in single_increment noop many_increment kv_increment; do
  c="cairn.$scn"; w="workerd.$scn"
  note=""
  for sys in cairn workerd; do
    case "${FLAG[$sys.$scn]:-}" in
      NOISY) note="  (NOISY)" ;;
      skipped) note="$note  ($sys skipped)" ;;
    esac
  done
  log "$(printf '%-17s %10s %10s %8s | %8s %8s %8s | %8s %8s %8s%s' "$scn" \
    "${RPS[$c]:--}" "${RPS[$w]:--}" "$(ratio "${RPS[$c]:-}" "${RPS[$w]:-}")" \
    "${P50[$c]:--}" "${P50[$w]:--}" "$(ratio "${P50[$c]:-}" "${P50[$w]:-}")" \
    "${P99[$c]:--}" "${P99[$w]:--}" "$(ratio "${P99[$c]:-}" "${P99[$w]:-}")" "$note")"
done
log "ratios are cairn/workerd: rps > 1 means Cairn is faster, p50/p99 < 1 means Cairn answers sooner"
if [ -n "${MEMS[cairn]:-}${MEMS[workerd]:-}" ]; then
  log ""
  log "$(printf '%-22s %9s %10s %11s %10s %10s %9s %8s' "memory_10k (RSS, MB)" start active active_objs evicted trimmed peak ok)"
  for sys in cairn workerd; do
    [ -n "${MEMS[$sys]:-}" ] || continue
    # shellcheck disable=SC2086  # MEMS holds space-separated fields
    log "$(printf '%-22s %9s %10s %11s %10s %10s %9s %8s' "$sys" ${MEMS[$sys]})"
  done
  log "active = after POSTing once to each of $MEM_OBJECTS objects; active_objs = object databases open then; evicted = once none is open; trimmed = after jcmd GC.run + System.trim_native_heap"
fi
echo "results in ${RESULTS#$ROOT/}"
