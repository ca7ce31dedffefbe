/// The settings a create or update request names, decoded strictly: unknown fields and wrong types are refused
/// with `400 ParamInvalid` naming the field, instead of being silently dropped (spec 00, admin API).
public struct LibrarySettingsPatch: Sendable, Decodable {
    enum Value: Sendable, Equatable {
        case bool(Bool)
        case int(Int)
        case string(String)
        case strings([String])
        case quota(Int64?)
        case type(LibraryType)
    }

    private(set) var values: [LibrarySettingsField: Value] = [:]

    public init() {}

    public var isEmpty: Bool { values.isEmpty }

    public func contains(_ field: LibrarySettingsField) -> Bool { values[field] != nil }

    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<AnyKey>
        do {
            container = try decoder.container(keyedBy: AnyKey.self)
        } catch {
            throw SMHError(.badRequest, "The body must be a JSON object.")
        }
        for key in container.allKeys {
            guard let field = LibrarySettingsField(rawValue: key.stringValue) else {
                throw SMHError(.paramInvalid, "Unknown field '\(key.stringValue)'.")
            }
            values[field] = try Self.decodeValue(of: field, key: key, in: container)
        }
    }

    private static func decodeValue(
        of field: LibrarySettingsField,
        key: AnyKey,
        in container: KeyedDecodingContainer<AnyKey>
    ) throws -> Value {
        func typed<T: Decodable>(_ type: T.Type, _ description: String) throws -> T {
            do {
                return try container.decode(T.self, forKey: key)
            } catch {
                throw SMHError(.paramInvalid, "\(field.rawValue) must be \(description).")
            }
        }
        switch field {
        case .name, .remark:
            return .string(try typed(String.self, "a string"))
        case .libraryType:
            guard let type = LibraryType(rawValue: try typed(String.self, "\"file\" or \"media\"")) else {
                throw SMHError(.paramInvalid, "libraryType must be \"file\" or \"media\".")
            }
            return .type(type)
        case .autoRemoveRecycledDays, .fileHistoryCount, .fileHistoryExpireDay, .fileHistoryMergeInterval,
            .maxDirFileNameLength:
            return .int(try typed(Int.self, "an integer"))
        case .allowPhotoExtName, .allowVideoExtName, .allowFileExtName:
            return .strings(try typed([String].self, "an array of strings"))
        case .libraryQuota:
            if try container.decodeNil(forKey: key) { return .quota(nil) }
            if let number = try? container.decode(Int64.self, forKey: key) { return .quota(number) }
            if let text = try? container.decode(String.self, forKey: key), let number = Int64(text) {
                return .quota(number)
            }
            throw SMHError(.paramInvalid, "libraryQuota must be a byte count between 1 and 9223372036854775807.")
        default:
            return .bool(try typed(Bool.self, "a boolean"))
        }
    }

    /// Applies the patch. On update (`creating == false`) the fields fixed at creation may only repeat their value.
    public func apply(to settings: inout LibrarySettings, creating: Bool) throws(SMHError) {
        if !creating {
            for (field, value) in values where field.isImmutable && value != settings.value(of: field) {
                throw SMHError(.paramInvalid, "\(field.rawValue) is fixed when the library is created.")
            }
        }
        for (field, value) in values { settings.set(field, value) }
        if creating && settings.libraryType == .media && !settings.multiSpace && values[.isMultiAlbum] == nil {
            settings.isMultiAlbum = true  // spec 00: album mode defaults to multi-album for media libraries
        }
        for field in values.keys.sorted(by: { $0.rawValue < $1.rawValue }) where !settings.applies(field) {
            throw SMHError(.paramInvalid, "\(field.rawValue) does not apply to this kind of library.")
        }
        try settings.validate()
    }
}

extension LibrarySettings {
    fileprivate func value(of field: LibrarySettingsField) -> LibrarySettingsPatch.Value {
        switch field {
        case .multiSpace: return .bool(multiSpace)
        case .libraryType: return .type(libraryType)
        case .isMultiAlbum: return .bool(isMultiAlbum)
        case .enableQuota: return .bool(enableQuota)
        default: preconditionFailure("only immutable fields are compared")
        }
    }

    fileprivate mutating func set(_ field: LibrarySettingsField, _ value: LibrarySettingsPatch.Value) {
        switch (field, value) {
        case (.name, .string(let v)): name = v
        case (.remark, .string(let v)): remark = v
        case (.libraryType, .type(let v)): libraryType = v
        case (.multiSpace, .bool(let v)): multiSpace = v
        case (.useRecycleBin, .bool(let v)): useRecycleBin = v
        case (.autoRemoveRecycledDays, .int(let v)): autoRemoveRecycledDays = v
        case (.enableSearch, .bool(let v)): enableSearch = v
        case (.denyOnQuotaLessThanUsage, .bool(let v)): denyOnQuotaLessThanUsage = v
        case (.enableFileHistory, .bool(let v)): enableFileHistory = v
        case (.fileHistoryCount, .int(let v)): fileHistoryCount = v
        case (.fileHistoryExpireDay, .int(let v)): fileHistoryExpireDay = v
        case (.fileHistoryMergeInterval, .int(let v)): fileHistoryMergeInterval = v
        case (.maxDirFileNameLength, .int(let v)): maxDirFileNameLength = v
        case (.isPublicRead, .bool(let v)): isPublicRead = v
        case (.isMultiAlbum, .bool(let v)): isMultiAlbum = v
        case (.allowPhoto, .bool(let v)): allowPhoto = v
        case (.allowPhotoExtName, .strings(let v)): allowPhotoExtName = v
        case (.allowVideo, .bool(let v)): allowVideo = v
        case (.allowVideoExtName, .strings(let v)): allowVideoExtName = v
        case (.allowFileExtName, .strings(let v)): allowFileExtName = v
        case (.recognizeSensitiveContent, .bool(let v)): recognizeSensitiveContent = v
        case (.enableQuota, .bool(let v)): enableQuota = v
        case (.libraryQuota, .quota(let v)): libraryQuota = v
        default: preconditionFailure("decoder produced \(value) for \(field)")
        }
    }
}
