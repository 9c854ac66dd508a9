print("parquet-publisher")
