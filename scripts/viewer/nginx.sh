#!/usr/bin/env bash
# An nginx of our own, unprivileged, on a free loopback port, serving the reference site
# (systemd/nginx-site.conf) with its port and paths replaced: the viewer's tests, `make demo`
# and `make bench-viewer` run the shipped configuration, not a copy of it.
#
#   scripts/viewer/nginx.sh start DIR --data PUBLISH_DIR [--web WEB_DIR] [--vendor VENDOR_DIR] [--port N]
#   scripts/viewer/nginx.sh stop  DIR
#   scripts/viewer/nginx.sh url   DIR        print http://127.0.0.1:PORT/
#
# `start` writes DIR/nginx.conf (the main context: pid, logs and temporary files in DIR) and
# DIR/site.conf (the reference site), starts nginx, waits until it answers, and prints its URL.
# WEB_DIR defaults to the repository's web/, VENDOR_DIR to ../shared/vendor beside the
# repository: vendor/hyparquet/ and vendor/fzstd/ are served from its hyparquet-1.28.1/ and
# fzstd-0.1.1/. DIR/access.log has one line per request: time, status, body bytes, method and
# path, the Range header, and an X-Viewer-View header (tests tag each view with it).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SITE="$REPO_ROOT/systemd/nginx-site.conf"

log() { printf 'viewer-nginx: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '6,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

find_nginx() {
    command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || return 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The site with our port and paths (the reference file's own defaults are replaced, so a
# change to that file reaches the tests).
write_site() {
    local port="$1" data="$2" web="$3" vendor="$4"
    grep -q 'alias /var/lib/parquet-publisher/public/;' "$SITE" && grep -q '# @vendor-locations' "$SITE" \
        && grep -q 'root /usr/local/share/parquet-publisher/web;' "$SITE" \
        || die "$SITE no longer has the lines this script replaces (listen, root, alias, @vendor-locations)"
    local vendor_locations="location /vendor/hyparquet/ { alias $vendor/hyparquet-1.28.1/; types { text/javascript js; } add_header Cache-Control \"no-cache\" always; }\n    location /vendor/fzstd/ { alias $vendor/fzstd-0.1.1/; types { text/javascript mjs js; } add_header Cache-Control \"no-cache\" always; }"
    sed -e "s|^\(\s*\)listen 80;|\1listen 127.0.0.1:$port;|" \
        -e '/listen \[::\]:80;/d' \
        -e "s|root /usr/local/share/parquet-publisher/web;|root $web;|" \
        -e "s|alias /var/lib/parquet-publisher/public/;|alias $data/;|" \
        -e "s|^\(\s*\)# @vendor-locations.*|\1$vendor_locations|" \
        "$SITE" >"$DIR/site.conf"
}

write_main() {
    local user_line=""
    # As root, nginx's workers would run as nobody: fine when the served trees are readable by
    # everyone; otherwise (a checkout under /root) they stay root, as the master is anyway.
    if [ "$(id -u)" = 0 ]; then
        if runuser -u nobody -- test -r "$WEB/index.html" -a -x "$DATA" -a -r "$VENDOR/fzstd-0.1.1/fzstd.mjs" 2>/dev/null; then
            user_line="user nobody nogroup;"
        else
            user_line="user root root;"
        fi
    fi
    mkdir -p "$DIR/tmp"
    cat >"$DIR/nginx.conf" <<CONF
# Written by scripts/viewer/nginx.sh: a private nginx for the viewer's tests, demo and benchmark.
$user_line
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $DIR/tmp/body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;
    log_format viewer '\$msec \$status \$body_bytes_sent "\$request_method \$uri" "\$http_range" "\$http_x_viewer_view"';
    access_log $DIR/access.log viewer;
    include $DIR/site.conf;
}
CONF
}

# nginx daemonizes, so it must not keep any descriptor of our caller's: not our stdout (a caller
# reading it to the end would wait forever), nor anything else (Foundation's Process learns
# that this script ended when a socket it handed us closes). Runs in a subshell.
launch_nginx() {
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
        fd="${fd##*/}"
        if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec "$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/error.log" </dev/null >/dev/null 2>>"$DIR/error.log"
}

answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cmd_start() {
    local port="" attempt
    DATA="" WEB="$REPO_ROOT/web" VENDOR="$REPO_ROOT/../shared/vendor"
    while [ $# -gt 0 ]; do
        case "$1" in
            --data) DATA="$2"; shift 2 ;;
            --web) WEB="$2"; shift 2 ;;
            --vendor) VENDOR="$2"; shift 2 ;;
            --port) port="$2"; shift 2 ;;
            *) usage ;;
        esac
    done
    [ -n "$DATA" ] || usage
    NGINX="$(find_nginx)" || die "nginx not found: run make deps (apt-get install nginx)"
    [ -d "$DATA" ] || die "--data $DATA is not a directory"
    [ -f "$WEB/index.html" ] || die "--web $WEB has no index.html"
    [ -f "$VENDOR/hyparquet-1.28.1/src/index.js" ] && [ -f "$VENDOR/fzstd-0.1.1/fzstd.mjs" ] \
        || die "--vendor $VENDOR lacks hyparquet-1.28.1/src/index.js or fzstd-0.1.1/fzstd.mjs (../shared/vendor beside the repository)"
    DATA="$(cd "$DATA" && pwd)" WEB="$(cd "$WEB" && pwd)" VENDOR="$(cd "$VENDOR" && pwd)"
    cmd_stop_quietly
    write_main
    for attempt in 1 2 3 4 5; do
        local chosen="${port:-$(free_port)}"
        write_site "$chosen" "$DATA" "$WEB" "$VENDOR"
        : >"$DIR/error.log"
        if (launch_nginx); then
            local waited=0
            until answers "$chosen"; do
                [ "$waited" -lt 50 ] || die "nginx did not answer on 127.0.0.1:$chosen within 5 s: $(tail -5 "$DIR/error.log")"
                sleep 0.1
                waited=$((waited + 1))
            done
            echo "$chosen" >"$DIR/port"
            echo "http://127.0.0.1:$chosen/"
            return 0
        fi
        # Lost the race for a free port to someone else: try another, unless one was asked for.
        if [ -z "$port" ] && grep -q "Address already in use" "$DIR/error.log"; then continue; fi
        die "nginx did not start: $(tail -5 "$DIR/error.log")"
    done
    die "no free port after $attempt attempts"
}

cmd_stop_quietly() {
    local pid
    [ -f "$DIR/nginx.pid" ] || return 0
    pid="$(cat "$DIR/nginx.pid")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/nginx.pid"
}

[ $# -ge 2 ] || usage
COMMAND="$1"
mkdir -p "$2"
DIR="$(cd "$2" && pwd)"
shift 2
case "$COMMAND" in
    start) cmd_start "$@" ;;
    stop) cmd_stop_quietly ;;
    url) [ -f "$DIR/port" ] || die "$DIR has no running nginx"; echo "http://127.0.0.1:$(cat "$DIR/port")/" ;;
    *) usage ;;
esac
