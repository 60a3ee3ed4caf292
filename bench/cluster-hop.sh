#!/usr/bin/env bash
# The cost of the forwarding hop: the same request to an object sent straight to its owner (node A)
# and through another node (B, which forwards it to A), side by side in one run, on loopback.
#
#   bench/cluster-hop.sh
#
# Starts a cluster of NODES nodes with deploy/local-cluster.sh (the packaged jar, or CAIRN_BIN), finds
# a counter owned by n1 (the Cairn-Owner header), then runs ROUNDS rounds; each round measures
# `POST /objects/counter/<name>/noop` with wrk (--latency) once straight to n1 and once through n2,
# the order alternating from round to round so that drift (JIT, the machine's other work) falls on
# both. Each measurement: WARMUP s unmeasured, then DURATION s measured. Prints one line per
# measurement, then the median over the rounds of each side's p50 and p99 and the differences:
#
#   HOP round=<r> path=direct|hop rps=.. p50_ms=.. p99_ms=.. errors=..
#   HOP summary direct_p50_ms=.. hop_p50_ms=.. p50_diff_ms=.. direct_p99_ms=.. hop_p99_ms=.. p99_diff_ms=..
#   HOP verdict PASS|FAIL (the hop adds at most LIMIT_MS ms at p50)
#
# Knobs (environment): NODES (2), ROUNDS (4), DURATION (10 s), WARMUP (3 s), CONNS (1: the latency
# of one call with nothing queued; more connections measure the hop under load), THREADS (1),
# LIMIT_MS (1), CAIRN_BASE_PORT (18181), CAIRN_BIN (a native binary instead of the jar),
# KEEP=1 (keep the cluster's directory, logs included).
# The cluster is stopped on exit (local-cluster.sh down), whatever happens.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
LAUNCHER="$ROOT/deploy/local-cluster.sh"
NODES="${NODES:-2}"
ROUNDS="${ROUNDS:-4}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNS="${CONNS:-1}"
THREADS="${THREADS:-1}"
LIMIT_MS="${LIMIT_MS:-1}"
KEEP="${KEEP:-0}"
export CAIRN_BASE_PORT="${CAIRN_BASE_PORT:-18181}"

[[ $NODES =~ ^[2-9]$ ]] || { echo "cluster-hop.sh: NODES must be 2 to 9, not '$NODES'" >&2; exit 2; }
for knob in ROUNDS DURATION WARMUP CONNS THREADS; do
    [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || { echo "cluster-hop.sh: $knob must be a positive whole number, not '${!knob}'" >&2; exit 2; }
done
if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null || { echo "cluster-hop.sh: needs wrk (apt-get install -y wrk)" >&2; exit 1; }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cairn-cluster-hop.XXXXXX")"
finish() {
    "$LAUNCHER" down "$WORK/cluster" >/dev/null 2>&1 || true
    if [[ $KEEP == 1 ]]; then
        echo "cluster-hop.sh: kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap finish EXIT

# wrk's script: POST with no body, and one machine-readable line at the end (bench/lua/report.lua).
cat "$HERE/lua/post.lua" "$HERE/lua/report.lua" >"$WORK/hop.lua"

"$LAUNCHER" up "$NODES" "$WORK/cluster"
A="http://127.0.0.1:$CAIRN_BASE_PORT"
B="http://127.0.0.1:$((CAIRN_BASE_PORT + 1))"

owner_of() { # $1 = path; the Cairn-Owner header of a noop through B
    curl -s -o /dev/null -D - -X POST "$B$1/noop" | tr -d '\r' | sed -n 's/^[Cc]airn-[Oo]wner: //p'
}
name=""
for ((i = 0; i < 200; i++)); do
    if [[ "$(owner_of "/objects/counter/hop-$i")" == n1 ]]; then
        name="hop-$i"
        break
    fi
done
[[ -n $name ]] || { echo "cluster-hop.sh: none of hop-0..hop-199 is owned by n1 (is the Cairn-Owner header set?)" >&2; exit 1; }
PATH_UNDER_TEST="/objects/counter/$name/noop"
echo "HOP object=$name owner=n1 direct=$A$PATH_UNDER_TEST hop=$B$PATH_UNDER_TEST nodes=$NODES conns=$CONNS threads=$THREADS rounds=$ROUNDS duration_s=$DURATION warmup_s=$WARMUP"

measure() { # $1 = round, $2 = direct|hop, $3 = base URL; prints the HOP line, appends "p50 p99" to $WORK/$2
    local out stat p50 p99 rps errors
    wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$WORK/hop.lua" "$3$PATH_UNDER_TEST" >/dev/null
    out="$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/hop.lua" "$3$PATH_UNDER_TEST")"
    echo "$out" >>"$WORK/wrk-$2.txt"
    stat="$(grep '^WRKSTAT ' <<<"$out")"
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$stat"; }
    p50="$(awk -v us="$(field p50_us)" 'BEGIN { printf "%.3f", us / 1000 }')"
    p99="$(awk -v us="$(field p99_us)" 'BEGIN { printf "%.3f", us / 1000 }')"
    rps="$(field rps)"
    errors=$(($(field err_connect) + $(field err_read) + $(field err_write) + $(field err_status) + $(field err_timeout)))
    echo "HOP round=$1 path=$2 rps=$rps p50_ms=$p50 p99_ms=$p99 errors=$errors"
    echo "$p50 $p99" >>"$WORK/$2"
}

for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2 == 1)); then
        measure "$round" direct "$A"
        measure "$round" hop "$B"
    else
        measure "$round" hop "$B"
        measure "$round" direct "$A"
    fi
done

median() { # $1 = file, $2 = column
    sort -g -k"$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
dp50="$(median "$WORK/direct" 1)"
hp50="$(median "$WORK/hop" 1)"
dp99="$(median "$WORK/direct" 2)"
hp99="$(median "$WORK/hop" 2)"
diff50="$(awk -v a="$hp50" -v b="$dp50" 'BEGIN { printf "%.3f", a - b }')"
diff99="$(awk -v a="$hp99" -v b="$dp99" 'BEGIN { printf "%.3f", a - b }')"
echo "HOP summary direct_p50_ms=$dp50 hop_p50_ms=$hp50 p50_diff_ms=$diff50 direct_p99_ms=$dp99 hop_p99_ms=$hp99 p99_diff_ms=$diff99"
if awk -v d="$diff50" -v l="$LIMIT_MS" 'BEGIN { exit !(d <= l) }'; then
    echo "HOP verdict PASS (the hop adds at most $LIMIT_MS ms at p50)"
else
    echo "HOP verdict FAIL (the hop adds more than $LIMIT_MS ms at p50)"
    exit 1
fi
