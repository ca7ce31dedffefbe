import Foundation

/// The service API's parameter trees: a JSON body, or GET query parameters unflattened (`A.B.0=v`). Values from a
/// query are all strings; the typed readers (`ServiceParameters`) accept them where JSON would hold a number or a
/// boolean.
extension AnyJSON {
    /// A JSON body; anything but an object is refused (API 3.0 bodies are objects).
    static func parse(json bytes: [UInt8]) throws(ServiceAPIError) -> [String: AnyJSON] {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        guard let value = try? JSONDecoder().decode(AnyJSON.self, from: Data(bytes)) else {
            throw ServiceAPIError(.invalidParameter, "The body is not valid JSON.")
        }
        guard case .object(let fields) = value else {
            throw ServiceAPIError(.invalidParameter, "The body must be a JSON object.")
        }
        return fields
    }

    /// GET parameters as API 3.0 flattens them: `LibraryIds.0=a&LibraryExtension.UseRecycleBin=true`.
    static func parse(query pairs: [(String, String)]) throws(ServiceAPIError) -> [String: AnyJSON] {
        var root = AnyJSON.object([:])
        for (key, value) in pairs {
            let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.contains(where: \.isEmpty), path.count <= 8 else {
                throw ServiceAPIError(.invalidParameter, "Parameter name '\(key)' is malformed.")
            }
            try root.insert(.string(value), at: path[...], name: key)
        }
        guard case .object(let fields) = root else { return [:] }
        var closed: [String: AnyJSON] = [:]
        for (key, value) in fields { closed[key] = try value.closingArrays() }
        return closed
    }

    /// Query arrays are built as objects keyed by index, then turned into arrays once all indices are known.
    private mutating func insert(_ leaf: AnyJSON, at path: ArraySlice<String>, name: String)
        throws(ServiceAPIError)
    {
        guard let head = path.first else {
            guard self == .object([:]) else {
                throw ServiceAPIError(.invalidParameter, "Parameter '\(name)' is given twice.")
            }
            self = leaf
            return
        }
        guard case .object(var fields) = self else {
            throw ServiceAPIError(.invalidParameter, "Parameter '\(name)' conflicts with another.")
        }
        var child = fields[head] ?? .object([:])
        try child.insert(leaf, at: path.dropFirst(), name: name)
        fields[head] = child
        self = .object(fields)
    }

    private func closingArrays() throws(ServiceAPIError) -> AnyJSON {
        guard case .object(let fields) = self else { return self }
        var closed: [String: AnyJSON] = [:]
        for (key, value) in fields { closed[key] = try value.closingArrays() }
        let indices = closed.keys.compactMap { Int($0) }
        guard !closed.isEmpty, indices.count == closed.count else { return .object(closed) }
        guard Set(indices) == Set(0..<indices.count) else {
            throw ServiceAPIError(.invalidParameter, "Array indices must run from 0 without gaps.")
        }
        return .array((0..<indices.count).map { closed[String($0)]! })
    }
}

/// Typed reads of one action's parameters, with API 3.0's errors: `MissingParameter`, `InvalidParameter` (wrong
/// type), `UnknownParameter`.
struct ServiceParameters {
    let fields: [String: AnyJSON]
    /// Where these fields sit, for messages (`LibraryExtension.`).
    let prefix: String

    init(_ fields: [String: AnyJSON], prefix: String = "") {
        self.fields = fields
        self.prefix = prefix
    }

    /// Refuses any field the action does not define: a typo must not pass silently.
    func allowOnly(_ names: Set<String>) throws(ServiceAPIError) {
        for key in fields.keys.sorted() where !names.contains(key) {
            throw ServiceAPIError(.unknownParameter, "The parameter \(prefix)\(key) is not defined for this action.")
        }
    }

    func has(_ name: String) -> Bool {
        if case .some(.null) = fields[name] { return false }
        return fields[name] != nil
    }

    func string(_ name: String) throws(ServiceAPIError) -> String? {
        switch fields[name] {
        case nil, .null: return nil
        case .string(let v): return v
        default: throw wrongType(name, "a string")
        }
    }

    func requiredString(_ name: String) throws(ServiceAPIError) -> String {
        guard let value = try string(name), !value.isEmpty else {
            throw ServiceAPIError(.missingParameter, "The parameter \(prefix)\(name) is required.")
        }
        return value
    }

    func int(_ name: String) throws(ServiceAPIError) -> Int64? {
        switch fields[name] {
        case nil, .null: return nil
        case .int(let v): return v
        case .string(let text):
            guard let v = Int64(text) else { throw wrongType(name, "an integer") }
            return v
        default: throw wrongType(name, "an integer")
        }
    }

    func bool(_ name: String) throws(ServiceAPIError) -> Bool? {
        switch fields[name] {
        case nil, .null: return nil
        case .bool(let v): return v
        case .string("true"), .string("True"), .string("1"): return true
        case .string("false"), .string("False"), .string("0"): return false
        default: throw wrongType(name, "a boolean")
        }
    }

    func strings(_ name: String) throws(ServiceAPIError) -> [String]? {
        switch fields[name] {
        case nil, .null: return nil
        case .array(let items):
            var result: [String] = []
            for item in items {
                guard case .string(let v) = item else { throw wrongType(name, "an array of strings") }
                result.append(v)
            }
            return result
        default: throw wrongType(name, "an array of strings")
        }
    }

    func object(_ name: String) throws(ServiceAPIError) -> ServiceParameters? {
        switch fields[name] {
        case nil, .null: return nil
        case .object(let v): return ServiceParameters(v, prefix: "\(prefix)\(name).")
        default: throw wrongType(name, "an object")
        }
    }

    func objects(_ name: String) throws(ServiceAPIError) -> [ServiceParameters]? {
        switch fields[name] {
        case nil, .null: return nil
        case .array(let items):
            var result: [ServiceParameters] = []
            for (index, item) in items.enumerated() {
                guard case .object(let v) = item else { throw wrongType(name, "an array of objects") }
                result.append(ServiceParameters(v, prefix: "\(prefix)\(name).\(index)."))
            }
            return result
        default: throw wrongType(name, "an array of objects")
        }
    }

    private func wrongType(_ name: String, _ expected: String) -> ServiceAPIError {
        ServiceAPIError(.invalidParameter, "The parameter \(prefix)\(name) must be \(expected).")
    }
}
