#!/usr/bin/env python3
"""OpenSMH next to nginx on the same machine, in one run: the table of issue 12.

A benchmark, not a test. It starts the release `smh serve` (SQLite by default, or `--database URL`) and an nginx
(Debian's `nginx` + `libnginx-mod-http-dav-ext`: WebDAV PUT and PROPFIND, `sendfile on`) on loopback, then runs
each scenario against both, repetition after repetition (nginx and OpenSMH interleaved, the order alternating), and
prints the medians with their ratios:

  health   `GET /health` (the HTTP stack alone: no database), wrk     vs  nginx GET of a 100 B file
  info     `GET …?info` of one file, wrk with 4 keep-alive connections  vs  nginx GET of a 100 B file
  list     10,000 entries in pages of 1000 (following nextMarker)        vs  one PROPFIND Depth 1
  small    1 MiB files from 4 client processes: begin + PUT + confirm   vs  one PUT each
  multi    1 GiB multipart upload, 8 MiB parts, 2 connections, confirm  vs  one PUT (curl -T)
  confirm  the confirm call alone after that upload
  download 1 GiB: GET + 302 + data plane (curl -L)                      vs  GET
  rss      peak RSS (VmHWM) of both servers over the whole run

A second table gives each server's CPU time (user + system, from /proc) per request, listing, file or GiB: steadier
than the rates on a machine that client and servers share.

    apt-get install nginx libnginx-mod-http-dav-ext wrk curl
    swift build -c release
    scripts/bench/vs_nginx.py .build/release/smh [--database postgres://…] [--reps 5] [--gib 1]

Record the printed table in docs/BENCHMARKS.md with the date and the commit.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

SMH_PORT, NGINX_PORT = 18097, 18098
KEY = "bench-admin-key-0123456789"
MIB = 1 << 20


def connection(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=600)


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response, response.read()


def call_json(method, path, body=None, headers=None, port=SMH_PORT):
    conn = connection(port)
    status, _, data = request(conn, method, path, body, headers)
    conn.close()
    return status, json.loads(data) if data else None


def peak_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def nginx_peak_rss_mib(master_pid):
    """nginx serves from its workers: the largest peak among the master and its children."""
    pids = [master_pid]
    try:
        pids += [int(p) for p in subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True,
                                                 text=True).stdout.split()]
    except OSError:
        pass
    return max(peak_rss_mib(pid) for pid in pids)


def cpu_seconds(pids):
    """User + system CPU time of these processes so far (fields 14 and 15 of /proc/PID/stat)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(target, smh, nginx):
    if target == "smh":
        return [smh.pid]
    children = subprocess.run(["pgrep", "-P", str(nginx.pid)], capture_output=True, text=True).stdout.split()
    return [nginx.pid] + [int(p) for p in children]


