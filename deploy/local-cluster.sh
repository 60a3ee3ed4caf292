#!/usr/bin/env bash
# A Cairn cluster on one machine (127.0.0.1), for trying a cluster out and for tests.
#
#   deploy/local-cluster.sh up N DIR [-- -Dkey=value ...]   start nodes n1..nN, wait until all are ready
#   deploy/local-cluster.sh down DIR                        stop them all (SIGTERM; SIGKILL after a timeout)
#   deploy/local-cluster.sh kill nK DIR                     SIGKILL one node
#   deploy/local-cluster.sh start nK DIR [-- -Dkey=value ...]  start one node again with the settings of `up`
#
# Node nK listens on http://127.0.0.1:<CAIRN_BASE_PORT + K - 1> (base 18081), keeps its data in DIR/nK,
# logs to DIR/nK.log and its process id in DIR/nK.pid. Options after `--` go to every node at `up` (and
# are recorded), or to this one start only at `start` (after the recorded ones, so they win).
#
# Runs the packaged jar (target/quarkus-app/quarkus-run.jar, built by ./mvnw package) with a JDK 25+
# (JAVA_HOME, or found the way ./mvnw finds it), or the native binary named by CAIRN_BIN.
#
# Environment: CAIRN_BASE_PORT (18081), CAIRN_BIN (none: the jar), CAIRN_START_TIMEOUT (120 s, until
# every node is ready), CAIRN_STOP_TIMEOUT (60 s, from SIGTERM to SIGKILL; longer than a graceful
# stop's HTTP and drain timeouts).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
SETTINGS_FILE=local-cluster.env
START_TIMEOUT="${CAIRN_START_TIMEOUT:-120}"
STOP_TIMEOUT="${CAIRN_STOP_TIMEOUT:-60}"

usage() {
    cat >&2 <<'EOF'
usage: local-cluster.sh up N DIR [-- -Dkey=value ...]   start nodes n1..nN (N from 1 to 99) and wait until all are ready
       local-cluster.sh down DIR                        stop every node of DIR
       local-cluster.sh kill nK DIR                     SIGKILL node nK
       local-cluster.sh start nK DIR [-- -Dkey=value ...]  start node nK again with the settings of `up`
environment: CAIRN_BASE_PORT (18081), CAIRN_BIN (a native binary instead of the jar),
             CAIRN_START_TIMEOUT (120 s), CAIRN_STOP_TIMEOUT (60 s)
EOF
    exit 2
}

fail() {
    echo "local-cluster.sh: $*" >&2
    exit 1
}

is_count() { [[ $1 =~ ^[1-9][0-9]?$ ]]; }

# Settings recorded by `up` (DIR/local-cluster.env) and read back by every other command.
nodes=0
base_port=0
launch=()      # the program and the options that precede the settings
launch_tail=() # what follows them (-jar <jar>)
extra=()       # options after `--` at `up`

# The java of a JDK 25+: JAVA_HOME if it is one, else the newest under the usual roots (as ./mvnw does).
find_java() {
    # shellcheck source=/dev/null
    . "$ROOT/.mvn/select-jdk.sh"
    set +f # select-jdk.sh leaves globbing off, as ./mvnw runs
    [[ -n ${JAVA_HOME-} ]] || JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    [[ -x $JAVA_HOME/bin/java ]] || fail "no java at $JAVA_HOME/bin/java"
    echo "$JAVA_HOME/bin/java"
}

print_array() { # $1 = name, then its values: a line that assigns them when sourced
    local name="$1" value
    shift
    printf '%s=(' "$name"
    for value in "$@"; do
        printf ' %q' "$value"
    done
    printf ' )\n'
}

record_settings() { # $1 = DIR
    if [[ -n ${CAIRN_BIN-} ]]; then
        [[ -x $CAIRN_BIN ]] || fail "CAIRN_BIN=$CAIRN_BIN is not an executable file"
        launch=("$(readlink -f "$CAIRN_BIN")")
        launch_tail=()
    else
        [[ -f $JAR ]] || fail "no packaged jar at $JAR: build it with ./mvnw -B package -DskipTests, or set CAIRN_BIN to a native binary"
        local java
        java="$(find_java)"
        launch=("$java" --enable-native-access=ALL-UNNAMED)
        launch_tail=(-jar "$JAR")
    fi
    {
        echo "# Written by deploy/local-cluster.sh up; read by its start command."
        printf 'nodes=%q\n' "$nodes"
        printf 'base_port=%q\n' "$base_port"
        print_array launch "${launch[@]}"
        print_array launch_tail "${launch_tail[@]}"
        print_array extra "${extra[@]}"
    } >"$1/$SETTINGS_FILE"
}

