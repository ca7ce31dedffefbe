import Testing

@testable import SMHCore

@Suite struct ByteRangeTests {
    @Test func closedOpenAndSuffixRanges() {
        #expect(ByteRange.parse(header: "bytes=0-9", size: 100) == .partial(ByteRange(start: 0, length: 10)))
        #expect(ByteRange.parse(header: "bytes=90-", size: 100) == .partial(ByteRange(start: 90, length: 10)))
        #expect(ByteRange.parse(header: "bytes=-5", size: 100) == .partial(ByteRange(start: 95, length: 5)))
        #expect(ByteRange.parse(header: "bytes=-500", size: 100) == .partial(ByteRange(start: 0, length: 100)))
        #expect(ByteRange.parse(header: "bytes=50-5000", size: 100) == .partial(ByteRange(start: 50, length: 50)))
    }

    @Test func unsatisfiableRanges() {
        #expect(ByteRange.parse(header: "bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse(header: "bytes=-0", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse(header: "bytes=0-", size: 0) == .unsatisfiable)
    }

    @Test func ignoredHeadersGiveTheWholeBody() {
        #expect(ByteRange.parse(header: nil, size: 100) == .whole)
        #expect(ByteRange.parse(header: "items=0-1", size: 100) == .whole)
        #expect(ByteRange.parse(header: "bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRange.parse(header: "bytes=9-3", size: 100) == .whole)
        #expect(ByteRange.parse(header: "bytes=a-b", size: 100) == .whole)
        #expect(ByteRange.parse(header: "bytes=+1-2", size: 100) == .whole)
    }
}
