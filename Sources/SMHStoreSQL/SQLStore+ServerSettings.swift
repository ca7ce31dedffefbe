import SMHCore
import SQLKit

extension SQLStore {
    /// A value every instance shares, created once by whichever instance asks first (`ON CONFLICT DO NOTHING` makes
    /// concurrent first starts agree on one value).
    public func sharedSetting(_ key: String, createWith makeValue: @Sendable () -> String) async throws -> String {
        let candidate = makeValue()
        return try await transaction { db in
            try await db.raw(
                "INSERT INTO server_settings (key, value) VALUES (\(bind: key), \(bind: candidate)) ON CONFLICT (key) DO NOTHING"
            ).run()
            guard
                let value = try await db.raw("SELECT value FROM server_settings WHERE key = \(bind: key)").first()?
                    .decode(column: "value", as: String.self)
            else { throw SMHError.internalError(StoreInvariant("server setting \(key) missing after insert")) }
            return value
        }
    }
}
