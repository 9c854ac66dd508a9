#!/usr/bin/env bash
# make install: the binary, the systemd units, its system user, an example configuration and the
# delivery recipes.
#   PREFIX (default /usr/local), DESTDIR (default empty, for packaging), SYSCONFDIR (default /etc)
# An existing $SYSCONFDIR/parquet-publisher/config.toml is never overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
SYSCONFDIR="${SYSCONFDIR:-/etc}"
BINDIR="$PREFIX/bin"
DOCDIR="$PREFIX/share/doc/parquet-publisher"
# Packages under /usr put units and sysusers.d files in /usr/lib; a local install puts them in
# /etc, where systemd looks first (it never looks in /usr/local/lib).
if [ "$PREFIX" = /usr ]; then
    UNITDIR=/usr/lib/systemd/system
    SYSUSERSDIR=/usr/lib/sysusers.d
else
    UNITDIR="$SYSCONFDIR/systemd/system"
    SYSUSERSDIR="$SYSCONFDIR/sysusers.d"
fi
BINARY="${BINARY:-.build/release/parquet-publisher}"
[ -x "$BINARY" ] || { echo "install: $BINARY is missing: run make build first" >&2; exit 1; }

install -D -m 0755 "$BINARY" "$DESTDIR$BINDIR/parquet-publisher"
install -d -m 0755 "$DESTDIR$UNITDIR" "$DESTDIR$SYSUSERSDIR" "$DESTDIR$SYSCONFDIR/parquet-publisher" "$DESTDIR$DOCDIR"
sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" -e "s|@DOCDIR@|$DOCDIR|g" \
    systemd/parquet-publisher.service > "$DESTDIR$UNITDIR/parquet-publisher.service"
chmod 0644 "$DESTDIR$UNITDIR/parquet-publisher.service"
# parquet-publisher@.service: one daemon per source database (scripts/unit-template.sh).
scripts/unit-template.sh < "$DESTDIR$UNITDIR/parquet-publisher.service" > "$DESTDIR$UNITDIR/parquet-publisher@.service"
chmod 0644 "$DESTDIR$UNITDIR/parquet-publisher@.service"
# The delivery recipes, [[target]] commands (docs/delivery.md), and an example drop-in for them.
LIBDIR="$PREFIX/lib/parquet-publisher"
install -d -m 0755 "$DESTDIR$LIBDIR"
for recipe in recipes/deliver-*; do
    install -m 0755 "$recipe" "$DESTDIR$LIBDIR/$(basename "$recipe")"
done
install -m 0644 systemd/parquet-publisher.sysusers "$DESTDIR$SYSUSERSDIR/parquet-publisher.conf"
if [ -e "$DESTDIR$SYSCONFDIR/parquet-publisher/config.toml" ]; then
    echo "install: keeping the existing $SYSCONFDIR/parquet-publisher/config.toml"
else
    install -m 0644 systemd/config.example.toml "$DESTDIR$SYSCONFDIR/parquet-publisher/config.toml"
fi
for doc in operations.md configuration.md index-format.md published-layout.md types.md architecture.md delivery.md; do
    [ -f "docs/$doc" ] && install -m 0644 "docs/$doc" "$DESTDIR$DOCDIR/$doc"
done
install -m 0644 systemd/targets.conf.example "$DESTDIR$DOCDIR/targets.conf.example"
echo "installed: $BINDIR/parquet-publisher, $UNITDIR/parquet-publisher.service, $SYSUSERSDIR/parquet-publisher.conf, $SYSCONFDIR/parquet-publisher/config.toml"
echo "           $UNITDIR/parquet-publisher@.service, the delivery recipes in $LIBDIR"
if [ -z "$DESTDIR" ]; then
    # The system user now, so the unit can start without a reboot (a package's postinst would).
    if command -v systemd-sysusers >/dev/null 2>&1; then
        systemd-sysusers "$SYSUSERSDIR/parquet-publisher.conf"
    fi
    if [ ! -e "$SYSCONFDIR/parquet-publisher/mysql-password" ]; then
        echo "next: put the MySQL password in $SYSCONFDIR/parquet-publisher/mysql-password (mode 0600, root),"
        echo "      edit $SYSCONFDIR/parquet-publisher/config.toml, then: systemctl daemon-reload && systemctl enable --now parquet-publisher"
    fi
fi
