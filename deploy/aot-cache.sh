#!/usr/bin/env bash
# Builds the packaged jar's AOT cache, target/quarkus-app/cairn.aot (JDK 25: -XX:AOTCache, JEPs 483,
# 514 and 515): the classes a node loads and links, and the methods' profiles, recorded in a training
# run, so that a node starts and warms up faster. A restarted cluster member then catches up sooner and
# serves the groups it takes back without running cold code.
#
#   ./mvnw -B package -DskipTests && deploy/aot-cache.sh
#
# The training run: a 3-node local cluster (deploy/local-cluster.sh, without a cache) in a temporary
# directory on ports CAIRN_BASE_PORT (27081) and the next two; n1 is restarted recording, catches up,
# takes its groups back, serves TRAIN_SECONDS (30) of calls through every node (increments, reads,
# fetch, key-value), then stops with SIGTERM (handing its groups over), and its JVM writes the cache.
# The cache fits this jar (its path and build) and this JDK only: a JVM finding it stale says so and
# runs without it, so rebuild it after each package. deploy/local-cluster.sh uses it when it exists
# (CAIRN_AOT=0: not); run a node with it as `java -XX:AOTCache=target/quarkus-app/cairn.aot -jar …`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$ROOT/target/quarkus-app"
CACHE="$APP/cairn.aot"
LAUNCHER="$ROOT/deploy/local-cluster.sh"
TRAIN_SECONDS="${TRAIN_SECONDS:-30}"
export CAIRN_BASE_PORT="${CAIRN_BASE_PORT:-27081}"
export CAIRN_AOT=0

fail() {
    echo "aot-cache.sh: $*" >&2
    exit 1
}

[[ -f $APP/quarkus-run.jar ]] || fail "no packaged jar in $APP: build it with ./mvnw -B package -DskipTests"
command -v curl >/dev/null || fail "curl is needed for the training calls"
work="$(mktemp -d "${TMPDIR:-/tmp}/cairn-aot.XXXXXX")"
cleanup() {
    "$LAUNCHER" down "$work" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
rm -f "$CACHE"

"$LAUNCHER" up 3 "$work" >&2
"$LAUNCHER" restart n1 "$work" -- "-XX:AOTCacheOutput=$work/cairn.aot" >&2

# One client per node and kind of call, each over its own counters, until the time is up.
calls() { # $1 = port, $2 = client number
    local base="http://127.0.0.1:$1" end=$((SECONDS + TRAIN_SECONDS)) i=0
    while ((SECONDS < end)); do
        i=$(((i + 1) % 50))
        curl -fs -o /dev/null --json '{"by": 2}' "$base/objects/counter/aot-$2-$i/increment" || true
        curl -fs -o /dev/null "$base/objects/counter/aot-$2-$i" || true
        curl -fs -o /dev/null -X PUT --json "\"v$i\"" "$base/objects/kv/aot-$2/keys/k$i" || true
        curl -fs -o /dev/null "$base/objects/kv/aot-$2/fetch/k$i" || true
    done
}
pids=()
for k in 1 2 3; do
    for c in 1 2; do
        calls $((CAIRN_BASE_PORT + k - 1)) "$k$c" &
        pids+=("$!")
    done
done
wait "${pids[@]}"

# SIGTERM: n1 hands its groups over and exits; its JVM then assembles the cache (about 20 s).
"$LAUNCHER" down "$work" >&2
[[ -s $work/cairn.aot ]] || fail "n1 wrote no AOT cache; its log: $(tail -n 20 "$work/n1.log")"
mv "$work/cairn.aot" "$CACHE"
echo "aot-cache.sh: wrote $CACHE ($(du -h "$CACHE" | cut -f1)); deploy/local-cluster.sh uses it"
