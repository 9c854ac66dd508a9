"""The stack parquet-publisher replaces: polars read_database_uri with connectorx, then
write_parquet(zstd). The URI's password comes from the environment (MYSQL_PWD), never argv.
Usage: polars_connectorx.py HOST PORT USER DATABASE OUT"""
import os
import sys
import urllib.parse

import polars as pl

host, port, user, database, out = sys.argv[1:6]
password = urllib.parse.quote(os.environ["MYSQL_PWD"], safe="")
uri = f"mysql://{user}:{password}@{host}:{port}/{database}"
frame = pl.read_database_uri("SELECT * FROM orders", uri, engine="connectorx")
frame.write_parquet(out, compression="zstd")
print(f"{frame.height} rows", file=sys.stderr)
