#!/usr/bin/env bash
# Time from launch to the first answered object call, and resident memory right after it: Cairn's
# native binary beside the workerd peer (../shared/peers/workerd), in the same run, and the ratio.
#
#   bench/startup.sh                     # native + workerd, 7 launches each (interleaved), medians, ratio
#   RUNS=15 bench/startup.sh             # more launches
#   SYSTEMS='native workerd jvm' bench/startup.sh   # also the JVM jar (any subset, in this order)
#   ONLY=native bench/startup.sh         # one system (native | workerd | jvm), as SYSTEMS=native
#   SHIPPED=0 bench/startup.sh           # the binary bare, without the shipped deployments' options
#   OPTS='-Dfoo=bar' bench/startup.sh    # extra flags for Cairn (binary and JVM)
#   NATIVE=/path/to/other-runner bench/startup.sh   # another binary (e.g. an older build)
#   SQLITE_LIB=1 SYSTEMS=jvm bench/startup.sh       # the JVM with -Dorg.sqlite.lib.path too
#   PROBE_WITH=curl bench/startup.sh     # poll with a curl loop, as the script did before (see below)
#   QUIET_MAX=0.2 QUIET_WAIT=120 bench/startup.sh  # see below (defaults 0.3 and 60)
#
# Cairn native is started as deploy/Dockerfile.native and deploy/systemd/cairn.service start it
# (SHIPPED=1, default): -Dorg.sqlite.lib.path=<libsqlitejdbc.so of the pom's sqlite-jdbc, unpacked
# once> -Xmn8m. The JVM: java --enable-native-access=ALL-UNNAMED -jar target/quarkus-app/quarkus-run.jar.
# workerd: the peer's config.capnp and worker.js, installed into bench/.work/workerd with
# `npm install` (as bench/run.sh does; the peer folder is read-only), the workerd executable itself
# started (no node wrapper): `workerd serve config.capnp --socket-addr http=127.0.0.1:PORT
# --directory-path data-dir=<fresh dir>`.
#
# The first answered object call, the same on both sides: the Counter object "first" activated (its
# constructor runs CREATE TABLE IF NOT EXISTS on its own, new SQLite file) and its noop method called.
#   Cairn:   POST /objects/counter/first/noop     workerd: POST /noop/first
#
# Each launch: a fresh data directory, then that request every millisecond until it answers 2xx,
# sent over bash's /dev/tcp (no process per attempt: a `curl` loop, PROBE_WITH=curl, polls only every
# 15-20 ms here, since starting curl takes that long, and keeps a core busy beside the server). The
# time is from just before the exec to the 2xx ($EPOCHREALTIME, microseconds). Then VmRSS and VmHWM
# of the process and the CPU time it used (its threads' schedstat) are read from /proc, and it is
# stopped with SIGTERM.
# The systems take turns (native, workerd, native, ...) so that other load on the machine hits both
# alike, and before each launch the script waits (up to QUIET_WAIT s) until the rest of the machine
# uses at most QUIET_MAX cores (over 0.3 s, from /proc/stat); a launch that found no quiet moment is
# marked "(busy)". Quarkus' own "started in" (from its log) is shown too.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PEER="$(cd "$ROOT/.." && pwd)/shared/peers/workerd"
RUNS="${RUNS:-7}"
PORT="${PORT:-18190}"
SHIPPED="${SHIPPED:-1}"
PROBE_WITH="${PROBE_WITH:-bash}"
QUIET_MAX="${QUIET_MAX:-0.3}"
QUIET_WAIT="${QUIET_WAIT:-60}"
OPTS="${OPTS:-}"
CAIRN_PROBE="${PROBE:-POST /objects/counter/first/noop}"
WORKERD_PROBE="${WORKERD_PROBE:-POST /noop/first}"
NATIVE="${NATIVE:-$(ls "$ROOT"/target/*-runner 2>/dev/null | head -n1 || true)}"
JAR="${JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}"
JAVA="${JAVA:-}"
if [ -n "${ONLY:-}" ]; then
  SYSTEMS="$ONLY"
fi
SYSTEMS="${SYSTEMS:-native workerd}"
for s in $SYSTEMS; do
  case "$s" in native|workerd|jvm) ;; *) echo "unknown system '$s' (native, workerd, jvm)" >&2; exit 2 ;; esac
done
has() { [[ " $SYSTEMS " == *" $1 "* ]]; }

