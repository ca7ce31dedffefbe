/// The descriptive fields a client may send: the body of `POST …?update` (spec 20 F-20, D-09) and the matching
/// fields of D-01, F-01 and F-07 bodies: labels, category, custom metadata and the client's local file times.
public struct DescriptionPatch: Sendable, Decodable {
    public var labels: [String]?
    public var category: String?
    /// `nil` values delete a key when merging.
    public var metaData: [String: String?]?
    public var metaDataDirective: String?
    public var localCreationTime: String?
    public var localModificationTime: String?

    enum CodingKeys: String, CodingKey {
        case labels, category, metaData, metaDataDirective, localCreationTime, localModificationTime
    }

    public init(
        labels: [String]? = nil, category: String? = nil, localCreationTime: String? = nil,
        localModificationTime: String? = nil
    ) {
        self.labels = labels
        self.category = category
        self.localCreationTime = localCreationTime
        self.localModificationTime = localModificationTime
    }

    public init(from decoder: any Decoder) throws {
        let c: KeyedDecodingContainer<CodingKeys>
        do {
            c = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw SMHError(.badRequest, "The body must be a JSON object.")
        }
        func field<T: Decodable>(_ key: CodingKeys, _ description: String) throws -> T? {
            do {
                return try c.decodeIfPresent(T.self, forKey: key)
            } catch {
                throw SMHError(.paramInvalid, "\(key.rawValue) must be \(description).")
            }
        }
        labels = try field(.labels, "an array of strings")
        category = try field(.category, "a string")
        metaData = try field(.metaData, "an object of string values")
        metaDataDirective = try field(.metaDataDirective, "merge or replace")
        localCreationTime = try field(.localCreationTime, "a time string")
        localModificationTime = try field(.localModificationTime, "a time string")
    }

    public static let maxCategoryBytes = 16
    public static let maxLabels = 1000

    /// The metadata after applying this patch to `current` (keys lower-cased, `x-smh-meta-` prefixed).
    public func validatedMetaData(merging current: [String: String]) throws(SMHError) -> [String: String]? {
        guard let metaData else { return nil }
        let replace: Bool
        switch metaDataDirective {
        case nil, "merge": replace = false
        case "replace": replace = true
        default: throw SMHError(.paramInvalid, "metaDataDirective must be merge or replace.")
        }
        var result = replace ? [:] : current
        for (rawKey, value) in metaData {
            var key = rawKey.lowercased()
            if !key.hasPrefix("x-smh-meta-") { key = "x-smh-meta-" + key }
            guard key.utf8.count <= 128, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") })
            else {
                throw SMHError(.paramInvalid, "Metadata keys are printable ASCII without spaces or ':'.")
            }
            if let value {
                guard value.utf8.count <= 2048 else { throw SMHError(.paramInvalid, "A metadata value is too long.") }
                result[key] = value
            } else {
                result[key] = nil
            }
        }
        guard result.count <= 64 else { throw SMHError(.paramInvalid, "At most 64 metadata keys.") }
        return result
    }

    /// The local times given, parsed (spec 20 §1.6); `400 InvalidTimeFormat` when one cannot be read.
    public func localTimes() throws(SMHError) -> LocalTimes {
        func parse(_ text: String?, _ field: String) throws(SMHError) -> Timestamp? {
            guard let text else { return nil }
            guard let time = Timestamp.parse(text) else {
                throw SMHError(.invalidTimeFormat, "\(field) is not an ISO 8601 time or epoch milliseconds.")
            }
            return time
        }
        return LocalTimes(
            created: try parse(localCreationTime, "localCreationTime"),
            modified: try parse(localModificationTime, "localModificationTime"))
    }

    public func validate() throws(SMHError) {
        _ = try localTimes()
        if let category, category.utf8.count > Self.maxCategoryBytes {
            throw SMHError(.paramInvalid, "category must be at most \(Self.maxCategoryBytes) bytes.")
        }
        if let labels {
            guard labels.count <= Self.maxLabels, labels.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.count <= 64 })
            else {
                throw SMHError(.paramInvalid, "labels are 1 to 64 characters, at most \(Self.maxLabels) of them.")
            }
        }
    }
}

/// A file's times on the client's device, kept as given (normalised to UTC) and returned when set.
public struct LocalTimes: Sendable, Hashable, Codable {
    public var created: Timestamp?
    public var modified: Timestamp?

    public init(created: Timestamp? = nil, modified: Timestamp? = nil) {
        self.created = created
        self.modified = modified
    }
}

/// The descriptive fields an upload carries from begin to confirm (spec 20 F-01, F-07), validated.
public struct FileDescription: Sendable, Hashable, Codable {
    public var labels: [String]?
    public var category: String?
    public var localTimes: LocalTimes

    public init(labels: [String]? = nil, category: String? = nil, localTimes: LocalTimes = LocalTimes()) {
        self.labels = labels
        self.category = category
        self.localTimes = localTimes
    }

    /// Validates a body's fields; those it gives replace these.
    public func overridden(by patch: DescriptionPatch) throws(SMHError) -> FileDescription {
        try patch.validate()
        let times = try patch.localTimes()
        return FileDescription(
            labels: patch.labels ?? labels, category: patch.category ?? category,
            localTimes: LocalTimes(
                created: times.created ?? localTimes.created, modified: times.modified ?? localTimes.modified))
    }
}
