#!/usr/bin/env bash
# A Cairn cluster on one machine (127.0.0.1), for trying a cluster out and for tests.
#
#   deploy/local-cluster.sh up N DIR [-- -Dkey=value ...]   start nodes n1..nN, wait until all are ready
#   deploy/local-cluster.sh down DIR                        stop them all (SIGTERM; SIGKILL after a timeout)
#   deploy/local-cluster.sh kill nK DIR                     SIGKILL one node
#   deploy/local-cluster.sh start nK DIR [-- -Dkey=value ...]  start one node again with the settings of `up`
#   deploy/local-cluster.sh restart nK DIR [-- -Dkey=value ...]  SIGTERM one node, wait until it exits, start it again
#   deploy/local-cluster.sh stop nK DIR                     SIGSTOP one node (it holds its sockets but answers nothing)
#   deploy/local-cluster.sh cont nK DIR                     SIGCONT a stopped node
#   deploy/local-cluster.sh wipe nK DIR                     delete the data directory DIR/nK of a node that is down
#   deploy/local-cluster.sh partition nK DIR                cut nK off from the other nodes (CAIRN_NETNS=1 only)
#   deploy/local-cluster.sh heal nK DIR                     undo `partition nK`
#
# Node nK listens on http://127.0.0.1:<CAIRN_BASE_PORT + K - 1> (base 18081), keeps its data in DIR/nK,
# logs to DIR/nK.log and its process id in DIR/nK.pid. Options after `--` go to every node at `up` (and
# are recorded), or to this one start only at `start` and `restart` (after the recorded ones, so they win).
# Each node also takes its HTTP port + 1000 (cairn.cluster.raft-port-offset, read from the options after
# `--` when given there) for Raft: `up` refuses ports beyond 65535 and, on 127.0.0.1, ports in use.
#
# With CAIRN_NETNS=1 at `up` (root, `ip` and `iptables` needed), every node runs in a network namespace
# of its own, cairn-<tag>-nK, at 10.<a>.<b>.K, on the same ports as above; a veth pair joins it to the
# bridge cairn-<tag> (10.<a>.<b>.254), through which the nodes reach each other and this machine reaches
# every node, so clients run here as usual. <tag> and 10.<a>.<b>.0/24 come from a hash of DIR, so
# clusters in other directories coexist. `partition nK` adds iptables rules inside nK's namespace that
# drop every packet to and from the other nodes' addresses (clients keep reaching nK); `heal nK` flushes
# them. `down` deletes the namespaces and the bridge. The mode is recorded at `up` for every later command.
#
# Runs the packaged jar (target/quarkus-app/quarkus-run.jar, built by ./mvnw package) with a JDK 25+
# (JAVA_HOME, or found the way ./mvnw finds it), with the jar's AOT cache target/quarkus-app/cairn.aot
# when deploy/aot-cache.sh built one (CAIRN_AOT=0: without it), or the native binary named by CAIRN_BIN.
#
# Environment: CAIRN_BASE_PORT (18081), CAIRN_BIN (none: the jar), CAIRN_AOT (1: the AOT cache when
# built; 0: none), CAIRN_START_TIMEOUT (120 s, until every node is ready), CAIRN_STOP_TIMEOUT (60 s,
# from SIGTERM to SIGKILL; longer than a graceful stop's HTTP and drain timeouts), CAIRN_NETNS (0; 1: a
# network namespace per node, at `up`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
AOT_CACHE="$ROOT/target/quarkus-app/cairn.aot"
SETTINGS_FILE=local-cluster.env
START_TIMEOUT="${CAIRN_START_TIMEOUT:-120}"
STOP_TIMEOUT="${CAIRN_STOP_TIMEOUT:-60}"