read_settings() { # $1 = DIR
    [[ -f $1/$SETTINGS_FILE ]] || fail "$1 holds no cluster started by 'local-cluster.sh up' (no $SETTINGS_FILE)"
    # shellcheck source=/dev/null
    . "$1/$SETTINGS_FILE"
}

node_number() { # $1 = nK; prints K, or fails unless 1 <= K <= nodes
    [[ $1 =~ ^n([1-9][0-9]?)$ ]] || fail "'$1' is no node id: the nodes are n1..n$nodes"
    local k="${BASH_REMATCH[1]}"
    ((k <= nodes)) || fail "there is no node $1: the nodes are n1..n$nodes"
    echo "$k"
}

port_of() { echo $((base_port + $1 - 1)); }

members() {
    local k list=""
    for ((k = 1; k <= nodes; k++)); do
        list+="${list:+,}n$k=http://127.0.0.1:$(port_of "$k")"
    done
    echo "$list"
}

# The pid of node nK if it is running, else nothing. A pid file is trusted only while that process
# runs with this node's data directory, so a stale file never names a stranger's process.
running_pid() { # $1 = DIR, $2 = K
    local file="$1/n$2.pid" pid
    [[ -f $file ]] || return 0
    pid="$(<"$file")"
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
    if [[ -r /proc/$pid/cmdline ]] && ! tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "-Dcairn.data-dir=$1/n$2"; then
        return 0
    fi
    echo "$pid"
}

start_node() { # $1 = DIR, $2 = K, then options for this start only; records the pid
    local dir="$1" k="$2" port
    shift 2
    port="$(port_of "$k")"
    mkdir -p "$dir/n$k"
    echo "--- n$k started by local-cluster.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ) ---" >>"$dir/n$k.log"
    "${launch[@]}" \
        "-Dcairn.cluster.node-id=n$k" "-Dcairn.cluster.members=$(members)" \
        "-Dcairn.data-dir=$dir/n$k" "-Dquarkus.http.port=$port" -Dquarkus.http.host=127.0.0.1 \
        "${extra[@]}" "$@" "${launch_tail[@]}" </dev/null >>"$dir/n$k.log" 2>&1 &
    echo "$!" >"$dir/n$k.pid"
}

log_tail() { # $1 = DIR, $2 = K
    echo "--- the end of $1/n$2.log:" >&2
    tail -n 40 "$1/n$2.log" >&2 || true
}

