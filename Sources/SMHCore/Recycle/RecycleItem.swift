/// One entry of a space's recycle bin (spec 30 §1.0): a file, link or whole directory taken out of the tree, kept
/// with its inode until it is restored or purged.
public struct RecycleItem: Sendable, Hashable {
    public let id: Int64
    public let spaceId: SpaceID
    /// The recycled node as it was (its subtree stays attached to it).
    public let node: Node
    /// Full original path, name included.
    public let originalPath: [String]
    public let recycledAt: Timestamp
    /// Nil when the item never expires.
    public let expiresAt: Timestamp?

    public init(
        id: Int64, spaceId: SpaceID, node: Node, originalPath: [String], recycledAt: Timestamp, expiresAt: Timestamp?
    ) {
        self.id = id
        self.spaceId = spaceId
        self.node = node
        self.originalPath = originalPath
        self.recycledAt = recycledAt
        self.expiresAt = expiresAt
    }

    /// Whole days left before the automatic purge, never negative (spec 30 R1 `remainingTime`).
    public func remainingDays(at now: Timestamp) -> Int64? {
        expiresAt.map { max(0, ($0.milliseconds - now.milliseconds) / 86_400_000) }
    }
}

/// The orders of spec 30 R1. Without `order_by`: newest removal first.
public struct RecycleOrder: Sendable, Hashable {
    public enum Key: String, Sendable, CaseIterable {
        case name, modificationTime, size, removalTime, remainingTime
    }

    public let key: Key?
    public let descending: Bool

    public init(key: Key?, descending: Bool) {
        self.key = key
        self.descending = descending
    }

    /// Reads `order_by`/`orderBy` and `order_by_type`/`orderByType` (snake_case wins, spec 30 §0.5).
    public static func parse(_ query: QueryParameters) throws(SMHError) -> RecycleOrder {
        var key: Key?
        if let raw = query["order_by"] ?? query["orderBy"], !raw.isEmpty {
            guard let parsed = Key(rawValue: raw) else {
                throw SMHError(.orderByNotAllowed, "order_by must be one of \(Key.allCases.map(\.rawValue)).")
            }
            key = parsed
        }
        var descending = false
        if let raw = query["order_by_type"] ?? query["orderByType"], !raw.isEmpty {
            switch raw.lowercased() {
            case "asc": descending = false
            case "desc": descending = true
            default: throw SMHError(.orderByTypeNotAllowed, "order_by_type must be asc or desc.")
            }
        }
        return RecycleOrder(key: key, descending: key == nil ? true : descending)
    }
}
