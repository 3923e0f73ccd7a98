#!/usr/bin/env bash
# Run a command against private, throw-away PostgreSQL / Redis / Elasticsearch servers.
#
#   scripts/services.sh run postgres redis elasticsearch -- COMMAND [ARGS...]
#
# Every requested service is started for this run only: fresh data directory,
# bound to 127.0.0.1 on a free non-default port, run as an unprivileged user.
# COMMAND gets DATABASE_URL / REDIS_URL / ELASTICSEARCH_URL, its exit code is propagated and all
# services are stopped when the script exits (normally, on error or signal).
#
# Adding a service: define installed_<name>, start_<name> and stop_<name>
# and add <name> to SERVICE_PACKAGES (see elasticsearch for a downloaded one).

set -euo pipefail

PROG=${0##*/}

usage() {
    cat <<EOF
Usage: $PROG run SERVICE [SERVICE...] -- COMMAND [ARGS...]

Start the given services privately on 127.0.0.1, run COMMAND with their
connection URLs in the environment, then stop them. Exit code is COMMAND's.

Services:
  postgres   exports DATABASE_URL=postgres://portaltest@127.0.0.1:PORT/portal
  redis      exports REDIS_URL=redis://127.0.0.1:PORT/0
  elasticsearch
             exports ELASTICSEARCH_URL=http://127.0.0.1:PORT (the integ-test-zip
             distribution from Maven Central, cached in .cache/elasticsearch)

Missing Debian packages (postgresql, redis-server, openjdk-17-jre-headless,
unzip) are installed with apt-get
when running as root.

Environment (all optional):
  SERVICES_DIR      state directory (default: \$PWD/.services)
  SERVICES_USER     unprivileged user running the servers when root (default: portaltest)
  SERVICES_TIMEOUT  seconds to wait for each service to be ready (default: 60)
  SERVICES_KEEP     set to 1 to keep this run's data/log directory
  POSTGRES_PORT     fixed port for postgres (default: a free port)
  REDIS_PORT        fixed port for redis (default: a free port)
  ELASTICSEARCH_PORT  fixed HTTP port for elasticsearch (default: a free port)
  ES_VERSION        elasticsearch version (default: 8.19.21)
  ES_CACHE          where the zip is cached and unpacked (default: \$PWD/.cache/elasticsearch)
  ES_HEAP           elasticsearch heap size, per node (default: 512m)
  ES_NODES          elasticsearch nodes (default: 1). With N>1, a cluster on
                    127.0.0.1: node 1 master-eligible and data, the others data
                    only; ELASTICSEARCH_URL is node 1, and for each node i
                    SERVICES_ES_NODE<i>_URL, _PIDFILE (server pid), _LOG and _START
                    (a script that starts it again, e.g. after a drill killed it)
  PG_BINDIR         PostgreSQL bin dir (default: newest /usr/lib/postgresql/*/bin)
  PG_SHARED_BUFFERS PostgreSQL shared_buffers (default: 128MB, PostgreSQL's own)

Example:
  $PROG run postgres redis -- .venv/bin/pytest
EOF
}

# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------
SERVICES_DIR=${SERVICES_DIR:-$PWD/.services}
SERVICES_USER=${SERVICES_USER:-portaltest}
SERVICES_TIMEOUT=${SERVICES_TIMEOUT:-60}
SERVICES_KEEP=${SERVICES_KEEP:-0}
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-1800}

PG_ROLE=portaltest   # PostgreSQL superuser role created by initdb
PG_DATABASE=portal   # pytest-django derives test_portal from it

# Service registry: name -> Debian packages providing it.
declare -A SERVICE_PACKAGES=(
    [postgres]="postgresql"
    [redis]="redis-server"
    [elasticsearch]="openjdk-17-jre-headless unzip"
)

# Runtime state (filled while running).
RUN_DIR=""                 # per-run directory holding every service's data and log
CMD_PID=""                 # pid of COMMAND while it runs
SERVICE_GROUP=""           # primary group of SERVICES_USER
SPAWNED_PID=""             # set by spawn()
declare -a STARTED=()      # services started so far, in start order
declare -A SERVICE_PID=()  # service name -> server pid

# --------------------------------------------------------------------------
# Generic helpers
# --------------------------------------------------------------------------
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage_error() {
    printf '%s: ERROR: %s (see %s --help)\n' "$PROG" "$*" "$PROG" >&2
    exit 2
}

# True if PID exists and is not a zombie (kill -0 succeeds on zombies).
pid_alive() {
    local stat
    [[ -n ${1:-} ]] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Print a free TCP port on 127.0.0.1.
free_port() {
    local port
    if port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) && [[ $port =~ ^[0-9]+$ ]]; then
        echo "$port"
        return
    fi
    # Fallback without python: random high port that nobody listens on.
    local _
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 40000))
        if ! port_in_use "$port"; then
            echo "$port"
            return
        fi
    done
    die "could not find a free TCP port"
}

# Print the port for service NAME: the override VALUE if given (must be
# free), otherwise a free port.
choose_port() {
    local name=$1 override=$2
    if [[ -n $override ]]; then
        [[ $override =~ ^[0-9]+$ ]] || die "$name: invalid port '$override'"
        if port_in_use "$override"; then
            die "$name: port $override on 127.0.0.1 is already in use"
        fi
        echo "$override"
    else
        free_port
    fi
}

# Print an error naming SERVICE plus the tail of LOG, then exit (the EXIT
# trap stops whatever was started).
fail_service() {
    local name=$1 logfile=$2 msg=$3
    {
        printf '%s: ERROR: %s: %s\n' "$PROG" "$name" "$msg"
        if [[ -s $logfile ]]; then
            printf -- '----- %s (last 40 lines; SERVICES_KEEP=1 keeps it) -----\n' "${logfile#"$RUN_DIR"/}"
            tail -n 40 "$logfile"
            printf -- '----- end of log -----\n'
        fi
    } >&2
    exit 1
}

# Run a command as the unprivileged service user (as-is when not root), from
# RUN_DIR so that an unreadable cwd (e.g. /root) does not bother it.
as_service_user() {
    if ((EUID == 0)); then
        (cd "$RUN_DIR" && exec setpriv --reuid="$SERVICES_USER" --regid="$SERVICE_GROUP" \
            --init-groups -- "$@")
    else
        (cd "$RUN_DIR" && exec "$@")
    fi
}

# Start a long-running server in the background as the service user, in its
# own session (so a terminal Ctrl-C reaches only COMMAND, and the services are
# stopped in order by the trap). Output goes to LOG. Sets SPAWNED_PID to the
# server's own pid (setsid and setpriv exec, they do not fork).
spawn() {
    local logfile=$1
    shift
    if ((EUID == 0)); then
        (cd "$RUN_DIR" && exec setsid setpriv --reuid="$SERVICES_USER" \
            --regid="$SERVICE_GROUP" --init-groups -- "$@") </dev/null >>"$logfile" 2>&1 &
    else
        (cd "$RUN_DIR" && exec setsid "$@") </dev/null >>"$logfile" 2>&1 &
    fi
    SPAWNED_PID=$!
}

# wait_ready NAME PID LOG CHECK...: poll CHECK until it succeeds; fail if the
# server process dies or SERVICES_TIMEOUT seconds pass.
wait_ready() {
    local name=$1 pid=$2 logfile=$3
    shift 3
    local deadline=$((SECONDS + SERVICES_TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        if ! pid_alive "$pid"; then
            wait "$pid" 2>/dev/null || true
            fail_service "$name" "$logfile" "server process exited during startup"
        fi
        if ((SECONDS >= deadline)); then
            fail_service "$name" "$logfile" "not ready after ${SERVICES_TIMEOUT}s"
        fi
        sleep 0.2
    done
}

# stop_pid PID SIGNAL: send SIGNAL, wait up to 20 s, then SIGKILL; reap it.
stop_pid() {
    local pid=$1 sig=$2 i
    [[ -n $pid ]] || return 0
    if pid_alive "$pid"; then
        kill -s "$sig" "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            pid_alive "$pid" || break
            sleep 0.2
        done
        if pid_alive "$pid"; then
            log "pid $pid did not stop after SIG$sig, killing it"
            kill -s KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# --------------------------------------------------------------------------
# postgres
# --------------------------------------------------------------------------
pg_bindir() {
    if [[ -n ${PG_BINDIR:-} ]]; then
        echo "$PG_BINDIR"
        return
    fi
    local dirs
    dirs=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1) || true
    echo "$dirs"
}

installed_postgres() {
    local bin
    bin=$(pg_bindir)
    [[ -n $bin && -x $bin/initdb && -x $bin/postgres && -x $bin/pg_isready \
        && -x $bin/createdb ]] && command -v psql >/dev/null
}

start_postgres() {
    local bin dir port locale
    bin=$(pg_bindir)
    dir=$RUN_DIR/postgres
    local logfile=$dir/postgres.log
    make_service_dir "$dir"
    port=$(choose_port postgres "${POSTGRES_PORT:-}")

    # C.UTF-8 ctype keeps upper()/lower() correct for non-ASCII text.
    locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale=C.UTF-8
    fi
    if ! as_service_user "$bin/initdb" --pgdata="$dir/data" --username="$PG_ROLE" \
        --auth=trust --encoding=UTF8 --locale="$locale" --no-sync >>"$dir/initdb.log" 2>&1; then
        fail_service postgres "$dir/initdb.log" "initdb failed"
    fi

    # No unix socket (paths under deep checkouts can exceed the 107-byte
    # limit); durability off: the data is thrown away anyway.
    spawn "$logfile" "$bin/postgres" -D "$dir/data" -p "$port" \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c shared_buffers="${PG_SHARED_BUFFERS:-128MB}"
    SERVICE_PID[postgres]=$SPAWNED_PID
    STARTED+=(postgres)

    wait_ready postgres "$SPAWNED_PID" "$logfile" \
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$PG_ROLE" -d postgres
    # The role is the cluster superuser, so it can also create test_portal.
    if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$PG_ROLE" "$PG_DATABASE" >>"$logfile" 2>&1; then
        fail_service postgres "$logfile" "could not create database $PG_DATABASE"
    fi

    export DATABASE_URL="postgres://$PG_ROLE@127.0.0.1:$port/$PG_DATABASE"
    # For fault tests that restart the server (tests/test_faults.py): how to reach
    # pg_ctl for this private cluster.
    export SERVICES_POSTGRES_BIN="$bin" SERVICES_POSTGRES_DATA="$dir/data"
    export SERVICES_POSTGRES_PORT="$port"
    export SERVICES_POSTGRES_USER="$SERVICES_USER" SERVICES_POSTGRES_GROUP="$SERVICE_GROUP"
    log "postgres ready: $DATABASE_URL"
}

stop_postgres() {
    # SIGINT = fast shutdown.
    stop_pid "${SERVICE_PID[postgres]:-}" INT
    # A test may have restarted the server with pg_ctl (a new, daemonised process).
    local data=$RUN_DIR/postgres/data
    if [[ -f $data/postmaster.pid ]]; then
        as_service_user "$(pg_bindir)/pg_ctl" stop -D "$data" -m fast -w >/dev/null 2>&1 || true
    fi
}

# --------------------------------------------------------------------------
# redis
# --------------------------------------------------------------------------
installed_redis() {
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null
}

redis_ping() {
    [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

start_redis() {
    local dir=$RUN_DIR/redis port
    local logfile=$dir/redis.log
    make_service_dir "$dir"
    port=$(choose_port redis "${REDIS_PORT:-}")

    spawn "$logfile" "$(command -v redis-server)" --port "$port" --bind 127.0.0.1 \
        --save "" --appendonly no --daemonize no --dir "$dir" --logfile ""
    SERVICE_PID[redis]=$SPAWNED_PID
    STARTED+=(redis)

    wait_ready redis "$SPAWNED_PID" "$logfile" redis_ping "$port"
    export REDIS_URL="redis://127.0.0.1:$port/0"
    log "redis ready: $REDIS_URL"
}

stop_redis() {
    stop_pid "${SERVICE_PID[redis]:-}" TERM
}

# --------------------------------------------------------------------------
# elasticsearch
# --------------------------------------------------------------------------
# The integ-test-zip distribution from Maven Central (the only place reachable
# besides package registries), fetched once with the Maven client into a cache
# that survives runs, verified against Maven Central's SHA-1, unpacked once and
# shared read-only; each run gets its own data, logs and config directory.
ES_VERSION=${ES_VERSION:-8.19.21}
ES_CACHE=${ES_CACHE:-$PWD/.cache/elasticsearch}
ES_HEAP=${ES_HEAP:-512m}
ES_NODES=${ES_NODES:-1}

installed_elasticsearch() {
    command -v java >/dev/null && command -v unzip >/dev/null
}

# Print the path of the verified distribution zip, fetching it if needed.
es_fetch_zip() {
    local zip=$ES_CACHE/elasticsearch-$ES_VERSION.zip
    local artifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip
    local sha_file=$ES_CACHE/elasticsearch-$ES_VERSION.zip.sha1
    mkdir -p "$ES_CACHE"
    if [[ ! -s $zip ]]; then
        command -v mvn >/dev/null || ensure_maven
        log "elasticsearch: fetching $artifact with Maven (once; cached in $ES_CACHE)"
        mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
            -Dartifact="$artifact" -DoutputDirectory="$ES_CACHE" >&2 \
            || die "elasticsearch: mvn dependency:copy $artifact failed"
    fi
    # Maven keeps the repository's checksum beside the artifact it downloaded.
    local m2sha=${MAVEN_REPO:-$HOME/.m2/repository}/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip.sha1
    if [[ ! -s $sha_file && -s $m2sha ]]; then
        cp "$m2sha" "$sha_file"
    fi
    if [[ -s $sha_file ]]; then
        local want got
        want=$(awk '{print $1; exit}' "$sha_file")
        got=$(sha1sum "$zip" | awk '{print $1}')
        if [[ $want != "$got" ]]; then
            rm -f "$zip" "$sha_file"
            die "elasticsearch: checksum mismatch for $zip (removed; run again to refetch)"
        fi
    else
        log "elasticsearch: warning: no checksum file for $zip, not verified"
    fi
    echo "$zip"
}

ensure_maven() {
    ((EUID == 0)) || die "elasticsearch: Maven (mvn) is needed to fetch the distribution"
    wait_for_apt
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y maven >&2 \
        || die "apt-get install maven failed"
}

# Print the unpacked distribution's home, unpacking it once (atomically).
es_home() {
    local home=$ES_CACHE/elasticsearch-$ES_VERSION zip tmp
    if [[ ! -x $home/bin/elasticsearch ]]; then
        zip=$(es_fetch_zip)
        tmp=$(mktemp -d "$ES_CACHE/unpack.XXXXXX")
        unzip -q "$zip" -d "$tmp" || die "elasticsearch: cannot unpack $zip"
        [[ -x $tmp/elasticsearch-$ES_VERSION/bin/elasticsearch ]] \
            || die "elasticsearch: unexpected layout in $zip"
        chmod -R a+rX "$tmp"
        mv -T "$tmp/elasticsearch-$ES_VERSION" "$home" 2>/dev/null || true
        rm -rf "$tmp"
    fi
    echo "$home"
}

es_healthy() {
    curl -fsS "http://127.0.0.1:$1/_cluster/health?wait_for_status=yellow&wait_for_nodes=${2:-1}&timeout=1s" >/dev/null
}

# Print the distribution's home as the service user can reach it.
es_reachable_home() {
    local home
    home=$(es_home)
    if ((EUID == 0)) && ! setpriv --reuid="$SERVICES_USER" --regid="$SERVICE_GROUP" \
        --init-groups -- test -x "$home/bin/elasticsearch" 2>/dev/null; then
        local shared=/tmp/portal-services/elasticsearch-$ES_VERSION
        if [[ ! -x $shared/bin/elasticsearch ]]; then
            mkdir -p /tmp/portal-services
            chmod 755 /tmp/portal-services
            cp -r "$home" "$shared.$$" && chmod -R a+rX "$shared.$$" \
                && mv -T "$shared.$$" "$shared" 2>/dev/null || rm -rf "$shared.$$"
        fi
        home=$shared
    fi
    echo "$home"
}

# es_node_script DIR HOME SETTINGS...: write DIR/start.sh, which starts this node in
# the foreground as the service user in a session of its own (writing its server pid
# to DIR/es.pid). services.sh runs it; a fault drill runs it again to bring a node it
# killed back with the same data and settings.
es_node_script() {
    local dir=$1 home=$2 java_home arg
    shift 2
    # The integ-test-zip bundles no JDK: use Debian's.
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    {
        echo '#!/usr/bin/env bash'
        printf 'cd %q || exit 1\n' "$RUN_DIR"
        printf 'exec setsid '
        if ((EUID == 0)); then
            printf 'setpriv --reuid=%q --regid=%q --init-groups -- ' "$SERVICES_USER" "$SERVICE_GROUP"
        fi
        printf 'env ES_PATH_CONF=%q ES_JAVA_HOME=%q ' "$dir/config" "$java_home"
        printf 'ES_JAVA_OPTS=%q ES_TMPDIR=%q ' \
            "-Xms$ES_HEAP -Xmx$ES_HEAP -XX:-HeapDumpOnOutOfMemoryError" "$dir/tmp"
        printf '%q -p %q' "$home/bin/elasticsearch" "$dir/es.pid"
        for arg in "$@" path.data="$dir/data" path.logs="$dir/logs" xpack.security.enabled=false \
            cluster.routing.allocation.disk.threshold_enabled=false \
            action.destructive_requires_name=false http.host=127.0.0.1 transport.host=127.0.0.1; do
            printf ' -E %q' "$arg"
        done
        printf '\n'
    } >"$dir/start.sh"
    chmod 755 "$dir/start.sh"
}

# es_node_dir DIR: a node's private data, logs, tmp and config directories (ES writes
# into its config dir (keystore); the cached copy stays read-only).
es_node_dir() {
    local dir=$1 home=$2
    make_service_dir "$dir"
    make_service_dir "$dir/data"
    make_service_dir "$dir/logs"
    make_service_dir "$dir/tmp"
    cp -r "$home/config" "$dir/config"
    if ((EUID == 0)); then
        chown -R "$SERVICES_USER:$SERVICE_GROUP" "$dir/config"
    fi
}

# One node (ES_NODES=1, the default): discovery.type=single-node.
# ES_NODES=N>1: a cluster on 127.0.0.1. Node 1 is the only master-eligible node (and
# holds data); nodes 2..N hold data only. With two nodes, two master-eligible ones
# would need both for a quorum, so losing either would stop the cluster; with one,
# any data node can die and the cluster (and search, given replicas) carries on.
start_elasticsearch() {
    local dir=$RUN_DIR/elasticsearch home port tport i node seed=""
    local -a ports=() tports=()
    [[ $ES_NODES =~ ^[1-9]$ ]] || die "ES_NODES must be 1 to 9, not '$ES_NODES'"
    home=$(es_reachable_home)
    make_service_dir "$dir"
    for ((i = 1; i <= ES_NODES; i++)); do
        if ((i == 1)); then
            port=$(choose_port elasticsearch "${ELASTICSEARCH_PORT:-}")
        else
            port=$(free_port)
        fi
        ports+=("$port")
        tport=$(free_port)
        tports+=("$tport")
        seed=${seed:+$seed,}127.0.0.1:$tport
    done
    STARTED+=(elasticsearch)
    export SERVICES_ES_NODES=$ES_NODES
    for ((i = 1; i <= ES_NODES; i++)); do
        node=$dir/node-$i
        es_node_dir "$node" "$home"
        local -a role=()
        if ((ES_NODES == 1)); then
            role=(discovery.type=single-node node.name=portal-test)
        elif ((i == 1)); then
            role=(node.name=portal-test-1 node.roles=master,data,ingest
                discovery.seed_hosts="$seed" cluster.initial_master_nodes=portal-test-1)
        else
            role=(node.name=portal-test-$i node.roles=data,ingest discovery.seed_hosts="$seed")
        fi
        es_node_script "$node" "$home" cluster.name=portal-test "${role[@]}" \
            http.port="${ports[i - 1]}" transport.port="${tports[i - 1]}"
        # start.sh switches to the service user and its own session itself.
        bash "$node/start.sh" </dev/null >>"$node/elasticsearch.log" 2>&1 &
        SERVICE_PID[elasticsearch$i]=$!
        # Not a job of this shell: a drill may SIGKILL it, and bash would report that.
        disown "$!"
        export "SERVICES_ES_NODE${i}_URL=http://127.0.0.1:${ports[i - 1]}"
        export "SERVICES_ES_NODE${i}_START=$node/start.sh"
        export "SERVICES_ES_NODE${i}_PIDFILE=$node/es.pid"
        export "SERVICES_ES_NODE${i}_LOG=$node/elasticsearch.log"
    done

    local SERVICES_TIMEOUT=$((SERVICES_TIMEOUT > 180 ? SERVICES_TIMEOUT : 180))
    for ((i = 1; i <= ES_NODES; i++)); do
        wait_ready "elasticsearch node $i" "${SERVICE_PID[elasticsearch$i]}" \
            "$dir/node-$i/elasticsearch.log" es_healthy "${ports[0]}" "$ES_NODES"
    done
    export ELASTICSEARCH_URL="http://127.0.0.1:${ports[0]}"
    log "elasticsearch ready: $ELASTICSEARCH_URL ($ES_NODES node(s))"
}

stop_elasticsearch() {
    local i pid pidfile
    # Data nodes first, the master last.
    for ((i = ES_NODES; i >= 1; i--)); do
        stop_pid "${SERVICE_PID[elasticsearch$i]:-}" TERM
        # A node a drill restarted runs outside this script: its pid file names it.
        pidfile=$RUN_DIR/elasticsearch/node-$i/es.pid
        pid=$(cat "$pidfile" 2>/dev/null) || pid=""
        if [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid" \
            && [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$RUN_DIR"* ]]; then
            kill -s TERM "$pid" 2>/dev/null || true
            local n
            for ((n = 0; n < 100; n++)); do
                pid_alive "$pid" || break
                sleep 0.2
            done
            pid_alive "$pid" && kill -s KILL "$pid" 2>/dev/null
        fi
    done
}

# --------------------------------------------------------------------------
# Setup: packages, user, directories
# --------------------------------------------------------------------------

# True while an apt/dpkg process runs (e.g. a background apt-get install).
apt_busy() {
    local comm f
    for f in /proc/[0-9]*/comm; do
        comm=$(cat "$f" 2>/dev/null) || continue
        case $comm in
            apt | apt-get | aptitude | dpkg | unattended-upgr*) return 0 ;;
            *) ;;
        esac
    done
    return 1
}

