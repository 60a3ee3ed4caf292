#!/usr/bin/env bash
# How fast the admin API lists what a node stores (issue: 100 of 100,000 objects under 50 ms, the
# namespace summary under 100 ms). Starts the packaged jar (target/quarkus-app, or CAIRN_APP_DIR) on
# a fresh data dir, creates N Counter objects obj-000000.. (one increment each, through wrk and
# bench/lua/create.lua), then times with curl (time_total, REPS times each, median and max):
#   summary    GET /admin/namespaces
#   first      GET /admin/namespaces/counter/objects?limit=100
#   middle     the page after a cursor half-way through (by id)
#   prefix     GET ...?prefix=obj-05&limit=100 (by name)
#   prefix_mid the page after that page's cursor
# Then it restarts the service (SIGTERM) and times the summary once more (inventory read from its file).
#   N (100000) REPS (21) PORT (18090) CONNS (32) CAIRN_APP_DIR   KEEP_DATA=1 keeps bench/.work/listing
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
N="${N:-100000}"; REPS="${REPS:-21}"; PORT="${PORT:-18090}"; CONNS="${CONNS:-32}"
APP="${CAIRN_APP_DIR:-$ROOT/target/quarkus-app}"
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}"
DATA="$HERE/.work/listing"; rm -rf "$DATA"; mkdir -p "$DATA"
BASE="http://127.0.0.1:$PORT"
# user bench / bench-secret, role cairn-admin (hash: docs/security.md)
HASH="sha256:benchslt:$(printf '%s' 'benchsltbench-secret' | sha256sum | cut -d' ' -f1)"
AUTH=(-u bench:bench-secret)
PID=""
start() {
  "$JAVA" --enable-native-access=ALL-UNNAMED -Dquarkus.http.port="$PORT" -Dcairn.data-dir="$DATA" \
    -Dcairn.security.users.bench.password-hash="$HASH" -Dcairn.security.users.bench.roles=cairn-admin \
    -jar "$APP/quarkus-run.jar" > "$DATA/../listing-server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$BASE/q/health/ready" && return 0
    sleep 0.1
  done
  echo "service did not start; see $DATA/../listing-server.log" >&2; exit 1
}
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; PID=""; }
trap stop EXIT
stored() { curl -fs "${AUTH[@]}" "$BASE/admin/namespaces" | python3 -c 'import json,sys; print(next(n["objectsStored"] for n in json.load(sys.stdin) if n["namespace"]=="counter"))'; }
# time_of <label> <url>: REPS requests, prints median and max of curl's time_total in ms
time_of() {
  local label="$1" url="$2" times=()
  for _ in $(seq 1 "$REPS"); do
    times+=("$(curl -fs -o /dev/null -w '%{time_total}' "${AUTH[@]}" "$url")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1*1000} END {printf "LISTING %s median_ms=%.1f max_ms=%.1f n=%d\n", l, a[int((NR+1)/2)], a[NR], NR}'
}
start
created_at=$(date +%s)
echo "creating $N objects at $(date -u +%FT%TZ)"
wrk -t2 -c"$CONNS" -d3600s --timeout 30s -s "$HERE/lua/create.lua" "$BASE" -- "/objects/counter/obj-{i}/increment" "$N" 2 > "$DATA/../listing-wrk.log" 2>&1 &
WRK=$!
while :; do
  sleep 5
  s=$(stored || echo 0)
  [ "$s" -ge "$N" ] && break
  [ $(( $(date +%s) - created_at )) -gt 1800 ] && { echo "only $s of $N objects after 30 min" >&2; kill $WRK; exit 1; }
done
kill $WRK 2>/dev/null || true; wait $WRK 2>/dev/null || true
echo "CREATED objects=$(stored) seconds=$(( $(date +%s) - created_at ))"
sleep 3
mid=$(curl -fs "${AUTH[@]}" "$BASE/admin/namespaces/counter/objects?limit=1000" >/dev/null; python3 - "$BASE" <<'PY'
import base64, hashlib
# a cursor half-way by id: ids are hex; "8000..." sorts in the middle of uniformly spread ids
print(base64.urlsafe_b64encode(("i\n" + "8" + "0" * 63).encode()).decode().rstrip("="))
PY
)
time_of summary "$BASE/admin/namespaces"
time_of first "$BASE/admin/namespaces/counter/objects?limit=100"
time_of middle "$BASE/admin/namespaces/counter/objects?limit=100&cursor=$mid"
time_of prefix "$BASE/admin/namespaces/counter/objects?limit=100&prefix=obj-05"
pcur=$(curl -fs "${AUTH[@]}" "$BASE/admin/namespaces/counter/objects?limit=100&prefix=obj-05" | python3 -c 'import json,sys; print(json.load(sys.stdin)["nextCursor"] or "")')
[ -n "$pcur" ] && time_of prefix_mid "$BASE/admin/namespaces/counter/objects?limit=100&prefix=obj-05&cursor=$pcur"
stop
start
echo "RESTARTED objects=$(stored) inventory_bytes=$(stat -c %s "$DATA/inventory.sqlite")"
time_of summary_after_restart "$BASE/admin/namespaces"
stop
[ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$DATA"
