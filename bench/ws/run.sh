#!/usr/bin/env bash
# WebSocket benchmark: 10,000 ChatRoom sockets over 100 rooms against the packaged Cairn jar.
# Reports memory per hibernated connection and broadcast fan-out latency in a 100-member room
# (see WsBench.java for the method). Results: bench/results/ws-<stamp>/ (server log, client output).
#
#   bench/ws/run.sh                       # defaults: ROOMS=100 PER_ROOM=100 BROADCASTS=200
#   ROOMS=10 PER_ROOM=50 bench/ws/run.sh  # a smaller run
#
# Knobs: ROOMS PER_ROOM BROADCASTS INTERVAL_MS CONCURRENCY PORT (18090) JAVA JAVA_OPTS MAX_RUNTIME (900 s)
#        HISTOGRAM=n  print the server's n largest classes (jcmd GC.class_histogram) while hibernated
# The server and the client are separate processes (each needs one descriptor per socket: check
# `ulimit -n`); both are stopped by PID on exit.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ROOMS="${ROOMS:-100}"
PER_ROOM="${PER_ROOM:-100}"
BROADCASTS="${BROADCASTS:-200}"
INTERVAL_MS="${INTERVAL_MS:-25}"
CONCURRENCY="${CONCURRENCY:-256}"
PORT="${PORT:-18090}"
MAX_RUNTIME="${MAX_RUNTIME:-900}"
JAVA_OPTS="${JAVA_OPTS:-}"

if [[ -z "${JAVA:-}" ]]; then
  for j in /usr/lib/jvm/*/; do
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$j/release" 2>/dev/null || true)
    if [[ -n "$v" && "$v" -ge 25 ]]; then JAVA="$j/bin/java"; fi
  done
fi
[[ -x "${JAVA:-}" ]] || { echo "no JDK 25+ found under /usr/lib/jvm; set JAVA" >&2; exit 1; }

need=$((ROOMS * PER_ROOM + 1024))
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt "$need" ]]; then
  echo "ulimit -n is $(ulimit -n); $((ROOMS * PER_ROOM)) sockets need about $need descriptors per process" >&2
  exit 1
fi

[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$ROOT/bench/results/ws-$STAMP"
WORK="$ROOT/bench/.work/ws-$STAMP"
mkdir -p "$OUT" "$WORK"
cp -r "$ROOT/target/quarkus-app" "$WORK/app"

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck disable=SC2086
timeout "$MAX_RUNTIME" "$JAVA" --enable-native-access=ALL-UNNAMED $JAVA_OPTS \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dcairn.data-dir="$WORK/data" \
  -jar "$WORK/app/quarkus-run.jar" > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  grep -q "Listening on" "$OUT/server.log" && break
  sleep 1
done
grep -q "Listening on" "$OUT/server.log" || { echo "server did not start:" >&2; cat "$OUT/server.log" >&2; exit 1; }
# The launcher's pid is the JVM's (java -jar, no wrapper) unless timeout forked: find the JVM child.
JVM_PID=$(pgrep -P "$SERVER_PID" java || echo "$SERVER_PID")

echo "server pid $JVM_PID, $ROOMS rooms x $PER_ROOM sockets, $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
timeout "$MAX_RUNTIME" "$JAVA" "$HERE/WsBench.java" --url "ws://127.0.0.1:$PORT" --pid "$JVM_PID" \
  --rooms "$ROOMS" --per-room "$PER_ROOM" --broadcasts "$BROADCASTS" --interval-ms "$INTERVAL_MS" \
  --concurrency "$CONCURRENCY" ${HISTOGRAM:+--histogram "$HISTOGRAM"} 2>&1 | tee "$OUT/client.log"
echo "results in $OUT"
