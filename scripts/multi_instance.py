#!/usr/bin/env python3
"""Scale-out (issue 14): three `smh serve` instances on one PostgreSQL database and one S3 bucket, any of them
serving any request, one killed with `kill -9` mid-run.

Each upload's steps go to different instances, as a load balancer would send them: multipart uploads begin on one,
send their 1 MiB parts (under S3's 5 MiB minimum) round-robin to the others and confirm on a third; simple uploads
begin, PUT and confirm on three different instances. Once a third of the uploads are confirmed one instance is
killed; a step that meets the dead instance is retried on a live one (what a load balancer's retry does). Afterwards
a fresh instance (its own empty data folder) downloads every upload that answered a 2xx confirm, byte for byte,
through data-plane URLs served by yet another instance; and the instances' data folders hold no blob bytes.

Needs SMH_TEST_POSTGRES_URL (a server where a database may be created) and SMH_TEST_S3_ENDPOINT (moto_server or
any S3-compatible server); .ci/run sets both. Usage: multi_instance.py [path/to/smh]
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
BASE_PORT = int(os.environ.get("SMH_MULTI_PORT", "18180"))
ADMIN_KEY = "multi-instance-admin-key-0123456789"
MIB = 1 << 20
MULTIPART, SIMPLE = 12, 12


def call(port, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class Cluster:
    """The instances, and which are alive; `request` retries a step on the next live one when one is down."""

    def __init__(self, work, database_url, blob_store, endpoint):
        self.work, self.database_url, self.blob_store, self.endpoint = work, database_url, blob_store, endpoint
        self.procs, self.dead, self.retries = {}, set(), 0
        self.lock = threading.Lock()

    def data_dir(self, index):
        return os.path.join(self.work, f"instance-{index}")

    def start(self, index):
        port = BASE_PORT + index
        log = open(os.path.join(self.work, f"instance-{index}.log"), "ab")
        env = dict(os.environ, SMH_DATABASE_URL=self.database_url, SMH_BLOB_STORE=self.blob_store,
                   SMH_S3_ENDPOINT=self.endpoint, SMH_S3_REGION="us-east-1")
        env.setdefault("AWS_ACCESS_KEY_ID", "testing")
        env.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        proc = subprocess.Popen(
            [BINARY, "serve", "--port", str(port), "--data-dir", self.data_dir(index), "--admin-key", ADMIN_KEY,
             "--database-pool-size", "8"], stdout=log, stderr=log, env=env)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if call(port, "GET", "/health", timeout=2)[0] == 200:
                    self.procs[index] = proc
                    return
            except OSError:
                time.sleep(0.1)
        proc.kill()
        raise SystemExit(f"instance {index} did not answer /health within 90 s (log: {log.name})")

    def kill(self, index):
        with self.lock:
            self.dead.add(index)
        self.procs[index].send_signal(signal.SIGKILL)
        self.procs[index].wait()

    def request(self, preferred, method, path, body=None, headers=None):
        """Sends to instance `preferred`, or to the next live one when it is down (connection refused or cut)."""
        count = len(self.procs)
        for attempt in range(count):
            index = (preferred + attempt) % count
            if index in self.dead:
                continue
            try:
                return call(BASE_PORT + index, method, path, body, headers)
            except OSError:
                with self.lock:
                    self.retries += 1
        raise RuntimeError("no live instance")

    def json(self, preferred, method, path, body=None):
        status, _, data = self.request(preferred, method, path, body)
        return status, json.loads(data) if data else None

    def stop(self):
        for index, proc in self.procs.items():
            if index in self.dead:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


class Upload:
    def __init__(self, cluster, library, token, index, multipart):
        rng = random.Random(index)
        size = (rng.randint(2, 4) * MIB + rng.randint(1, MIB - 1)) if multipart else rng.randint(1, 300_000)
        self.data = rng.randbytes(size)
        self.sha = hashlib.sha256(self.data).hexdigest()
        self.name = f"{'mp' if multipart else 'simple'}-{index:02d}.bin"
        self.cluster, self.library, self.token, self.multipart = cluster, library, token, multipart
        self.first = index % 3  # the instance this upload begins on; the others get its later steps
        self.confirmed, self.error = False, None

    def api(self, instance, method, tail):
        separator = "&" if "?" in tail else "?"
        return self.cluster.json(instance, method, f"/api/v1/file/{self.library}/-/{tail}{separator}"
                                 f"access_token={self.token}")

    def run(self):
        try:
            query = f"?multipart&filesize={len(self.data)}" if self.multipart else f"?filesize={len(self.data)}"
            status, begun = self.api(self.first, "POST" if self.multipart else "PUT", self.name + query)
            if status != 201:
                raise RuntimeError(f"begin: {status} {begun}")
            auth = {"Authorization": begun["headers"]["Authorization"]}
            if self.multipart:
                parts = [self.data[i:i + MIB] for i in range(0, len(self.data), MIB)]
                for number, part in enumerate(parts, start=1):
                    target = f"{begun['path']}?partNumber={number}&uploadId={begun['uploadId']}"
                    status, _, _ = self.cluster.request(self.first + number, "PUT", target, part,
                                                        dict(auth, **{"Content-Length": str(len(part))}))
                    if status != 200:
                        raise RuntimeError(f"part {number}: {status}")
            else:
                status, _, _ = self.cluster.request(self.first + 1, "PUT", begun["path"], self.data,
                                                    dict(auth, **{"Content-Length": str(len(self.data))}))
                if status != 200:
                    raise RuntimeError(f"PUT: {status}")
            status, body = self.api(self.first + 2, "POST", f"{begun['confirmKey']}?confirm")
            if status != 200:
                raise RuntimeError(f"confirm: {status} {body}")
            self.confirmed = True
        except Exception as error:
            self.error = error


def admin_sql(url, statement):
    subprocess.run(["psql", url, "-q", "-c", statement], check=True, capture_output=True)


def folder_bytes(path):
    return sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names)


def main():
    postgres, endpoint = os.environ.get("SMH_TEST_POSTGRES_URL"), os.environ.get("SMH_TEST_S3_ENDPOINT")
    if not postgres or not endpoint:
        raise SystemExit("set SMH_TEST_POSTGRES_URL and SMH_TEST_S3_ENDPOINT")
    run_id = "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
    database = f"smh_multi_{run_id}"
    admin_sql(postgres, f"CREATE DATABASE {database}")
    parsed = urllib.parse.urlsplit(postgres)
    database_url = urllib.parse.urlunsplit(parsed._replace(path=f"/{database}"))
    work = tempfile.mkdtemp(prefix="smh-multi-")
    cluster = Cluster(work, database_url, f"s3://smh-multi/{run_id}", endpoint)
    failures = []
    try:
        for index in range(3):
            cluster.start(index)
        status, _, data = call(BASE_PORT, "POST", "/admin/v1/libraries", json.dumps({"name": "multi"}).encode(),
                               {"Authorization": f"Bearer {ADMIN_KEY}"})
        library = json.loads(data)
        assert status == 201, (status, library)
        status, token = cluster.json(
            1, "GET", f"/api/v1/token?library_id={library['libraryId']}&library_secret={library['librarySecret']}"
                      f"&grant=admin&period=86400")
        assert status == 200, (status, token)
        token = token["accessToken"]
        uploads = [Upload(cluster, library["libraryId"], token, i, True) for i in range(MULTIPART)]
        uploads += [Upload(cluster, library["libraryId"], token, MULTIPART + i, False) for i in range(SIMPLE)]
        threads = [threading.Thread(target=u.run) for u in uploads]
        for thread in threads:
            thread.start()
        deadline = time.time() + 120
        while time.time() < deadline and sum(u.confirmed for u in uploads) < len(uploads) // 3:
            time.sleep(0.01)
        cluster.kill(1)
        for thread in threads:
            thread.join()
        confirmed = [u for u in uploads if u.confirmed]
        for upload in uploads:
            if not upload.confirmed:
                failures.append(f"{upload.name}: not confirmed although two instances were alive: {upload.error}")

        # A fresh instance, its own empty data folder: every confirmed upload downloads byte-identical, through
        # data-plane URLs it signed, fetched from another instance.
        cluster.start(3)
        for upload in confirmed:
            status, headers, _ = call(BASE_PORT + 3, "GET", f"/api/v1/file/{upload.library}/-/{upload.name}"
                                                            f"?access_token={token}")
            location = urllib.parse.urlsplit(headers.get("Location") or headers.get("location") or "")
            if status != 302:
                failures.append(f"{upload.name}: download answered {status}")
                continue
            status, _, data = call(BASE_PORT + 2, "GET", location.path + "?" + location.query)
            if status != 200 or hashlib.sha256(data).hexdigest() != upload.sha:
                failures.append(f"{upload.name}: downloaded bytes differ ({status}, {len(data)} bytes)")
        # A thumbnail made by one instance is served by another (renditions live in the bucket too).
        photo = open(os.path.join(os.path.dirname(__file__), "..", "Tests", "SMHHTTPTests", "Fixtures",
                                  "portrait-exif.jpg"), "rb").read()
        status, begun = cluster.json(0, "PUT", f"/api/v1/file/{library['libraryId']}/-/photo.jpg"
                                               f"?filesize={len(photo)}&access_token={token}")
        assert status == 201, (status, begun)
        status, _, _ = cluster.request(2, "PUT", begun["path"], photo,
                                       {"Authorization": begun["headers"]["Authorization"]})
        status, _ = cluster.json(3, "POST", f"/api/v1/file/{library['libraryId']}/-/{begun['confirmKey']}"
                                            f"?confirm&access_token={token}")
        assert status == 200, status
        status, headers, _ = call(BASE_PORT + 0, "GET", f"/api/v1/file/{library['libraryId']}/-/photo.jpg"
                                                        f"?preview&size=64&access_token={token}")
        location = urllib.parse.urlsplit(headers.get("Location") or headers.get("location") or "")
        if status != 302 or not location.path.startswith("/_opensmh/th/"):
            failures.append(f"preview answered {status} to {location.path}")
        else:
            status, headers, data = call(BASE_PORT + 3, "GET", location.path + "?" + location.query)
            if status != 200 or not data.startswith(b"\xff\xd8"):
                failures.append(f"a thumbnail made on one instance answered {status} on another")
        for index in range(4):
            held = folder_bytes(cluster.data_dir(index))
            if held >= MIB:
                failures.append(f"instance {index}'s data folder holds {held} bytes (S3 mode keeps none)")
        stats = {"uploads": len(uploads), "confirmed": len(confirmed), "steps_retried": cluster.retries,
                 "data_folder_bytes": [folder_bytes(cluster.data_dir(i)) for i in range(4)]}
        print(f"multi-instance test: {json.dumps(stats)}")
        if cluster.retries == 0:
            failures.append("no step met the killed instance: the kill did not land mid-run")
    finally:
        cluster.stop()
        try:
            admin_sql(postgres, f"DROP DATABASE {database} WITH (FORCE)")
        except subprocess.CalledProcessError:
            pass
    if failures:
        for failure in failures:
            print("FAIL:", failure)
        print(f"instance logs: {work}")
        sys.exit(1)
    shutil.rmtree(work)
    print("multi-instance test passed")


if __name__ == "__main__":
    main()
