#!/usr/bin/env python3
"""Crash safety of uploads (issue 5): `kill -9` of the server during 20 concurrent multipart uploads, then restart.

Every upload whose confirm answered 200 must be present and byte-exact; every other one must either be resumable
(its task still pending: the missing parts are sent again and the confirm succeeds, byte-exact) or cleanly gone;
nothing half-visible: every file a listing shows serves exactly the bytes of one upload. Run by scripts/test.

Usage: crash_test.py [path/to/smh] [rounds]
"""
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/smh"
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
PORT = int(os.environ.get("SMH_CRASH_PORT", "18094"))
ADMIN_KEY = "crash-test-admin-key-0123456789"
UPLOADS = 20
MIB = 1 << 20


def call(method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data
    finally:
        conn.close()


def call_json(method, path, body=None, headers=None):
    status, headers, data = call(method, path, body, headers)
    try:
        return status, json.loads(data) if data else None
    except ValueError:
        return status, None


def start(data_dir, log):
    proc = subprocess.Popen(
        [BINARY, "serve", "--port", str(PORT), "--data-dir", data_dir, "--admin-key", ADMIN_KEY],
        stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if call("GET", "/health", timeout=2)[0] == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not answer /health within 60 s")


def content_of(index, round_number):
    """Deterministic content, 2 to 5 MiB plus a tail, so parts are 1 MiB and the last is short."""
    rng = random.Random(round_number * 1000 + index)
    size = rng.randint(2, 5) * MIB + rng.randint(1, MIB - 1)
    return rng.randbytes(size)


class Upload:
    def __init__(self, index, round_number, library, token):
        self.name = f"r{round_number}-u{index:02d}.bin"
        self.data = content_of(index, round_number)
        self.sha = hashlib.sha256(self.data).hexdigest()
        self.library, self.token = library, token
        self.begun = None
        self.confirmed = False
        self.error = None

    @property
    def parts(self):
        return [self.data[i:i + MIB] for i in range(0, len(self.data), MIB)]

    def api(self, method, tail, body=None):
        return call_json(method, f"/api/v1/file/{self.library}/-/{tail}" + ("&" if "?" in tail else "?")
                         + f"access_token={self.token}", body)

    def begin(self):
        status, body = self.api("POST", f"{self.name}?multipart&filesize={len(self.data)}")
        if status != 201:
            raise RuntimeError(f"begin {self.name}: {status} {body}")
        self.begun = body

    def send_part(self, number, info=None):
        info = info or self.begun
        target = f"{info['path']}?partNumber={number}&uploadId={info['uploadId']}"
        status, _, _ = call("PUT", target, self.parts[number - 1],
                            {"Authorization": info["headers"]["Authorization"],
                             "Content-Length": str(len(self.parts[number - 1]))})
        if status != 200:
            raise RuntimeError(f"part {number} of {self.name}: {status}")

    def confirm(self):
        status, body = self.api("POST", f"{self.begun['confirmKey']}?confirm")
        if status != 200:
            raise RuntimeError(f"confirm {self.name}: {status} {body}")
        self.confirmed = True  # a 200 was seen: from here on the file must survive anything

    def run(self):
        try:
            self.begin()
            order = list(range(1, len(self.parts) + 1))
            random.shuffle(order)  # out of order, as parallel SDK uploads arrive
            for number in order:
                self.send_part(number)
                time.sleep(random.random() * 0.05)
            self.confirm()
        except Exception as error:  # the server being killed under us is the point
            self.error = error


def download(library, token, name):
    status, headers, _ = call("GET", f"/api/v1/file/{library}/-/{urllib.parse.quote(name)}?access_token={token}")
    if status != 302:
        return status, None
    location = urllib.parse.urlsplit(headers.get("Location") or headers.get("location"))
    status, _, data = call("GET", location.path + ("?" + location.query if location.query else ""))
    return status, data


def listing(library, token):
    names, marker = [], None
    while True:
        query = f"?access_token={token}&limit=1000" + (f"&marker={marker}" if marker else "")
        status, body = call_json("GET", f"/api/v1/directory/{library}/-/{query}")
        if status != 200:
            raise SystemExit(f"listing failed: {status} {body}")
        names += [item["name"] for item in body["contents"]]
        marker = body.get("nextMarker")
        if not marker:
            return names


def main():
    work = tempfile.mkdtemp(prefix="smh-crash-")
    data_dir = os.path.join(work, "data")
    log = open(os.path.join(work, "serve.log"), "ab")
    failures = []
    stats = {"confirmed_before_kill": 0, "resumed": 0, "gone": 0, "rounds": ROUNDS}
    proc = start(data_dir, log)
    try:
        status, library = call_json("POST", "/admin/v1/libraries", json.dumps({"name": "crash"}).encode(),
                                    {"Authorization": f"Bearer {ADMIN_KEY}"})
        assert status == 201, (status, library)
        library_id, secret = library["libraryId"], library["librarySecret"]
        status, token = call_json(
            "GET", f"/api/v1/token?library_id={library_id}&library_secret={secret}&grant=admin&period=86400")
        assert status == 200, (status, token)
        token = token["accessToken"]
        everything = {}
        for round_number in range(1, ROUNDS + 1):
            uploads = [Upload(i, round_number, library_id, token) for i in range(UPLOADS)]
            threads = [threading.Thread(target=u.run) for u in uploads]
            for thread in threads:
                thread.start()
            # Kill once some uploads are confirmed and others are still mid-way.
            deadline = time.time() + 60
            while time.time() < deadline and sum(u.confirmed for u in uploads) < UPLOADS // 3:
                time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            for thread in threads:
                thread.join()
            confirmed = [u for u in uploads if u.confirmed]
            stats["confirmed_before_kill"] += len(confirmed)
            proc = start(data_dir, log)

            for upload in confirmed:
                status, data = download(library_id, token, upload.name)
                if status != 200 or hashlib.sha256(data or b"").hexdigest() != upload.sha:
                    failures.append(f"round {round_number}: confirmed {upload.name} lost or altered ({status})")
            for upload in uploads:
                if upload.confirmed:
                    continue
                if upload.begun is None:
                    stats["gone"] += 1  # never got a task: nothing to resume
                    continue
                status, state = upload.api("GET", f"{upload.begun['confirmKey']}?upload")
                if status == 404:
                    stats["gone"] += 1
                    continue
                if status != 200:
                    failures.append(f"{upload.name}: state answered {status}")
                    continue
                try:
                    if not state["confirmed"]:
                        have = {p["PartNumber"]: p["Size"] for p in state.get("parts", [])}
                        for number, part in enumerate(upload.parts, start=1):
                            if have.get(number) != len(part):
                                upload.send_part(number, state["uploadPartInfo"])
                    upload.confirm()  # also re-confirms a task whose 200 was lost: idempotent
                    stats["resumed"] += 1
                except Exception as error:
                    failures.append(f"{upload.name}: resume failed: {error}")
                    continue
                status, data = download(library_id, token, upload.name)
                if status != 200 or hashlib.sha256(data or b"").hexdigest() != upload.sha:
                    failures.append(f"{upload.name}: resumed file differs ({status})")
            for upload in uploads:
                everything[upload.name] = upload.sha

            # Nothing half-visible: every listed file is one upload, complete.
            for name in listing(library_id, token):
                status, data = download(library_id, token, name)
                if name not in everything or status != 200 or hashlib.sha256(data).hexdigest() != everything[name]:
                    failures.append(f"round {round_number}: listed {name} is not a complete upload ({status})")
            leftovers = [f for _, _, files in os.walk(os.path.join(data_dir, "staging")) for f in files
                         if f.endswith(".part")]
            if leftovers:
                failures.append(f"round {round_number}: partial files left in staging: {leftovers[:3]}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"crash test: {json.dumps(stats)}")
    if failures:
        for failure in failures:
            print("FAIL:", failure)
        print(f"server log: {os.path.join(work, 'serve.log')}")
        sys.exit(1)
    if stats["confirmed_before_kill"] == 0 or stats["resumed"] == 0:
        print("FAIL: the kill did not land between confirmed and unfinished uploads")
        sys.exit(1)
    shutil.rmtree(work)
    print("crash test passed")


if __name__ == "__main__":
    main()
