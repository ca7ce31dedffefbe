import Foundation
import SMHCore

/// What a task needs to run later as the caller who asked for it: the operation, its request body, and a snapshot
/// of the caller's identity and grants (checked again item by item when the task runs).
struct JobPayload: Codable {
    let operation: String
    let body: String
    let userId: String
    let grants: [String]
    /// Nil: every space.
    let spaces: [String]?

    init(operation: String, body: String, caller: Caller) throws {
        self.operation = operation
        self.body = body
        self.userId = caller.userId
        self.grants = caller.token.grants.map(\.rawValue).sorted()
        switch caller.token.spaceScope {
        case .all: self.spaces = nil
        case .only(let ids): self.spaces = ids.map(\.rawValue).sorted()
        }
    }

    func encoded() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> JobPayload {
        try JSONDecoder().decode(JobPayload.self, from: Data(text.utf8))
    }

    func caller(in library: Library, now: Timestamp) -> Caller {
        let token = AccessToken(
            tokenHash: "", libraryId: library.id,
            spaceScope: spaces.map { .only(Set($0.map { SpaceID($0) })) } ?? .all, userId: userId, clientId: "",
            sessionId: "", grants: Set(grants.compactMap(Grant.init(rawValue:))), period: 0,
            expiresAt: now.adding(seconds: 3600), createdAt: now)
        return Caller(library: library, token: token, userId: userId, renewable: false)
    }
}
