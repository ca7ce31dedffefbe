import NIOConcurrencyHelpers
import SMHCore

/// Request ids need to be unique, not secret: a random prefix drawn once per process and a counter, so no request
/// pays for system randomness.
enum RequestIds {
    private static let prefix = RandomToken.alphanumeric(count: 12)
    private static let counter = NIOLockedValueBox<UInt64>(0)

    static func next() -> String {
        let number = counter.withLockedValue { value -> UInt64 in
            value &+= 1
            return value
        }
        let digits = String(number, radix: 36)
        return prefix + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
}
