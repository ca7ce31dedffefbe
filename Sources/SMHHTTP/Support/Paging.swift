import SMHCore

/// The two paging styles of spec 30 §0.8: `page` (1-based) + `page_size`, or `marker` + `limit`. The marker stays
/// a string here: each list gives it its own meaning.
struct Paging {
    let pageStyle: Bool
    /// Page style: items to skip.
    let offset: Int
    let limit: Int
    let marker: String?

    /// `minimumPageSize` is 0 where an empty page may be asked for (spec 30 R1).
    static func parse(_ query: QueryParameters, pageStyle: Bool, minimumPageSize: Int = 1) throws(SMHError) -> Paging {
        if pageStyle {
            let page = try query.int("page") ?? 1
            let size = try query.int("page_size") ?? 20
            guard (1...1_000_000).contains(page), (minimumPageSize...1000).contains(size) else {
                throw SMHError(.paramInvalid, "page starts at 1; page_size is \(minimumPageSize) to 1000.")
            }
            return Paging(pageStyle: true, offset: (page - 1) * size, limit: size, marker: nil)
        }
        let limit = try query.int("limit") ?? 20
        guard limit >= 1 else { throw SMHError(.paramInvalid, "limit is 1 to 1000.") }
        let marker = query["marker"].flatMap { $0.isEmpty ? nil : $0 }
        return Paging(pageStyle: false, offset: 0, limit: min(limit, 1000), marker: marker)
    }

    /// A marker that is a position in the list (recycle bin, history versions).
    func markerOffset(invalid: SMHErrorCode = .paramInvalid) throws(SMHError) -> Int {
        guard let marker else { return pageStyle ? offset : 0 }
        guard let value = Int(marker), value >= 0 else {
            throw SMHError(invalid, "The marker is not one this server issued.")
        }
        return value
    }
}
