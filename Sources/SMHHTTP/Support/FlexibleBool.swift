import SMHCore

/// A boolean body field as SDKs send it: `true`/`false`, `0`/`1`, or those as strings (the Java SDK's beans send
/// `"1"`); anything else is `400 ParamInvalid` naming the field.
struct FlexibleBool: Decodable {
    let value: Bool
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            value = bool
        } else if let number = try? container.decode(Int.self), number == 0 || number == 1 {
            value = number == 1
        } else if let text = try? container.decode(String.self), ["0", "1", "true", "false"].contains(text) {
            value = text == "1" || text == "true"
        } else {
            let field = decoder.codingPath.last?.stringValue ?? "The flag"
            throw SMHError(
                .paramInvalid, "\(field) is a boolean, 0/1, or one of \"0\", \"1\", \"true\", \"false\".")
        }
    }
}
