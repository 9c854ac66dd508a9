"""Runs a command and prints `seconds max_rss_kb` of it (wall time, peak RSS of the child).
Usage: measure.py COMMAND [ARGS...]   (the command's own output goes to stderr)"""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
result = subprocess.run(sys.argv[1:], stdout=sys.stderr)
seconds = time.perf_counter() - start
if result.returncode != 0:
    sys.exit(f"{sys.argv[1]} failed with {result.returncode}")
print(f"{seconds:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
