#!/usr/bin/env bash
# Cairn vs workerd throughput benchmark, loopback only.
#
# Starts the workerd peer (../shared/peers/workerd, copied into bench/.work because that
# folder is read-only), drives three workloads with wrk, stops it; then starts the packaged
# Cairn app on a fresh data dir, drives the same three workloads, stops it. Prints
#   SCENARIO <system> <scenario> rps=.. p50_ms=.. p99_ms=.. server_cores=.. wrk_cores=.. other_cores=.. errors=..
# per scenario, a CHECK line per system (counter value vs. successful increments), and a table
# of cairn/workerd ratios. Raw wrk output, server logs and summary.txt go to bench/results/<stamp>/.
#
# Workloads (each: WARMUP s unmeasured, then DURATION s measured, CONNS connections, THREADS threads):
#   single_increment  POST increment on one object ("hot")       — serialised writes to one SQLite db
#   noop              POST noop on that same object              — cost of a call, no storage
#   many_increment    POST increment spread over NOBJ objects    — o0..o<NOBJ-1>, uniformly at random
#
# Knobs (environment):
#   DURATION (10) WARMUP (1) CONNS (64) THREADS (2) NOBJ (1000)
#   PORT (18080, Cairn)  WORKERD_PORT (PORT+1)
#   SKIP_WORKERD=1 / SKIP_CAIRN=1   run only one side (no ratios then)
#   CAIRN_APP_DIR   a quarkus-app dir to run (default ../target/quarkus-app, built if missing)
#   JAVA            java binary (default: newest JDK >= 25 under /usr/lib/jvm)   JAVA_OPTS  extra JVM flags
#   MAX_RUNTIME (1200 s, whole script)  BUILD_TIMEOUT (900 s, mvnw / npm install)  STOP_TIMEOUT (30 s)
#   QUIET_WAIT (60) QUIET_MAX (0.15) CLEAN_MAX (0.25) ATTEMPTS (3)   noise control, see wait_quiet/run_scenario
#   KEEP_DATA=1     keep the servers' data dirs under bench/.work after the run
#
# Every process started here is stopped by PID on exit (trap), servers additionally run under
# `timeout` so they cannot outlive MAX_RUNTIME even if this shell is SIGKILLed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PEER="$(cd "$ROOT/.." && pwd)/shared/peers/workerd"

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-1}"
CONNS="${CONNS:-64}"
THREADS="${THREADS:-2}"
NOBJ="${NOBJ:-1000}"
PORT="${PORT:-18080}"
WORKERD_PORT="${WORKERD_PORT:-$((PORT + 1))}"
SKIP_WORKERD="${SKIP_WORKERD:-0}"
SKIP_CAIRN="${SKIP_CAIRN:-0}"
CAIRN_APP_DIR="${CAIRN_APP_DIR:-}"
JAVA_OPTS="${JAVA_OPTS:-}"
MAX_RUNTIME="${MAX_RUNTIME:-1200}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-900}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
QUIET_WAIT="${QUIET_WAIT:-60}"
QUIET_MAX="${QUIET_MAX:-0.15}"
CLEAN_MAX="${CLEAN_MAX:-0.25}"
ATTEMPTS="${ATTEMPTS:-3}"
KEEP_DATA="${KEEP_DATA:-0}"

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
declare -A RPS P50 P99 FLAG
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