wait_for_apt() {
    local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) said=0
    while apt_busy; do
        if ((!said)); then
            log "waiting for another apt/dpkg process to finish..."
            said=1
        fi
        ((SECONDS < deadline)) || die "apt/dpkg still busy after ${APT_LOCK_TIMEOUT}s"
        sleep 3
    done
}

# Print the Debian packages missing for the given services.
missing_packages() {
    local name
    for name in "$@"; do
        if ! "installed_$name"; then
            # shellcheck disable=SC2086 # space-separated package list
            printf '%s\n' ${SERVICE_PACKAGES[$name]}
        fi
    done
}

ensure_packages() {
    local name
    local -a missing=()
    mapfile -t missing < <(missing_packages "$@")
    ((${#missing[@]})) || return 0
    # A background apt-get may be installing them right now.
    if apt_busy; then
        wait_for_apt
        mapfile -t missing < <(missing_packages "$@")
        ((${#missing[@]})) || return 0
    fi

    if ((EUID != 0)); then
        die "missing Debian packages: ${missing[*]}. Install them as root" \
            "(apt-get install -y ${missing[*]}) or run this script as root."
    fi
    log "installing missing Debian packages: ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update >&2 \
        || die "apt-get update failed"
    wait_for_apt
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
        "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"

    for name in "$@"; do
        "installed_$name" || die "$name: still not usable after installing ${SERVICE_PACKAGES[$name]}"
    done
}

# As root, make sure the unprivileged service user exists.
ensure_user() {
    if ((EUID != 0)); then
        SERVICE_GROUP=$(id -gn)
        return
    fi
    if ! id -u "$SERVICES_USER" >/dev/null 2>&1; then
        log "creating system user $SERVICES_USER"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$SERVICES_USER" \
            || die "could not create user $SERVICES_USER"
    fi
    SERVICE_GROUP=$(id -gn "$SERVICES_USER")
}

make_service_dir() {
    mkdir -p "$1"
    if ((EUID == 0)); then
        chown "$SERVICES_USER:$SERVICE_GROUP" "$1"
    fi
}

# Remove run directories left behind by runs that were SIGKILLed, killing any
# server still running inside them.
cleanup_stale_runs() {
    local parent=$1 d owner p cwd
    for d in "$parent"/run.*; do
        [[ -d $d ]] || continue
        [[ -e $d/keep ]] && continue
        owner=$(cat "$d/owner.pid" 2>/dev/null) || owner=""
        if [[ -n $owner ]] && pid_alive "$owner"; then
            continue
        fi
        # No owner yet: maybe a run that is just starting; leave young dirs.
        if [[ -z $owner && -n $(find "$d" -maxdepth 0 -mmin -10) ]]; then
            continue
        fi
        for p in /proc/[0-9]*; do
            cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
            if [[ $cwd == "$d" || $cwd == "$d"/* ]]; then
                kill -s KILL "${p#/proc/}" 2>/dev/null || true
            fi
        done
        rm -rf "$d"
    done
}

# Create RUN_DIR. The service user must be able to reach it; if
# SERVICES_DIR is not traversable for it (e.g. a checkout under /root),
# fall back to /tmp.
make_run_dir() {
    local parent=$SERVICES_DIR
    mkdir -p "$parent" || die "cannot create $parent"
    parent=$(cd "$parent" && pwd -P)
    if ((EUID == 0)) && ! setpriv --reuid="$SERVICES_USER" --regid="$SERVICE_GROUP" \
        --init-groups -- test -x "$parent" 2>/dev/null; then
        log "note: $parent is not accessible to $SERVICES_USER, using /tmp/portal-services"
        parent=/tmp/portal-services
        mkdir -p "$parent"
        chmod 755 "$parent"
    fi
    cleanup_stale_runs "$parent"
    RUN_DIR=$(mktemp -d "$parent/run.XXXXXX")
    chmod 755 "$RUN_DIR"
    echo "$$" >"$RUN_DIR/owner.pid"
}

# --------------------------------------------------------------------------
# Teardown and signals
# --------------------------------------------------------------------------
cleanup() {
    local rc=$? i
    set +e
    trap '' INT TERM HUP
    if pid_alive "$CMD_PID"; then
        stop_pid "$CMD_PID" TERM
    fi
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
        "stop_${STARTED[i]}"
    done
    if [[ -n $RUN_DIR && -d $RUN_DIR ]]; then
        if [[ $SERVICES_KEEP == 1 ]]; then
            touch "$RUN_DIR/keep"
            log "kept $RUN_DIR (remove it by hand)"
        else
            rm -rf "$RUN_DIR"
        fi
    fi
    exit "$rc"
}

# On INT (Ctrl-C reaches COMMAND directly, it is in our process group) give
# COMMAND time to finish its own teardown; on TERM/HUP forward SIGTERM to it.
on_signal() {
    local sig=$1 code=$2 i
    trap '' INT TERM HUP
    if pid_alive "$CMD_PID"; then
        if [[ $sig == INT ]]; then
            for ((i = 0; i < 100; i++)); do
                pid_alive "$CMD_PID" || break
                sleep 0.2
            done
        fi
        stop_pid "$CMD_PID" TERM
    fi
    log "interrupted by SIG$sig, stopping services"
    exit "$code"
}

# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------
cmd_run() {
    local -a services=()
    local name s dup
    [[ " $* " == *" -- "* ]] || usage_error "missing '--' before COMMAND"
    while (($#)) && [[ $1 != -- ]]; do
        name=$1
        shift
        if [[ -z ${SERVICE_PACKAGES[$name]+set} ]] || ! declare -F "start_$name" >/dev/null; then
            usage_error "unknown service '$name' (known: ${!SERVICE_PACKAGES[*]})"
        fi
        dup=0
        for s in "${services[@]}"; do
            [[ $s == "$name" ]] && dup=1
        done
        ((dup)) || services+=("$name")
    done
    [[ ${1:-} == -- ]] || usage_error "missing '--' before COMMAND"
    shift
    (($#)) || usage_error "missing COMMAND after '--'"
    ((${#services[@]})) || usage_error "no service given"
    [[ $SERVICES_TIMEOUT =~ ^[0-9]+$ ]] || usage_error "SERVICES_TIMEOUT must be a number of seconds"

    trap cleanup EXIT
    trap 'on_signal INT 130' INT
    trap 'on_signal TERM 143' TERM
    trap 'on_signal HUP 129' HUP

    ensure_packages "${services[@]}"
    ensure_user
    make_run_dir
    for name in "${services[@]}"; do
        "start_$name"
    done

    # COMMAND runs in the background so that signals sent to this script are
    # handled at once; 'trap -' restores the default SIGINT/SIGQUIT that bash
    # would otherwise ignore in background jobs (keeps Ctrl-C working).
    (
        trap - INT QUIT
        exec "$@"
    ) &
    CMD_PID=$!
    local rc=0
    wait "$CMD_PID" || rc=$?
    CMD_PID=""
    exit "$rc"
}

main() {
    case ${1:-} in
        run)
            shift
            cmd_run "$@"
            ;;
        -h | --help | help)
            usage
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