def start_nginx(root):
    www = os.path.join(root, "www")
    os.makedirs(www)
    os.makedirs(os.path.join(root, "tmp"))
    for folder in (www, os.path.join(root, "tmp")):
        os.chmod(folder, 0o777)
    conf = os.path.join(root, "nginx.conf")
    module = "/usr/lib/nginx/modules/ngx_http_dav_ext_module.so"
    with open(conf, "w") as out:
        out.write(f"""
load_module {module};
user root root;
worker_processes auto;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_max_body_size 0;
    client_body_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{NGINX_PORT};
        root {www};
        location / {{
            dav_methods PUT DELETE MKCOL;
            dav_ext_methods PROPFIND OPTIONS;
            create_full_put_path on;
        }}
    }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(NGINX_PORT, "/")
    return proc, www


def wait_for(port, path):
    for _ in range(1200):
        try:
            conn = connection(port)
            status, _, _ = request(conn, "GET", path)
            conn.close()
            if status < 500:
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answers on port {port}")


def start_smh(binary, root, database):
    data_dir = os.path.join(root, "smh")
    env = dict(os.environ, SMH_ADMIN_KEY=KEY)
    command = [binary, "serve", "--port", str(SMH_PORT), "--data-dir", data_dir, "--log-level", "warning"]
    if database:
        command += ["--database", database]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, "smh.log"), "w"))
    wait_for(SMH_PORT, "/health")
    return proc


# --- scenarios -------------------------------------------------------------------------------------------------

def wrk_rate(url, seconds):
    out = subprocess.run(["wrk", "-t2", "-c4", f"-d{seconds}s", url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error answers from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def list_smh(s, count):
    conn = connection(SMH_PORT)
    seen, marker = 0, None
    start = time.perf_counter()
    while True:
        query = f"/api/v1/directory/{s['lib']}/-/big?access_token={s['token']}&limit=1000"
        if marker:
            query += f"&marker={urllib.parse.quote(str(marker))}"
        status, _, data = request(conn, "GET", query)
        assert status == 200, data
        # The client does what the PROPFIND side does: count the entries (each has one creationTime), and find the
        # marker; parsing the JSON would time Python's parser.
        seen += data.count(b'"creationTime":')
        found = re.search(rb'"nextMarker":"([^"]*)"', data)
        marker = found.group(1).decode() if found else None
        if not marker:
            break
    elapsed = time.perf_counter() - start
    conn.close()
    assert seen == count, seen
    return elapsed


def list_nginx(count):
    conn = connection(NGINX_PORT)
    start = time.perf_counter()
    status, _, data = request(conn, "PROPFIND", "/big/", headers={"Depth": "1"})
    elapsed = time.perf_counter() - start
    conn.close()
    assert status == 207, status
    assert data.count(b"<D:response>") == count + 1, data.count(b"<D:response>")
    return elapsed


def small_client(args):
    """One client process: `files` uploads of 1 MiB over one keep-alive connection; returns when all are done."""
    target, client, files, rep, lib, token = args
    body = bytearray(os.urandom(MIB))
    conn = connection(SMH_PORT if target == "smh" else NGINX_PORT)
    for n in range(files):
        body[:16] = f"{rep:03d}{client:03d}{n:010d}".encode()
        name = f"r{rep}-c{client}-{n}.bin"
        if target == "nginx":
            status, _, _ = request(conn, "PUT", f"/up/{name}", bytes(body))
            assert status in (201, 204), status
            continue
        status, _, data = request(conn, "PUT", f"/api/v1/file/{lib}/-/up/{name}?filesize={MIB}&access_token={token}")
        assert status == 201, data
        begun = json.loads(data)
        status, _, data = request(conn, "PUT", begun["path"], bytes(body), begun["headers"])
        assert status == 200, data
        status, _, data = request(conn, "POST", f"/api/v1/file/{lib}/-/{begun['confirmKey']}?confirm&access_token={token}")
        assert status == 200, data
    conn.close()


def small_rate(pool, target, s, rep, files):
    start = time.perf_counter()
    pool.map(small_client, [(target, c, files, rep, s.get("lib"), s.get("token")) for c in range(4)])
    return 4 * files / (time.perf_counter() - start)


def multipart_smh(s, size, part_files, rep):
    name = f"big-{rep}.bin"
    start = time.perf_counter()
    status, begun = call_json("POST", f"/api/v1/file/{s['lib']}/-/{name}?multipart&filesize={size}&access_token={s['token']}")
    assert status == 201, (status, begun)
    base = f"http://127.0.0.1:{SMH_PORT}{begun['path']}?uploadId={begun['uploadId']}&partNumber="
    auth = ["-H", f"Authorization: {begun['headers']['Authorization']}"]
    curls = []
    for lane in range(2):
        command = ["curl", "-sS", "-f", *auth]
        for number, path in enumerate(part_files, start=1):
            if number % 2 == lane:
                command += ["-T", path, base + str(number)]
        curls.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
    for curl in curls:
        assert curl.wait() == 0
    confirm_start = time.perf_counter()
    status, confirmed = call_json("POST", f"/api/v1/file/{s['lib']}/-/{begun['confirmKey']}?confirm&access_token={s['token']}")
    end = time.perf_counter()
    assert status == 200, (status, confirmed)
    return size / (end - start), end - confirm_start, name


def multipart_nginx(size, source, rep):
    start = time.perf_counter()
    subprocess.run(["curl", "-sS", "-f", "-T", source, f"http://127.0.0.1:{NGINX_PORT}/big-{rep}.bin"], check=True,
                   stdout=subprocess.DEVNULL)
    return size / (time.perf_counter() - start)


def download(url, size):
    start = time.perf_counter()
    out = subprocess.run(["curl", "-sS", "-f", "-L", "-o", "/dev/null", "-w", "%{size_download}", url], check=True,
                         capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - start
    assert int(out) == size, out
    return size / elapsed


# --- set-up ----------------------------------------------------------------------------------------------------

def prepare_smh(list_count):
    _, library = call_json("POST", "/admin/v1/libraries", b'{"name":"bench"}', {"Authorization": f"Bearer {KEY}"})
    lib, secret = library["libraryId"], library["librarySecret"]
    _, token = call_json("GET", f"/api/v1/token?library_id={lib}&library_secret={secret}&grant=admin")
    s = {"lib": lib, "token": token["accessToken"]}
    q = f"access_token={s['token']}"
    conn = connection(SMH_PORT)
    for directory in ("big", "up"):
        status, _, data = request(conn, "PUT", f"/api/v1/directory/{lib}/-/{directory}?{q}")
        assert status == 201, data
    status, _, data = request(conn, "PUT", f"/api/v1/file/{lib}/-/small.txt?filesize=100&{q}")
    begun = json.loads(data)
    assert request(conn, "PUT", begun["path"], b"x" * 100, begun["headers"])[0] == 200
    assert request(conn, "POST", f"/api/v1/file/{lib}/-/{begun['confirmKey']}?confirm&{q}")[0] == 200
    # The listed directory is filled by batch copies of the small file, 100 per request.
    for first in range(0, list_count, 100):
        items = [{"copyFrom": "small.txt", "to": f"big/file-{i:06d}.txt"} for i in range(first, min(first + 100, list_count))]
        status, _, data = request(conn, "POST", f"/api/v1/batch/{lib}/-?copy&{q}", json.dumps(items).encode(),
                                  {"Content-Type": "application/json"})
        assert status == 200, (status, data[:300])
    conn.close()
    return s


def prepare_nginx(www, list_count):
    with open(os.path.join(www, "small.txt"), "wb") as out:
        out.write(b"x" * 100)
    os.makedirs(os.path.join(www, "big"))
    os.makedirs(os.path.join(www, "up"))
    for i in range(list_count):
        with open(os.path.join(www, "big", f"file-{i:06d}.txt"), "wb") as out:
            out.write(b"x" * 100)
    subprocess.run(["chmod", "-R", "a+rwX", www], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", nargs="?", default=".build/release/smh")
    parser.add_argument("--database", help="postgres://… (default: SQLite in the data folder)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--list-count", type=int, default=10_000)
    parser.add_argument("--small-files", type=int, default=100, help="1 MiB files per client and repetition")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--only", default="health,info,list,small,multi,download", help="comma-separated scenarios")
    parser.add_argument("--json", help="also write the raw figures here")
    options = parser.parse_args()
    for tool in ("nginx", "wrk", "curl"):
        if not shutil.which(tool):
            raise SystemExit(f"needs {tool}: apt-get install nginx libnginx-mod-http-dav-ext wrk curl")
    only = set(options.only.split(","))

    root = tempfile.mkdtemp(prefix="smh-vs-nginx-", dir=os.environ.get("SMH_BENCH_DIR"))
    size = int(options.gib * 1024) * MIB
    nginx = smh = None
    raw = {k: {"smh": [], "nginx": []} for k in ("health", "info", "list", "small", "multi", "download")}
    raw["confirm"] = {"smh": []}
    # Server CPU seconds per unit of work (a request, a listing, a file, a GiB), beside each rate: on two shared
    # cores the rates move ±15 % run to run, the CPU a server spends on the same work much less.
    cpu = {k: {"smh": [], "nginx": []} for k in raw if k != "confirm"}
    try:
        nginx, www = start_nginx(os.path.join(root, "nginx"))
        smh = start_smh(options.binary, root, options.database)
        s = prepare_smh(options.list_count)
        prepare_nginx(www, options.list_count)
        part_files = []
        if only & {"multi", "download"}:
            source = os.path.join(root, "source.bin")
            with open(source, "wb") as out:  # random, so nothing compresses or deduplicates
                subprocess.run(["head", "-c", str(size), "/dev/urandom"], stdout=out, check=True)
            parts_dir = os.path.join(root, "parts")
            os.makedirs(parts_dir)
            subprocess.run(["split", "-b", "8M", "-d", "-a", "5", source, os.path.join(parts_dir, "p")], check=True)
            part_files = [os.path.join(parts_dir, p) for p in sorted(os.listdir(parts_dir))]
        info_smh = f"http://127.0.0.1:{SMH_PORT}/api/v1/file/{s['lib']}/-/small.txt?info&access_token={s['token']}"
        info_nginx = f"http://127.0.0.1:{NGINX_PORT}/small.txt"
        pool = multiprocessing.Pool(4)
        for rep in range(options.reps):
            order = ("nginx", "smh") if rep % 2 == 0 else ("smh", "nginx")
            print(f"repetition {rep + 1}/{options.reps}", file=sys.stderr)
            for target in order:
                pids = server_pids(target, smh, nginx)

                def measured(scenario, run, units):
                    before = cpu_seconds(pids)
                    value = run()
                    cpu[scenario][target].append((cpu_seconds(pids) - before) / units(value))
                    raw[scenario][target].append(value)
                    return value

                if "health" in only:
                    measured("health", lambda: wrk_rate(f"http://127.0.0.1:{SMH_PORT}/health" if target == "smh"
                                                        else info_nginx, options.wrk_seconds),
                             lambda rate: rate * options.wrk_seconds)
                if "info" in only:
                    measured("info", lambda: wrk_rate(info_smh if target == "smh" else info_nginx, options.wrk_seconds),
                             lambda rate: rate * options.wrk_seconds)
                if "list" in only:
                    measured("list", lambda: list_smh(s, options.list_count) if target == "smh"
                             else list_nginx(options.list_count), lambda _: 1)
                if "small" in only:
                    measured("small", lambda: small_rate(pool, target, s, rep, options.small_files),
                             lambda _: 4 * options.small_files)
                if only & {"multi", "download"}:
                    if target == "smh":
                        outcome = {}

                        def upload():
                            rate, outcome["confirm"], outcome["name"] = multipart_smh(s, size, part_files, rep)
                            return rate

                        measured("multi", upload, lambda _: size / (1 << 30))
                        raw["confirm"]["smh"].append(outcome["confirm"])
                        url = f"http://127.0.0.1:{SMH_PORT}/api/v1/file/{s['lib']}/-/{outcome['name']}?access_token={s['token']}"
                    else:
                        measured("multi", lambda: multipart_nginx(size, source, rep), lambda _: size / (1 << 30))
                        url = f"http://127.0.0.1:{NGINX_PORT}/big-{rep}.bin"
                    measured("download", lambda: download(url, size), lambda _: size / (1 << 30))
            if only & {"multi", "download"}:
                os.remove(os.path.join(www, f"big-{rep}.bin"))
                status, _ = call_json("DELETE", f"/api/v1/file/{s['lib']}/-/big-{rep}.bin?permanent=1&access_token={s['token']}")
                assert status == 204, status
        pool.close()
        rss = {"smh": peak_rss_mib(smh.pid), "nginx": nginx_peak_rss_mib(nginx.pid)}
    finally:
        for proc in (smh, nginx):
            if proc:
                proc.terminate()
                proc.wait()
        shutil.rmtree(root, ignore_errors=True)

    med = {k: {t: statistics.median(v) for t, v in sides.items() if v} for k, sides in raw.items()}
    rows = []
    if med.get("health"):
        a, b = med["health"]["smh"], med["health"]["nginx"]
        rows.append(("reference: `GET /health` (HTTP stack, no database) vs GET of 100 B", f"{a:,.0f} req/s", f"{b:,.0f} req/s", f"{a / b:.2f}×", "—"))
    if "info" in med and med["info"]:
        a, b = med["info"]["smh"], med["info"]["nginx"]
        rows.append(("`GET …?info`, 4 connections (vs GET of 100 B)", f"{a:,.0f} req/s", f"{b:,.0f} req/s", f"{a / b:.2f}×", "≥ 0.3×"))
    if med.get("list"):
        a, b = med["list"]["smh"] * 1000, med["list"]["nginx"] * 1000
        rows.append((f"list {options.list_count:,} entries, pages of 1000 (vs PROPFIND Depth 1)", f"{a:,.0f} ms", f"{b:,.0f} ms", f"{a / b:.1f}× the time", "≤ 2×"))
    if med.get("small"):
        a, b = med["small"]["smh"], med["small"]["nginx"]
        rows.append(("1 MiB files, 4 clients, begin + PUT + confirm (vs PUT)", f"{a:,.0f} files/s", f"{b:,.0f} files/s", f"{a / b:.2f}×", "≥ 0.7×"))
    if med.get("multi"):
        a, b = med["multi"]["smh"] / 1e6, med["multi"]["nginx"] / 1e6
        rows.append((f"{options.gib:g} GiB multipart, 8 MiB parts, 2 in parallel, + confirm (vs PUT)", f"{a:,.0f} MB/s", f"{b:,.0f} MB/s", f"{a / b:.2f}×", "≥ 0.8×"))
        rows.append(("confirm call alone after that upload", f"{med['confirm']['smh'] * 1000:,.0f} ms", "—", "—", "< 100 ms"))
    if med.get("download"):
        a, b = med["download"]["smh"] / 1e9, med["download"]["nginx"] / 1e9
        rows.append((f"{options.gib:g} GiB download: GET + 302 + data plane (vs GET)", f"{a:.2f} GB/s", f"{b:.2f} GB/s", f"{a / b:.2f}×", "≥ 0.9×"))
    rows.append(("peak server RSS over the run", f"{rss['smh']:.0f} MiB", f"{rss['nginx']:.0f} MiB", "—", "< 150 MiB"))
    backend = "PostgreSQL" if options.database else "SQLite"
    print(f"\nOpenSMH ({backend}) vs nginx, medians of {options.reps} interleaved repetitions\n")
    print("| scenario | OpenSMH | nginx | ratio | goal |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    units = {"health": ("request", 1e6, "µs"), "info": ("request", 1e6, "µs"), "list": ("listing", 1e3, "ms"),
             "small": ("file", 1e3, "ms"), "multi": ("GiB", 1, "s"), "download": ("GiB", 1, "s")}
    print("\nServer CPU (user + system) per unit of work, medians\n")
    print("| scenario | OpenSMH | nginx | ratio |")
    print("|---|---|---|---|")
    for scenario, (unit, scale, suffix) in units.items():
        sides = {t: statistics.median(v) for t, v in cpu[scenario].items() if v}
        if len(sides) == 2 and sides["nginx"] > 0:
            a, b = sides["smh"] * scale, sides["nginx"] * scale
            print(f"| {scenario} (per {unit}) | {a:,.2f} {suffix} | {b:,.2f} {suffix} | {a / b:.1f}× |")
    if options.json:
        with open(options.json, "w") as out:
            json.dump({"raw": raw, "cpu": cpu, "rss": rss}, out, indent=1)


if __name__ == "__main__":
    main()
