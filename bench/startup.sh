#!/usr/bin/env bash
# Time from launch to the first answered request, and resident memory right after it, for the
# native binary and the JVM jar (whichever exist under target/).
#
#   bench/startup.sh                 # 10 launches of each, prints every run and the medians
#   RUNS=20 bench/startup.sh         # more launches
#   ONLY=native bench/startup.sh     # or ONLY=jvm
#   OPTS='-Xmn8m' ONLY=native bench/startup.sh   # extra flags for the binary / the JVM
#   PROBE='GET /q/openapi' bench/startup.sh      # poll another request (default: an object call)
#   SQLITE_LIB=1 bench/startup.sh               # run with -Dorg.sqlite.lib.path=<the library, unpacked
#                                               # once from the sqlite-jdbc jar>: no extraction at first use
#
# Each launch: a fresh data directory, then `curl` in a tight loop (no sleep) on
# POST /objects/counter/first/noop (or PROBE) until it answers 2xx — a real object call: HTTP, activation of
# the object, its SQLite file created and committed. The time is from just before the exec to the
# 200 (nanosecond clock; the loop's resolution is one failed curl, about 2-5 ms here). Then VmRSS
# and VmHWM of the process and the CPU time it used (its threads' schedstat) are read from /proc,
# and the process is stopped with SIGTERM.
# Quarkus' own "started in" (from its log) is shown too.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUNS="${RUNS:-10}"
PORT="${PORT:-18190}"
ONLY="${ONLY:-}"
PROBE="${PROBE:-POST /objects/counter/first/noop}"
METHOD="${PROBE%% *}"; PROBE_PATH="${PROBE#* }"
OPTS="${OPTS:-}"
NATIVE="${NATIVE:-$(ls "$ROOT"/target/*-runner 2>/dev/null | head -n1 || true)}"
JAR="${JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}"
JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for rel in /usr/lib/jvm/*/release; do
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)"/\1/p' "$rel")"
    [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null && JAVA="$(dirname "$rel")/bin/java" && break
  done
fi

WORK="$(mktemp -d /tmp/cairn-startup.XXXXXX)"
if [ "${SQLITE_LIB:-0}" = 1 ]; then
  sqlite_jar="$(ls "$ROOT"/target/quarkus-app/lib/main/org.xerial.sqlite-jdbc-*.jar | head -n1)"
  mkdir -p "$WORK/lib"
  unzip -q -j "$sqlite_jar" 'org/sqlite/native/Linux/x86_64/libsqlitejdbc.so' -d "$WORK/lib"
  OPTS="-Dorg.sqlite.lib.path=$WORK/lib $OPTS"
fi
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -9 "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
  echo "something already listens on port $PORT (set PORT=...)" >&2; exit 1
fi

median() { sort -n | awk '{a[NR]=$1} END{ if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

# one <label> <command...>: RUNS launches; prints one line per launch, then the medians.
one() {
  local label="$1"; shift
  local ms=() cpu=() rss=() hwm=() i t0 t1 data log code started
  for ((i = 1; i <= RUNS; i++)); do
    data="$WORK/data-$label-$i"; log="$WORK/$label-$i.log"
    mkdir -p "$data"
    t0=$(date +%s%N)
    env -C "$data" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT" CAIRN_DATA_DIR="$data" "$@" >"$log" 2>&1 &
    PID=$!
    code=000
    until [ "${code:0:1}" = 2 ]; do
      code=$(curl -s -o /dev/null -w '%{http_code}' -X "$METHOD" "http://127.0.0.1:$PORT$PROBE_PATH" 2>/dev/null || true)
      if [ "${code:0:1}" != 2 ] && ! kill -0 "$PID" 2>/dev/null; then
        echo "$label exited before answering:" >&2; cat "$log" >&2; exit 1
      fi
    done
    t1=$(date +%s%N)
    ms+=("$(( (t1 - t0) / 1000000 ))")
    # CPU time the process used so far (all its live threads; schedstat is in ns): less
    # sensitive than wall time to other load on the machine.
    cpu+=("$(cat /proc/"$PID"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%d", s/1e6}')")
    rss+=("$(awk '/^VmRSS:/{printf "%.1f", $2/1024}' "/proc/$PID/status")")
    hwm+=("$(awk '/^VmHWM:/{printf "%.1f", $2/1024}' "/proc/$PID/status")")
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
    started="$(grep -o 'started in [0-9.]*s' "$log" | head -n1 || true)"
    printf '%-7s run %2d: first answer after %5d ms (CPU %5d ms), RSS %6s MB (peak %6s MB), quarkus: %s\n' \
      "$label" "$i" "${ms[-1]}" "${cpu[-1]}" "${rss[-1]}" "${hwm[-1]}" "${started:-?}"
    sleep 0.2
  done
  printf '%-7s median of %d: first answer after %s ms (CPU %s ms), RSS after it %s MB (peak %s MB)\n' "$label" "$RUNS" \
    "$(printf '%s\n' "${ms[@]}" | median)" "$(printf '%s\n' "${cpu[@]}" | median)" \
    "$(printf '%s\n' "${rss[@]}" | median)" "$(printf '%s\n' "${hwm[@]}" | median)"
}

echo "startup: $RUNS launches each, first answered request: $METHOD $PROBE_PATH, options: ${OPTS:-none}, machine $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$ONLY" != jvm ]; then
  if [ -n "$NATIVE" ] && [ -x "$NATIVE" ]; then
    # shellcheck disable=SC2086
    one native "$NATIVE" $OPTS
  else
    echo "native: no target/*-runner (build it with ./mvnw package -Dnative)" >&2
  fi
fi
if [ "$ONLY" != native ]; then
  if [ -f "$JAR" ] && [ -n "$JAVA" ]; then
    # shellcheck disable=SC2086
    one jvm "$JAVA" --enable-native-access=ALL-UNNAMED $OPTS -jar "$JAR"
  else
    echo "jvm: no $JAR or no JDK 25+ (build it with ./mvnw package)" >&2
  fi
fi
