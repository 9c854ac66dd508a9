#!/usr/bin/env bash
# A throwaway MariaDB server for tests and the demo, kept entirely under one directory.
#
#   scripts/test-mariadb.sh start  DIR [--port N] [--keep-data]
#   scripts/test-mariadb.sh stop   DIR
#   scripts/test-mariadb.sh status DIR      exit 0 when running
#   scripts/test-mariadb.sh relaunch DIR    start a killed server again: same port, socket, data, accounts
#   scripts/test-mariadb.sh env    DIR      print the path of DIR/env.sh (source it)
#   scripts/test-mariadb.sh client DIR [ARGS...]   the mariadb client as the server's root, over the socket
#
# `start` initialises a fresh data directory (unless --keep-data finds one), starts mariadbd on
# 127.0.0.1 with a free port (or --port N) and a unix socket of its own, waits until it answers,
# then creates the scratch schemas and two users with passwords generated for this run:
#
#   database  $PP_MARIADB_DATABASE        (default pp_test)        admin: ALL, reader: SELECT
#   database  $PP_MARIADB_OTHER_DATABASE  (default pp_test_other)  admin: ALL, reader: SELECT
#   user      $PP_MARIADB_ADMIN_USER      (default pp_admin)
#   user      $PP_MARIADB_READER_USER     (default pp_reader)       SELECT only, nothing more
#
# The passwords are written only to DIR/env.sh (mode 0600), which exports the PP_TEST_* variables
# the tests read, PP_TEST_PYTHON included. Nothing here puts a password in argv: the SQL that sets
# them goes through the client's stdin, and the root account authenticates by unix socket.
#
# The server runs only on loopback, with skip-name-resolve and MariaDB's default sql_mode;
# the character set is utf8mb4 as Debian's packaged configuration sets it.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

# How long to wait for the server to answer before giving up, in seconds.
START_TIMEOUT="${PP_MARIADB_START_TIMEOUT:-60}"
STOP_TIMEOUT="${PP_MARIADB_STOP_TIMEOUT:-30}"

DATABASE="${PP_MARIADB_DATABASE:-pp_test}"
OTHER_DATABASE="${PP_MARIADB_OTHER_DATABASE:-pp_test_other}"
ADMIN_USER="${PP_MARIADB_ADMIN_USER:-pp_admin}"
READER_USER="${PP_MARIADB_READER_USER:-pp_reader}"

log() { printf 'test-mariadb: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

find_binary() {
    local name
    for name in "$@"; do
        if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
        if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return 0; fi
    done
    return 1
}

# --- paths ------------------------------------------------------------------------------------

set_paths() {
    DIR="$(cd "$1" && pwd)"
    DATADIR="$DIR/data"
    CNF="$DIR/my.cnf"
    PIDFILE="$DIR/mariadbd.pid"
    ERRLOG="$DIR/mariadbd.err"
    ENVFILE="$DIR/env.sh"
    PORTFILE="$DIR/port"
    SOCKFILE_RECORD="$DIR/socket"
    # A unix socket path must fit in sun_path (108 bytes); a deep checkout gets one in /tmp.
    SOCKET="$DIR/mariadbd.sock"
    if [ -f "$SOCKFILE_RECORD" ]; then
        SOCKET="$(cat "$SOCKFILE_RECORD")"
    fi
}

choose_socket() {
    SOCKET="$DIR/mariadbd.sock"
    if [ "${#SOCKET}" -gt 100 ]; then
        SOCKET="$(mktemp -d /tmp/pp-mariadb.XXXXXX)/mariadbd.sock"
    fi
    echo "$SOCKET" >"$SOCKFILE_RECORD"
}

# The OS account the server's root-equivalent login matches through unix_socket auth.
os_user() { id -un; }

# --- process state ----------------------------------------------------------------------------

# Prints the pid from the pid file if that process is alive and is a mariadbd started with our
# my.cnf; a pid file left by a crash, or whose pid now belongs to someone else, is not ours.
running_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid="$(tr -dc '0-9' <"$PIDFILE")"
    [ -n "$pid" ] || return 1
    [ -r "/proc/$pid/cmdline" ] || return 1
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--defaults-file=$CNF"; then
        echo "$pid"
        return 0
    fi
    return 1
}

client() {
    local bin
    bin="$(find_binary mariadb mysql)" || die "no mariadb client found (apt-get install mariadb-client)"
    "$bin" --no-defaults --protocol=socket --socket="$SOCKET" --user="$(os_user)" "$@"
}

ping_server() {
    local bin
    bin="$(find_binary mariadb-admin mysqladmin)" || die "no mariadb-admin found"
    "$bin" --no-defaults --protocol=socket --socket="$SOCKET" --user="$(os_user)" \
        --connect-timeout=2 ping >/dev/null 2>&1
}

log_tail() {
    if [ -f "$ERRLOG" ]; then
        log "last lines of $ERRLOG:"
        tail -n 30 "$ERRLOG" | sed 's/^/    /' >&2
    fi
}

# --- free port --------------------------------------------------------------------------------

