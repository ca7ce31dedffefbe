#!/usr/bin/env python3
"""Start-up time of `smh serve`: from exec to the first 200 on /health, on a fresh data folder (migrations
included) and on an existing one. A benchmark, not a test: run it by hand and record the figures in
docs/BENCHMARKS.md.

    swift build -c release --product smh && scripts/bench/startup.py .build/release/smh
"""
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/release/smh"
RUNS = int(os.environ.get("RUNS", "10"))
PORT = 18091


def healthy():
    try:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=0.2)
        conn.request("GET", "/health")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def start_once(data_dir):
    env = dict(os.environ, SMH_ADMIN_KEY="bench-admin-key-0123456789")
    begin = time.perf_counter()
    proc = subprocess.Popen(
        [BINARY, "serve", "--port", str(PORT), "--data-dir", data_dir, "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = begin + 30
        while not healthy():
            if time.perf_counter() > deadline or proc.poll() is not None:
                raise SystemExit("server did not become healthy")
            time.sleep(0.002)
        return (time.perf_counter() - begin) * 1000
    finally:
        proc.terminate()
        proc.wait()


def main():
    fresh, warm = [], []
    for _ in range(RUNS):
        folder = tempfile.mkdtemp(prefix="smh-bench-")
        try:
            fresh.append(start_once(folder))
            warm.append(start_once(folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    for name, values in (("fresh data dir", fresh), ("existing data dir", warm)):
        print(f"{name}: median {statistics.median(values):.0f} ms, min {min(values):.0f} ms, "
              f"max {max(values):.0f} ms over {len(values)} starts")


if __name__ == "__main__":
    main()