if has jvm && [ -z "$JAVA" ]; then
  for rel in /usr/lib/jvm/*/release; do
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)"/\1/p' "$rel")"
    [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null && JAVA="$(dirname "$rel")/bin/java" && break
  done
fi

WORK="$(mktemp -d /tmp/cairn-startup.XXXXXX)"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -9 "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
  echo "something already listens on port $PORT (set PORT=...)" >&2; exit 1
fi

# ---------------------------------------------------------------- what each system runs
# libsqlitejdbc.so of the pom's sqlite-jdbc version, as the deployments unpack it.
sqlite_lib_dir() {
  local version jar
  version="$(sed -n 's:.*<sqlite-jdbc.version>\(.*\)</sqlite-jdbc.version>.*:\1:p' "$ROOT/pom.xml" | head -n1)"
  jar="$(ls "$ROOT"/target/quarkus-app/lib/main/org.xerial.sqlite-jdbc-"$version".jar \
            "$ROOT"/target/*-native-image-source-jar/lib/org.xerial.sqlite-jdbc-"$version".jar \
            "$HOME/.m2/repository/org/xerial/sqlite-jdbc/$version/sqlite-jdbc-$version.jar" 2>/dev/null | head -n1 || true)"
  [ -n "$jar" ] || { echo "sqlite-jdbc $version jar not found (build first: ./mvnw package)" >&2; exit 1; }
  mkdir -p "$WORK/lib"
  unzip -q -o -j "$jar" "org/sqlite/native/Linux/$(uname -m)/libsqlitejdbc.so" -d "$WORK/lib"
  echo "$WORK/lib"
}

NATIVE_CMD=(); JVM_CMD=(); WORKERD_CMD=()
if has native; then
  [ -n "$NATIVE" ] && [ -x "$NATIVE" ] || { echo "native: no target/*-runner (build it with ./mvnw package -Dnative, or set NATIVE=)" >&2; exit 1; }
  NATIVE_CMD=("$(readlink -f "$NATIVE")")   # absolute: each launch runs in its data directory
  if [ "$SHIPPED" = 1 ]; then
    NATIVE_CMD+=("-Dorg.sqlite.lib.path=$(sqlite_lib_dir)" -Xmn8m)
  fi
  # shellcheck disable=SC2206
  NATIVE_CMD+=($OPTS)
fi
if has jvm; then
  [ -f "$JAR" ] && [ -n "$JAVA" ] || { echo "jvm: no $JAR or no JDK 25+ (build it with ./mvnw package)" >&2; exit 1; }
  JVM_CMD=("$JAVA" --enable-native-access=ALL-UNNAMED)
  if [ "${SQLITE_LIB:-0}" = 1 ]; then
    JVM_CMD+=("-Dorg.sqlite.lib.path=$(sqlite_lib_dir)")
  fi
  # shellcheck disable=SC2206
  JVM_CMD+=($OPTS -jar "$(readlink -f "$JAR")")
fi
if has workerd; then
  [ -d "$PEER" ] || { echo "workerd peer not found at $PEER" >&2; exit 1; }
  WD_DIR="$HERE/.work/workerd"
  mkdir -p "$WD_DIR"
  for f in config.capnp worker.js; do install -m 644 "$PEER/$f" "$WD_DIR/$f"; done
  if ! cmp -s "$PEER/package.json" "$WD_DIR/package.json" || [ ! -x "$WD_DIR/node_modules/.bin/workerd" ]; then
    install -m 644 "$PEER/package.json" "$WD_DIR/package.json"
    install -m 644 "$PEER/package-lock.json" "$WD_DIR/package-lock.json"
    echo "installing workerd into bench/.work/workerd (npm install) ..." >&2
    # `npm install`, not `npm ci`: the lockfile lacks other platforms' binaries (see the peer's README).
    ( cd "$WD_DIR" && timeout 900 npm install --no-audit --no-fund >"$WORK/npm-install.log" 2>&1 ) \
      || { cat "$WORK/npm-install.log" >&2; echo "npm install failed" >&2; exit 1; }
  fi
  # The executable itself (node_modules/.bin/workerd links to it), not a node launcher.
  WORKERD_CMD=("$(readlink -f "$WD_DIR/node_modules/.bin/workerd")" serve "$WD_DIR/config.capnp"
    --socket-addr "http=127.0.0.1:$PORT" --directory-path "data-dir=@DATA@")
fi

# ---------------------------------------------------------------- measuring
median() { sort -n | awk '{a[NR]=$1} END{ if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

declare -A MS CPU RSS HWM   # per system: space-separated values, one per launch

# busy_cores: cores the whole machine used over the last 0.3 s (/proc/stat; nothing of ours runs then).
busy_cores() {
  local a b
  a=($(head -n1 /proc/stat)); sleep 0.3; b=($(head -n1 /proc/stat))
  awk -v u="$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f", u / hz / 0.3 }'
}

# wait_quiet: until the machine is quiet (see the header); prints nothing when it is, "(busy)" otherwise.
wait_quiet() {
  local deadline=$(( $(date +%s) + QUIET_WAIT ))
  until awk -v b="$(busy_cores)" -v m="$QUIET_MAX" 'BEGIN { exit !(b <= m) }'; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo " (busy)"; return; fi
  done
}

# launch <system> <run>: one launch, one line, its figures appended to MS/CPU/RSS/HWM.
launch() {
  local sys="$1" i="$2" data log started t0 t1 ms cpu rss hwm method path busy cmd=()
  data="$WORK/data-$sys-$i"; log="$WORK/$sys-$i.log"
  mkdir -p "$data"   # workerd does not create its disk directory itself
  case "$sys" in
    native) cmd=("${NATIVE_CMD[@]}"); method="${CAIRN_PROBE%% *}"; path="${CAIRN_PROBE#* }" ;;
    jvm) cmd=("${JVM_CMD[@]}"); method="${CAIRN_PROBE%% *}"; path="${CAIRN_PROBE#* }" ;;
    workerd) cmd=("${WORKERD_CMD[@]/@DATA@/$data}"); method="${WORKERD_PROBE%% *}"; path="${WORKERD_PROBE#* }" ;;
  esac
  busy="$(wait_quiet)"
  t0=$EPOCHREALTIME
  env -C "$data" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT" CAIRN_DATA_DIR="$data" "${cmd[@]}" >"$log" 2>&1 &
  PID=$!
  CODE=000
  until [ "${CODE:0:1}" = 2 ]; do
    if [ "$PROBE_WITH" = curl ]; then
      CODE=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" "http://127.0.0.1:$PORT$path" 2>/dev/null || true)
    else
      probe "$method" "$path"
    fi
    if [ "${CODE:0:1}" != 2 ]; then
      kill -0 "$PID" 2>/dev/null || { echo "$sys exited before answering:" >&2; cat "$log" >&2; exit 1; }
      [ "$PROBE_WITH" = curl ] || read -r -t 0.001 -u 9 || true
    fi
  done
  t1=$EPOCHREALTIME
  ms=$(( (${t1//[.,]/} - ${t0//[.,]/}) / 1000 ))
  # CPU time the process used so far (all its live threads; schedstat is in ns): less sensitive
  # than wall time to other load on the machine.
  cpu="$(cat /proc/"$PID"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%d", s/1e6}')"
  rss="$(awk '/^VmRSS:/{printf "%.1f", $2/1024}' "/proc/$PID/status")"
  hwm="$(awk '/^VmHWM:/{printf "%.1f", $2/1024}' "/proc/$PID/status")"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  started="$(grep -o 'started in [0-9.]*s' "$log" | head -n1 || true)"
  MS[$sys]+="$ms "; CPU[$sys]+="$cpu "; RSS[$sys]+="$rss "; HWM[$sys]+="$hwm "
  printf '%-7s run %2d: first answer after %5d ms (CPU %5d ms), RSS %6s MB (peak %6s MB)%s%s\n' \
    "$sys" "$i" "$ms" "$cpu" "$rss" "$hwm" "$([ "$sys" = workerd ] || echo ", quarkus: ${started:-?}")" "$busy"
  sleep 0.2
}

med() { printf '%s\n' $1 | median; }

# probe <method> <path>: one request over bash's own TCP socket (no process started, so the loop
# polls at 1 ms and takes no CPU from the server that is starting); sets CODE to the HTTP status,
# 000 when nothing listens yet.
probe() {
  CODE=000
  if { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; then
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$1" "$2" "$PORT" >&3
    local version status
    read -r -t 10 version status _ <&3 && [[ "$version" == HTTP/* ]] && CODE="$status"
    exec 3<&- 3>&-
  fi
}
# fd 9: a FIFO nothing writes to, so that `read -t 0.001 -u 9` pauses 1 ms without starting `sleep`.
mkfifo "$WORK/pause"
exec 9<>"$WORK/pause"

echo "startup: $RUNS launches of each of: $SYSTEMS (taking turns); machine $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
has native && echo "  native:  ${NATIVE_CMD[*]}   first call: $CAIRN_PROBE"
has jvm && echo "  jvm:     ${JVM_CMD[*]}   first call: $CAIRN_PROBE"
has workerd && echo "  workerd: $("${WORKERD_CMD[0]}" --version 2>/dev/null), ${WORKERD_CMD[*]}   first call: $WORKERD_PROBE"
for ((i = 1; i <= RUNS; i++)); do
  for sys in $SYSTEMS; do
    launch "$sys" "$i"
  done
done
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
for sys in $SYSTEMS; do
  printf '%-7s median of %d: first answer after %s ms (CPU %s ms), RSS after it %s MB (peak %s MB)\n' "$sys" "$RUNS" \
    "$(med "${MS[$sys]}")" "$(med "${CPU[$sys]}")" "$(med "${RSS[$sys]}")" "$(med "${HWM[$sys]}")"
done
if has workerd; then
  for sys in native jvm; do
    has "$sys" || continue
    awk -v s="$sys" -v a="$(med "${MS[$sys]}")" -v b="$(med "${MS[workerd]}")" -v c="$(med "${CPU[$sys]}")" \
        -v d="$(med "${CPU[workerd]}")" -v r="$(med "${RSS[$sys]}")" -v q="$(med "${RSS[workerd]}")" \
      'BEGIN { printf "ratio %s/workerd (medians): first answer %.2fx (%s vs %s ms), CPU %.2fx, RSS %.2fx (%s vs %s MB)\n",
               s, a / b, a, b, (d > 0 ? c / d : 0), r / q, r, q }'
  done
fi