# A port nothing listens on right now. The server may still lose a race for it; start retries.
free_port() {
    local py
    if py="$(find_binary python3)"; then
        "$py" - <<'EOF'
import socket
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
        return
    fi
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "could not find a free port"
}

# --- commands ---------------------------------------------------------------------------------

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        remove_socket
        rm -f "$PIDFILE"
        return 0
    fi
    log "stopping mariadbd (pid $pid)"
    # A clean shutdown through the server first; a signal if that does not work.
    local admin
    if admin="$(find_binary mariadb-admin mysqladmin)"; then
        "$admin" --no-defaults --protocol=socket --socket="$SOCKET" --user="$(os_user)" \
            --connect-timeout=2 shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge $((STOP_TIMEOUT * 10)) ]; then
            log "mariadbd did not stop within ${STOP_TIMEOUT}s; killing pid $pid"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    remove_socket
    rm -f "$PIDFILE"
}

# The socket, its lock file, and the /tmp directory choose_socket made for a deep checkout.
remove_socket() {
    rm -f "$SOCKET" "$SOCKET.lock"
    case "$SOCKET" in
        /tmp/pp-mariadb.*/mariadbd.sock) rmdir "$(dirname "$SOCKET")" 2>/dev/null || true ;;
    esac
}

write_config() {
    local port="$1"
    local user_line=""
    # mariadbd refuses to run as root unless told to; the data directory is root's then.
    if [ "$(id -u)" = 0 ]; then user_line="user = root"; fi
    # Temporary tables in the server's own folder, not a /tmp shared with other servers.
    mkdir -p "$DIR/tmp"
    cat >"$CNF" <<EOF
# Written by scripts/test-mariadb.sh for a throwaway server; regenerated at every start.
[mariadbd]
$user_line
datadir = $DATADIR
socket = $SOCKET
pid-file = $PIDFILE
log-error = $ERRLOG
tmpdir = $DIR/tmp
port = $port
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
# Test data is disposable: trade durability for speed.
innodb_flush_log_at_trx_commit = 2
innodb_buffer_pool_size = ${PP_MARIADB_BUFFER_POOL:-256M}
max_connections = 200
EOF
}

install_datadir() {
    local installer
    installer="$(find_binary mariadb-install-db mysql_install_db)" \
        || die "mariadb-install-db not found: run make deps (apt-get install mariadb-server)"
    rm -rf "$DATADIR"
    mkdir -p "$DATADIR"
    local out="$DIR/install-db.log"
    if ! "$installer" --defaults-file="$CNF" --user="$(os_user)" --datadir="$DATADIR" \
        --auth-root-authentication-method=socket --skip-test-db >"$out" 2>&1; then
        log "mariadb-install-db failed; its output:"
        tail -n 30 "$out" | sed 's/^/    /' >&2
        exit 1
    fi
}

# Starts mariadbd and waits until it answers. Returns 3 when it lost the race for its port.
launch_server() {
    local mariadbd
    mariadbd="$(find_binary mariadbd mysqld)" || die "mariadbd not found: run make deps"
    : >"$ERRLOG"
    # The server outlives this script (stop ends it through the pid file); mariadbd ignores the
    # SIGINT of a Ctrl-C meant for the tests, and the callers' traps stop it. It keeps no
    # descriptor but 0-2: a caller that spawns processes from several threads (a test runner)
    # leaks the pipes of one child into another, and a server holding a pipe's write end open
    # would keep the reader of that pipe waiting for as long as the server runs.
    (
        for fd in /proc/self/fd/*; do
            fd="${fd##*/}"
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec "$mariadbd" --defaults-file="$CNF" </dev/null >>"$ERRLOG" 2>&1
    ) &
    local launcher=$!
    disown "$launcher" 2>/dev/null || true
    local waited=0
    while :; do
        if ping_server; then
            return 0
        fi
        if ! kill -0 "$launcher" 2>/dev/null; then
            wait "$launcher" 2>/dev/null || true
            if grep -qiE "Bind on TCP/IP port|Address already in use" "$ERRLOG"; then
                return 3
            fi
            log "mariadbd exited during start-up"
            log_tail
            exit 1
        fi
        if [ "$waited" -ge $((START_TIMEOUT * 10)) ]; then
            log "mariadbd did not answer within ${START_TIMEOUT}s"
            log_tail
            kill -TERM "$launcher" 2>/dev/null || true
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

random_password() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

