#!/usr/bin/env python3
"""Holds openapi.yaml to the server's real answers: drives one scenario through the main operations of every API
group (admin, tokens, spaces, directories, files and the data plane, recycle bin, tasks, search, batch, favorites,
history, quota, recent uses) against the real binary, and validates each answer — status and body — against the
document's response for that operation (JSON Schema 2020-12). Schemathesis (scripts/fuzz_api.py) mostly reaches
error answers with generated input; this reaches the successful ones.

  python3 scripts/openapi_conformance.py BINARY [--dump]    (--dump prints every answer)
"""
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

import jsonschema
import yaml

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/smh"
DUMP = "--dump" in sys.argv
PORT = int(os.environ.get("SMH_CONFORMANCE_PORT", "18099"))
ADMIN = "conformance-admin-key-0123456789"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DOCUMENT = yaml.safe_load(open(os.path.join(ROOT, "openapi.yaml")))
checked = set()
failures = []


def operation(method, path):
    """The document's operation for a concrete path: templates match one segment each, `{path}` the rest."""
    best = None
    for template, item in DOCUMENT["paths"].items():
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", lambda m: "(.+)" if m.group(1) == "path" else "([^/]+)",
                                re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            literal = len(re.sub(r"\{\w+\}", "", template))
            if best is None or literal > best[0]:
                best = (literal, template, item[method.lower()])
    return best


def resolve(node):
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        target = DOCUMENT
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def validate(method, target, status, headers, body):
    path = urllib.parse.urlsplit(target).path
    found = operation(method, path)
    where = f"{method} {path} -> {status}"
    if found is None:
        failures.append(f"{where}: no operation in the document")
        return
    _, template, op = found
    checked.add(op["operationId"])
    responses = op.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        failures.append(f"{where}: status not documented for {op['operationId']}")
        return
    response = resolve(response)
    content = response.get("content")
    if not content:
        if body:
            failures.append(f"{where}: a body where the document has none")
        return
    media = (headers.get("Content-Type") or "").split(";")[0]
    if media not in content and "*/*" in content:
        return
    if media not in content:
        failures.append(f"{where}: content type {media!r} not in {list(content)}")
        return
    schema = content[media].get("schema")
    if schema is None or media != "application/json":
        return
    try:
        instance = json.loads(body)
    except ValueError:
        failures.append(f"{where}: not JSON: {body[:100]!r}")
        return
    wrapper = dict(schema)
    wrapper["components"] = DOCUMENT["components"]
    errors = sorted(jsonschema.Draft202012Validator(wrapper).iter_errors(instance), key=lambda e: list(e.path))
    for error in errors[:3]:
        failures.append(f"{where} ({op['operationId']}): {'/'.join(map(str, error.path))}: {error.message[:300]}")


