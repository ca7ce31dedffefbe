import Foundation
import SMHTestSupport
import Testing

/// Spec 20 §1.6 `localCreationTime` / `localModificationTime`: accepted with any offset, returned normalised.
@Suite struct LocalTimesAPITests {
    @Test func directoriesKeepAndEchoLocalTimes() async throws {
        try await UploadFixture.with { f in
            let dir = "/api/v1/directory/\(f.library.id)/-"
            let created = try await f.app.call(
                .put, "\(dir)/trip?access_token=\(f.token)",
                body: #"{"localCreationTime":"2024-01-15T10:30:00+08:00","localModificationTime":"1709626904120"}"#)
            #expect(created.status == 201)
            #expect(try created.decoded(CreatedAnswer.self).localCreationTime == "2024-01-15T02:30:00.000Z")
            #expect(try created.decoded(CreatedAnswer.self).localModificationTime == "2024-03-05T08:21:44.120Z")
            let info = try await f.app.call(.get, "\(dir)/trip?info&access_token=\(f.token)")
            #expect(try info.decoded(NodeAnswer.self).localCreationTime == "2024-01-15T02:30:00.000Z")
            let plain = try await f.app.call(.put, "\(dir)/plain?access_token=\(f.token)")
            #expect(try plain.decoded(CreatedAnswer.self).localCreationTime == nil, "echoed only when set")

            let bad = try await f.app.call(
                .put, "\(dir)/bad?access_token=\(f.token)", body: #"{"localCreationTime":"last tuesday"}"#)
            #expect(bad.status == 400)
            #expect(bad.code == "InvalidTimeFormat")
            let wrongType = try await f.app.call(
                .put, "\(dir)/bad?access_token=\(f.token)", body: #"{"localModificationTime":12}"#)
            #expect(wrongType.status == 400)
            #expect(try await f.app.call(.get, "\(dir)/bad?info&access_token=\(f.token)").status == 404)
        }
    }

    @Test func uploadsTakeTimesAndLabelsFromBeginAndConfirm() async throws {
        try await UploadFixture.with { f in
            let begun = try await f.app.call(
                .put, "/api/v1/file/\(f.library.id)/-/clip.mp4?access_token=\(f.token)",
                body: #"{"labels":["holiday"],"category":"video","localCreationTime":"2022-07-26T02:58:09Z"}"#)
            #expect(begun.status == 201)
            _ = try await f.send(begun, Array("frames".utf8))
            let badConfirm = try await f.confirm(begun, body: #"{"localModificationTime":"2022-13-01T00:00:00Z"}"#)
            #expect(badConfirm.code == "InvalidTimeFormat")
            let confirmed = try await f.confirm(begun, body: #"{"localModificationTime":"2022-07-27T00:00:00-02:00"}"#)
            #expect(confirmed.status == 200)

            let dir = "/api/v1/directory/\(f.library.id)/-"
            let info = try await f.app.call(.get, "\(dir)/clip.mp4?info&access_token=\(f.token)")
            #expect(try info.decoded(NodeAnswer.self).localCreationTime == "2022-07-26T02:58:09.000Z")
            #expect(try info.decoded(NodeAnswer.self).localModificationTime == "2022-07-27T02:00:00.000Z")
            #expect(try info.decoded(NodeAnswer.self).labels == ["holiday"])
            #expect(try info.decoded(NodeAnswer.self).category == "video")
            let fileInfo = try await f.app.call(
                .get, "/api/v1/file/\(f.library.id)/-/clip.mp4?info&access_token=\(f.token)")
            #expect(try fileInfo.decoded(NodeAnswer.self).localCreationTime == "2022-07-26T02:58:09.000Z")

            let badBegin = try await f.app.call(
                .put, "/api/v1/file/\(f.library.id)/-/x.txt?access_token=\(f.token)",
                body: #"{"localCreationTime":"soon"}"#)
            #expect(badBegin.status == 400)
            #expect(badBegin.code == "InvalidTimeFormat")

            // Copies keep the local times (spec 20 F-18); F-20 changes them.
            _ = try await f.app.call(
                .put, "/api/v1/file/\(f.library.id)/-/copy.mp4?access_token=\(f.token)",
                body: #"{"copyFrom":"clip.mp4"}"#)
            let copy = try await f.app.call(.get, "\(dir)/copy.mp4?info&access_token=\(f.token)")
            #expect(try copy.decoded(NodeAnswer.self).localCreationTime == "2022-07-26T02:58:09.000Z")
            #expect(try copy.decoded(NodeAnswer.self).labels == ["holiday"])
            let updated = try await f.app.call(
                .post, "\(dir)/copy.mp4?update&access_token=\(f.token)",
                body: #"{"localCreationTime":"2020-01-01T00:00:00Z"}"#)
            #expect(updated.status == 204)
            let after = try await f.app.call(.get, "\(dir)/copy.mp4?info&access_token=\(f.token)")
            #expect(try after.decoded(NodeAnswer.self).localCreationTime == "2020-01-01T00:00:00.000Z")
            #expect(try after.decoded(NodeAnswer.self).localModificationTime == "2022-07-27T02:00:00.000Z")
            let listed = try await f.app.call(.get, "\(dir)/?access_token=\(f.token)").decoded(ListingAnswer.self)
            #expect(listed.contents.first?.localCreationTime == "2022-07-26T02:58:09.000Z")
            let badUpdate = try await f.app.call(
                .post, "\(dir)/copy.mp4?update&access_token=\(f.token)", body: #"{"localModificationTime":"x"}"#)
            #expect(badUpdate.code == "InvalidTimeFormat")
        }
    }
}
