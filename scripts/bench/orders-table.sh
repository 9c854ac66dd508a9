#!/usr/bin/env bash
# Creates `orders` with ROWS rows, the shape of `parquet-publisher bench encode`, in the database
# of the server whose env.sh is sourced (ascending ids and timestamps, skewed ints, a 5-value
# ENUM, DECIMALs, 6% NULL country, 80% NULL note, an index on updated_at).
#   scripts/bench/orders-table.sh ROWS
set -euo pipefail
ROWS="${1:?usage: $0 ROWS}"
sql() { MYSQL_PWD="$PP_TEST_MYSQL_ADMIN_PASSWORD" mariadb -u "$PP_TEST_MYSQL_ADMIN_USER" -S "$PP_TEST_MYSQL_SOCKET" "$PP_TEST_MYSQL_DATABASE" -N -B -e "$1"; }
sql "DROP TABLE IF EXISTS orders"
sql "CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY, offer_id INT NOT NULL, seller_id INT NOT NULL, buyer_id INT NOT NULL,
  status ENUM('delivered','shipped','paid','cancelled','refunded') NOT NULL, quantity SMALLINT NOT NULL,
  unit_price DECIMAL(12,2) NOT NULL, total DECIMAL(14,2) NOT NULL, currency CHAR(3) NOT NULL, country CHAR(2) NULL,
  channel VARCHAR(16) NOT NULL, note VARCHAR(200) NULL, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL,
  KEY (updated_at))"
sql "INSERT INTO orders SELECT seq, 1 + FLOOR(POW(RAND(seq), 3) * 2000000), 1 + FLOOR(POW(RAND(seq * 3), 3) * 48000),
  1 + (seq * 104729) % 1000000, ELT(1 + FLOOR(POW(RAND(seq * 5), 0.3) * 5), 'refunded','cancelled','paid','shipped','delivered'),
  1 + FLOOR(POW(RAND(seq * 7), 6) * 5), ROUND(EXP(RAND(seq * 11) * LN(2000)), 2) + 0.99,
  (ROUND(EXP(RAND(seq * 11) * LN(2000)), 2) + 0.99) * (1 + FLOOR(POW(RAND(seq * 7), 6) * 5)), ELT(1 + FLOOR(POW(RAND(seq * 13), 2) * 3), 'EUR','PLN','CZK'),
  IF(RAND(seq * 17) < 0.06, NULL, ELT(1 + FLOOR(POW(RAND(seq * 19), 2) * 8), 'DE','PL','CZ','FR','NL','AT','SK','HU')),
  ELT(1 + FLOOR(RAND(seq * 23) * 4), 'web','ios','android','api'),
  IF(RAND(seq * 29) < 0.8, NULL, CONCAT('please deliver after ', seq % 24, 'h, call ', seq % 1000)),
  TIMESTAMPADD(MICROSECOND, seq * 12600000, '2023-01-01'), TIMESTAMPADD(MICROSECOND, seq * 12600000 + FLOOR(RAND(seq * 31) * 3600000000), '2023-01-01')
  FROM seq_1_to_$ROWS"
