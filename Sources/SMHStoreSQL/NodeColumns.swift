import SQLKit

/// The columns of `nodes` a `Node` is decoded from, and two ways of reading them: by name from any driver's row,
/// or by position from a row whose result's layout was resolved once (a listing page decodes a thousand
/// rows of the same statement; looking each column up by name was a fifth of its time).
enum NodeColumn: Int, CaseIterable {
    case id, parentId, name, kind, size, contentType, crc64, etag, labels, category, blobSha256, meta, creatorUserId,
        createdAt, updatedAt, linkTargetId, localCreatedAt, localModifiedAt, versionNo, versionWay, contentCreatedAt,
        contentCreatedBy, latestSince

    var name: String {
        switch self {
        case .id: "id"
        case .parentId: "parent_id"
        case .name: "name"
        case .kind: "kind"
        case .size: "size"
        case .contentType: "content_type"
        case .crc64: "crc64"
        case .etag: "etag"
        case .labels: "labels"
        case .category: "category"
        case .blobSha256: "blob_sha256"
        case .meta: "meta"
        case .creatorUserId: "creator_user_id"
        case .createdAt: "created_at"
        case .updatedAt: "updated_at"
        case .linkTargetId: "link_target_id"
        case .localCreatedAt: "local_created_at"
        case .localModifiedAt: "local_modified_at"
        case .versionNo: "version_no"
        case .versionWay: "version_way"
        case .contentCreatedAt: "content_created_at"
        case .contentCreatedBy: "content_created_by"
        case .latestSince: "latest_since"
        }
    }
}

protocol NodeColumnReader {
    func read<D: Decodable>(_ column: NodeColumn, as type: D.Type) throws -> D
}

/// Any driver's row, read by column name.
struct NamedNodeColumns: NodeColumnReader {
    let row: any SQLRow
    func read<D: Decodable>(_ column: NodeColumn, as type: D.Type) throws -> D {
        try row.decode(column: column.name, as: type)
    }
}

/// Where each node column sits in one SQLite statement's result; nil when the statement lacks one of them.
struct NodeColumnLayout: Sendable {
    let positions: [Int]

    init?(_ indexOf: (String) -> Int?) {
        var positions: [Int] = []
        positions.reserveCapacity(NodeColumn.allCases.count)
        for column in NodeColumn.allCases {
            guard let index = indexOf(column.name) else { return nil }
            positions.append(index)
        }
        self.positions = positions
    }
}

/// A row read by position through its result's layout, with the same conversions as reading by name.
struct PositionalNodeColumns<Row: PositionalSQLRow>: NodeColumnReader {
    let row: Row
    let layout: NodeColumnLayout
    func read<D: Decodable>(_ column: NodeColumn, as type: D.Type) throws -> D {
        try row.decode(at: layout.positions[column.rawValue], column: column.name, as: type)
    }
}
