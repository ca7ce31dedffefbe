import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SMHBlobLocal
import SMHCore
import SMHStoreSQL
import SMHTestSupport
import SQLKit
import Testing

/// Spec 20 F-02, F-04.3, F-05, F-06, F-07 (multipart), F-08 and §2.2 (instant upload), through HTTP.
@Suite struct MultipartAPITests {
    static let mib = 1 << 20

    /// The content of spec 20 §2.2's vectors: byte i is i mod 256.
    static func pattern(_ size: Int, seed: UInt8 = 0) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0) &+ seed }
    }

    struct Multipart {
        let f: UploadFixture
        var file: String { "/api/v1/file/\(f.library.id)/-" }

        func begin(_ path: String, _ query: String = "", body: String? = nil, space: String = "-") async throws
            -> Reply
        {
            try await f.app.call(
                .post, "/api/v1/file/\(f.library.id)/\(space)/\(path)?multipart&access_token=\(f.token)\(query)",
                body: body)
        }

        func part(
            _ begun: Reply, _ number: Any, _ bytes: [UInt8], uploadId: String? = nil, authorization: String? = nil
        ) async throws -> Reply {
            let task = try? begun.decoded(BeginUploadAnswer.self)
            let path = task?.path ?? ""
            let id = uploadId ?? task?.uploadId ?? ""
            let auth = authorization ?? task?.headers["Authorization"] ?? ""
            let response = try await f.app.client.execute(
                uri: "\(path)?partNumber=\(number)&uploadId=\(id)", method: .put,
                headers: [.authorization: auth, .contentLength: String(bytes.count)], body: ByteBuffer(bytes: bytes))
            return Reply(
                status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        }

        func key(_ begun: Reply) -> String { (try? begun.decoded(BeginUploadAnswer.self))?.confirmKey ?? "missing" }

        func state(_ begun: Reply, _ query: String = "") async throws -> Reply {
            try await f.app.call(.get, "\(file)/\(key(begun))?upload&access_token=\(f.token)\(query)")
        }

        func confirm(_ begun: Reply, _ query: String = "", body: String? = nil) async throws -> Reply {
            try await f.app.call(.post, "\(file)/\(key(begun))?confirm&access_token=\(f.token)\(query)", body: body)
        }

        /// The bytes a path serves, through the 302.
        func download(_ path: String) async throws -> [UInt8] {
            let redirect = try await f.app.call(.get, "\(file)/\(path)?access_token=\(f.token)")
            let location = redirect.header("Location") ?? ""
            let response = try await f.app.client.execute(
                uri: location.replacingOccurrences(of: "http://files.test:8080", with: ""), method: .get)
            return Array(buffer: response.body)
        }

        /// Begin, send `parts` (concurrently), confirm.
        func upload(_ path: String, parts: [[UInt8]], _ query: String = "") async throws -> Reply {
            let begun = try await begin(path, query)
            guard begun.status == 201 else { return begun }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, bytes) in parts.enumerated() {
                    group.addTask {
                        let sent = try await part(begun, index + 1, bytes)
                        guard sent.status == 200 else { throw TestFailure("part \(index + 1): \(sent.text)") }
                    }
                }
                try await group.waitForAll()
            }
            return try await confirm(begun)
        }
    }

    static func with(_ libraryBody: String = #"{"name":"files"}"#, _ body: @Sendable (Multipart) async throws -> Void)
        async throws
    {
        try await UploadFixture.with(libraryBody) { f in try await body(Multipart(f: f)) }
    }

    @Test func partsOutOfOrderAndResentThenConfirm() async throws {
        try await Self.with { m in
            let begun = try await m.begin("video.mp4", "&filesize=2621440")
            #expect(begun.status == 201)
            let uploadId = try #require(try begun.decoded(BeginUploadAnswer.self).uploadId)
            #expect(!uploadId.isEmpty)
            let headers = try begun.decoded(BeginUploadAnswer.self).headers
            #expect(Set(headers.keys) == ["Content-Type", "Authorization", "x-cos-security-token"])
            #expect(headers["Content-Type"] == "application/octet-stream")

            let content = Self.pattern(2_621_440)
            let parts = [content[0..<Self.mib], content[Self.mib..<2 * Self.mib], content[(2 * Self.mib)...]].map {
                Array($0)
            }
            let third = try await m.part(begun, 3, parts[2])
            #expect(third.status == 200)
            #expect(third.header("ETag") == "\"\(Insecure.MD5.hash(data: parts[2]).hexString)\"")
            #expect(try await m.part(begun, 2, Self.pattern(Self.mib, seed: 9)).status == 200)
            #expect(try await m.part(begun, 1, parts[0]).status == 200)
            #expect(try await m.part(begun, 2, parts[1]).status == 200, "a re-sent part replaces the earlier one")

            let state = try await m.state(begun)
            #expect(state.status == 200)
            let task = try state.decoded(UploadStateAnswer.self)
            #expect(task.confirmed == false)
            #expect(task.path == ["video.mp4"])
            #expect(task.uploadId == uploadId)
            #expect(task.conflictResolutionStrategy == "rename")
            #expect(task.force == false)
            let listed = try #require(task.parts)
            #expect(listed.map(\.partNumber) == [1, 2, 3])
            #expect(listed.map(\.size) == [Self.mib, Self.mib, 524_288])
            #expect(listed[1].eTag == "\"\(Insecure.MD5.hash(data: parts[1]).hexString)\"")
            #expect(listed[0].lastModified.hasSuffix("Z"))
            let info = try #require(task.uploadPartInfo)
            #expect(info.uploadId == uploadId)
            #expect(try info.path == begun.decoded(BeginUploadAnswer.self).path)
            #expect(
                try await m.state(begun, "&no_upload_part_info=1").decoded(UploadStateAnswer.self).uploadPartInfo == nil
            )

            let confirmed = try await m.confirm(begun, body: #"{"crc64":"13793287722876168930"}"#)
            #expect(confirmed.status == 200)
            let file = try confirmed.decoded(NodeAnswer.self)
            #expect(file.size == "2621440")
            #expect(file.eTag == "\"6e7cc9c38d17742b0dca4b8f8932ec0f\"")
            #expect(file.crc64 == "13793287722876168930")
            #expect(try await m.confirm(begun).decoded(NodeAnswer.self).path == ["video.mp4"], "idempotent")

            let downloaded = try await m.download("video.mp4")
            #expect(SHA256.hash(data: downloaded).hexString == SHA256.hash(data: content).hexString)
            let address = "92389183bfa175b31cffad45018aa7e19b8bae611a76b2f59ee31c0e08f08139"
            #expect(try await m.f.app.hasBlob(address))
            #expect(try await m.f.app.stagedParts(m.key(begun)) == 0, "the parts became the blob")
            if m.f.app.deps.blobs is LocalBlobStore {
                // Assembled by reference: the parts' folder became the blob, no bytes copied.
                let blobPath = "\(m.f.app.dataDirectory)/blobs/92/38/\(address).d"
                #expect(FileManager.default.fileExists(atPath: "\(blobPath)/manifest"))
                #expect(try FileManager.default.contentsOfDirectory(atPath: blobPath).count == 4)
            }

            let after = try await m.state(begun)
            #expect(try after.decoded(UploadStateAnswer.self).confirmed == true)
            #expect(try after.decoded(UploadStateAnswer.self).uploadPartInfo == nil)
            #expect(try await m.part(begun, 4, [1]).code == "UploadComplete")

            // A range across the parts' boundary reads on from one file into the next.
            let redirect = try await m.f.app.call(.get, "\(m.file)/video.mp4?access_token=\(m.f.token)")
            let ranged = try await m.f.app.client.execute(
                uri: (redirect.header("Location") ?? "").replacingOccurrences(of: "http://files.test:8080", with: ""),
                method: .get, headers: [.range: "bytes=1048570-1048581"])
            #expect(ranged.status.code == 206)
            #expect(Array(buffer: ranged.body) == Array(content[1_048_570...1_048_581]))
        }
    }

    @Test func confirmRefusesMissingAndSmallParts() async throws {
        try await Self.with { m in
            let empty = try await m.begin("a.bin")
            let none = try await m.confirm(empty)
            #expect(none.status == 400)
            #expect(none.code == "MultipartUploadIncomplete")
            _ = try await m.part(empty, 1, Self.pattern(Self.mib))
            _ = try await m.part(empty, 3, [1, 2, 3])
            let gap = try await m.confirm(empty)
            #expect(gap.code == "MultipartUploadIncomplete", "part 2 is missing")
            _ = try await m.part(empty, 2, [4, 5])
            let small = try await m.confirm(empty)
            #expect(small.status == 400)
            #expect(small.code == "MultipartUploadPartTooSmall")
            _ = try await m.part(empty, 2, Self.pattern(Self.mib, seed: 1))
            let crc = try await m.confirm(empty, body: #"{"crc64":"1"}"#)
            #expect(crc.code == "BadCrc64")
            let fine = try await m.confirm(empty)
            #expect(fine.status == 200, "a failed confirm leaves the task pending")
            #expect(try fine.decoded(NodeAnswer.self).size == String(2 * Self.mib + 3))
        }
    }

    @Test func dataPlaneChecksPartRequests() async throws {
        try await Self.with { m in
            let begun = try await m.begin("b.bin")
            for bad in ["0", "10001", "x", "-1", ""] {
                let reply = try await m.part(begun, bad, [1])
                #expect(reply.status == 400, "partNumber \(bad)")
                #expect(reply.code == "ParamInvalid")
            }
            let otherId = try await m.part(begun, 1, [1], uploadId: "nope")
            #expect(otherId.status == 404)
            #expect(otherId.code == "UploadNotFound")
            #expect(try await m.part(begun, 1, [1], authorization: "OpenSMH-UP 1.abc").status == 403)
            let whole = try await m.f.send(begun, [1, 2])
            #expect(whole.status == 400, "a multipart task takes parts")

            let simple = try await m.f.begin("c.bin")
            let partToSimple = try await m.part(simple, 1, [1], uploadId: "x")
            #expect(partToSimple.status == 400)
            #expect(partToSimple.code == "NotMultipartUpload")
            let renewSimple = try await m.f.app.call(
                .post, "\(m.file)/\(m.key(simple))?renew&access_token=\(m.f.token)")
            #expect(renewSimple.code == "ParamInvalid")
            let simpleState = try await m.state(simple)
            #expect(simpleState.status == 200)
            #expect(try simpleState.decoded(UploadStateAnswer.self).parts == nil)
            #expect(try simpleState.decoded(UploadStateAnswer.self).uploadId == nil)
            #expect(try await m.state(begun, "").status == 200)
            let unknown = try await m.f.app.call(
                .get, "\(m.file)/abcdefghijklmnopqrstuvwxyz012345?upload&access_token=\(m.f.token)")
            #expect(unknown.code == "UploadNotFound")
        }
    }

    @Test func contentMD5IsChecked() async throws {
        try await Self.with { m in
            let body: [UInt8] = Array("checked bytes".utf8)
            let good = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
            let bad = Data(Insecure.MD5.hash(data: [1])).base64EncodedString()
            func put(_ begun: Reply, _ query: String, md5: String) async throws -> Int {
                let task = try begun.decoded(BeginUploadAnswer.self)
                let auth = task.headers["Authorization"] ?? ""
                let response = try await m.f.app.client.execute(
                    uri: task.path + query, method: .put,
                    headers: [.authorization: auth, HTTPField.Name("Content-MD5")!: md5], body: ByteBuffer(bytes: body))
                return Int(response.status.code)
            }
            let simple = try await m.f.begin("md5.txt")
            #expect(try await put(simple, "", md5: bad) == 400)
            #expect(try await m.f.confirm(simple).code == "UploadIncomplete", "a refused body is not kept")
            #expect(try await put(simple, "", md5: good) == 200)
            #expect(try await m.f.confirm(simple).status == 200)
            let multipart = try await m.begin("md5.bin")
            let id = try multipart.decoded(BeginUploadAnswer.self).uploadId ?? ""
            #expect(try await put(multipart, "?partNumber=1&uploadId=\(id)", md5: "not base64") == 400)
            #expect(try await m.state(multipart).decoded(UploadStateAnswer.self).parts?.isEmpty == true)
            #expect(try await put(multipart, "?partNumber=1&uploadId=\(id)", md5: good) == 200)
            #expect(try await m.f.app.stagedParts(m.key(multipart)) == 1, "the refused part left no bytes")
        }
    }

    @Test func renewKeepsTheTaskAndItsParts() async throws {
        try await Self.with { m in
            let begun = try await m.begin("r.bin")
            _ = try await m.part(begun, 1, Self.pattern(Self.mib))
            try await Task.sleep(for: .milliseconds(5))
            let renewed = try await m.f.app.call(.post, "\(m.file)/\(m.key(begun))?renew&access_token=\(m.f.token)")
            #expect(renewed.status == 200)
            let again = try renewed.decoded(BeginUploadAnswer.self)
            let original = try begun.decoded(BeginUploadAnswer.self)
            #expect(again.confirmKey == m.key(begun))
            #expect(again.uploadId == original.uploadId)
            #expect(again.path == original.path)
            let headers = again.headers
            #expect(Set(headers.keys) == ["Content-Type", "Authorization", "x-cos-security-token"])
            #expect(try await m.part(renewed, 2, [8]).status == 200, "the renewed credential works")
            #expect(try await m.state(begun).decoded(UploadStateAnswer.self).parts?.count == 2)
            let confirmed = try await m.confirm(begun)
            #expect(try confirmed.decoded(NodeAnswer.self).size == String(Self.mib + 1))
            let renewConfirmed = try await m.f.app.call(
                .post, "\(m.file)/\(m.key(begun))?renew&access_token=\(m.f.token)")
            #expect(renewConfirmed.code == "UploadComplete")
        }
    }

    @Test func abortDiscardsTheBytes() async throws {
        try await Self.with { m in
            let begun = try await m.begin("gone.bin")
            _ = try await m.part(begun, 1, Self.pattern(1000))
            #expect(try await m.f.app.stagedParts(m.key(begun)) == 1)
            let aborted = try await m.f.app.call(.delete, "\(m.file)/\(m.key(begun))?upload&access_token=\(m.f.token)")
            #expect(aborted.status == 204)
            #expect(try await m.f.app.stagedParts(m.key(begun)) == 0, "the parts are deleted")
            #expect(try await m.part(begun, 2, [1]).status == 404)
            #expect(try await m.confirm(begun).code == "UploadNotFound")
            #expect(try await m.state(begun).code == "UploadNotFound")
            let again = try await m.f.app.call(.delete, "\(m.file)/\(m.key(begun))?upload&access_token=\(m.f.token)")
            #expect(again.code == "UploadNotFound")

            let done = try await m.f.begin("kept.txt")
            _ = try await m.f.send(done, [1])
            _ = try await m.f.confirm(done)
            let late = try await m.f.app.call(.delete, "\(m.file)/\(m.key(done))?upload&access_token=\(m.f.token)")
            #expect(late.status == 409)
            #expect(late.code == "UploadComplete")
            let reader = try await m.f.app.token(m.f.library, "grant=download_file")
            let refused = try await m.f.app.call(.delete, "\(m.file)/\(m.key(begun))?upload&access_token=\(reader)")
            #expect(refused.code == "NoPermission")
        }
    }

    @Test func expiredTasksAndUnreferencedBlobsAreSweptAway() async throws {
        try await Self.with { m in
            let begun = try await m.begin("old.bin")
            _ = try await m.part(begun, 1, Self.pattern(100))
            let simple = try await m.f.begin("old.txt")
            _ = try await m.f.send(simple, [1, 2, 3])
            let kept = try await m.begin("new.bin")
            _ = try await m.part(kept, 1, [1])
            try await m.f.app.execute(
                "UPDATE upload_sessions SET expires_at = 1 WHERE confirm_key IN ('\(m.key(begun))', '\(m.key(simple))')"
            )
            #expect(try await m.confirm(begun).code == "UploadNotFound", "an expired task is gone for clients")

            let gone = try await m.f.upload("deleted.txt", Array("unreferenced".utf8))
            #expect(gone.status == 200)
            _ = try await m.f.app.call(.delete, "\(m.file)/deleted.txt?permanent=1&access_token=\(m.f.token)")
            let sha = SHA256.hash(data: Array("unreferenced".utf8)).hexString
            #expect(try await m.f.app.hasBlob(sha))

            let service = UploadService(
                store: m.f.app.store, blobs: m.f.app.deps.blobs, signer: DataPlaneSigner(secret: "unused"))
            let firstSweep = try await service.sweep(blobGraceSeconds: 3600)
            #expect(firstSweep.uploads == 2)
            #expect(firstSweep.blobs == 0, "within the grace period the bytes stay")
            #expect(try await m.f.app.stagedParts(m.key(begun)) == 0)
            let stagedLeft = try await m.f.app.stagingArea()
            #expect(stagedLeft.uploads == [m.key(kept)], "only the live task keeps staged bytes")
            #expect(stagedLeft.contents == 0)
            #expect(try await m.f.app.hasBlob(sha))

            try await m.f.app.execute("UPDATE blobs SET unreferenced_since = 1 WHERE refcount = 0")
            let secondSweep = try await service.sweep(blobGraceSeconds: 3600)
            #expect(secondSweep.blobs == 1)
            #expect(try await !m.f.app.hasBlob(sha))
            #expect(try await m.f.app.store.read { db in try await BlobRows.refcount(db, sha256: sha) } == nil)
            #expect(try await m.state(kept).status == 200, "a live task is untouched")
        }
    }

    @Test func instantUploadMatchesOnlyWhatTheSpaceHolds() async throws {
        try await Self.with(#"{"name":"tenants","multiSpace":true}"#) { m in
            let content = Self.pattern(2_097_152)
            let beginning = "fbbab289f7f94b25736c58be46a994c441fd02552cc6022352e3d86d2fab7c83"
            let full = "1265d50fb492427896c2dbd7250cca60f30440769b086cf7e74a540a2e514744"
            let space = try await m.f.app.createSpace(m.f.library.id, token: m.f.token)
            let other = try await m.f.app.createSpace(m.f.library.id, token: m.f.token)
            func begin(_ name: String, _ body: String, in target: String = space, multipart: Bool = false)
                async throws -> Reply
            {
                try await m.f.app.call(
                    multipart ? .post : .put,
                    "/api/v1/file/\(m.f.library.id)/\(target)/\(name)?\(multipart ? "multipart&" : "")"
                        + "access_token=\(m.f.token)",
                    body: body)
            }
            let miss = try await begin("first.bin", #"{"size":"2097152","beginningHash":"\#(beginning)"}"#)
            #expect(miss.status == 201, "nothing to match yet: an ordinary task")
            #expect(try miss.decoded(BeginUploadAnswer.self).uploadId == nil)
            _ = try await m.f.send(miss, content)
            let first = try await m.f.app.call(
                .post, "/api/v1/file/\(m.f.library.id)/\(space)/\(m.key(miss))?confirm&access_token=\(m.f.token)")
            #expect(first.status == 200)

            let probe = try await begin("copy.bin", #"{"size":2097152,"beginningHash":"\#(beginning)"}"#)
            #expect(probe.status == 202)
            #expect(probe.text.isEmpty)
            let hit = try await begin(
                "copy.bin", #"{"size":2097152,"beginningHash":"\#(beginning)","fullHash":"\#(full)"}"#,
                multipart: true)
            #expect(hit.status == 200, "the file exists now, without a transfer")
            #expect(try hit.decoded(NodeAnswer.self).path == ["copy.bin"])
            #expect(try hit.decoded(NodeAnswer.self).eTag == "\"db1f7d786f6e0317456fac1628349973\"")
            #expect(try await m.f.app.store.read { db in try await BlobRows.refcount(db, sha256: full) } == 2)
            let again = try await begin("copy.bin", #"{"size":2097152,"fullHash":"\#(full)"}"#)
            #expect(try again.decoded(CreatedAnswer.self).path == ["copy (1).bin"], "conflict strategies apply")

            let wrongFull = try await begin(
                "x.bin", #"{"size":2097152,"fullHash":"\#(String(repeating: "0", count: 64))"}"#)
            #expect(wrongFull.status == 201)
            let wrongSize = try await begin("y.bin", #"{"size":2097153,"beginningHash":"\#(beginning)"}"#)
            #expect(wrongSize.status == 201)
            let elsewhere = try await begin(
                "z.bin", #"{"size":2097152,"beginningHash":"\#(beginning)","fullHash":"\#(full)"}"#, in: other)
            #expect(elsewhere.status == 201, "content of another space is never matched")
            let malformed = try await begin("w.bin", #"{"size":2097152,"fullHash":"XYZ"}"#)
            #expect(malformed.code == "ParamInvalid")

            // Below 1 MiB nothing is matched, even when the content exists.
            let small = Array(content[0..<1000])
            let smallTask = try await begin("small.bin", "")
            _ = try await m.f.send(smallTask, small)
            let smallDone = try await m.f.app.call(
                .post, "/api/v1/file/\(m.f.library.id)/\(space)/\(m.key(smallTask))?confirm&access_token=\(m.f.token)")
            #expect(smallDone.status == 200)
            let smallHash = SHA256.hash(data: small).hexString
            let smallProbe = try await begin(
                "s2.bin", #"{"size":1000,"beginningHash":"\#(smallHash)","fullHash":"\#(smallHash)"}"#)
            #expect(smallProbe.status == 201)
        }
    }

    @Test func sixtyFourMebibytesInParallelPartsAreByteExact() async throws {
        try await Self.with { m in
            var generator = SystemRandomNumberGenerator()
            let content = (0..<(64 * Self.mib / 8)).flatMap { _ in
                withUnsafeBytes(of: generator.next() as UInt64) { Array($0) }
            }
            let partSize = 4 * Self.mib
            let parts = stride(from: 0, to: content.count, by: partSize).map {
                Array(content[$0..<min($0 + partSize, content.count)])
            }
            let confirmed = try await m.upload("big.bin", parts: parts)
            #expect(confirmed.status == 200)
            let file = try confirmed.decoded(NodeAnswer.self)
            #expect(file.size == String(64 * Self.mib))
            #expect(file.eTag == "\"\(Insecure.MD5.hash(data: content).hexString)\"")
            #expect(file.crc64 == String(CRC64.checksum(content)))
            let downloaded = try await m.download("big.bin")
            #expect(downloaded.count == content.count)
            #expect(SHA256.hash(data: downloaded) == SHA256.hash(data: content))
        }
    }

    @Test func libraryQuotaIsCheckedAtBegin() async throws {
        try await Self.with(#"{"name":"q","enableQuota":true,"libraryQuota":"1000"}"#) { m in
            let tooBig = try await m.begin("big.bin", "&filesize=2000")
            #expect(tooBig.status == 400)
            #expect(tooBig.code == "LibraryQuotaLimitReached")
            let simple = try await m.f.begin("big.txt", "&filesize=1001")
            #expect(simple.code == "LibraryQuotaLimitReached")
            #expect(try await m.begin("fits.bin", "&filesize=1000").status == 201)
            let unannounced = try await m.begin("late.bin")
            _ = try await m.part(unannounced, 1, Self.pattern(1200))
            let confirm = try await m.confirm(unannounced)
            #expect(confirm.code == "LibraryQuotaLimitReached", "confirm checks the real size")
        }
    }
}
