/// A coding key named at run time: for objects whose keys are data (unknown fields to refuse, a field named after a
/// task's type).
public struct AnyKey: CodingKey, Sendable {
    public let stringValue: String
    public let intValue: Int?

    public init(_ name: String) {
        self.stringValue = name
        self.intValue = nil
    }

    public init(stringValue: String) {
        self.init(stringValue)
    }

    public init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
