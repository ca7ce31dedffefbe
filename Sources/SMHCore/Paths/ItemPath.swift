/// A decoded, validated path of an item inside a space: zero components is the space root.
public struct ItemPath: Sendable, Hashable, CustomStringConvertible {
    public let components: [String]

    public init(validated components: [String]) {
        self.components = components
    }

    public static let root = ItemPath(validated: [])

    public var isRoot: Bool { components.isEmpty }
    public var name: String? { components.last }
    public var parent: ItemPath? { isRoot ? nil : ItemPath(validated: Array(components.dropLast())) }
    public var description: String { components.joined(separator: "/") }

    /// Decodes the raw (still percent-encoded) path tail of a request, as spec 10 §1.3 prescribes:
    /// split on `/`, percent-decode each piece once, split again (so `%2F` separates), drop empty pieces,
    /// then validate each component. The leaf is validated as `leaf`, every other component as a directory.
    public static func decode(
        rawTail: Substring,
        leaf: NameRules.Role = .directory,
        maxNameLength: Int = NameRules.defaultMaxLength
    ) throws(SMHError) -> ItemPath {
        var components: [String] = []
        for piece in rawTail.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = PercentDecoding.decode(piece) else {
                throw SMHError(.illegalFileName, "The path is not valid UTF-8 after percent-decoding.")
            }
            for component in decoded.split(separator: "/", omittingEmptySubsequences: true) {
                components.append(String(component))
            }
        }
        return try validate(components, leaf: leaf, maxNameLength: maxNameLength)
    }

    /// Parses a path carried in a JSON body (`from`, `copyFrom`, `linkTo`): not percent-encoded, a leading `/`
    /// tolerated, always relative to the space root (spec 20 §1.1).
    public static func parse(
        bodyPath: String,
        leaf: NameRules.Role = .directory,
        maxNameLength: Int = NameRules.defaultMaxLength
    ) throws(SMHError) -> ItemPath {
        let components = bodyPath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return try validate(components, leaf: leaf, maxNameLength: maxNameLength)
    }

    private static func validate(
        _ components: [String],
        leaf: NameRules.Role,
        maxNameLength: Int
    ) throws(SMHError) -> ItemPath {
        for (index, component) in components.enumerated() {
            let role: NameRules.Role = index == components.count - 1 ? leaf : .directory
            try NameRules.validate(component, as: role, maxLength: maxNameLength)
        }
        return ItemPath(validated: components)
    }
}
