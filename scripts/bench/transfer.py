#!/usr/bin/env python3
"""Upload and download throughput of OpenSMH next to nginx, measured in the same run on the same disk.

A benchmark, not a test (issue 5): a file of N GiB (default 1) is

  * PUT to nginx (Debian's package, DAV module, started here on loopback) and GET back;
  * uploaded to `smh serve` as a multipart upload (begin, 8 MiB parts over one keep-alive connection, confirm)
    and downloaded through the signed URL of the 302.

curl moves the bytes on both sides, so the client costs the same. Printed: seconds and MiB/s of each transfer, the
OpenSMH/nginx ratio, confirm time, and the peak RSS of the smh process (VmHWM). Record the figures in
docs/BENCHMARKS.md.

    scripts/bench/transfer.py .build-release/release/smh [GiB] [part MiB]

The blob store is the server's default (the data folder) unless the environment names another: with
`SMH_BLOB_STORE=s3://bench SMH_S3_ENDPOINT=http://127.0.0.1:5055 AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…` the
same run measures OpenSMH on S3 (against moto_server, that is our overhead plus moto's, not S3's speed).
"""
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build-release/release/smh"
GIB = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
PART_MIB = int(sys.argv[3]) if len(sys.argv) > 3 else 8
SMH_PORT, NGINX_PORT = 18095, 18096
KEY = "bench-admin-key-0123456789"
MIB = 1 << 20


def call(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", SMH_PORT, timeout=600)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def call_json(method, path, body=None, headers=None):
    status, headers, data = call(method, path, body, headers)
    return status, json.loads(data) if data else None


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def make_file(path, size):
    """Random bytes (incompressible, no dedup) written in 8 MiB blocks; returns the SHA-256."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        left = size
        while left:
            block = os.urandom(min(8 * MIB, left))
            digest.update(block)
            out.write(block)
            left -= len(block)
    return digest.hexdigest()


def start_nginx(root):
    www = os.path.join(root, "www")
    os.makedirs(www)
    os.makedirs(os.path.join(root, "tmp"))
    os.chmod(www, 0o777)
    os.chmod(os.path.join(root, "tmp"), 0o777)
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as out:
        out.write(f"""
user root root;
worker_processes 2;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    client_max_body_size 0;
    client_body_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{NGINX_PORT};
        root {www};
        location / {{ dav_methods PUT; create_full_put_path on; }}
    }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc


def main():
    if not shutil.which("nginx") or not shutil.which("curl"):
        raise SystemExit("needs nginx (with its DAV module) and curl: apt-get install nginx curl")
    size = int(GIB * 1024) * MIB
    root = tempfile.mkdtemp(prefix="smh-bench-transfer-", dir=os.environ.get("SMH_BENCH_DIR"))
    source = os.path.join(root, "source.bin")
    sha = make_file(source, size)
    parts_dir = os.path.join(root, "parts")
    os.makedirs(parts_dir)
    subprocess.run(["split", "-b", f"{PART_MIB}M", "-d", "-a", "5", source, os.path.join(parts_dir, "p")], check=True)
    part_files = sorted(os.listdir(parts_dir))
    results = {"size_mib": size // MIB, "part_mib": PART_MIB, "parts": len(part_files),
               "blob_store": os.environ.get("SMH_BLOB_STORE", "file")}

    nginx = start_nginx(os.path.join(root, "nginx"))
    try:
        url = f"http://127.0.0.1:{NGINX_PORT}/file.bin"
        results["nginx_put_s"] = timed(["curl", "-sS", "-f", "-T", source, url])
        results["nginx_get_s"] = timed(["curl", "-sS", "-f", "-o", "/dev/null", url])
    finally:
        nginx.terminate()
        nginx.wait()

    data_dir = os.path.join(root, "smh")
    env = dict(os.environ, SMH_ADMIN_KEY=KEY)
    smh = subprocess.Popen([BINARY, "serve", "--port", str(SMH_PORT), "--data-dir", data_dir, "--log-level", "warning"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                if call("GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        _, library = call_json("POST", "/admin/v1/libraries", b'{"name":"bench"}', {"Authorization": f"Bearer {KEY}"})
        lib, secret = library["libraryId"], library["librarySecret"]
        _, token = call_json("GET", f"/api/v1/token?library_id={lib}&library_secret={secret}&grant=admin")
        token = token["accessToken"]

        start = time.perf_counter()
        status, begun = call_json("POST", f"/api/v1/file/{lib}/-/file.bin?multipart&filesize={size}&access_token={token}")
        assert status == 201, (status, begun)
        base = f"http://127.0.0.1:{SMH_PORT}{begun['path']}?uploadId={begun['uploadId']}&partNumber="
        command = ["curl", "-sS", "-f", "-H", f"Authorization: {begun['headers']['Authorization']}"]
        for number, name in enumerate(part_files, start=1):
            command += ["-T", os.path.join(parts_dir, name), base + str(number)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        confirm_start = time.perf_counter()
        status, confirmed = call_json("POST", f"/api/v1/file/{lib}/-/{begun['confirmKey']}?confirm&access_token={token}")
        end = time.perf_counter()
        assert status == 200, (status, confirmed)
        results["smh_upload_s"] = end - start
        results["smh_confirm_s"] = end - confirm_start

        status, headers, _ = call("GET", f"/api/v1/file/{lib}/-/file.bin?access_token={token}")
        assert status == 302, status
        location = headers.get("Location") or headers.get("location")
        location = urllib.parse.urlsplit(location)
        download = f"http://127.0.0.1:{SMH_PORT}{location.path}"
        target = os.path.join(root, "downloaded.bin")
        results["smh_get_s"] = timed(["curl", "-sS", "-f", "-o", "/dev/null", download])
        subprocess.run(["curl", "-sS", "-f", "-o", target, download], check=True)
        with open(target, "rb") as downloaded:
            results["byte_exact"] = hashlib.file_digest(downloaded, "sha256").hexdigest() == sha
        os.remove(target)
        results["smh_peak_rss_mib"] = round(peak_rss_mib(smh.pid), 1)
    finally:
        smh.terminate()
        smh.wait()
    shutil.rmtree(root)

    mib = size / MIB
    for key in ["nginx_put", "nginx_get", "smh_upload", "smh_get"]:
        results[key + "_mib_s"] = round(mib / results[key + "_s"], 1)
        results[key + "_s"] = round(results[key + "_s"], 3)
    results["smh_confirm_s"] = round(results["smh_confirm_s"], 4)
    results["upload_ratio_smh_vs_nginx"] = round(results["smh_upload_mib_s"] / results["nginx_put_mib_s"], 2)
    results["download_ratio_smh_vs_nginx"] = round(results["smh_get_mib_s"] / results["nginx_get_mib_s"], 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