create_users() {
    local admin_password="$1" reader_password="$2"
    # Accounts for both ways in: 'localhost' is the unix socket, '127.0.0.1' is TCP
    # (skip-name-resolve keeps the address as the host). The admin plays the DBA too: it
    # sees and kills other sessions (PROCESS, CONNECTION ADMIN), as tests of broken
    # connections need.
    local sql="CREATE DATABASE IF NOT EXISTS \`$DATABASE\` CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS \`$OTHER_DATABASE\` CHARACTER SET utf8mb4;
"
    local host
    for host in localhost 127.0.0.1; do
        sql+="CREATE USER IF NOT EXISTS '$ADMIN_USER'@'$host';
ALTER USER '$ADMIN_USER'@'$host' IDENTIFIED BY '$admin_password';
GRANT ALL PRIVILEGES ON \`$DATABASE\`.* TO '$ADMIN_USER'@'$host';
GRANT ALL PRIVILEGES ON \`$OTHER_DATABASE\`.* TO '$ADMIN_USER'@'$host';
GRANT PROCESS, CONNECTION ADMIN ON *.* TO '$ADMIN_USER'@'$host';
CREATE USER IF NOT EXISTS '$READER_USER'@'$host';
ALTER USER '$READER_USER'@'$host' IDENTIFIED BY '$reader_password';
GRANT SELECT ON \`$DATABASE\`.* TO '$READER_USER'@'$host';
GRANT SELECT ON \`$OTHER_DATABASE\`.* TO '$READER_USER'@'$host';
"
    done
    printf '%s' "$sql" | client --batch || die "could not create the test schemas and users"
}

write_env() {
    local port="$1" admin_password="$2" reader_password="$3"
    local python="${PP_TEST_PYTHON:-$REPO_ROOT/.venv/bin/python}"
    (
        umask 077
        rm -f "$ENVFILE"
        cat >"$ENVFILE" <<EOF
# Written by scripts/test-mariadb.sh start; passwords are per run. Source this file.
export PP_TEST_MYSQL_HOST='127.0.0.1'
export PP_TEST_MYSQL_PORT='$port'
export PP_TEST_MYSQL_SOCKET='$SOCKET'
export PP_TEST_MYSQL_DATABASE='$DATABASE'
export PP_TEST_MYSQL_OTHER_DATABASE='$OTHER_DATABASE'
export PP_TEST_MYSQL_ADMIN_USER='$ADMIN_USER'
export PP_TEST_MYSQL_ADMIN_PASSWORD='$admin_password'
export PP_TEST_MYSQL_READER_USER='$READER_USER'
export PP_TEST_MYSQL_READER_PASSWORD='$reader_password'
export PP_TEST_PYTHON='$python'
EOF
    )
}

cmd_start() {
    local port="" keep_data=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --port) port="${2:?--port needs a number}"; shift 2 ;;
            --port=*) port="${1#--port=}"; shift ;;
            --keep-data) keep_data=1; shift ;;
            *) die "unknown option $1" ;;
        esac
    done

    # Whatever an earlier run left: a live server is stopped, a stale pid file or socket removed.
    cmd_stop
    choose_socket

    local attempt status
    for attempt in 1 2 3; do
        local p="${port:-$(free_port)}"
        write_config "$p"
        if [ "$keep_data" = 0 ] || [ ! -d "$DATADIR/mysql" ]; then
            install_datadir
        fi
        status=0
        launch_server || status=$?
        if [ "$status" = 0 ]; then
            port="$p"
            break
        fi
        if [ -n "$port" ]; then
            log "port $port is in use"
            log_tail
            exit 1
        fi
        log "port $p was taken before mariadbd could bind it; trying another (attempt $attempt)"
        port=""
    done
    [ -n "$port" ] || die "mariadbd could not bind a free port after 3 attempts"
    echo "$port" >"$PORTFILE"

    local admin_password reader_password
    admin_password="$(random_password)"
    reader_password="$(random_password)"
    create_users "$admin_password" "$reader_password"
    write_env "$port" "$admin_password" "$reader_password"
    log "mariadbd $(client --batch --skip-column-names -e 'SELECT VERSION()') ready on 127.0.0.1:$port, socket $SOCKET (pid $(cat "$PIDFILE")); environment in $ENVFILE"
}

# Starts the server again after it was killed (a test's crash), with the configuration, data,
# port, socket and accounts it had; waits until it answers.
cmd_relaunch() {
    [ -f "$CNF" ] || die "$CNF does not exist: run start first"
    if running_pid >/dev/null; then die "the server in $DIR is running"; fi
    rm -f "$PIDFILE"
    launch_server || die "mariadbd could not start again on its port"
    log "mariadbd started again (pid $(cat "$PIDFILE"))"
}

cmd_status() {
    local pid
    if pid="$(running_pid)" && ping_server; then
        echo "running: pid $pid, port $(cat "$PORTFILE" 2>/dev/null || echo '?'), socket $SOCKET"
        return 0
    fi
    echo "not running"
    return 1
}

[ $# -ge 2 ] || usage
command="$1"
if [ ! -d "$2" ]; then
    case "$command" in
        start) mkdir -p "$2" ;;
        stop) exit 0 ;;
        status) echo "not running"; exit 1 ;;
        *) die "$2 does not exist: run start first" ;;
    esac
fi
set_paths "$2"
shift 2
case "$command" in
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    relaunch) cmd_relaunch ;;
    env)
        [ -f "$ENVFILE" ] || die "$ENVFILE does not exist: run start first"
        echo "$ENVFILE"
        ;;
    client) client "$@" ;;
    *) usage ;;
esac
