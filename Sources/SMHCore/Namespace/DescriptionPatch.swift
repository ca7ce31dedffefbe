/// The body of `POST …?update` (spec 20 F-20, D-09): labels, category and custom metadata.
public struct DescriptionPatch: Sendable, Decodable {
    public var labels: [String]?
    public var category: String?
    /// `nil` values delete a key when merging.
    public var metaData: [String: String?]?
    public var metaDataDirective: String?

    enum CodingKeys: String, CodingKey {
        case labels, category, metaData, metaDataDirective
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

    public func validate() throws(SMHError) {
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
