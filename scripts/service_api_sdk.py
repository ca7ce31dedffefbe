#!/usr/bin/env python3
"""Drives Tencent's official Python client of SMH's service API (PyPI `tencentcloud-sdk-python-smh`, unchanged)
against the real `smh` binary: create a library with extensions, describe it (paged), modify it, read its secret,
issue a business-API token with that secret, upload and download a file through the business API, delete the
library, and check the error codes of a bad key, an unknown action, a stale timestamp and bad parameters.

Usage: service_api_sdk.py [path/to/smh]   (scripts/test runs it after the Swift suites)
"""
import hashlib
import http.client as httpclient
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.smh.v20210712 import models, smh_client

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/smh"
PORT = int(os.environ.get("SMH_SERVICE_PORT", "18098"))
SECRET_ID = "AKIDopensmhservicetest"
SECRET_KEY = "service-api-secret-key-0123456789"
passed = failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def client(secret_key=SECRET_KEY, method="POST"):
    http_profile = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{PORT}", reqMethod=method)
    return smh_client.SmhClient(
        credential.Credential(SECRET_ID, secret_key), "", ClientProfile(httpProfile=http_profile))


def error_code(call):
    try:
        call()
    except TencentCloudSDKException as error:
        return error.code
    return None


def http(method, path, body=None, headers=None):
    conn = httpclient.HTTPConnection("127.0.0.1", PORT, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def upload_and_download(library_id, secret):
    q = urllib.parse.urlencode({"library_id": library_id, "library_secret": secret, "grant": "admin"})
    status, _, data = http("GET", f"/api/v1/token?{q}")
    check(status == 200, f"token with the described secret answered {status}: {data[:200]}")
    token = json.loads(data)["accessToken"]
    content = os.urandom(70_000)
    status, _, data = http("PUT", f"/api/v1/directory/{library_id}/-/album?access_token={token}")
    check(status in (200, 201), f"create album answered {status}: {data[:200]}")
    status, _, data = http("PUT", f"/api/v1/file/{library_id}/-/album/photo.jpg?access_token={token}")
    check(status in (200, 201), f"begin upload answered {status}: {data[:200]}")
    begin = json.loads(data)
    status, _, _ = http("PUT", begin["path"], body=content, headers=begin["headers"])
    check(status == 200, f"data-plane PUT answered {status}")
    status, _, data = http(
        "POST", f"/api/v1/file/{library_id}/-/{begin['confirmKey']}?confirm&access_token={token}")
    check(status == 200, f"confirm answered {status}: {data[:200]}")
    status, headers, _ = http("GET", f"/api/v1/file/{library_id}/-/album/photo.jpg?access_token={token}")
    check(status == 302, f"download answered {status}")
    location = urllib.parse.urlparse(headers.get("Location", ""))
    status, _, data = http("GET", location.path + ("?" + location.query if location.query else ""))
    check(status == 200 and hashlib.sha256(data).digest() == hashlib.sha256(content).digest(),
          f"downloaded bytes differ (status {status}, {len(data)} bytes)")
    return token


def main():
    work = tempfile.mkdtemp(prefix="smh-service-")
    env = dict(os.environ, SMH_API_SECRET_ID=SECRET_ID, SMH_API_SECRET_KEY=SECRET_KEY)
    log = open(os.path.join(work, "serve.log"), "wb")
    proc = subprocess.Popen([BINARY, "serve", "--port", str(PORT), "--data-dir", os.path.join(work, "data")],
                            stdout=subprocess.DEVNULL, stderr=log, env=env)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if http("GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("server did not start")
        run()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
        logged = open(os.path.join(work, "serve.log"), "rb").read()
        check(SECRET_KEY.encode() not in logged, "the SecretKey appears in the server's log")
        shutil.rmtree(work, ignore_errors=True)
    print(f"service API through the official Python client: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def run():
    smh = client()

    # CreateLibrary with extensions and tags.
    request = models.CreateLibraryRequest()
    request.from_json_string(json.dumps({
        "Name": "family-photos", "Remark": "made by the official client",
        "LibraryExtension": {"IsFileLibrary": False, "IsMultiSpace": False, "UseRecycleBin": True,
                             "AutoRemoveRecycledDays": 30, "EnableSearch": True, "EnableFileHistory": True,
                             "FileHistoryCount": 7, "FileHistoryExpireDay": 0, "IsMultiAlbum": True,
                             "AllowPhotoExtName": [".jpg", ".png"], "CosStorageClass": "STANDARD_IA"},
        "Tags": [{"TagKey": "team", "TagValue": "photos"}],
    }))
    created = smh.CreateLibrary(request)
    library_id = created.LibraryId
    check(library_id and library_id.startswith("smh"), f"CreateLibrary answered LibraryId {library_id!r}")
    check(created.AccessDomain == f"http://127.0.0.1:{PORT}", f"AccessDomain {created.AccessDomain!r}")
    check(bool(created.RequestId), "CreateLibrary carries a RequestId")

    # A second library, so paging has something to page.
    second = models.CreateLibraryRequest()
    second.from_json_string(json.dumps({"Name": "drive", "LibraryExtension": {"IsFileLibrary": True}}))
    second_id = smh.CreateLibrary(second).LibraryId

    # DescribeLibraries: by id, and paged both ways (with GET as well as POST).
    describe = models.DescribeLibrariesRequest()
    describe.from_json_string(json.dumps({"LibraryIds": [library_id]}))
    found = smh.DescribeLibraries(describe)
    check(found.TotalCount == 1 and len(found.List) == 1, f"DescribeLibraries by id: {found.to_json_string()}")
    library = found.List[0]
    ext = library.LibraryExtension
    check(library.Name == "family-photos" and library.Remark == "made by the official client", "name and remark")
    check(ext.IsFileLibrary is False and ext.IsMultiAlbum is True and ext.UseRecycleBin is True, "extension flags")
    check(ext.AutoRemoveRecycledDays == 30 and ext.FileHistoryCount == 7, "extension numbers")
    check(ext.AllowPhotoExtName == [".jpg", ".png"] and ext.CosStorageClass == "STANDARD_IA", "extension lists")
    check(ext.AllowFileExtName is None, "a file-library setting is null in a media library")
    check(library.Size == "0" and library.FileNum == "0", f"counters of an empty library: {library.Size}, {library.FileNum}")
    check([(t.TagKey, t.TagValue) for t in library.Tags] == [("team", "photos")], "tags")
    pages = []
    for number in (1, 2):
        paged = models.DescribeLibrariesRequest()
        paged.from_json_string(json.dumps({"PageNumber": number, "PageSize": 1}))
        answer = smh.DescribeLibraries(paged)
        check(answer.TotalCount == 2 and len(answer.List) == 1, f"page {number}: {answer.to_json_string()}")
        pages.append(answer.List[0].LibraryId)
    check(pages == [library_id, second_id], f"pages in creation order: {pages}")
    by_offset = models.DescribeLibrariesRequest()
    by_offset.from_json_string(json.dumps({"Offset": 1, "Limit": 5}))
    answer = client(method="GET").DescribeLibraries(by_offset)
    check([l.LibraryId for l in answer.List] == [second_id], "Offset/Limit over GET")
    tagged = models.DescribeLibrariesRequest()
    tagged.from_json_string(json.dumps({"TagFilters": [{"TagKey": "team", "TagValue": ["photos"]}]}))
    check([l.LibraryId for l in smh.DescribeLibraries(tagged).List] == [library_id], "TagFilters")

    # ModifyLibrary, then read it back.
    modify = models.ModifyLibraryRequest()
    modify.from_json_string(json.dumps({"LibraryId": library_id, "Remark": "changed",
                                        "LibraryExtension": {"EnableSearch": False, "FileHistoryCount": 3}}))
    check(bool(smh.ModifyLibrary(modify).RequestId), "ModifyLibrary answers")
    library = smh.DescribeLibraries(describe).List[0]
    check(library.Remark == "changed" and library.LibraryExtension.EnableSearch is False
          and library.LibraryExtension.FileHistoryCount == 3, "modified settings read back")
    fixed = models.ModifyLibraryRequest()
    fixed.from_json_string(json.dumps({"LibraryId": library_id, "LibraryExtension": {"IsMultiSpace": True}}))
    check(error_code(lambda: smh.ModifyLibrary(fixed)) == "InvalidParameterValue", "IsMultiSpace cannot change")

    # DescribeLibrarySecret: the same secret twice, usable at once with the business API.
    secret_request = models.DescribeLibrarySecretRequest()
    secret_request.from_json_string(json.dumps({"LibraryId": library_id}))
    secret = smh.DescribeLibrarySecret(secret_request).LibrarySecret
    check(secret and smh.DescribeLibrarySecret(secret_request).LibrarySecret == secret, "the secret is stable")
    upload_and_download(library_id, secret)
    library = smh.DescribeLibraries(describe).List[0]
    check(library.FileNum == "1" and library.DirNum == "1" and library.Size == "70000",
          f"counters after an upload: {library.FileNum} files, {library.DirNum} dirs, {library.Size} bytes")

    # Deletion: refused while the library holds a file.
    delete = models.DeleteLibraryRequest()
    delete.from_json_string(json.dumps({"LibraryId": library_id}))
    check(error_code(lambda: smh.DeleteLibrary(delete)) == "ResourceInUse", "a library with content is kept")
    delete_second = models.DeleteLibraryRequest()
    delete_second.from_json_string(json.dumps({"LibraryId": second_id}))
    smh.DeleteLibrary(delete_second)
    gone = models.DescribeLibrarySecretRequest()
    gone.from_json_string(json.dumps({"LibraryId": second_id}))
    check(error_code(lambda: smh.DescribeLibrarySecret(gone)) == "ResourceNotFound.Library", "deleted library")
    check(error_code(lambda: smh.DeleteLibrary(delete_second)) == "ResourceNotFound.Library", "deleted twice")

    # Errors.
    check(error_code(lambda: client(secret_key="wrong-key-0123456789").DescribeLibraries(describe))
          == "AuthFailure.SignatureFailure", "a wrong SecretKey")
    check(error_code(lambda: smh.call("DescribeNothing", {})) == "InvalidAction", "an unknown action")
    bad = models.CreateLibraryRequest()
    bad.from_json_string(json.dumps({"Name": "x", "LibraryExtension": {"FileHistoryCount": 5000}}))
    check(error_code(lambda: smh.CreateLibrary(bad)) == "InvalidParameterValue", "FileHistoryCount out of range")
    check(error_code(lambda: smh.CreateLibrary(models.CreateLibraryRequest())) == "MissingParameter", "no Name")
    check(error_code(lambda: smh.SendSmsCode(models.SendSmsCodeRequest())) == "UnsupportedOperation", "SendSmsCode")
    overview = smh.DescribeOfficialOverview(models.DescribeOfficialOverviewRequest())
    check(overview.Quantity == 0 and overview.Storage == "0", "DescribeOfficialOverview is truthfully empty")
    stale = client()
    real_time = time.time
    time.time = lambda: real_time() - 600
    try:
        check(error_code(lambda: stale.DescribeLibraries(describe)) == "AuthFailure.SignatureExpire",
              "a request signed 10 minutes ago")
    finally:
        time.time = real_time
    listed = smh.DescribeLibraries(models.DescribeLibrariesRequest())
    check(listed.TotalCount == 1, f"nothing created by failed calls: {listed.TotalCount} libraries")


if __name__ == "__main__":
    main()
