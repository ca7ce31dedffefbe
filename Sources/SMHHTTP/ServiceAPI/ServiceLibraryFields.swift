import Foundation
import SMHCore

/// The service API's library model (`Library`, `LibraryExtension` of SMH's SDKs) mapped onto OpenSMH's one library
/// model, the admin API's settings: a library created or changed through one API is the same library in the other.
enum ServiceLibraryFields {
    /// The `LibraryExtension` fields and the admin setting each one is (`IsFileLibrary` is `libraryType`).
    static let extensionFields: [(service: String, admin: LibrarySettingsField)] = [
        ("IsFileLibrary", .libraryType), ("IsMultiSpace", .multiSpace), ("UseRecycleBin", .useRecycleBin),
        ("AutoRemoveRecycledDays", .autoRemoveRecycledDays), ("EnableSearch", .enableSearch),
        ("DenyOnQuotaLessThanUsage", .denyOnQuotaLessThanUsage), ("EnableFileHistory", .enableFileHistory),
        ("FileHistoryCount", .fileHistoryCount), ("FileHistoryExpireDay", .fileHistoryExpireDay),
        ("MaxDirFileNameLength", .maxDirFileNameLength), ("IsPublicRead", .isPublicRead),
        ("IsMultiAlbum", .isMultiAlbum), ("AllowPhoto", .allowPhoto), ("AllowPhotoExtName", .allowPhotoExtName),
        ("AllowVideo", .allowVideo), ("AllowVideoExtName", .allowVideoExtName),
        ("AllowFileExtName", .allowFileExtName), ("RecognizeSensitiveContent", .recognizeSensitiveContent),
        ("EnableQuota", .enableQuota), ("LibraryQuota", .libraryQuota),
    ]

    static let storageClasses: Set<String> = [
        "STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "MAZ_STANDARD", "MAZ_STANDARD_IA", "MAZ_INTELLIGENT_TIERING",
    ]

    /// How the service API names an admin setting, for messages.
    static func name(of field: LibrarySettingsField) -> String {
        switch field {
        case .name: return "Name"
        case .remark: return "Remark"
        default:
            if let pair = extensionFields.first(where: { $0.admin == field }) { return pair.service }
            let raw = field.rawValue
            return raw.prefix(1).uppercased() + raw.dropFirst()
        }
    }

    /// Rewrites the admin setting names in a core message as whole words (`name` inside `filename` stays).
    static func serviceWording(_ message: String) -> String {
        let names = Dictionary(uniqueKeysWithValues: LibrarySettingsField.allCases.map { ($0.rawValue, name(of: $0)) })
        var result = ""
        var word = ""
        for character in message + " " {
            if character.isLetter || character.isNumber {
                word.append(character)
                continue
            }
            result += names[word] ?? word
            word = ""
            result.append(character)
        }
        return String(result.dropLast())
    }

    /// SMH's defaults, which differ from the admin API's (a media library, recycle bin, search and albums off).
    static func serviceDefaults(_ settings: inout LibrarySettings) {
        settings.libraryType = .media
        settings.useRecycleBin = false
        settings.enableSearch = false
    }

    /// The patch of `Name`, `Remark` and a `LibraryExtension`, in the admin API's terms. Types are checked here (with
    /// the service API's names); ranges and cross-field rules by the core's `LibrarySettingsPatch`, the one place
    /// for them.
    static func patch(
        name: String?, remark: String?, extension ext: ServiceParameters?, creating: Bool
    ) throws(ServiceAPIError) -> (patch: LibrarySettingsPatch, storageClass: String?) {
        var admin: [String: AnyJSON] = [:]
        if let name { admin["name"] = .string(name) }
        if let remark { admin["remark"] = .string(remark) }
        var storageClass: String?
        if let ext {
            try ext.allowOnly(Set(extensionFields.map(\.service) + ["CosStorageClass"]))
            if let value = try ext.string("CosStorageClass") {
                guard storageClasses.contains(value) else {
                    throw ServiceAPIError(
                        .cosStorageClass,
                        "CosStorageClass must be one of \(storageClasses.sorted().joined(separator: ", ")).")
                }
                storageClass = value
            }
            for (service, field) in extensionFields where ext.has(service) {
                switch field {
                case .libraryType:
                    admin[field.rawValue] = .string(try ext.bool(service)! ? "file" : "media")
                case .autoRemoveRecycledDays, .fileHistoryCount, .fileHistoryExpireDay, .maxDirFileNameLength,
                    .libraryQuota:
                    admin[field.rawValue] = .int(try ext.int(service)!)
                case .allowPhotoExtName, .allowVideoExtName, .allowFileExtName:
                    admin[field.rawValue] = .array(try ext.strings(service)!.map { .string($0) })
                default:
                    admin[field.rawValue] = .bool(try ext.bool(service)!)
                }
            }
            if creating, try ext.bool("EnableQuota") == true {
                guard ext.has("LibraryQuota") else {
                    throw ServiceAPIError(.libraryQuotaRequired, "LibraryQuota is required when EnableQuota is true.")
                }
                guard try ext.bool("IsMultiSpace") == true else {
                    throw ServiceAPIError(
                        .libraryQuotaRequiresMultiSpace, "Only a multi-space library (IsMultiSpace) can have a quota.")
                }
            }
        }
        // SMH's album mode is off unless asked for; the admin API's default (on) must not leak in.
        if creating, admin["isMultiAlbum"] == nil, admin["libraryType"] != .string("file"),
            admin["multiSpace"] != .bool(true)
        {
            admin["isMultiAlbum"] = .bool(false)
        }
        do {
            let data = try JSONEncoder().encode(AnyJSON.object(admin))
            return (try JSONDecoder().decode(LibrarySettingsPatch.self, from: data), storageClass)
        } catch let error as SMHError {
            throw ServiceAPIError(error)
        } catch {
            throw ServiceAPIError(.invalidParameter, "The library settings could not be read.")
        }
    }

