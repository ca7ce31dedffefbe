#!/usr/bin/env python3
"""Thumbnails and covers (issue 13), measured beside the engines run by hand on the same files, in one run.

A benchmark, not a test. It makes a 24-megapixel JPEG, a 12-megapixel HEIC, a 10 s 1080p MP4 and 100 distinct
12-megapixel JPEGs (FFmpeg's test patterns, heif-enc), uploads them to a release `smh serve` (SQLite, no thumbnails
made ahead), then measures:

  cold       time to the first `size=256` rendition of each file: `GET …?preview&size=256` + the data-plane fetch
             vs `vipsthumbnail -s 256x256 -m centre` on the same file (video: `ffmpeg` frame + `vipsthumbnail`)
  cached     requests/s of `GET …?preview&size=256` once made (wrk, 4 connections) vs the download redirect of a
             small file (`GET …/file`), and of the thumbnail URL itself vs the small file's download URL
  grid       100 distinct photos at 4 concurrent clients: thumbnails/s vs 4 `vipsthumbnail` processes at a time
  rss        peak RSS (VmHWM) of the server over the run

    apt-get install libvips-tools ffmpeg libheif-examples wrk
    swift build -c release --product smh
    scripts/bench/thumbnails.py .build/release/smh [--reps 3]

Record the printed table in docs/BENCHMARKS.md with the date and the commit.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vs_nginx import KEY, call_json, connection, peak_rss_mib, request, wait_for, wrk_rate  # noqa: E402

PORT = 18097


def run(argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_media(folder, photos):
    paths = {
        "jpeg": os.path.join(folder, "photo-24mp.jpg"),
        "heic": os.path.join(folder, "photo-12mp.heic"),
        "video": os.path.join(folder, "clip-1080p.mp4"),
    }
    ff = ["ffmpeg", "-v", "error", "-y"]
    run(ff + ["-f", "lavfi", "-i", "testsrc2=s=6000x4000", "-frames:v", "1", "-q:v", "2", paths["jpeg"]])
    heic_source = os.path.join(folder, "heic-source.png")
    run(ff + ["-f", "lavfi", "-i", "testsrc2=s=4000x3000", "-frames:v", "1", heic_source])
    run(["heif-enc", "-q", "70", heic_source, "-o", paths["heic"]])
    os.unlink(heic_source)
    run(ff + ["-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=10", "-c:v", "libx264", "-preset", "veryfast",
              "-pix_fmt", "yuv420p", "-movflags", "+faststart", paths["video"]])
    grid = os.path.join(folder, "grid")
    os.makedirs(grid)
    run(ff + ["-f", "lavfi", "-i", "testsrc2=s=4000x3000:r=25", "-frames:v", str(photos), "-q:v", "3",
              os.path.join(grid, "p%03d.jpg")])
    return paths, sorted(os.path.join(grid, name) for name in os.listdir(grid))


def start(binary, root, workers):
    env = dict(os.environ, SMH_ADMIN_KEY=KEY)
    command = [binary, "serve", "--port", str(PORT), "--data-dir", os.path.join(root, "smh"), "--log-level",
               "warning", "--pregenerate-thumbnails", ""]
    if workers:
        command += ["--media-workers", str(workers)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(root, "smh.log"), "w"))
    wait_for(PORT, "/health")
    return proc


def upload(conn, lib, token, name, path):
    with open(path, "rb") as handle:
        body = handle.read()
    status, _, data = request(conn, "PUT", f"/api/v1/file/{lib}/-/{name}?filesize={len(body)}&access_token={token}")
    assert status == 201, data
    begun = json.loads(data)
    status, _, data = request(conn, "PUT", begun["path"], body, begun["headers"])
    assert status == 200, data
    status, _, data = request(conn, "POST", f"/api/v1/file/{lib}/-/{begun['confirmKey']}?confirm&access_token={token}")
    assert status == 200, data


def thumbnail(conn, lib, token, name, size=256):
    """The preview call and the fetch of its rendition; returns the rendition's URL path."""
    status, response, _ = request(conn, "GET", f"/api/v1/file/{lib}/-/{name}?preview&size={size}&access_token={token}")
    assert status == 302, status
    location = response.getheader("Location")
    path = location[location.index("/_opensmh/"):]
    status, response, body = request(conn, "GET", path)
    assert status == 200 and "/_opensmh/th/" in path and body, (status, path)
    return path


def direct_thumbnail(path, out, video):
    if video:
        frame = out + ".frame.jpg"
        run(["ffmpeg", "-v", "error", "-y", "-ss", "1", "-i", path, "-frames:v", "1", "-vf", "thumbnail=12", frame])
        path = frame
    run(["vipsthumbnail", path, "-s", "256x256", "-m", "centre", "-o", out + "[Q=82,strip]"])


