import Foundation
import Logging
import SMHCore
import SMHHTTP
import SMHTestSupport
import SQLKit
import Testing

/// Spec 30 §2 (T1, T2) with batches above the synchronous threshold (spec 30 §5.0), and the job runner.
@Suite struct TaskAPITests {
    @Test func largeBatchesRunAsTasks() async throws {
        @Sendable func threshold(_ deps: inout AppDependencies) { deps.batchSyncMaxItems = 1 }
        try await TestApp.with(configure: threshold) { app in
            let library = try await app.createLibrary()
            let token = try await app.token(library, "grant=admin")
            let f = UploadFixture(app: app, library: library, token: token)
            _ = try await f.upload("a.txt", [1])
            _ = try await f.upload("b.txt", [2])
            let batch = "/api/v1/batch/\(library.id)/-"

            let small = try await app.call(.post, "\(batch)?delete&access_token=\(token)", body: #"[{"path":"a.txt"}]"#)
            #expect(small.status == 200, "at the threshold: synchronous")
            let accepted = try await app.call(
                .post, "\(batch)?delete&access_token=\(token)",
                body: #"[{"path":"b.txt"},{"path":"missing.txt","permanent":true}]"#)
            #expect(accepted.status == 202)
            let id = try accepted.decoded(TaskStartedAnswer.self).taskId
            let tasks = "/api/v1/task/\(library.id)/-"

            let pending = try await app.call(.get, "\(tasks)/\(id)?access_token=\(token)")
            #expect(pending.status == 200)
            #expect(pending.text == #"[{"id":\#(id),"status":202,"taskId":\#(id)}]"#, "running: no result yet")
            #expect(
                try await f.app.call(.get, "/api/v1/directory/\(library.id)/-?access_token=\(token)")
                    .decoded(ListingAnswer.self).totalNum == 1)

            let logger = Logger(label: "test")
            try await app.deps.jobRunner(logger: logger).drain()
            let done = try await app.call(.get, "\(tasks)/\(id)%2C999999?access_token=\(token)")
            let list = try done.decoded([TaskAnswer<[BatchAnswer.Item]>].self)
            #expect(list.count == 1, "unknown ids are left out")
            let task = try #require(list.first)
            #expect(task.taskId == id)
            #expect(task.id == id)
            #expect(task.status == 207, "one item failed")
            let result = try #require(task.result)
            #expect(result.map(\.status) == [200, 404])
            #expect(result[0].path == ["b.txt"])
            #expect(result[1].code == "FileNotFound")
            #expect(
                try await f.app.call(.get, "/api/v1/directory/\(library.id)/-?access_token=\(token)")
                    .decoded(ListingAnswer.self).totalNum == 0)

            // The v2 shape (T3, P2): a string id, the type, the results under their own field; 400 when all failed.
            let v2 = try await app.call(.get, "/api/v1/task-result/\(library.id)/-/\(id)?access_token=\(token)")
            let v2Task = try v2.decoded(TaskV2Answer<[BatchAnswer.Item]>.self)
            #expect(v2Task.taskId == "\(id)")
            #expect(v2Task.taskType == "batchDelete")
            #expect(v2Task.status == 207)
            #expect(v2Task.result?.map(\.status) == [200, 404])
            let allFail = try await app.call(
                .post, "\(batch)?delete&access_token=\(token)", body: #"[{"path":"x.txt"},{"path":"y.txt"}]"#)
            let allFailId = try allFail.decoded(TaskStartedAnswer.self).taskId
            try await app.deps.jobRunner(logger: logger).drain()
            let failed = try await app.call(
                .get, "/api/v1/task-result/\(library.id)/-/\(allFailId)?access_token=\(token)")
            #expect(try failed.decoded(TaskV2Answer<[BatchAnswer.Item]>.self).status == 400)
            #expect(
                try await app.call(.get, "/api/v1/task-result/\(library.id)/-/999999?access_token=\(token)").code
                    == "TaskNotFound")
            #expect(
                try await app.call(.get, "/api/v1/task-result/\(library.id)/\(id)?access_token=\(token)").code
                    == "TaskNotFound", "T4 knows library-level tasks only")
            #expect(
                try await app.call(.get, "/api/v1/task-result/\(library.id)/-/x?access_token=\(token)").code
                    == "ParamInvalid")

