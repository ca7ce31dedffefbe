#!/usr/bin/env python3
"""Time per page when listing a directory of N entries (default 100,000) through `smh serve`, 1000 per page.

The entries are inserted straight into the SQLite file (uploading 100,000 files is not what is measured); the
listing then goes through HTTP like any client's. A benchmark, not a test: record its figures in
docs/BENCHMARKS.md.

    scripts/bench/listing.py .build/release/smh [N]
"""
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/release/smh"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
PORT = 18094
KEY = "bench-admin-key-0123456789"


def call(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data) if data else None


def main():
    root = tempfile.mkdtemp(prefix="smh-bench-list-")
    env = dict(os.environ, SMH_ADMIN_KEY=KEY)
    proc = subprocess.Popen([BINARY, "serve", "--port", str(PORT), "--data-dir", root, "--log-level", "warning"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if call("GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        _, library = call("POST", "/admin/v1/libraries", '{"name":"bench"}', {"Authorization": f"Bearer {KEY}"})
        lib, secret = library["libraryId"], library["librarySecret"]
        _, token = call("GET", f"/api/v1/token?library_id={lib}&library_secret={secret}&grant=admin")
        token = token["accessToken"]
        status, _ = call("PUT", f"/api/v1/directory/{lib}/-/big?access_token={token}")
        assert status == 201

        db = sqlite3.connect(os.path.join(root, "smh.sqlite"), timeout=30)
        parent = db.execute("SELECT id FROM nodes WHERE name = 'big'").fetchone()[0]
        begin = time.perf_counter()
        db.executemany(
            "INSERT INTO nodes (library_id, space_id, parent_id, name, kind, size, created_at, updated_at) "
            "VALUES (?, '-', ?, ?, 'file', 1, ?, ?)",
            ((lib, parent, f"file-{i:06d}.txt", i, i) for i in range(COUNT)))
        db.commit()
        db.close()
        print(f"inserted {COUNT} entries in {time.perf_counter() - begin:.1f} s")

        timings, seen, marker = [], 0, None
        while True:
            query = f"/api/v1/directory/{lib}/-/big?access_token={token}&limit=1000"
            if marker:
                query += f"&marker={marker}"
            start = time.perf_counter()
            status, page = call("GET", query)
            timings.append((time.perf_counter() - start) * 1000)
            assert status == 200, page
            seen += len(page["contents"])
            marker = page.get("nextMarker")
            if not marker:
                break
        assert seen == COUNT, seen
        timings.sort()
        print(f"{len(timings)} pages of 1000 over {COUNT} entries: median {statistics.median(timings):.1f} ms, "
              f"p90 {timings[int(len(timings) * 0.9)]:.1f} ms, max {timings[-1]:.1f} ms, "
              f"total {sum(timings) / 1000:.2f} s")
        small = []
        for _ in range(20):
            start = time.perf_counter()
            call("GET", f"/api/v1/directory/{lib}/-/big?access_token={token}&limit=1")
            small.append((time.perf_counter() - start) * 1000)
        print(f"a page of 1 in the same directory (fixed cost: counts, auth): median {statistics.median(small):.1f} ms")
        rss = [line for line in open(f"/proc/{proc.pid}/status") if line.startswith("VmHWM")]
        print(f"server peak RSS: {rss[0].split(':')[1].strip() if rss else 'unknown'}")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
