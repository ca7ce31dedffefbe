#!/usr/bin/env python3
"""End-to-end smoke test of the built `smh` binary, run by scripts/test after the Swift suites.

Checks what only a real process shows: the first start generates and prints an admin key, /health answers,
the CLI and the server share the data folder, a restart on the same folder keeps the data (migrations run
twice), and SIGTERM stops the server gracefully with exit status 0.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/smh"
PORT = int(os.environ.get("SMH_SMOKE_PORT", "18093"))
passed = failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def request(method, path, body=None, key=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data) if data else None


def start(data_dir, env=None):
    out = open(os.path.join(os.path.dirname(data_dir), "serve.log"), "ab")
    proc = subprocess.Popen([BINARY, "serve", "--port", str(PORT), "--data-dir", data_dir],
                            stdout=subprocess.PIPE, stderr=out, env=env or dict(os.environ))
    if healthy_within(30):
        return proc
    proc.kill()
    raise SystemExit("server did not answer /health within 30 s")


def healthy_within(seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if request("GET", "/health")[0] == 200:
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        return None


def slow_download(target, results):
    """Follows the 302 and reads the data plane at about 4 MiB/s through a small receive buffer."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 10)
    conn.sock.settimeout(30)
    conn.sock.connect(("127.0.0.1", PORT))
    conn.request("GET", target)
    response = conn.getresponse()
    location = response.getheader("Location", "")
    response.read()
    conn.request("GET", location[location.index("/_opensmh/"):] if "/_opensmh/" in location else target)
    response = conn.getresponse()
    chunks = []
    while True:
        chunk = response.read(256 << 10)
        if not chunk:
            break
        chunks.append(chunk)
        time.sleep(0.0625)
    results["download"] = b"".join(chunks) if response.status == 200 else response.status


def slow_upload(begun, blob, results):
    """Sends the bytes to the data plane in 16 pieces over about 2 s."""
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    head = (f"PUT {begun['path']} HTTP/1.1\r\nHost: x\r\nAuthorization: {begun['headers']['Authorization']}\r\n"
            f"Content-Length: {len(blob)}\r\n\r\n")
    sock.sendall(head.encode())
    step = len(blob) // 16
    for offset in range(0, len(blob), step):
        sock.sendall(blob[offset:offset + step])
        time.sleep(0.125)
    answer = sock.recv(256).decode(errors="replace")
    sock.close()
    results["upload"] = int(answer.split()[1]) if answer.startswith("HTTP/1.1") else answer