# Waits until each node given is ready (/q/health/ready answers 200) and prints its line. A node
# that exits or is not ready in time fails the wait, with its exit code and the end of its log.
await_ready() { # $1 = DIR, then node numbers
    local dir="$1" k pid code deadline=$((SECONDS + START_TIMEOUT))
    shift
    local waiting=("$@")
    while ((${#waiting[@]} > 0)); do
        local still=()
        for k in "${waiting[@]}"; do
            pid="$(<"$dir/n$k.pid")"
            if ! kill -0 "$pid" 2>/dev/null; then
                code=0
                wait "$pid" || code=$?
                rm -f "$dir/n$k.pid"
                echo "local-cluster.sh: n$k exited with code $code before it was ready" >&2
                log_tail "$dir" "$k"
                return 1
            fi
            if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(port_of "$k")/q/health/ready" || true)" == 200 ]]; then
                echo "n$k pid=$pid http=http://127.0.0.1:$(port_of "$k")"
            else
                still+=("$k")
            fi
        done
        waiting=("${still[@]}")
        if ((${#waiting[@]} > 0)); then
            if ((SECONDS >= deadline)); then
                for k in "${waiting[@]}"; do
                    echo "local-cluster.sh: n$k (pid $(<"$dir/n$k.pid")) is not ready after ${START_TIMEOUT} s (CAIRN_START_TIMEOUT)" >&2
                    log_tail "$dir" "$k"
                done
                return 1
            fi
            sleep 0.2
        fi
    done
}

# SIGTERM to every node given, then waits for all of them; SIGKILL to those left after the timeout.
stop_nodes() { # $1 = DIR, then node numbers
    local dir="$1" k pid deadline=$((SECONDS + STOP_TIMEOUT))
    shift
    local pids=()
    for k in "$@"; do
        pid="$(running_pid "$dir" "$k")"
        if [[ -n $pid ]]; then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "local-cluster.sh: pid $pid did not stop within ${STOP_TIMEOUT} s (CAIRN_STOP_TIMEOUT): SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    for k in "$@"; do
        rm -f "$dir/n$k.pid"
    done
}

absolute_dir() { # $1 = DIR (created if missing)
    mkdir -p "$1"
    (cd "$1" && pwd)
}

# Options after `--`: each must be an option (-D..., -X... for the JVM or the native binary).
take_extra() {
    local option
    for option in "$@"; do
        [[ $option == -* ]] || fail "'$option' after -- is no option: give -Dkey=value"
    done
}

cmd_up() {
    (($# >= 2)) || usage
    is_count "$1" || fail "N must be a number of nodes from 1 to 99, not '$1'"
    nodes="$1"
    local dir k
    dir="$(absolute_dir "$2")"
    shift 2
    if (($# > 0)); then
        [[ $1 == -- ]] || usage
        shift
    fi
    take_extra "$@"
    extra=("$@")
    base_port="${CAIRN_BASE_PORT:-18081}"
    if ! [[ $base_port =~ ^[0-9]{1,5}$ ]] || ((base_port < 1 || base_port + nodes - 1 > 65535)); then
        fail "CAIRN_BASE_PORT must be a port from 1 to $((65536 - nodes)) (the nodes take it and the next $((nodes - 1))), not '$base_port'"
    fi
    if [[ -f $dir/$SETTINGS_FILE ]]; then
        local recorded
        recorded="$( (read_settings "$dir" && echo "$nodes") )"
        for ((k = 1; k <= recorded; k++)); do
            [[ -z "$(running_pid "$dir" "$k")" ]] || fail "n$k of $dir is still running: run 'local-cluster.sh down $dir' first"
        done
    fi
    command -v curl >/dev/null || fail "curl is needed to wait for readiness"
    record_settings "$dir"
    local started=()
    for ((k = 1; k <= nodes; k++)); do
        : >"$dir/n$k.log"
        start_node "$dir" "$k"
        started+=("$k")
    done
    if ! await_ready "$dir" "${started[@]}"; then
        echo "local-cluster.sh: stopping the nodes started" >&2
        stop_nodes "$dir" "${started[@]}"
        exit 1
    fi
}

cmd_down() {
    (($# == 1)) || usage
    local dir k all=()
    dir="$(absolute_dir "$1")"
    read_settings "$dir"
    for ((k = 1; k <= nodes; k++)); do
        all+=("$k")
    done
    stop_nodes "$dir" "${all[@]}"
}

cmd_kill() {
    (($# == 2)) || usage
    local dir k pid
    dir="$(absolute_dir "$2")"
    read_settings "$dir"
    k="$(node_number "$1")"
    pid="$(running_pid "$dir" "$k")"
    [[ -n $pid ]] || fail "$1 is not running"
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.05
    done
    rm -f "$dir/n$k.pid"
    echo "$1 pid=$pid killed"
}

cmd_start() {
    (($# >= 2)) || usage
    local dir k
    dir="$(absolute_dir "$2")"
    read_settings "$dir"
    k="$(node_number "$1")"
    shift 2
    if (($# > 0)); then
        [[ $1 == -- ]] || usage
        shift
    fi
    take_extra "$@"
    [[ -z "$(running_pid "$dir" "$k")" ]] || fail "n$k is already running (pid $(running_pid "$dir" "$k"))"
    start_node "$dir" "$k" "$@"
    await_ready "$dir" "$k"
}

(($# >= 1)) || usage
command="$1"
shift
case "$command" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    kill) cmd_kill "$@" ;;
    start) cmd_start "$@" ;;
    *) usage ;;
esac