def idle(pid, quiet_seconds=1.0, limit=60):
    """Waits until the server and its children used almost no CPU for `quiet_seconds`."""
    def cpu():
        total = 0
        for task in [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                               text=True).stdout.split()]:
            try:
                with open(f"/proc/{task}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
            except OSError:
                pass
        return total
    deadline = time.time() + limit
    while time.time() < deadline:
        before = cpu()
        time.sleep(quiet_seconds)
        if cpu() - before <= 5:
            return


def timed(body):
    start = time.perf_counter()
    body()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--workers", type=int, help="--media-workers of the server (default: its own, one per core)")
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="smh-thumbs-")
    proc = None
    try:
        media, grid = make_media(root, args.photos)
        proc = start(args.binary, root, args.workers)
        _, library = call_json("POST", "/admin/v1/libraries",
                               b'{"name":"bench","libraryType":"media","isMultiAlbum":false}',
                               {"Authorization": f"Bearer {KEY}"})
        lib = library["libraryId"]
        _, token = call_json("GET", f"/api/v1/token?library_id={lib}&library_secret={library['librarySecret']}"
                                    "&grant=admin")
        token = token["accessToken"]
        conn = connection(PORT)
        rows = []
        # Cold: every repetition uploads fresh copies (distinct bytes, so nothing is cached) and asks once.
        for kind, path in media.items():
            ext = os.path.splitext(path)[1]
            ours, theirs = [], []
            for rep in range(args.reps):
                copy = os.path.join(root, f"cold-{kind}-{rep}{ext}")
                shutil.copy(path, copy)
                with open(copy, "ab") as handle:  # a distinct content per repetition, still a valid file
                    handle.write(os.urandom(16))
                name = f"cold-{kind}-{rep}{ext}"
                upload(conn, lib, token, name, copy)
                theirs.append(timed(lambda: direct_thumbnail(copy, os.path.join(root, f"direct-{kind}-{rep}.jpg"),
                                                             kind == "video")))
                ours.append(timed(lambda: thumbnail(conn, lib, token, name)))
            o, t = statistics.median(ours), statistics.median(theirs)
            rows.append((f"cold size=256, {kind}", f"{o * 1000:.0f} ms", f"{t * 1000:.0f} ms", f"{o / t:.2f}×"))
        # Cached: the same preview again and again; the small file's download redirect as the reference.
        upload(conn, lib, token, "small.jpg", grid[0])
        th_path = thumbnail(conn, lib, token, "small.jpg")
        status, response, _ = request(conn, "GET", f"/api/v1/file/{lib}/-/small.jpg?access_token={token}")
        dl_location = response.getheader("Location")
        dl_path = dl_location[dl_location.index("/_opensmh/"):]
        base = f"http://127.0.0.1:{PORT}"
        preview_rate = statistics.median(
            wrk_rate(f"{base}/api/v1/file/{lib}/-/small.jpg?preview&size=256&access_token={token}", 5)
            for _ in range(args.reps))
        redirect_rate = statistics.median(
            wrk_rate(f"{base}/api/v1/file/{lib}/-/small.jpg?access_token={token}", 5) for _ in range(args.reps))
        rows.append(("cached preview (302), req/s", f"{preview_rate:.0f}", f"{redirect_rate:.0f} (download 302)",
                     f"{preview_rate / redirect_rate:.2f}×"))
        th_rate = statistics.median(wrk_rate(base + th_path, 5) for _ in range(args.reps))
        dl_rate = statistics.median(wrk_rate(base + dl_path, 5) for _ in range(args.reps))
        rows.append(("cached thumbnail URL, req/s", f"{th_rate:.0f}", f"{dl_rate:.0f} (download URL, "
                     f"{os.path.getsize(grid[0]) >> 10} KiB)", f"{th_rate / dl_rate:.2f}×"))
        # Grid: distinct photos, 4 clients; the engine by hand with 4 processes at a time.
        for index, path in enumerate(grid):
            upload(conn, lib, token, f"grid-{index:03d}.jpg", path)
        conn.close()
        # Each upload queued a background read of its media information; let those finish so that the grid measures
        # thumbnails only (a photo app's first view usually comes later than the upload anyway).
        idle(proc.pid)

        def client(names):
            c = connection(PORT)
            for name in names:
                thumbnail(c, lib, token, name)
            c.close()

        names = [f"grid-{index:03d}.jpg" for index in range(len(grid))]
        ours = timed(lambda: list(concurrent.futures.ThreadPoolExecutor(4).map(client, [names[i::4] for i in range(4)])))
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            theirs = timed(lambda: list(pool.map(
                lambda p: direct_thumbnail(p, p + ".direct.jpg", False), grid)))
        rows.append((f"grid: {len(grid)} photos, 4 clients, thumbs/s", f"{len(grid) / ours:.1f}",
                     f"{len(grid) / theirs:.1f}", f"{theirs / ours:.2f}×"))
        rows.append(("peak server RSS", f"{peak_rss_mib(proc.pid):.0f} MiB", "", ""))
        width = max(len(r[0]) for r in rows)
        print(f"{'scenario':<{width}}  {'OpenSMH':>10}  {'engine by hand':>26}  ratio")
        for r in rows:
            print(f"{r[0]:<{width}}  {r[1]:>10}  {r[2]:>26}  {r[3]}")
    finally:
        if proc:
            proc.terminate()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
