"""An S3-compatible target for the delivery tests, and readers of it that behave like a browser.

    s3_target.py serve PORT_FILE
        moto's S3 server on 127.0.0.1 (a free port, written to PORT_FILE once it listens),
        until killed.
    s3_target.py poll ENDPOINT BUCKET PREFIX STOP_FILE REPORT_FILE
        Reads the target in a loop, as a dashboard would, until STOP_FILE exists: manifest.json,
        then each dataset's index.json, then every file that index lists (HEAD: present, and
        the size the index says). Writes a JSON report: iterations, the versions seen per
        dataset, and every violation (a manifest naming something missing or short). A file
        missing because a newer manifest replaced the one read and the old version was removed
        meanwhile (keep_versions_for = "0s") is what any reader would meet, not a violation.
    s3_target.py compare ENDPOINT BUCKET PREFIX LOCAL_DIRECTORY DATASET VERSION
        Reads every file of one version from the bucket and from the publish directory with
        pyarrow; prints {"files": n, "rows": n, "equal": true|false}.
    s3_target.py objects ENDPOINT BUCKET PREFIX
        Every object under PREFIX: key, size and Cache-Control, as JSON.
"""

import io
import json
import os
import sys
import time

import boto3
import botocore.config
import botocore.exceptions


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
        region_name="us-east-1",
        config=botocore.config.Config(
            connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}, s3={"addressing_style": "path"}
        ),
    )


def serve(port_file):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(port_file + ".tmp", port_file)
    while True:
        time.sleep(3600)


def get_json(s3, bucket, key):
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def missing(error):
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def poll(endpoint, bucket, prefix, stop_file, report_file):
    s3 = client(endpoint)
    iterations = 0
    unreachable = 0
    seen = {}
    violations = []
    def read_once():
        """One reading of the bucket: the manifest, then every file it names. False when the
        manifest could not be read."""
        nonlocal iterations, unreachable
        try:
            manifest = get_json(s3, bucket, prefix + "/manifest.json")
        except botocore.exceptions.ClientError as error:
            if not missing(error):
                unreachable += 1
            time.sleep(0.02)
            return False
        except Exception:
            unreachable += 1
            time.sleep(0.05)
            return False
        iterations += 1
        for dataset, entry in sorted(manifest["datasets"].items()):
            seen.setdefault(dataset, set()).add(entry["version"])
            try:
                problems = check(s3, bucket, prefix, entry)
            except Exception:
                unreachable += 1
                continue
            if problems:
                try:
                    again = get_json(s3, bucket, prefix + "/manifest.json")["datasets"].get(dataset, {})
                except Exception:
                    again = entry
                if again.get("version") == entry["version"]:
                    violations.extend(f"{dataset} v{entry['version']}: {p}" for p in problems)
        return True

    while not os.path.exists(stop_file):
        read_once()
    # The stop file is written after the last delivery: one more reading sees its version,
    # however slow the reading that was under way when it appeared.
    for _ in range(5):
        if read_once():
            break
    with open(report_file, "w") as f:
        json.dump(
            {
                "iterations": iterations,
                "unreachable": unreachable,
                "seen": {k: sorted(v) for k, v in seen.items()},
                "violations": violations,
            },
            f,
        )


def check(s3, bucket, prefix, entry):
    """What is wrong with the version a manifest entry names, as a reader would find it."""
    index_key = prefix + "/" + entry["index"]
    try:
        index = get_json(s3, bucket, index_key)
    except botocore.exceptions.ClientError as error:
        if missing(error):
            return [f"{entry['index']} is missing"]
        raise
    if index["version"] != entry["version"]:
        return [f"{entry['index']} is version {index['version']}"]
    folder = index_key.rsplit("/", 1)[0]
    problems = []
    for file in index["files"]:
        try:
            size = s3.head_object(Bucket=bucket, Key=folder + "/" + file["path"])["ContentLength"]
        except botocore.exceptions.ClientError as error:
            if missing(error):
                problems.append(f"{file['path']} is missing")
                continue
            raise
        if size != file["bytes"]:
            problems.append(f"{file['path']} has {size} bytes, the index says {file['bytes']}")
    return problems


def compare(endpoint, bucket, prefix, local, dataset, version):
    import pyarrow.parquet as pq

    s3 = client(endpoint)
    folder = f"{dataset}/v{version}"
    index = get_json(s3, bucket, f"{prefix}/{folder}/index.json")
    with open(f"{local}/{folder}/index.json") as f:
        equal = json.load(f) == index
    rows = 0
    for file in index["files"]:
        body = s3.get_object(Bucket=bucket, Key=f"{prefix}/{folder}/{file['path']}")["Body"].read()
        remote = pq.read_table(io.BytesIO(body))
        here = pq.read_table(f"{local}/{folder}/{file['path']}")
        equal = equal and remote.equals(here)
        rows += remote.num_rows
    print(json.dumps({"files": len(index["files"]), "rows": rows, "equal": equal}))


def objects(endpoint, bucket, prefix):
    s3 = client(endpoint)
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            head = s3.head_object(Bucket=bucket, Key=item["Key"])
            found.append({"key": item["Key"], "size": item["Size"], "cache_control": head.get("CacheControl")})
    print(json.dumps(found))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"serve": serve, "poll": poll, "compare": compare, "objects": objects}[command](*arguments)
