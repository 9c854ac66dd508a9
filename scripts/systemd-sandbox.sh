#!/usr/bin/env bash
# A real systemd to test the unit against, where systemd is not PID 1: it boots as PID 1 of a
# new PID + mount namespace, with private /run, /tmp and /var/tmp (systemd-tmpfiles empties
# /tmp at boot: without the private mounts it would empty the machine's real /tmp). Files the
# units need must live outside /tmp.
#
#   scripts/systemd-sandbox.sh start DIR        boot; the PID of its systemd goes to DIR/systemd.pid
#   scripts/systemd-sandbox.sh exec DIR CMD...  run CMD inside (systemctl, journalctl, ...)
#   scripts/systemd-sandbox.sh stop DIR         end it (every process in the namespace ends too)
set -euo pipefail
# Close every inherited descriptor but stdin, stdout and stderr: systemd, started in the
# background, would otherwise keep a caller's pipes open, and the caller would wait forever.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
done
command="${1:?usage: $0 start|exec|stop DIR [CMD...]}"
dir="${2:?usage: $0 start|exec|stop DIR [CMD...]}"
shift 2
mkdir -p "$dir"
pidfile="$dir/systemd.pid"

inside() { nsenter -t "$(cat "$pidfile")" -p -m "$@"; }

case "$command" in
start)
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "systemd-sandbox: already running (pid $(cat "$pidfile"))" >&2
        exit 0
    fi
    setsid unshare --pid --fork --mount-proc --mount bash -c \
        'mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp; mount -t tmpfs tmpfs /var/tmp; exec /lib/systemd/systemd --system --unit=basic.target' \
        >"$dir/systemd.log" 2>&1 </dev/null &
    unshare_pid=$!
    # systemd is the child unshare forked (bash exec'd into it).
    for _ in $(seq 100); do
        child=$(pgrep -P "$unshare_pid" || true)
        if [ -n "$child" ] && [ "$(cat /proc/"$child"/comm 2>/dev/null)" = systemd ]; then break; fi
        sleep 0.1
    done
    [ -n "${child:-}" ] || { echo "systemd-sandbox: systemd did not start; see $dir/systemd.log" >&2; exit 1; }
    echo "$child" > "$pidfile"
    echo "$unshare_pid" > "$dir/unshare.pid"
    for _ in $(seq 120); do
        state=$(inside systemctl is-system-running 2>/dev/null || true)
        case "$state" in
        running|degraded)
            # Keep this systemd's journal in its private /run: the machine's /var/log/journal
            # is shared with every other sandbox and with the machine itself.
            inside journalctl --relinquish-var >/dev/null 2>&1 || true
            echo "systemd-sandbox: $state (pid $child)" >&2
            exit 0
            ;;
        esac
        sleep 0.5
    done
    echo "systemd-sandbox: not running after 60 s (state: ${state:-none}); see $dir/systemd.log" >&2
    exit 1
    ;;
exec)
    inside "$@"
    ;;
stop)
    [ -f "$pidfile" ] || exit 0
    pid=$(cat "$pidfile")
    # PID 1 of the namespace: when it dies, the kernel kills every process inside.
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [ -f "$dir/unshare.pid" ] && kill -KILL "$(cat "$dir/unshare.pid")" 2>/dev/null || true
    rm -f "$pidfile" "$dir/unshare.pid"
    ;;
*)
    echo "usage: $0 start|exec|stop DIR [CMD...]" >&2
    exit 2
    ;;
esac