            // Copies and moves as tasks report per item too.
            _ = try await f.upload("c.txt", [3])
            let copy = try await app.call(
                .post, "\(batch)?copy&access_token=\(token)",
                body: #"[{"copyFrom":"c.txt","to":"d.txt"},{"copyFrom":"c.txt","to":"e.txt"}]"#)
            let copyId = try copy.decoded(TaskStartedAnswer.self).taskId
            try await app.deps.jobRunner(logger: logger).drain()
            let copied = try await app.call(.get, "\(tasks)/\(copyId)?access_token=\(token)")
            #expect(copied.text.contains(#""status":200"#))
            #expect(copied.text.contains(#"["e.txt"]"#))

            #expect(try await app.call(.get, "\(tasks)/999999?access_token=\(token)").code == "TaskNotFound")
            #expect(try await app.call(.get, "\(tasks)/abc?access_token=\(token)").code == "ParamInvalid")
            #expect(try await app.call(.get, "\(tasks)/0?access_token=\(token)").code == "ParamInvalid")
            #expect(
                try await app.call(.get, "/api/v1/task/\(library.id)/\(id)?access_token=\(token)").code
                    == "TaskNotFound",
                "a space task is not a library-level task")
        }
    }

    /// R5 above the threshold: 202, then the task's result is the synchronous answer's `result` (spec 30 R5).
    @Test func largeRestoresRunAsTasks() async throws {
        @Sendable func threshold(_ deps: inout AppDependencies) { deps.batchSyncMaxItems = 2 }
        try await TestApp.with(configure: threshold) { app in
            let library = try await app.createLibrary()
            let token = try await app.token(library, "grant=admin")
            let f = UploadFixture(app: app, library: library, token: token)
            var ids: [Int] = []
            for name in ["a.txt", "b.txt", "c.txt"] {
                _ = try await f.upload(name, [1])
                let deleted = try await app.call(.delete, "/api/v1/file/\(library.id)/-/\(name)?access_token=\(token)")
                ids.append(try deleted.decoded(RecycledAnswer.self).recycledItemId)
            }
            _ = try await f.upload("b.txt", [2])
            let bin = "/api/v1/recycled/\(library.id)/-?restore&access_token=\(token)"

            let limited = try await app.token(library, "grant=delete_file")
            let refused = try await app.call(
                .post, "/api/v1/recycled/\(library.id)/-?restore&access_token=\(limited)", body: "[1,2,3]")
            #expect(refused.status == 403, "refused as a whole before a task is queued")
            #expect(try await app.call(.post, bin, body: "[]").code == "NoItemsProvided")

            let accepted = try await app.call(.post, bin, body: "[\(ids[0]), \"\(ids[1])\", 999999]")
            #expect(accepted.status == 202)
            let id = try accepted.decoded(TaskStartedAnswer.self).taskId
            try await app.deps.jobRunner(logger: Logger(label: "test")).drain()
            let done = try await app.call(.get, "/api/v1/task/\(library.id)/-/\(id)?access_token=\(token)")
            let task = try #require(try done.decoded([TaskAnswer<[BatchAnswer.Item]>].self).first)
            #expect(task.status == 207)
            let result = try #require(task.result)
            #expect(result.map(\.recycledItemId) == [ids[0], ids[1], 999999])
            #expect(result.map(\.status) == [200, 200, 404])
            #expect(result[0].path == ["a.txt"])
            #expect(result[1].path == ["b (1).txt"], "a name conflict always renames")
            #expect(result[2].code == "RecycledItemNotFound")
            let v2 = try await app.call(.get, "/api/v1/task-result/\(library.id)/-/\(id)?access_token=\(token)")
            let v2Task = try v2.decoded(TaskV2Answer<[BatchAnswer.Item]>.self)
            #expect(v2Task.taskType == "batchRestoreRecycle")
            #expect(v2Task.result?.count == 3)

            let small = try await app.call(.post, bin, body: "[\(ids[2])]")
            #expect(small.status == 200, "at or below the threshold: synchronous")
            #expect(
                try await f.app.call(.get, "/api/v1/directory/\(library.id)/-?access_token=\(token)")
                    .decoded(ListingAnswer.self).totalNum == 4)
        }
    }

    @Test func largeDirectoryCopiesRunAsTasks() async throws {
        @Sendable func threshold(_ deps: inout AppDependencies) { deps.copyTaskAboveEntries = 2 }
        try await TestApp.with(configure: threshold) { app in
            let library = try await app.createLibrary()
            let token = try await app.token(library, "grant=admin")
            let f = UploadFixture(app: app, library: library, token: token)
            let dir = "/api/v1/directory/\(library.id)/-"
            _ = try await app.call(.put, "\(dir)/small/inner?access_token=\(token)")
            _ = try await f.upload("small/a.txt", Array("aaaa".utf8))
            #expect(
                try await app.call(.put, "\(dir)/small-copy?access_token=\(token)", body: #"{"copyFrom":"small"}"#)
                    .status
                    == 204, "two entries: copied at once")
            _ = try await f.upload("small/b.txt", Array("bb".utf8))

            let accepted = try await app.call(
                .put, "\(dir)/big-copy?conflict_resolution_strategy=rename&access_token=\(token)",
                body: #"{"copyFrom":"small"}"#)
            #expect(accepted.status == 202)
            let id = try accepted.decoded(TaskStartedAnswer.self).taskId
            #expect(
                try await app.call(.get, "\(dir)/big-copy?info&access_token=\(token)").status == 200,
                "the target is reserved before the 202")
            let conflict = try await app.call(
                .put, "\(dir)/big-copy?access_token=\(token)", body: #"{"copyFrom":"small"}"#)
            #expect(conflict.status == 409, "conflicts are still answered at once")

            try await app.deps.jobRunner(logger: Logger(label: "test")).drain()
            let task = try await app.call(.get, "/api/v1/task/\(library.id)/-/\(id)?access_token=\(token)")
            let entry = try task.decoded([TaskAnswer<CreatedAnswer>].self).first
            #expect(entry?.status == 200)
            #expect(entry?.taskId == id)
            #expect(entry?.result?.path == ["big-copy"])
            let v2 = try await app.call(.get, "/api/v1/task-result/\(library.id)/-/\(id)?access_token=\(token)")
            let v2Task = try v2.decoded(TaskV2Answer<CreatedAnswer>.self)
            #expect(v2Task.taskType == "copyDirectory")
            #expect(v2Task.result?.path == ["big-copy"])
            let listed = try await app.call(.get, "\(dir)/big-copy?access_token=\(token)")
            #expect(try listed.decoded(ListingAnswer.self).contents.map(\.name) == ["inner", "a.txt", "b.txt"])
            #expect(try await app.store.recount().report.isClean)
            #expect(
                try await app.call(.get, "/api/v1/space/\(library.id)/-/size?access_token=\(token)")
                    .decoded(SizeAnswer.self).size == "16")
        }
    }

    /// Tasks are stored with typed parameters; one queued by the version before them (operation and request body
    /// in a string) still runs after an upgrade, with the same result.
    @Test func aTaskQueuedInTheFormatBeforeTypedParametersStillRuns() async throws {
        try await UploadFixture.with { f in
            _ = try await f.upload("old.txt", Array("x".utf8))
            let legacy =
                #"{"body":"[{\"path\":\"old.txt\"},{\"path\":\"gone.txt\"}]","grants":["admin"],"operation":"delete","spaces":null,"userId":""}"#
            let id = try await f.app.store.enqueueJob(
                kind: TaskType.batchKind, library: LibraryID(f.library.id), space: .singleTenant, payload: legacy,
                at: SystemClock().now())
            try await f.app.deps.jobRunner(logger: Logger(label: "test")).drain()
            let v2 = try await f.app.call(
                .get, "/api/v1/task-result/\(f.library.id)/-/\(id)?access_token=\(f.token)")
            let v2Task = try v2.decoded(TaskV2Answer<[BatchAnswer.Item]>.self)
            #expect(v2Task.taskType == "batchDelete")
            #expect(v2Task.status == 207)
            #expect(v2Task.result?.map(\.status) == [200, 404])

            // New tasks store their typed parameters, which read back equal.
            let parameters = TaskParameters.batch(
                operation: "copy", items: [.copy(from: "a", to: "b", strategy: "rename", fromSpace: "s")],
                requester: TaskRequester(userId: "u", grants: ["admin"], spaces: ["s"]))
            let job = Job(
                id: 1, kind: parameters.kind, libraryId: LibraryID("x"), spaceId: nil,
                payload: try parameters.encoded(), state: .queued, status: 202, result: nil, attempts: 0,
                finishedAt: nil)
            #expect(try TaskParameters.of(job) == parameters)
            #expect(parameters.type == .batchCopy && parameters.type.resultField == "batchCopyResults")
        }
    }

    @Test func failedTasksAreRetriedThenEndAs500AndExpiredLeasesAreReclaimed() async throws {
        try await TestStore.with { store, _ async throws in
            let library = LibraryID("smhtasklibrary01")
            let now = SystemClock().now()
            let id = try await store.enqueueJob(kind: "boom", library: library, space: nil, payload: "{}", at: now)
            let attempts = Counter()
            let runner = JobRunner(
                store: store,
                handlers: [
                    "boom": { _ in
                        await attempts.increment()
                        throw SMHError(.internalServerError, "midway failure")
                    }
                ], logger: Logger(label: "test"))
            #expect(try await runner.runNext())
            #expect(try await runner.runNext() == false, "after a failure the job waits for its back-off")
            try await store.transaction { db in
                try await db.raw("UPDATE jobs SET run_after = 0").run()
            }
            #expect(try await runner.runNext())
            try await store.transaction { db in try await db.raw("UPDATE jobs SET run_after = 0").run() }
            #expect(try await runner.runNext())
            #expect(await attempts.value == 3)
            let job = try #require(try await store.jobs(library: library, space: nil, ids: [id], now: now).first)
            #expect(job.status == 500, "after three attempts the task ends as failed")

            // A job whose runner died mid-way (lease expired) is claimed again by another runner.
            let orphan = try await store.enqueueJob(kind: "ok", library: library, space: nil, payload: "{}", at: now)
            let first = try await store.claimJob(owner: "dead", now: now, leaseUntil: now.adding(seconds: 1))
            #expect(first?.id == orphan)
            #expect(try await store.claimJob(owner: "other", now: now, leaseUntil: now.adding(seconds: 60)) == nil)
            let later = now.adding(seconds: 5)
            let reclaimed = try await store.claimJob(owner: "other", now: later, leaseUntil: later.adding(seconds: 60))
            #expect(reclaimed?.id == orphan)
            try await store.finishJob(orphan, owner: "dead", status: 200, result: "[]", at: later)
            #expect(
                try await store.jobs(library: library, space: nil, ids: [orphan], now: later).first?.status == 202,
                "the dead runner's late finish is ignored")
            try await store.finishJob(orphan, owner: "other", status: 204, result: nil, at: later)
            #expect(try await store.jobs(library: library, space: nil, ids: [orphan], now: later).first?.status == 204)
        }
    }
}

actor Counter {
    var value = 0
    func increment() { value += 1 }
}
