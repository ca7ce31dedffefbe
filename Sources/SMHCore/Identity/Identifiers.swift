/// A media library id: `smh` + 13 chars of `[0-9a-z]` when OpenSMH makes one (spec 10 §1.2).
public struct LibraryID: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static func generate() -> LibraryID {
        LibraryID("smh" + RandomToken.alphanumeric(count: 13))
    }
}

/// A tenant space id; `-` is the one space of a single-tenant library.
public struct SpaceID: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let singleTenant = SpaceID("-")
}

/// The id of a node (directory, file, symbolic link): SMH calls it the inode.
public struct Inode: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}
