import Foundation
import Logging
import SMHCore
import Testing

/// Issue 15: the P2 endpoints SMH's SDKs call, with the wire shapes they send.
@Suite struct SDKEndpointTests {
    /// H3 (JS `history.emptyHistory`): `DELETE …/library-history` → `202 {taskId}`; the task removes every version.
    @Test func emptyTheLibrarysHistory() async throws {
        try await UploadAPITests.with { f in
            try await HistoryAPITests.enable(f, #"{"enableFileHistory":true,"fileHistoryCount":5}"#)
            _ = try await f.upload("plan.txt", Array("one".utf8))
            for text in ["two", "three"] { _ = try await HistoryAPITests.overwrite(f, "plan.txt", text) }
            _ = try await f.upload("other.txt", Array("x".utf8))
            _ = try await HistoryAPITests.overwrite(f, "other.txt", "xy")
            let url = "/api/v1/directory-history/\(f.library.id)/library-history"
            let enabled = try await f.app.call(.delete, "\(url)?access_token=\(f.token)")
            #expect(enabled.status == 400 && enabled.code == "ParamInvalid", "history must be turned off first")
            let reader = try await f.app.token(f.library)
            #expect(try await f.app.call(.delete, "\(url)?access_token=\(reader)").code == "NoPermission")
            try await HistoryAPITests.enable(f, #"{"enableFileHistory":false}"#)

            let accepted = try await f.app.call(.delete, "\(url)?access_token=\(f.token)")
            #expect(accepted.status == 202)
            let id = try #require(accepted.json["taskId"] as? Int)
            try await f.app.deps.jobRunner(logger: Logger(label: "test")).drain()
            let done = try await f.app.call(.get, "/api/v1/task/\(f.library.id)/\(id)?access_token=\(f.token)")
            let task = try #require(
                (try JSONSerialization.jsonObject(with: Data(done.text.utf8)) as? [[String: Any]])?.first)
            #expect(task["status"] as? Int == 200)
            let result = try #require(task["result"] as? [[String: Any]])
            #expect(result.count == 1)
            #expect(result.first?["err"] as? String == "" && result.first?["status"] as? Int == 0)
            #expect(result.first?["deleteCount"] as? Int == 3)
            // Current contents stay, and usage counts only them.
            #expect(try await HistoryAPITests.download(f, "plan.txt").text == "three")
            let size = try await f.app.call(.get, "/api/v1/space/\(f.library.id)/-/size?access_token=\(f.token)")
            #expect(size.json["size"] as? String == "7")
            let listed = try await f.app.call(
                .get, "/api/v1/directory-history/\(f.library.id)/-/history-list/plan.txt?access_token=\(f.token)")
            #expect((listed.json["contents"] as? [[String: Any]])?.count == 1, "only the latest is left")
        }
    }
}