def cli(data_dir, *args):
    result = subprocess.run([BINARY, "library", *args, "--data-dir", data_dir], capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def main():
    root = tempfile.mkdtemp(prefix="smh-smoke-")
    data_dir = os.path.join(root, "data")
    env = {k: v for k, v in os.environ.items() if k != "SMH_ADMIN_KEY"}
    try:
        proc = start(data_dir, env)
        status, body = request("GET", "/health")
        check(status == 200 and body == {"status": "ok"}, "/health answers 200 {status: ok}")
        status, _ = request("GET", "/admin/v1/libraries")
        check(status == 401, "admin API without a key answers 401")
        code = stop(proc)
        check(code == 0, f"SIGTERM stops the server with status 0 (got {code})")
        printed = proc.stdout.read().decode()
        match = re.search(r"SMH_ADMIN_KEY=(\S+)", printed)
        check(match is not None, "the first start prints the generated admin key")
        key = match.group(1) if match else ""

        code, out, err = cli(data_dir, "create", "--name", "smoke", "--type", "media")
        check(code == 0, f"smh library create exits 0 ({err.strip()})")
        created = json.loads(out) if code == 0 else {}
        library_id = created.get("libraryId", "")
        check(library_id.startswith("smh") and "librarySecret" in created, "create prints the id and the secret once")
        code, _, err = cli(data_dir, "create", "--name", "bad", "--settings", '{"fileHistoryCount": 0}')
        check(code != 0 and "InvalidFileHistoryCount" in err, "the CLI refuses out-of-range settings with the code")

        proc = start(data_dir, env)  # second start on the same data: migrations already applied
        status, body = request("GET", f"/admin/v1/libraries/{library_id}", key=key)
        check(status == 200 and body.get("name") == "smoke", "the server sees the library the CLI created")
        status, body = request("PATCH", f"/admin/v1/libraries/{library_id}", body='{"remark":"via http"}', key=key)
        check(status == 200, "the generated key keeps working after a restart")
        code, out, _ = cli(data_dir, "show", library_id)
        check(code == 0 and json.loads(out).get("remark") == "via http", "the CLI sees what the server changed")
        # A search task is stored: after a restart (as on another instance) S2 continues it.
        status, found = request("POST", "/admin/v1/libraries", body='{"name":"find"}', key=key)
        check(status == 201, "create a library for the search check")
        status, token = request("GET", f"/api/v1/token?library_id={found['libraryId']}"
                                       f"&library_secret={found['librarySecret']}&grant=admin")
        token = token.get("accessToken", "")
        base = f"/api/v1/search/{found['libraryId']}/-"
        for index in range(25):
            request("PUT", f"/api/v1/directory/{found['libraryId']}/-/album-{index:02d}?access_token={token}")
        status, first = request("POST", f"{base}/space-contents?access_token={token}", body='{"keyword":"ALBUM"}')
        check(status == 200 and len(first.get("contents", [])) == 20 and first.get("nextMarker") == 20,
              f"S1 finds the first 20 of 25 albums ({status})")
        # SIGTERM lets a slow download and a slow upload that are under way finish, then exits 0.
        library, space = found["libraryId"], "-"
        blob = os.urandom(16 << 20)
        status, begun = request("PUT", f"/api/v1/file/{library}/{space}/slow.bin?filesize={len(blob)}&access_token={token}")
        auth = {"Authorization": begun["headers"]["Authorization"], "Content-Length": str(len(blob))}
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        conn.request("PUT", begun["path"], body=blob, headers=auth)
        check(conn.getresponse().status == 200, "upload the file the slow download reads")
        conn.close()
        request("POST", f"/api/v1/file/{library}/{space}/{begun['confirmKey']}?confirm&access_token={token}")
        status, late = request("PUT", f"/api/v1/file/{library}/{space}/late.bin?filesize={len(blob)}&access_token={token}")
        results = {}
        downloader = threading.Thread(target=slow_download, args=(
            f"/api/v1/file/{library}/{space}/slow.bin?access_token={token}", results))
        downloader.start()
        uploader = threading.Thread(target=slow_upload, args=(late, blob, results))
        uploader.start()
        time.sleep(0.6)
        code = stop(proc)
        uploader.join(30)
        downloader.join(30)
        check(code == 0 and results.get("download") == blob,
              f"a download under way when SIGTERM comes finishes intact ({code}, "
              f"{len(results.get('download') or b'') if isinstance(results.get('download'), bytes) else results.get('download')}"
              f" of {len(blob)} bytes)")
        check(results.get("upload") == 200, f"an upload under way when SIGTERM comes finishes ({results.get('upload')})")
        log = open(os.path.join(root, "serve.log")).read()
        check("shutting down" in log and "stopped" in log, "the log says when the stop begins and ends")
        proc = start(data_dir, env)
        status, _ = request("POST", f"/api/v1/file/{library}/{space}/{late['confirmKey']}?confirm&access_token={token}")
        check(status == 200, f"the upload finished during the stop confirms after the restart ({status})")
        status, more = request("GET", f"{base}/{first.get('searchId')}?marker=20&access_token={token}")
        names = [item.get("name") for item in more.get("contents", [])] if status == 200 else []
        check(names == [f"album-{index:02d}" for index in range(20, 25)] and more.get("hasMore") is False,
              f"S2 continues the search after a restart ({status} {names})")
        # A large PUT with `Expect: 100-continue` (curl, libcurl) gets the interim 100 before sending its body.
        probe = socket.create_connection(("127.0.0.1", PORT), timeout=2)
        probe.sendall(b"PUT /_opensmh/up/abcdefghijklmnopqrstuvwxyz012345 HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        try:
            interim = probe.recv(64)
        except socket.timeout:
            interim = b""
        check(interim.startswith(b"HTTP/1.1 100 Continue"), f"Expect: 100-continue is answered at once ({interim!r})")
        probe.close()
        code, _, _ = cli(data_dir, "rotate-secret", library_id)
        check(code == 0, "rotate-secret works while the server runs")
        result = subprocess.run([BINARY, "fsck", "--data-dir", data_dir], capture_output=True, text=True)
        check(result.returncode == 0 and "fsck: clean" in result.stdout,
              f"smh fsck on the live data is clean ({result.stdout.strip()} {result.stderr.strip()[-200:]})")
        # Bytes under an address without a record (a crash between a blob's commit and its record) are found, and
        # deleted by --repair, once older than the grace period.
        orphan = "ab" + "0" * 62
        os.makedirs(os.path.join(data_dir, "blobs", "ab", "00"), exist_ok=True)
        with open(os.path.join(data_dir, "blobs", "ab", "00", orphan), "wb") as handle:
            handle.write(b"orphaned bytes")
        fsck = [BINARY, "fsck", "--data-dir", data_dir]
        result = subprocess.run(fsck, capture_output=True, text=True)
        check(result.returncode == 0 and "fsck: clean" in result.stdout, "a fresh orphan is within the grace period")
        result = subprocess.run(fsck + ["--orphan-grace-minutes", "0"], capture_output=True, text=True)
        check(result.returncode == 1 and f"blob {orphan}: bytes on disk without a record" in result.stdout,
              f"fsck reports orphaned bytes ({result.stdout.strip()[-200:]})")
        result = subprocess.run(fsck + ["--orphan-grace-minutes", "0", "--repair"], capture_output=True, text=True)
        check(result.returncode == 0 and "deleted 1 orphaned blobs" in result.stdout
              and not os.path.exists(os.path.join(data_dir, "blobs", "ab", "00", orphan)),
              f"fsck --repair deletes them ({result.stdout.strip()[-200:]})")
        # Renditions of a content that no longer exists (a crash between a blob's removal and theirs) are strays.
        stray = "cd" + "0" * 62
        stray_dir = os.path.join(data_dir, "renditions", "cd", "00", stray)
        os.makedirs(stray_dir, exist_ok=True)
        with open(os.path.join(stray_dir, "s256.jpg"), "wb") as handle:
            handle.write(b"\xff\xd8 a thumbnail of nothing")
        result = subprocess.run(fsck, capture_output=True, text=True)
        check(result.returncode == 1 and f"renditions of {stray}: the content is gone" in result.stdout,
              f"fsck reports stray renditions ({result.stdout.strip()[-200:]})")
        result = subprocess.run(fsck + ["--repair"], capture_output=True, text=True)
        check(result.returncode == 0 and "deleted the renditions of 1 contents" in result.stdout
              and not os.path.exists(stray_dir), f"fsck --repair deletes them ({result.stdout.strip()[-200:]})")
        code, _, _ = cli(data_dir, "delete", library_id)
        check(code == 0, "delete an empty library")
        status, _ = request("GET", f"/admin/v1/libraries/{library_id}", key=key)
        check(status == 404, "the deleted library is gone for the server too")
        check(stop(proc) == 0, "the last SIGTERM stops with status 0")

        # Usage errors: one line naming the flag, exit status 64 (EX_USAGE), nothing started.
        for flags, needle in [(["--port", "99999"], "--port"), (["--port", "0"], "--port"),
                              (["--public-url", "media.example.com"], "--public-url"),
                              (["--blob-store", "s3://Bad_Bucket"], "--blob-store")]:
            result = subprocess.run([BINARY, "serve", "--data-dir", os.path.join(root, "never")] + flags,
                                    capture_output=True, text=True, timeout=30)
            first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
            check(result.returncode == 64 and needle in first, f"serve {' '.join(flags)} exits 64: {first!r}")
        check(not os.path.exists(os.path.join(root, "never")), "a usage error creates no data folder")
        # Environment variables configure what flags do; a flag wins over its variable.
        env_data = os.path.join(root, "from-env")
        env_log = os.path.join(root, "env-serve.log")
        proc = subprocess.Popen([BINARY, "serve"], stdout=subprocess.DEVNULL, stderr=open(env_log, "wb"),
                                env=dict(os.environ, SMH_PORT=str(PORT), SMH_DATA_DIR=env_data, SMH_NO_PREVIEWS="1",
                                         SMH_ADMIN_KEY="env-admin-key-0123456789", SMH_LOG_FORMAT="json",
                                         SMH_METRICS_TOKEN="metrics-token-0123456789"))
        up = healthy_within(30)
        status, _ = request("GET", "/admin/v1/libraries", key="env-admin-key-0123456789")
        check(up and status == 200 and os.path.exists(os.path.join(env_data, "smh.sqlite")),
              "SMH_PORT, SMH_DATA_DIR, SMH_ADMIN_KEY configure a server without flags")
        request("GET", "/api/v1/space/x?b?access_token=acctkLEAKED")
        check(request("GET", "/metrics")[0] == 401, "SMH_METRICS_TOKEN guards /metrics")
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
        conn.request("GET", "/metrics", headers={"Authorization": "Bearer metrics-token-0123456789"})
        answer = conn.getresponse()
        exposition = answer.read().decode()
        conn.close()
        check(answer.status == 200 and 'smh_http_requests_total{group="admin",method="GET",status="2xx"} 1' in exposition
              and "LEAKED" not in exposition, "/metrics counts the requests made (Prometheus text)")
        # README's first steps, run verbatim against this server.
        readme = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")).read()
        block = re.search(r"<!-- first-steps:begin -->\s*```sh\n(.*?)```\s*<!-- first-steps:end -->", readme, re.S)
        steps_dir = os.path.join(root, "first-steps")
        os.makedirs(steps_dir)
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", block.group(1) if block else "exit 9"],
                                cwd=steps_dir, capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, SMH=f"http://127.0.0.1:{PORT}",
                                         ADMIN_KEY="env-admin-key-0123456789"))
        check(result.returncode == 0 and result.stdout.endswith("hello.txt\nhello, OpenSMH\n")
              and '"confirmKey"' not in result.stdout and result.stderr == "",
              f"README's first steps work verbatim ({result.returncode}: {result.stdout[-300:]!r} {result.stderr[-300:]!r})")
        # README's online backup: a snapshot of the database, then the blobs.
        backup = os.path.join(root, "backup")
        os.makedirs(backup)
        result = subprocess.run(["sqlite3", os.path.join(env_data, "smh.sqlite"),
                                 f"VACUUM INTO '{os.path.join(backup, 'smh.sqlite')}'"], capture_output=True, text=True)
        shutil.copytree(os.path.join(env_data, "blobs"), os.path.join(backup, "blobs"))
        check(result.returncode == 0, f"VACUUM INTO backs up the running server's database ({result.stderr.strip()})")
        check(stop(proc) == 0, "the server configured by environment stops with status 0")
        lines = [json.loads(line) for line in open(env_log) if line.startswith("{")]
        requests = [line for line in lines if line.get("message") == "request"]
        admin = [line for line in requests if line.get("target") == "/admin/v1/libraries" and line.get("method") == "GET"]
        check(len(lines) > 0 and all(line.get("time") and line.get("level") for line in lines)
              and len(admin) == 1 and admin[0].get("status") == "200" and int(admin[0].get("bytes", "0")) > 0
              and float(admin[0].get("ms", "-1")) >= 0 and admin[0].get("request_id")
              and not any("hb.request.id" in line for line in lines),
              "--log-format json (SMH_LOG_FORMAT): one JSON object per line, one request id, bytes and ms")
        check("LEAKED" not in open(env_log).read(), "a token after a second ? is redacted in the log")
        # ... and its restore: fsck is clean, the file downloads from a server started on the copy.
        result = subprocess.run([BINARY, "fsck", "--data-dir", backup], capture_output=True, text=True, timeout=60)
        check(result.returncode == 0 and "fsck: clean" in result.stdout, f"fsck of the restored backup ({result.stdout})")
        proc = start(backup, dict(env, SMH_ADMIN_KEY="env-admin-key-0123456789"))
        library = json.load(open(os.path.join(steps_dir, "library.json")))
        status, token = request("GET", f"/api/v1/token?library_id={library['libraryId']}"
                                       f"&library_secret={library['librarySecret']}")
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
        conn.request("GET", f"/api/v1/file/{library['libraryId']}/-/holidays/hello.txt?access_token={token['accessToken']}")
        location = conn.getresponse().getheader("Location", "")
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
        conn.request("GET", location[location.find("/_opensmh/"):])
        restored = conn.getresponse().read()
        conn.close()
        check(restored == b"hello, OpenSMH\n", f"the restored backup serves the file ({restored[:80]!r})")
        check(stop(proc) == 0, "the server on the restored backup stops with status 0")
        result = subprocess.run([BINARY, "serve", "--data-dir", os.path.join(root, "never")], capture_output=True,
                                text=True, timeout=30, env=dict(os.environ, SMH_PORT="99999"))
        check(result.returncode == 64 and "--port" in result.stderr, "SMH_PORT=99999 is refused like --port 99999")
        started = time.time()
        result = subprocess.run([BINARY, "serve", "--data-dir", os.path.join(root, "nodb"), "--startup-timeout", "3",
                                 "--admin-key", "unreachable-admin-key-0123", "--port", str(PORT),
                                 "--database", "postgres://smh:x@127.0.0.1:1/none"],
                                capture_output=True, text=True, timeout=60)
        check(result.returncode != 0 and "could not be reached within 3 s" in result.stderr
              and time.time() - started < 20, "an unreachable database stops start-up after --startup-timeout")
        # HTTPS served directly, with a self-signed pair made here; data-plane URLs then say https.
        cert, key_file = os.path.join(root, "tls.pem"), os.path.join(root, "tls.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-keyout", key_file, "-out", cert], capture_output=True, check=True)
        tls_log = os.path.join(root, "tls-serve.log")
        proc = subprocess.Popen([BINARY, "serve", "--port", str(PORT), "--data-dir", os.path.join(root, "tls"),
                                 "--tls-cert", cert, "--tls-key", key_file, "--admin-key", "tls-admin-key-0123456789"],
                                stdout=subprocess.DEVNULL, stderr=open(tls_log, "wb"))
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        deadline, health = time.time() + 30, None
        while time.time() < deadline and health is None:
            try:
                conn = http.client.HTTPSConnection("127.0.0.1", PORT, timeout=5, context=context)
                conn.request("GET", "/health")
                health = conn.getresponse().status
                conn.close()
            except OSError:
                time.sleep(0.1)
        conn = http.client.HTTPSConnection("127.0.0.1", PORT, timeout=5, context=context)
        conn.request("POST", "/admin/v1/libraries", body='{"name":"tls"}',
                     headers={"Authorization": "Bearer tls-admin-key-0123456789"})
        created = json.loads(conn.getresponse().read())
        conn.request("GET", f"/api/v1/token?library_id={created['libraryId']}&library_secret={created['librarySecret']}"
                            "&grant=admin")
        tls_token = json.loads(conn.getresponse().read()).get("accessToken")
        conn.request("PUT", f"/api/v1/file/{created['libraryId']}/-/a.txt?access_token={tls_token}")
        begun = json.loads(conn.getresponse().read())
        conn.request("PUT", begun.get("path", "/"), body=b"secure",
                     headers={"Authorization": begun.get("headers", {}).get("Authorization", "")})
        conn.getresponse().read()
        conn.request("POST", f"/api/v1/file/{created['libraryId']}/-/{begun.get('confirmKey')}?confirm"
                             f"&access_token={tls_token}")
        conn.getresponse().read()
        conn.request("GET", f"/api/v1/file/{created['libraryId']}/-/a.txt?access_token={tls_token}")
        location = conn.getresponse().getheader("Location", "")
        conn.close()
        check(location.startswith(f"https://127.0.0.1:{PORT}/_opensmh/dl/"),
              f"over TLS, data-plane URLs say https ({location[:60]})")
        plain = None
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/health")
            plain = conn.getresponse().status
        except (OSError, http.client.HTTPException):
            pass
        check(health == 200 and begun.get("path", "").startswith("/_opensmh/up/") and plain is None,
              f"--tls-cert/--tls-key serve HTTPS, and only HTTPS ({health}, {plain})")
        check(stop(proc) == 0, "the HTTPS server stops with status 0")
        for flags, needle in [(["--tls-cert", cert], "--tls-cert and --tls-key"),
                              (["--tls-cert", key_file, "--tls-key", key_file], "--tls-cert"),
                              (["--tls-cert", cert, "--tls-key", cert], "--tls-key")]:
            result = subprocess.run([BINARY, "serve", "--data-dir", os.path.join(root, "never")] + flags,
                                    capture_output=True, text=True, timeout=30)
            first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
            check(result.returncode == 64 and needle in first, f"serve {' '.join(flags[::2])} exits 64: {first!r}")
        # A config file; precedence flag > SMH_* variable > file > default.
        config = os.path.join(root, "smh.toml")
        with open(config, "w") as handle:
            handle.write('# OpenSMH\nport = 9\ndata_dir = "%s"  # underscores work too\n'
                         'admin-key = "file-admin-key-0123456789"\nno-previews = true\nlog-format = "json"\n'
                         % os.path.join(root, "from-file"))
        config_log = os.path.join(root, "config-serve.log")
        proc = subprocess.Popen([BINARY, "serve", "--config", config, "--log-format", "text"],
                                stdout=subprocess.DEVNULL, stderr=open(config_log, "wb"),
                                env=dict({k: v for k, v in env.items() if not k.startswith("SMH_")}, SMH_PORT=str(PORT)))
        up = healthy_within(30)
        status, _ = request("GET", "/admin/v1/libraries", key="file-admin-key-0123456789")
        check(up and status == 200 and os.path.exists(os.path.join(root, "from-file", "smh.sqlite")),
              "--config sets the data folder and admin key; SMH_PORT wins over the file's port")
        check(stop(proc) == 0 and not open(config_log).read().lstrip().startswith("{"),
              "a flag wins over the config file (--log-format text)")
        for name, text, needle in [("bad.toml", "prot = 8080\n", "'prot' is not a setting"),
                                   ("bad2.toml", "port = [1]\n", "line 1"),
                                   ("bad.json", '{"no-previews": "yes"}', "takes true or false")]:
            with open(os.path.join(root, name), "w") as handle:
                handle.write(text)
            result = subprocess.run([BINARY, "serve", "--config", os.path.join(root, name)], capture_output=True,
                                    text=True, timeout=30)
            check(result.returncode == 64 and needle in result.stderr and len(result.stderr.strip().splitlines()) == 1,
                  f"{name} is refused with one line and status 64 ({result.returncode}: {result.stderr.strip()!r})")

        # Every flag of `smh serve` is documented in README's configuration table.
        result = subprocess.run([BINARY, "serve", "--help"], capture_output=True, text=True, timeout=30)
        readme = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")).read()
        undocumented = [flag for flag in re.findall(r"^\s+(--[a-z0-9-]+)", result.stdout, re.M)
                        if flag not in ("--help", "--version") and f"`{flag}`" not in readme]
        check(result.returncode == 0 and not undocumented, f"README documents every serve flag (missing {undocumented})")
        result = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=30)
        check(result.returncode == 0 and result.stdout.strip()[:1].isdigit(), f"smh --version ({result.stdout!r})")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"smoke: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