usage() {
    cat >&2 <<'EOF'
usage: local-cluster.sh up N DIR [-- -Dkey=value ...]   start nodes n1..nN (N from 1 to 99) and wait until all are ready
       local-cluster.sh down DIR                        stop every node of DIR
       local-cluster.sh kill nK DIR                     SIGKILL node nK
       local-cluster.sh start nK DIR [-- -Dkey=value ...]  start node nK again with the settings of `up`
       local-cluster.sh restart nK DIR [-- -Dkey=value ...]  SIGTERM node nK, wait until it exits, start it again
       local-cluster.sh stop nK DIR                     SIGSTOP node nK
       local-cluster.sh cont nK DIR                     SIGCONT node nK
       local-cluster.sh wipe nK DIR                     delete the data directory of node nK (which must be down)
       local-cluster.sh partition nK DIR                cut node nK off from the other nodes (needs CAIRN_NETNS=1 at up)
       local-cluster.sh heal nK DIR                     undo partition nK
environment: CAIRN_BASE_PORT (18081), CAIRN_BIN (a native binary instead of the jar), CAIRN_AOT (0: no AOT cache),
             CAIRN_START_TIMEOUT (120 s), CAIRN_STOP_TIMEOUT (60 s),
             CAIRN_NETNS (0; 1 at up: each node in a network namespace of its own, for partition)
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
netns=0        # 1: a network namespace per node (CAIRN_NETNS=1 at `up`)
net=""         # with netns: the first three bytes of the nodes' addresses (10.a.b)
tag=""         # with netns: what names the bridge, veth pairs and namespaces

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
        # The jar's AOT cache (deploy/aot-cache.sh), when built for this build of the jar: nodes start
        # and warm up faster. One older than the jar fits an earlier build (the JVM would refuse it).
        if [[ ${CAIRN_AOT:-1} != 0 && -f $AOT_CACHE && $AOT_CACHE -nt $JAR ]]; then
            launch+=("-XX:AOTCache=$AOT_CACHE")
        fi
        launch_tail=(-jar "$JAR")
    fi
    {
        echo "# Written by deploy/local-cluster.sh up; read by its start command."
        printf 'nodes=%q\n' "$nodes"
        printf 'base_port=%q\n' "$base_port"
        printf 'netns=%q\n' "$netns"
        printf 'net=%q\n' "$net"
        printf 'tag=%q\n' "$tag"
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

# The address other nodes and clients reach node K at.
host_of() { # $1 = K
    if ((netns)); then
        echo "$net.$1"
    else
        echo 127.0.0.1
    fi
}

url_of() { echo "http://$(host_of "$1"):$(port_of "$1")"; }

members() {
    local k list=""
    for ((k = 1; k <= nodes; k++)); do
        list+="${list:+,}n$k=$(url_of "$k")"
    done
    echo "$list"
}

# The Raft port offset the nodes get: cairn.cluster.raft-port-offset among the options, else 1000.
raft_offset() {
    local option offset=1000
    for option in "${extra[@]}"; do
        if [[ $option =~ ^-Dcairn\.cluster\.raft-port-offset=([0-9]{1,5})$ ]]; then
            offset="${BASH_REMATCH[1]}"
        fi
    done
    echo "$offset"
}

# Fails naming the first HTTP or Raft port of a node that something on 127.0.0.1 listens on.
check_ports_free() {
    local k port offset
    offset="$(raft_offset)"
    for ((k = 1; k <= nodes; k++)); do
        for port in "$(port_of "$k")" "$(($(port_of "$k") + offset))"; do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                fail "port $port of n$k (HTTP ports from CAIRN_BASE_PORT=$base_port, Raft ports $offset above them) is in use on 127.0.0.1"
            fi
        done
    done
}

# --- Network namespaces (CAIRN_NETNS=1) ---------------------------------------------------------

bridge_name() { echo "cairn-$tag"; }
namespace_of() { echo "cairn-$tag-n$1"; } # $1 = K
veth_of() { echo "cairn-$tag-$1"; }       # $1 = K: its end on the bridge (15 characters at most)
bridge_alias() { echo "local-cluster.sh ${1:0:200}"; } # $1 = DIR: marks the bridge as this cluster's

# Picks the tag and the network of DIR from a hash of its path.
choose_network() { # $1 = DIR
    local hash
    hash="$(printf '%s' "$1" | cksum)"
    hash="${hash%% *}"
    tag="$(printf '%05x' $((hash % 1048576)))"
    net="10.$((64 + (hash >> 20) % 128)).$(((hash >> 8) % 256))"
}

# Runs one ip or iptables command; a failure names it.
netcmd() {
    "$@" || fail "'$*' failed"
}

# Creates the bridge and each node's namespace and veth pair, unless they exist already.
network_up() { # $1 = DIR
    local dir="$1" bridge k ns veth
    bridge="$(bridge_name)"
    if [[ -e /sys/class/net/$bridge ]]; then
        [[ "$(<"/sys/class/net/$bridge/ifalias")" == "$(bridge_alias "$dir")" ]] ||
            fail "the bridge $bridge belongs to another cluster ('$(<"/sys/class/net/$bridge/ifalias")'): run this cluster from another DIR"
    else
        if ip -4 -o addr show | grep -qF " inet $net."; then
            fail "the network $net.0/24 (chosen from a hash of $dir) is in use on this machine: run this cluster from another DIR"
        fi
        netcmd ip link add "$bridge" type bridge
        netcmd ip link set dev "$bridge" alias "$(bridge_alias "$dir")"
        netcmd ip addr add "$net.254/24" dev "$bridge"
        netcmd ip link set "$bridge" up
    fi
    for ((k = 1; k <= nodes; k++)); do
        ns="$(namespace_of "$k")"
        veth="$(veth_of "$k")"
        [[ ! -e /run/netns/$ns ]] || continue
        netcmd ip netns add "$ns"
        netcmd ip link add "$veth" type veth peer name eth0 netns "$ns"
        netcmd ip link set "$veth" master "$bridge"
        netcmd ip link set "$veth" up
        netcmd ip -n "$ns" addr add "$net.$k/24" dev eth0
        netcmd ip -n "$ns" link set eth0 up
        netcmd ip -n "$ns" link set lo up
    done
}

# Deletes the namespaces (with them their veth pairs and partition rules) and the bridge of DIR.
network_down() { # $1 = DIR
    local bridge k ns
    bridge="$(bridge_name)"
    for ((k = 1; k <= nodes; k++)); do
        ns="$(namespace_of "$k")"
        if [[ -e /run/netns/$ns ]]; then
            netcmd ip netns delete "$ns"
        fi
    done
    if [[ -e /sys/class/net/$bridge && "$(<"/sys/class/net/$bridge/ifalias")" == "$(bridge_alias "$1")" ]]; then
        netcmd ip link delete "$bridge"
    fi
}

check_netns_tools() {
    [[ "$(id -u)" == 0 ]] || fail "CAIRN_NETNS=1 needs root (it creates network namespaces, veth pairs and a bridge)"
    command -v ip >/dev/null || fail "CAIRN_NETNS=1 needs ip (apt-get install iproute2)"
    command -v iptables >/dev/null || fail "CAIRN_NETNS=1 needs iptables for partition (apt-get install iptables)"
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
    # In its own namespace a node listens on every address it has: its own and loopback.
    local in_namespace=() host=127.0.0.1
    if ((netns)); then
        network_up "$dir"
        in_namespace=(ip netns exec "$(namespace_of "$k")") # execs the program: $! is the node's pid
        host=0.0.0.0
    fi
    "${in_namespace[@]}" "${launch[@]}" \
        "-Dcairn.cluster.node-id=n$k" "-Dcairn.cluster.members=$(members)" \
        "-Dcairn.data-dir=$dir/n$k" "-Dquarkus.http.port=$port" "-Dquarkus.http.host=$host" \
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
            if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(url_of "$k")/q/health/ready" || true)" == 200 ]]; then
                echo "n$k pid=$pid http=$(url_of "$k")"
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

# SIGTERM to every node given (and SIGCONT, so that a stopped one gets it), then waits for all of
# them; SIGKILL to those left after the timeout.
stop_nodes() { # $1 = DIR, then node numbers
    local dir="$1" k pid deadline=$((SECONDS + STOP_TIMEOUT))
    shift
    local pids=()
    for k in "$@"; do
        pid="$(running_pid "$dir" "$k")"
        if [[ -n $pid ]]; then
            kill -TERM "$pid" 2>/dev/null || true
            kill -CONT "$pid" 2>/dev/null || true
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

# The node count, mode and tag an earlier `up` recorded in DIR, without touching this run's settings.
earlier_settings() { # $1 = DIR
    local nodes=0 base_port=0 netns=0 net="" tag=- launch=() launch_tail=() extra=()
    read_settings "$1"
    echo "$nodes $netns $tag"
}

earlier_network_down() { # $1 = DIR, $2 = its node count, $3 = its tag
    local nodes="$2" tag="$3"
    network_down "$1"
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
    local offset
    offset="$(raft_offset)"
    if ((base_port + nodes - 1 + offset > 65535)); then
        fail "CAIRN_BASE_PORT must be at most $((65536 - nodes - offset)): each node's Raft port is its HTTP port + $offset (cairn.cluster.raft-port-offset), not '$base_port'"
    fi
    case "${CAIRN_NETNS:-0}" in
        0) netns=0 ;;
        1) netns=1 ;;
        *) fail "CAIRN_NETNS must be 0 (every node on 127.0.0.1) or 1 (a network namespace per node), not '$CAIRN_NETNS'" ;;
    esac
    if [[ -f $dir/$SETTINGS_FILE ]]; then
        local before before_nodes before_netns before_tag
        before="$(earlier_settings "$dir")"
        read -r before_nodes before_netns before_tag <<<"$before"
        for ((k = 1; k <= before_nodes; k++)); do
            [[ -z "$(running_pid "$dir" "$k")" ]] || fail "n$k of $dir is still running: run 'local-cluster.sh down $dir' first"
        done
        if ((before_netns)); then # what an earlier run in this DIR left of its network, if anything
            earlier_network_down "$dir" "$before_nodes" "$before_tag"
        fi
    fi
    command -v curl >/dev/null || fail "curl is needed to wait for readiness"
    if ((netns)); then
        check_netns_tools
        choose_network "$dir"
        network_up "$dir"
    else
        check_ports_free
    fi
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
        if ((netns)); then
            network_down "$dir"
        fi
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
    if ((netns)); then
        network_down "$dir"
    fi
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

