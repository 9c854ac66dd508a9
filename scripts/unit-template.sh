#!/usr/bin/env bash
# Writes parquet-publisher@.service, one daemon per source database, from the unit on stdin:
# the same service and hardening, with its own configuration, credentials and state per
# instance (%i):
#
#   /etc/parquet-publisher/%i/config.toml       its configuration
#   /etc/parquet-publisher/%i/mysql-password    its MySQL password (LoadCredential=)
#   /var/lib/parquet-publisher/%i/              its StateDirectory (public/ and state/ in it)
#
#   scripts/unit-template.sh < systemd/parquet-publisher.service > parquet-publisher@.service
#
# Derived rather than kept as a second file, so the two units can never drift apart; make
# install runs it (scripts/install.sh), and Tests/SystemdTests/TemplateUnitTests.swift checks
# what it makes with systemd-analyze.
set -euo pipefail
sed -e 's|^# parquet-publisher: keeps MySQL tables|# parquet-publisher@<instance>: one daemon per source database; keeps MySQL tables|' \
    -e 's|^Description=parquet-publisher: |Description=parquet-publisher %i: |' \
    -e 's|--config \(.*\)/parquet-publisher/config.toml$|--config \1/parquet-publisher/%i/config.toml|' \
    -e 's|^StateDirectory=parquet-publisher$|StateDirectory=parquet-publisher/%i|' \
    -e 's|^WorkingDirectory=/var/lib/parquet-publisher$|WorkingDirectory=/var/lib/parquet-publisher/%i|' \
    -e 's|^LoadCredential=mysql-password:\(.*\)/parquet-publisher/mysql-password$|LoadCredential=mysql-password:\1/parquet-publisher/%i/mysql-password|' \
    -e 's|^# LoadCredential=rclone.conf:\(.*\)/parquet-publisher/rclone.conf$|# LoadCredential=rclone.conf:\1/parquet-publisher/%i/rclone.conf|' \
    -e 's|^# (systemctl edit parquet-publisher)|# (systemctl edit parquet-publisher@<instance>)|'
