#!/usr/bin/env bash
# make install: the binary, the systemd unit and an example configuration.
#   PREFIX (default /usr/local), DESTDIR (default empty, for packaging), SYSCONFDIR (default /etc)
# An existing /etc/parquet-publisher/config.toml is never overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
SYSCONFDIR="${SYSCONFDIR:-/etc}"
BINDIR="$PREFIX/bin"
# Units of packages under /usr go to /usr/lib; a local install goes to /etc, where systemd looks first.
if [ "$PREFIX" = /usr ]; then UNITDIR=/usr/lib/systemd/system; else UNITDIR="$SYSCONFDIR/systemd/system"; fi

install -D -m 0755 .build/release/parquet-publisher "$DESTDIR$BINDIR/parquet-publisher"
install -d -m 0755 "$DESTDIR$UNITDIR"
sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" -e "s|/usr/local/share/doc|$PREFIX/share/doc|g" \
    systemd/parquet-publisher.service > "$DESTDIR$UNITDIR/parquet-publisher.service"
chmod 0644 "$DESTDIR$UNITDIR/parquet-publisher.service"
install -d -m 0755 "$DESTDIR$SYSCONFDIR/parquet-publisher"
if [ -e "$DESTDIR$SYSCONFDIR/parquet-publisher/config.toml" ]; then
    echo "install: keeping the existing $SYSCONFDIR/parquet-publisher/config.toml"
else
    install -m 0644 systemd/config.example.toml "$DESTDIR$SYSCONFDIR/parquet-publisher/config.toml"
fi
install -D -m 0644 docs/operations.md "$DESTDIR$PREFIX/share/doc/parquet-publisher/operations.md"
for doc in configuration.md index-format.md published-layout.md types.md architecture.md; do
    install -m 0644 "docs/$doc" "$DESTDIR$PREFIX/share/doc/parquet-publisher/$doc"
done
echo "installed: $BINDIR/parquet-publisher, $UNITDIR/parquet-publisher.service, $SYSCONFDIR/parquet-publisher/config.toml"
if [ -z "$DESTDIR" ] && [ ! -e "$SYSCONFDIR/parquet-publisher/mysql-password" ]; then
    echo "next: put the MySQL password in $SYSCONFDIR/parquet-publisher/mysql-password (mode 0600),"
    echo "      edit $SYSCONFDIR/parquet-publisher/config.toml, then: systemctl daemon-reload && systemctl enable --now parquet-publisher"
fi