# The pid of a running node, or a failure saying it is not running.
pid_of_running() { # $1 = DIR, $2 = K
    local pid
    pid="$(running_pid "$1" "$2")"
    [[ -n $pid ]] || fail "n$2 is not running"
    echo "$pid"
}

# The state letter of a process (/proc/<pid>/stat: R, S, D, T for stopped, ...).
process_state() { # $1 = pid
    local stat
    stat="$(<"/proc/$1/stat")" || return 1
    stat="${stat##*) }" # after the command name, which may hold spaces and parentheses
    echo "${stat%% *}"
}

# Waits (5 s at most) until the process is stopped (T), or until it is no longer stopped (not T).
await_state() { # $1 = pid, $2 = stopped | running
    local deadline=$((SECONDS + 5)) state
    while ((SECONDS < deadline)); do
        state="$(process_state "$1")" || fail "pid $1 exited"
        if [[ $2 == stopped && $state == T ]] || [[ $2 == running && $state != T ]]; then
            return 0
        fi
        sleep 0.02
    done
    fail "pid $1 is not $2 5 s after the signal (state $state)"
}

cmd_restart() {
    (($# >= 2)) || usage
    local dir k pid
    dir="$(absolute_dir "$2")"
    read_settings "$dir"
    k="$(node_number "$1")"
    shift 2
    if (($# > 0)); then
        [[ $1 == -- ]] || usage
        shift
    fi
    take_extra "$@"
    pid="$(pid_of_running "$dir" "$k")"
    stop_nodes "$dir" "$k"
    echo "n$k pid=$pid terminated (SIGTERM)"
    start_node "$dir" "$k" "$@"
    await_ready "$dir" "$k"
}

cmd_signal() { # $1 = stop | cont, then nK DIR
    (($# == 3)) || usage
    local dir k pid
    dir="$(absolute_dir "$3")"
    read_settings "$dir"
    k="$(node_number "$2")"
    pid="$(pid_of_running "$dir" "$k")"
    if [[ $1 == stop ]]; then
        kill -STOP "$pid"
        await_state "$pid" stopped
        echo "n$k pid=$pid stopped (SIGSTOP)"
    else
        kill -CONT "$pid"
        await_state "$pid" running
        echo "n$k pid=$pid continued (SIGCONT)"
    fi
}

cmd_wipe() {
    (($# == 2)) || usage
    local dir k pid
    dir="$(absolute_dir "$2")"
    read_settings "$dir"
    k="$(node_number "$1")"
    pid="$(running_pid "$dir" "$k")"
    [[ -z $pid ]] || fail "n$k is running (pid $pid): kill it first, its data directory is in use"
    rm -rf -- "${dir:?}/n$k"
    echo "n$k data removed ($dir/n$k)"
}

cmd_partition() { # $1 = partition | heal, then nK DIR
    (($# == 3)) || usage
    local dir k j ns others=()
    dir="$(absolute_dir "$3")"
    read_settings "$dir"
    k="$(node_number "$2")"
    ((netns)) || fail "$1 needs a cluster started with CAIRN_NETNS=1 (each node in a network namespace of its own); $dir runs on 127.0.0.1"
    ns="$(namespace_of "$k")"
    [[ -e /run/netns/$ns ]] || fail "the network namespace $ns of n$k is gone: start the cluster again with 'local-cluster.sh up'"
    netcmd ip netns exec "$ns" iptables -w -F INPUT
    netcmd ip netns exec "$ns" iptables -w -F OUTPUT
    if [[ $1 == heal ]]; then
        echo "n$k healed"
        return
    fi
    for ((j = 1; j <= nodes; j++)); do
        ((j != k)) || continue
        netcmd ip netns exec "$ns" iptables -w -A INPUT -s "$(host_of "$j")" -j DROP
        netcmd ip netns exec "$ns" iptables -w -A OUTPUT -d "$(host_of "$j")" -j DROP
        others+=("n$j")
    done
    echo "n$k partitioned from ${others[*]:-no other node}"
}

(($# >= 1)) || usage
command="$1"
shift
case "$command" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    kill) cmd_kill "$@" ;;
    start) cmd_start "$@" ;;
    restart) cmd_restart "$@" ;;
    stop | cont) cmd_signal "$command" "$@" ;;
    wipe) cmd_wipe "$@" ;;
    partition | heal) cmd_partition "$command" "$@" ;;
    *) usage ;;
esac
