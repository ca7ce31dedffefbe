import Foundation
import SMHCore
import SQLKit

extension SQLStore: TokenStore {
    public func insertToken(_ token: AccessToken) async throws {
        let spaces = try Self.encodeScope(token.spaceScope)
        let grants = token.grants.map(\.rawValue).sorted().joined(separator: ",")
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO tokens (token_hash, library_id, space_ids, user_id, client_id, session_id, grants,
                                    period_seconds, expires_at, created_at)
                VALUES (\(bind: token.tokenHash), \(bind: token.libraryId.rawValue), \(bind: spaces),
                        \(bind: token.userId), \(bind: token.clientId), \(bind: token.sessionId), \(bind: grants),
                        \(bind: token.period), \(bind: token.expiresAt.milliseconds), \(bind: token.createdAt.milliseconds))
                """
            ).run()
        }
    }

    public func token(hash: String) async throws -> AccessToken? {
        try await cache.token(hash) {
            try await read { db in
                try await db.raw("SELECT * FROM tokens WHERE token_hash = \(bind: hash)").first().map(Self.decodeToken)
            }
        }
    }

    public func extendToken(hash: String, to expiresAt: Timestamp) async throws {
        defer { cache.forgetToken(hash) }
        return try await transaction { db in
            try await db.raw(
                """
                UPDATE tokens SET expires_at = \(bind: expiresAt.milliseconds)
                WHERE token_hash = \(bind: hash) AND expires_at < \(bind: expiresAt.milliseconds)
                """
            ).run()
        }
    }

    @discardableResult
    public func deleteToken(hash: String, library: LibraryID) async throws -> Bool {
        defer { cache.clear() }
        return try await transaction { db in
            !(try await db.raw(
                """
                DELETE FROM tokens WHERE token_hash = \(bind: hash) AND library_id = \(bind: library.rawValue)
                RETURNING token_hash
                """
            ).all().isEmpty)
        }
    }

    @discardableResult
    public func deleteTokens(library: LibraryID, userIds: [String], clientIds: [String], sessionIds: [String])
        async throws -> Int
    {
        defer { cache.clear() }
        // Tokens issued without a user are never matched (spec 10 §2.8).
        let users = userIds.filter { !$0.isEmpty }
        guard !users.isEmpty else { return 0 }
        return try await transaction { db in
            var sql = SQLQueryString(
                "DELETE FROM tokens WHERE library_id = \(bind: library.rawValue) AND user_id IN (\(binds: users))")
            if !clientIds.isEmpty {
                sql.appendInterpolation(unsafeRaw: " AND client_id IN (")
                sql.appendInterpolation(binds: clientIds)
                sql.appendInterpolation(unsafeRaw: ")")
            }
            if !sessionIds.isEmpty {
                sql.appendInterpolation(unsafeRaw: " AND session_id IN (")
                sql.appendInterpolation(binds: sessionIds)
                sql.appendInterpolation(unsafeRaw: ")")
            }
            sql.appendInterpolation(unsafeRaw: " RETURNING token_hash")
            return try await db.raw(sql).all().count
        }
    }

    static func encodeScope(_ scope: AccessToken.SpaceScope) throws -> String {
        switch scope {
        case .all: return "*"
        case .only(let spaces):
            return String(decoding: try JSONEncoder().encode(spaces.map(\.rawValue).sorted()), as: UTF8.self)
        }
    }

    static func decodeToken(_ row: any SQLRow) throws -> AccessToken {
        let rawScope = try row.decode(column: "space_ids", as: String.self)
        var scope = AccessToken.SpaceScope.all
        if rawScope != "*" {
            let ids = try JSONDecoder().decode([String].self, from: Data(rawScope.utf8))
            scope = .only(Set(ids.map { SpaceID($0) }))
        }
        return AccessToken(
            tokenHash: try row.decode(column: "token_hash", as: String.self),
            libraryId: LibraryID(try row.decode(column: "library_id", as: String.self)),
            spaceScope: scope,
            userId: try row.decode(column: "user_id", as: String.self),
            clientId: try row.decode(column: "client_id", as: String.self),
            sessionId: try row.decode(column: "session_id", as: String.self),
            grants: Grant.parseList(try row.decode(column: "grants", as: String.self)),
            period: try row.decode(column: "period_seconds", as: Int64.self),
            expiresAt: Timestamp(milliseconds: try row.decode(column: "expires_at", as: Int64.self)),
            createdAt: Timestamp(milliseconds: try row.decode(column: "created_at", as: Int64.self)))
    }
}