    /// `Library` as the SDK's model has it. Counts are decimal strings (SMH: "due to number precision").
    static func wire(_ library: Library, totals: LibraryTotals?, accessDomain: String) -> AnyJSON {
        let s = library.settings
        func applicable(_ field: LibrarySettingsField, _ value: AnyJSON) -> AnyJSON {
            s.applies(field) ? value : .null
        }
        let strings = { (list: [String]) in AnyJSON.array(list.map { .string($0) }) }
        let ext: [String: AnyJSON] = [
            "IsFileLibrary": .bool(s.libraryType == .file),
            "IsMultiSpace": .bool(s.multiSpace),
            "CosStorageClass": .string(s.storageClass),
            "UseRecycleBin": .bool(s.useRecycleBin),
            "AutoRemoveRecycledDays": s.useRecycleBin ? .int(Int64(s.autoRemoveRecycledDays)) : .null,
            "EnableSearch": .bool(s.enableSearch),
            "DenyOnQuotaLessThanUsage": .bool(s.denyOnQuotaLessThanUsage),
            "EnableFileHistory": .bool(s.enableFileHistory),
            "FileHistoryCount": s.enableFileHistory ? .int(Int64(s.fileHistoryCount)) : .null,
            "FileHistoryExpireDay": s.enableFileHistory ? .int(Int64(s.fileHistoryExpireDay)) : .null,
            "MaxDirFileNameLength": .int(Int64(s.maxDirFileNameLength)),
            "IsPublicRead": applicable(.isPublicRead, .bool(s.isPublicRead)),
            "IsMultiAlbum": applicable(.isMultiAlbum, .bool(s.isMultiAlbum)),
            "AllowPhoto": applicable(.allowPhoto, .bool(s.allowPhoto)),
            "AllowPhotoExtName": applicable(.allowPhotoExtName, strings(s.allowPhotoExtName)),
            "AllowVideo": applicable(.allowVideo, .bool(s.allowVideo)),
            "AllowVideoExtName": applicable(.allowVideoExtName, strings(s.allowVideoExtName)),
            "AllowFileExtName": applicable(.allowFileExtName, strings(s.allowFileExtName)),
            "RecognizeSensitiveContent": applicable(.recognizeSensitiveContent, .bool(s.recognizeSensitiveContent)),
            "EnableQuota": .bool(s.enableQuota),
            "LibraryQuota": s.libraryQuota.map { .int($0) } ?? .null,
        ]
        return .object([
            "LibraryId": .string(library.id.rawValue),
            "Name": .string(s.name),
            "Remark": .string(s.remark),
            // The bytes live in OpenSMH's blob store, not in a COS bucket of the caller's.
            "BucketName": .string(""),
            "BucketRegion": .string(""),
            "AccessDomain": .string(accessDomain),
            "CreationTime": .string(library.createdAt.iso8601),
            "LibraryExtension": .object(ext),
            "Size": .string(String(totals?.bytes ?? 0)),
            "DirNum": .string(String(totals?.directories ?? 0)),
            "FileNum": .string(String(totals?.files ?? 0)),
            "Tags": .array(s.tags.map { .object(["TagKey": .string($0.key), "TagValue": .string($0.value)]) }),
        ])
    }

    /// `Tags`: a list of `ResourceTag`; at most 50, keys unique, each key and value at most 255 characters.
    static func tags(_ parameters: ServiceParameters) throws(ServiceAPIError) -> [LibraryTag]? {
        guard let list = try parameters.objects("Tags") else { return nil }
        guard list.count <= 50 else { throw ServiceAPIError(.limitExceeded, "At most 50 tags.") }
        var tags: [LibraryTag] = []
        for item in list {
            try item.allowOnly(["TagKey", "TagValue"])
            let key = try item.requiredString("TagKey")
            let value = try item.string("TagValue") ?? ""
            guard key.count <= 255, value.count <= 255 else {
                throw ServiceAPIError(.limitExceeded, "A tag's key and value are at most 255 characters.")
            }
            guard !tags.contains(where: { $0.key == key }) else {
                throw ServiceAPIError(.invalidParameterValue, "Tag key '\(key)' is given twice.")
            }
            tags.append(LibraryTag(key: key, value: value))
        }
        return tags
    }
}
