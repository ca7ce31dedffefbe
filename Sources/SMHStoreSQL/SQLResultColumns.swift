import SQLKit

/// The column names of one result, shared by all its rows, with the node layout when every node column is there.
final class SQLResultColumns: Sendable {
    let names: [String]
    private let indexes: [String: Int]
    /// Set when the result has every column of a node (`SELECT * FROM nodes`, `RETURNING *`).
    let nodeLayout: NodeColumnLayout?

    /// `firstWins` says which of two equal names (joins) a lookup finds: SQLite's rows have always found the first,
    /// postgres-nio's the last; each driver keeps its own.
    init(names: [String], firstWins: Bool) {
        self.names = names
        var indexes: [String: Int] = [:]
        for (index, name) in firstWins ? Array(names.enumerated().reversed()) : Array(names.enumerated()) {
            indexes[name] = index
        }
        self.indexes = indexes
        nodeLayout = NodeColumnLayout { indexes[$0] }
    }

    func index(of name: String) -> Int? {
        indexes[name]
    }
}

/// A row whose values can also be read by position, with the same conversions as by name.
protocol PositionalSQLRow: SQLRow {
    var columns: SQLResultColumns { get }
    func decode<D: Decodable>(at index: Int, column: String, as type: D.Type) throws -> D
}
