#!/usr/bin/env python3
"""Time to the first page of a search (spec 30 S1) in a space of N files (default 100,000), through `smh serve`.

The files are inserted straight into the SQLite file (the FTS5 name index is kept by the schema's triggers, exactly
as for uploads); searches then go through HTTP like any client's. Each query is started afresh 20 times (after 2
warm-up runs) and the median, p90 and max of the S1 answer time are printed, with the number of matches found by
paging the last run through S2. A benchmark, not a test: record its figures in docs/BENCHMARKS.md.

    scripts/bench/search.py .build-release/release/smh [N]
"""
import http.client
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/release/smh"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
PORT = 18095
KEY = "bench-admin-key-0123456789"
TOPICS = ("budget marketing roadmap hiring sales design security audit quarterly travel offsite launch research "
          "legal pricing support onboarding migration backup review planning").split()


def call(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data) if data else None


def files(rng, count, directories):
    """Names, kinds and sizes shaped like a family photo library with some office documents."""
    for i in range(count):
        parent = directories[i % len(directories)]
        year, month, day = 2016 + i % 10, 1 + i % 12, 1 + i % 28
        roll = rng.random()
        if roll < 0.6:
            name, ctype, size = f"IMG_{year}{month:02d}{day:02d}_{i:06d}.jpg", "image/jpeg", rng.randint(1 << 20, 8 << 20)
        elif roll < 0.7:
            name, ctype, size = f"VID_{year}{month:02d}{day:02d}_{i:06d}.mp4", "video/mp4", rng.randint(8 << 20, 900 << 20)
        elif roll < 0.8:
            name, ctype, size = f"invoice-{year}-{month:02d}-{i:06d}.pdf", "application/pdf", rng.randint(30_000, 400_000)
        elif roll < 0.9:
            topic = rng.choice(TOPICS)
            name = f"report {topic} {year} v{i % 7} {i:06d}.docx"
            ctype, size = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", rng.randint(20_000, 2_000_000)
        else:
            name = f"notes {rng.choice(TOPICS)} {rng.choice(TOPICS)} {i:06d}.txt"
            ctype, size = "text/plain", rng.randint(100, 50_000)
        labels = '["travel"]' if i % 20 == 0 else "[]"
        category = "finance" if name.startswith("invoice") and i % 3 == 0 else ""
        time_ms = 1_450_000_000_000 + i * 3_000_000
        yield (parent, name, size, ctype, labels, category, time_ms, time_ms)


def main():
    root = tempfile.mkdtemp(prefix="smh-bench-search-")
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
        status, _ = call("PUT", f"/api/v1/directory/{lib}/-/Photos?access_token={token}")
        assert status == 201

        db = sqlite3.connect(os.path.join(root, "smh.sqlite"), timeout=30)
        photos = db.execute("SELECT id FROM nodes WHERE name = 'Photos'").fetchone()[0]
        begin = time.perf_counter()
        directories = []
        for year in range(2016, 2026):
            for month in range(1, 13):
                cur = db.execute(
                    "INSERT INTO nodes (library_id, space_id, parent_id, name, kind, created_at, updated_at) "
                    "VALUES (?, '-', ?, ?, 'dir', 0, 0)", (lib, photos, f"{year}-{month:02d}"))
                month_id = cur.lastrowid
                for album in range(8):
                    cur = db.execute(
                        "INSERT INTO nodes (library_id, space_id, parent_id, name, kind, created_at, updated_at) "
                        "VALUES (?, '-', ?, ?, 'dir', 0, 0)", (lib, month_id, f"album {album}"))
                    directories.append(cur.lastrowid)
        db.executemany(
            "INSERT INTO nodes (library_id, space_id, parent_id, name, kind, size, content_type, labels, category, "
            "created_at, updated_at) VALUES (?, '-', ?, ?, 'file', ?, ?, ?, ?, ?, ?)",
            ((lib,) + row for row in files(random.Random(1), COUNT, directories)))
        db.commit()
        db.close()
        print(f"inserted {COUNT} files in {len(directories) + 120} directories "
              f"in {time.perf_counter() - begin:.1f} s")

        queries = [
            ("rare keyword (14 matches)", {"keyword": "invoice-2019-10-01"}),
            ("keyword (1% match)", {"keyword": "budget"}),
            ("common keyword (60% match)", {"keyword": "img"}),
            ("two keywords, by relevance", {"keyword": "report 2024"}),
            ("short keyword (2 characters, no index)", {"keyword": "v3"}),
            ("no condition, by name", {}),
            ("type image, by name", {"type": "image"}),
            ("type [file, !image], extname .pdf, size range", {"type": ["file", "!image"], "extname": [".pdf"],
                                                              "minFileSize": 100000, "maxFileSize": 300000}),
            ("labels travel", {"labels": ["travel"]}),
            ("keyword + scope of one month", {"keyword": "img", "scope": "Photos/2020-05"}),
            ("scope of one album (92 files), by name", {"scope": "Photos/2020-05/album 3"}),
            ("everything by modificationTime desc", {"orderBy": "modificationTime", "orderByType": "desc"}),
            ("keyword, by size desc", {"keyword": "invoice", "orderBy": "size", "orderByType": "desc"}),
        ]
        print(f"{'query':52} {'median':>8} {'p90':>8} {'max':>8} {'S2 page':>8} matches")
        for label, body in queries:
            timings = []
            for run in range(22):
                start = time.perf_counter()
                status, page = call("POST", f"/api/v1/search/{lib}/-/space-contents?access_token={token}",
                                    json.dumps(body))
                elapsed = (time.perf_counter() - start) * 1000
                assert status == 200, page
                if run >= 2:
                    timings.append(elapsed)
            next_times, matches, reply = [], len(page["contents"]), page
            while reply.get("hasMore") and matches < 2000:
                start = time.perf_counter()
                status, reply = call("GET", f"/api/v1/search/{lib}/-/{page['searchId']}?marker={reply['nextMarker']}"
                                            f"&access_token={token}")
                next_times.append((time.perf_counter() - start) * 1000)
                matches += len(reply["contents"])
            more = "+" if reply.get("hasMore") else ""
            timings.sort()
            s2 = f"{statistics.median(next_times):.1f}" if next_times else "-"
            print(f"{label:52} {statistics.median(timings):8.1f} {timings[int(len(timings) * 0.9)]:8.1f} "
                  f"{timings[-1]:8.1f} {s2:>8} {matches}{more}")
        rss = [line for line in open(f"/proc/{proc.pid}/status") if line.startswith("VmHWM")]
        print(f"server peak RSS: {rss[0].split(':')[1].strip() if rss else 'unknown'}")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
