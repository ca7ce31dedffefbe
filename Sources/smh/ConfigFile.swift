import Foundation

/// `--config FILE` (or `SMH_CONFIG`): the settings of the flags in a file, keys named as the flags (`port = 8080`,
/// `data-dir` or `data_dir`), as TOML (`key = value` lines: strings, numbers, booleans, `#` comments) or, for a file
/// ending in `.json`, one JSON object. A flag wins over its `SMH_*` variable, which wins over the file.
enum ConfigFile {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    enum Value: Equatable {
        case text(String)
        case flag(Bool)
    }

    static func read(path: String) throws -> [(key: String, value: Value)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(description: "--config: \(path) cannot be read.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Invalid(description: "--config: \(path) is not UTF-8 text.")
        }
        let pairs = path.lowercased().hasSuffix(".json") ? try json(text, path: path) : try toml(text, path: path)
        return pairs.map { (key: $0.key.lowercased().replacingOccurrences(of: "_", with: "-"), value: $0.value) }
    }

    /// The flat part of TOML that settings need.
    static func toml(_ text: String, path: String) throws -> [(key: String, value: Value)] {
        var pairs: [(key: String, value: Value)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let place = "--config: \(path) line \(index + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw Invalid(description: "\(place): expected key = value.")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw Invalid(description: "\(place): '\(key)' is not a setting name (tables are not used).")
            }
            let value = try tomlValue(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces), place)
            pairs.append((key: key, value: value))
        }
        return pairs
    }

    static func tomlValue(_ text: String, _ place: String) throws -> Value {
        if let quote = text.first, quote == "\"" || quote == "'" {
            var result = ""
            var escaped = false
            var rest = text.dropFirst()
            while let character = rest.first {
                rest = rest.dropFirst()
                if escaped {
                    switch character {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    case "\"", "\\": result.append(character)
                    default: throw Invalid(description: "\(place): unknown escape \\\(character).")
                    }
                    escaped = false
                } else if character == "\\" && quote == "\"" {
                    escaped = true
                } else if character == quote {
                    let trailing = rest.trimmingCharacters(in: .whitespaces)
                    guard trailing.isEmpty || trailing.hasPrefix("#") else {
                        throw Invalid(description: "\(place): unexpected text after the string.")
                    }
                    return .text(result)
                } else {
                    result.append(character)
                }
            }
            throw Invalid(description: "\(place): the string is not closed.")
        }
        let bare = (text.split(separator: "#", maxSplits: 1).first.map(String.init) ?? "")
            .trimmingCharacters(in: .whitespaces)
        switch bare {
        case "true": return .flag(true)
        case "false": return .flag(false)
        default:
            let digits = bare.replacingOccurrences(of: "_", with: "")
            guard !digits.isEmpty, Double(digits) != nil else {
                throw Invalid(description: "\(place): '\(bare)' is not a string, number or boolean.")
            }
            return .text(digits)
        }
    }

    private enum Scalar: Decodable {
        case flag(Bool)
        case integer(Int64)
        case number(Double)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) {
                self = .flag(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    static func json(_ text: String, path: String) throws -> [(key: String, value: Value)] {
        let object: [String: Scalar]
        do {
            object = try JSONDecoder().decode([String: Scalar].self, from: Data(text.utf8))
        } catch {
            throw Invalid(description: "--config: \(path) is not one JSON object of strings, numbers and booleans.")
        }
        return object.sorted { $0.key < $1.key }.map { key, scalar in
            switch scalar {
            case .flag(let value): (key: key, value: .flag(value))
            case .integer(let value): (key: key, value: .text(String(value)))
            case .number(let value): (key: key, value: .text(String(value)))
            case .text(let value): (key: key, value: .text(value))
            }
        }
    }
}