# check_counter <sys> <get path>: the hot counter must hold every increment wrk saw succeed, plus
# at most CONNS per wrk run (requests still in flight when wrk stopped are executed by the
# server but never counted by wrk). Fewer would mean lost writes.
check_counter() {
  local sys="$1" path="$2" body value slack verdict
  sleep 0.5   # let requests in flight at wrk's stop finish
  body="$(curl -fsS "$BASE$path" | tr -d '\n')" || body="(GET failed)"
  value="$(grep -o '[0-9]\+' <<<"$body" | head -n1 || true)"
  slack=$(( HOT_RUNS * CONNS ))
  if [ -z "$value" ]; then verdict="FAIL (no value in response)"
  elif [ "$value" -lt "$HOT_OK" ]; then verdict="FAIL (counter below successful increments: lost writes)"
  elif [ $(( value - HOT_OK )) -gt "$slack" ]; then verdict="FAIL (counter exceeds successes by more than the in-flight bound)"
  elif [ "$HOT_BAD" -ne 0 ]; then verdict="FAIL ($HOT_BAD non-2xx responses)"
  else verdict="OK"; fi
  log "CHECK   $sys single_increment counter=$value wrk_successes=$HOT_OK (warmup+measured, $HOT_RUNS runs) in_flight_at_stop=$(( ${value:-0} - HOT_OK )) (<= $slack allowed) non2xx=$HOT_BAD -> $verdict"
  HOT_OK=0; HOT_RUNS=0; HOT_BAD=0
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

if [ "$SKIP_CAIRN" != 1 ]; then
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

log "bench $STAMP: cores=$(nproc) wrk_threads=$THREADS conns=$CONNS warmup=${WARMUP}s duration=${DURATION}s nobj=$NOBJ"
printf 'system\tscenario\trps\tp50_ms\tp99_ms\tflag\n' >"$RESULTS/results.tsv"

# ---------------------------------------------------------------- workerd run
if [ "$SKIP_WORKERD" != 1 ]; then
  BASE="http://127.0.0.1:$WORKERD_PORT"
  WD_DATA="$WORK/workerd-data-$STAMP"
  CLEANUP_DIRS+=("$WD_DATA")
  mkdir -p "$WD_DATA"   # workerd does not create the disk service's directory itself
  SERVER_LOG="$RESULTS/workerd.log"
  start_server workerd "$WORKERD_PORT" "$SERVER_LOG" "$WORKERD" serve "$WD_DIR/config.capnp" \
    --socket-addr "http=127.0.0.1:$WORKERD_PORT" --directory-path "data-dir=$WD_DATA"
  wait_ready 30 "$BASE/"
  log "START   workerd $("$WORKERD" --version) pid=$SERVER_PID ready_ms=$READY_MS"
  run_scenario workerd single_increment "/counter/hot/increment" post.lua 1
  check_counter workerd "/counter/hot"
  run_scenario workerd noop             "/noop/hot"              post.lua 0
  run_scenario workerd many_increment   "/"                      many.lua 0 "/counter/o{i}/increment" "$NOBJ"
  stop_server
  log "STOP    workerd stop_ms=$STOP_MS"
fi

# ---------------------------------------------------------------- Cairn run
if [ "$SKIP_CAIRN" != 1 ]; then
  BASE="http://127.0.0.1:$PORT"
  CAIRN_DATA="$WORK/cairn-data-$STAMP"   # fresh: every object starts at 0
  CLEANUP_DIRS+=("$CAIRN_DATA")
  mkdir -p "$CAIRN_DATA"
  SERVER_LOG="$RESULTS/cairn.log"
  # cwd = the data dir so that nothing the app writes relative to its cwd lands in the repo
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
  start_server cairn "$PORT" "$SERVER_LOG" \
    env -C "$CAIRN_DATA" "$JAVA" --enable-native-access=ALL-UNNAMED $JAVA_OPTS \
      -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dcairn.data-dir="$CAIRN_DATA" \
      -jar "$CAIRN_SNAPSHOT/quarkus-run.jar"
  # Ready = an object call works end to end (this also creates object "warm").
  wait_ready 120 -X POST "$BASE/objects/counter/warm/noop"
  log "START   cairn $("$JAVA" -version 2>&1 | head -n1) pid=$SERVER_PID ready_ms=$READY_MS app=$CAIRN_APP_DIR (built $(date -r "$CAIRN_APP_DIR/quarkus-run.jar" '+%F %T'))"
  run_scenario cairn single_increment "/objects/counter/hot/increment" post.lua 1
  check_counter cairn "/objects/counter/hot"
  run_scenario cairn noop             "/objects/counter/hot/noop"      post.lua 0
  run_scenario cairn many_increment   "/"                              many.lua 0 "/objects/counter/o{i}/increment" "$NOBJ"
  stop_server
  log "STOP    cairn stop_ms=$STOP_MS"
fi

# ---------------------------------------------------------------- summary
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
log ""
log "$(printf '%-17s %10s %10s %8s | %8s %8s %8s | %8s %8s %8s' scenario cairn_rps workerd_rps ratio \
  cairn_p50 wd_p50 ratio cairn_p99 wd_p99 ratio)"
for scn in single_increment noop many_increment; do
  c="cairn.$scn"; w="workerd.$scn"
  note=""; [ -n "${FLAG[$c]:-}${FLAG[$w]:-}" ] && note="  (NOISY)"
  log "$(printf '%-17s %10s %10s %8s | %8s %8s %8s | %8s %8s %8s%s' "$scn" \
    "${RPS[$c]:--}" "${RPS[$w]:--}" "$(ratio "${RPS[$c]:-}" "${RPS[$w]:-}")" \
    "${P50[$c]:--}" "${P50[$w]:--}" "$(ratio "${P50[$c]:-}" "${P50[$w]:-}")" \
    "${P99[$c]:--}" "${P99[$w]:--}" "$(ratio "${P99[$c]:-}" "${P99[$w]:-}")" "$note")"
done
log "ratios are cairn/workerd: rps > 1 means Cairn is faster, p50/p99 < 1 means Cairn answers sooner"
echo "results in ${RESULTS#$ROOT/}"