def call(method, target, body=None, headers=None, expect=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=15)
    payload = body if isinstance(body, (bytes, type(None))) else json.dumps(body) if not isinstance(body, str) else body
    conn.request(method, target, body=payload, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    answer_headers = dict(response.getheaders())
    if DUMP:
        print(f"{method} {target[:110]} -> {response.status}\n    {data[:600].decode(errors='replace')}")
    validate(method, target, response.status, answer_headers, data)
    if expect is not None and response.status not in (expect if isinstance(expect, tuple) else (expect,)):
        failures.append(f"{method} {target}: expected {expect}, got {response.status}: {data[:200]!r}")
    parsed = json.loads(data) if data[:1] in (b"{", b"[") else data
    return response.status, answer_headers, parsed


def upload(library, space, token, path, content):
    separator = "&" if "?" in path else "?"
    _, _, begin = call("PUT", f"/api/v1/file/{library}/{space}/{path}{separator}access_token={token}",
                       expect=(200, 201))
    call("PUT", begin["path"], body=content, headers=begin["headers"], expect=200)
    _, _, done = call("POST", f"/api/v1/file/{library}/{space}/{begin['confirmKey']}?confirm&access_token={token}",
                      expect=200)
    return done


def scenario():
    admin = {"Authorization": f"Bearer {ADMIN}"}
    for target in ("/health", "/ready", "/openapi.json"):
        call("GET", target, expect=200)
    call("GET", "/metrics", expect=200)

    _, _, library = call("POST", "/admin/v1/libraries", {"name": "conformance", "enableFileHistory": True},
                         admin, expect=201)
    lib, secret = library["libraryId"], library["librarySecret"]
    call("GET", "/admin/v1/libraries", headers=admin, expect=200)
    call("GET", f"/admin/v1/libraries/{lib}", headers=admin, expect=200)
    call("PATCH", f"/admin/v1/libraries/{lib}", {"remark": "r"}, admin, expect=200)
    _, _, rotated = call("POST", f"/admin/v1/libraries/{lib}/secret", headers=admin, expect=200)
    secret = rotated["librarySecret"]
    call("GET", f"/admin/v1/libraries/smhnothere000000", headers=admin, expect=404)

    _, _, issued = call("GET", f"/api/v1/token?library_id={lib}&library_secret={secret}&grant=admin", expect=200)
    token = issued["accessToken"]
    call("POST", f"/api/v1/token/{lib}/{token}", expect=200)
    call("GET", f"/api/v1/usage/{lib}?access_token={token}", expect=200)
    call("GET", f"/api/v1/usage/{lib}/-?access_token={token}", expect=200)
    call("GET", f"/api/v1/space/{lib}/-/size?access_token={token}", expect=200)
    call("GET", f"/api/v1/space/{lib}/-/file-count?access_token={token}", expect=200)
    call("GET", f"/api/v1/space/{lib}/-/extension?access_token={token}", expect=200)

    base = f"/api/v1/directory/{lib}/-"
    call("PUT", f"{base}/photos?access_token={token}", expect=201)
    call("PUT", f"{base}/photos/2024?access_token={token}", expect=201)
    call("PUT", f"{base}/photos?access_token={token}", expect=409)
    content = os.urandom(4096)
    done = upload(lib, "-", token, "photos/a.txt", content)
    upload(lib, "-", token, "photos/a.txt?conflict_resolution_strategy=overwrite", b"second version")
    upload(lib, "-", token, "photos/b.txt", b"bbb")
    call("GET", f"{base}/photos?access_token={token}", expect=200)
    call("GET", f"{base}/photos?info&access_token={token}", expect=200)
    call("GET", f"{base}/photos?stats&stats_type=normal&access_token={token}", expect=200)
    call("GET", f"{base}/?access_token={token}&limit=1", expect=200)
    call("POST", f"{base}/photos?update&access_token={token}", {"labels": ["x"]}, expect=(200, 204))

    files = f"/api/v1/file/{lib}/-"
    call("GET", f"{files}/photos/b.txt?info&access_token={token}", expect=200)
    status, headers, _ = call("GET", f"{files}/photos/b.txt?access_token={token}", expect=302)
    location = urllib.parse.urlsplit(headers["Location"])
    call("GET", location.path + "?" + location.query, expect=200)
    call("GET", f"/api/v1/inode/{lib}/-/{done.get('inode', '1')}?access_token={token}")
    call("PUT", f"{files}/photos/c.txt?access_token={token}", {"copyFrom": "photos/b.txt"}, expect=(200, 201, 204))
    call("PUT", f"{files}/photos/d.txt?access_token={token}", {"from": "photos/c.txt"}, expect=(200, 201, 204))
    call("POST", f"{files}/photos/e.txt?access_token={token}", expect=201)
    _, _, multipart = call("POST", f"{files}/photos/big.bin?multipart&access_token={token}", expect=(200, 201))
    call("GET", f"{files}/photos/nothing.txt?info&access_token={token}", expect=404)

    history = f"/api/v1/directory-history/{lib}"
    call("GET", f"{history}/library-history?access_token={token}", expect=200)
    call("POST", f"{history}/library-history?access_token={token}", {"enableFileHistory": True, "fileHistoryCount": 5},
         expect=(200, 204))
    _, _, versions = call("GET", f"{history}/-/history-list/photos/a.txt?access_token={token}", expect=200)

    call("POST", f"/api/v1/favorite/{lib}/-?access_token={token}", {"path": "photos/b.txt"}, expect=(200, 204))
    call("GET", f"/api/v1/favorite/{lib}/-/list?access_token={token}", expect=200)
    call("POST", f"/api/v1/recent/{lib}/-/recently-used-file?access_token={token}", {}, expect=200)

    _, _, search = call("POST", f"/api/v1/search/{lib}/-/space-contents?access_token={token}", {"keyword": "txt"},
                        expect=200)
    if isinstance(search, dict) and search.get("searchId"):
        call("GET", f"/api/v1/search/{lib}/-/{search['searchId']}?access_token={token}&marker=1")
        call("DELETE", f"/api/v1/search/{lib}/-/{search['searchId']}?access_token={token}", expect=204)

    call("POST", f"/api/v1/batch/{lib}/-?copy&access_token={token}",
         [{"copyFrom": "photos/b.txt", "to": "photos/2024/b.txt"}], expect=(200, 207))
    call("POST", f"/api/v1/batch/{lib}/-?move&access_token={token}",
         [{"from": "photos/2024/b.txt", "to": "photos/2024/moved.txt"}], expect=(200, 207))
    # Two items run as a task (the server runs with --batch-sync-max-items 1).
    _, _, task = call("POST", f"/api/v1/batch/{lib}/-?delete&access_token={token}",
                      [{"path": "photos/2024/moved.txt"}, {"path": "photos/c.txt"}], expect=202)
    task_id = task.get("taskId") if isinstance(task, dict) else None
    for _ in range(50):
        _, _, state = call("GET", f"/api/v1/task/{lib}/-/{task_id}?access_token={token}", expect=200)
        if isinstance(state, list) and state and state[0].get("status") != "running":
            break
        time.sleep(0.1)
    call("GET", f"/api/v1/task-result/{lib}/-/{task_id}?access_token={token}", expect=200)
    # Library-level tasks (T2, T4): emptying all history versions is one (history must be off first).
    call("POST", f"{history}/library-history?access_token={token}", {"enableFileHistory": False}, expect=(200, 204))
    _, _, emptied = call("DELETE", f"/api/v1/directory-history/{lib}/library-history?access_token={token}",
                         expect=(202, 204))
    if isinstance(emptied, dict) and emptied.get("taskId"):
        call("GET", f"/api/v1/task/{lib}/{emptied['taskId']}?access_token={token}", expect=200)
        call("GET", f"/api/v1/task-result/{lib}/{emptied['taskId']}?access_token={token}", expect=200)

    call("DELETE", f"{files}/photos/d.txt?access_token={token}", expect=(200, 204))
    _, _, recycled = call("GET", f"/api/v1/recycled/{lib}/-?access_token={token}", expect=200)
    items = recycled.get("contents", []) if isinstance(recycled, dict) else []
    if items:
        item = items[0].get("recycledItemId") or items[0].get("id")
        call("GET", f"/api/v1/recycled/{lib}/-/{item}?access_token={token}", expect=200)
        call("POST", f"/api/v1/recycled/{lib}/-/{item}?restore&access_token={token}", expect=(200, 204))
    call("DELETE", f"{base}/photos/2024?access_token={token}", expect=(200, 202, 204))

    _, _, quota = call("POST", f"/api/v1/quota/{lib}?access_token={token}", {"capacity": "1000000000"}, expect=201)
    call("GET", f"/api/v1/quota/{lib}/{quota.get('quotaId')}?access_token={token}", expect=200)
    call("GET", f"/api/v1/quota/{lib}/-?access_token={token}", expect=200)
    call("PUT", f"/api/v1/quota/{lib}/-?access_token={token}", {"capacity": "2000000000"}, expect=(200, 204))
    call("GET", f"/api/v1/space-quota/{lib}/-?access_token={token}", expect=200)

    # A multi-tenant library: spaces.
    _, _, tenants = call("POST", "/admin/v1/libraries", {"name": "tenants", "multiSpace": True}, admin, expect=201)
    tlib, tsecret = tenants["libraryId"], tenants["librarySecret"]
    _, _, issued = call("GET", f"/api/v1/token?library_id={tlib}&library_secret={tsecret}&grant=admin", expect=200)
    ttoken = issued["accessToken"]
    _, _, space = call("POST", f"/api/v1/space/{tlib}?access_token={ttoken}", {}, expect=201)
    sid = space["spaceId"]
    call("GET", f"/api/v1/space/{tlib}/list?access_token={ttoken}", expect=200)
    call("GET", f"/api/v1/space/{tlib}/count?access_token={ttoken}", expect=200)
    call("POST", f"/api/v1/space/{tlib}/{sid}/extension?access_token={ttoken}", {"isPublicRead": False},
         expect=(200, 204))
    call("GET", f"/api/v1/stats/{tlib}/space-size?access_token={ttoken}", expect=200)
    call("DELETE", f"/api/v1/space/{tlib}/{sid}?access_token={ttoken}", expect=204)
    call("DELETE", f"/api/v1/token/{lib}/{token}", expect=204)


def main():
    work = tempfile.mkdtemp(prefix="smh-conformance-")
    log = open(os.path.join(work, "serve.log"), "wb")
    server = subprocess.Popen([BINARY, "serve", "--port", str(PORT), "--data-dir", os.path.join(work, "data"),
                               "--admin-key", ADMIN, "--no-previews", "--log-level", "warning",
                               "--batch-sync-max-items", "1"],
                              stdout=log, stderr=log)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                call("GET", "/health")
                break
            except OSError:
                time.sleep(0.1)
        scenario()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    print(f"openapi conformance: {len(checked)} operations answered as documented, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
