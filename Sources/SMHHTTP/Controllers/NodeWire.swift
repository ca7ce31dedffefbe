import SMHCore
import SMHMedia
import SMHStoreSQL

/// The wire form of a node in listings and info answers (spec 20 D-02 items, D-03).
struct NodeWire: Encodable {
    let node: Node
    let path: [String]
    let libraryType: LibraryType
    let withInode: Bool
    /// D-03 includes `name` for the root too (as `""`); listing items always have one.
    var includeName = true
    /// D-03 names a link's immediate target by inode (spec 20 F-19 rule 8); listings do not.
    var includeLinkTo = false
    /// `with_favorite_status=1`: whether the caller has favorited it (spec 30 §6.0).
    var isFavorite: Bool? = nil
    /// Search results carry `metaData` on every file, even empty (spec 30 S1); other answers only when set.
    var alwaysMetaData = false
    /// The wire path is `path` followed by the node's name: a listing's items share the directory's path array
    /// instead of each allocating its own.
    var nameCompletesPath = false

    var wirePath: [String] { nameCompletesPath ? path + [node.name] : path }

    enum Key: String, FileKindKeys {
        case name, path, type, inode, creationTime, modificationTime, eTag, userId, labels, category, metaData
        case versionId, contentType, size, crc64, fileType, previewByDoc, previewByCI, previewAsIcon, removedByQuota
        case localCreationTime, localModificationTime, linkTo, isFavorite
    }

    var type: String { Self.type(of: node, libraryType: libraryType) }

    /// `type` of spec 20 §1.6: `dir`, `symlink`, or for files `file` — `image`/`video` in media libraries.
    static func type(of node: Node, libraryType: LibraryType) -> String {
        switch node.kind {
        case .directory: return "dir"
        case .symlink: return "symlink"
        case .file: return fileType(named: node.name, libraryType: libraryType)
        }
    }

    static func fileType(named name: String, libraryType: LibraryType) -> String {
        guard libraryType == .media else { return "file" }
        return fileType(kind: FileKinds.fileType(of: name), libraryType: libraryType)
    }

    /// The same from the kind `FileKinds.fileType` already gave.
    static func fileType(kind: String, libraryType: LibraryType) -> String {
        guard libraryType == .media else { return "file" }
        return kind == "video" ? "video" : "image"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        if includeName { try c.encode(node.name, forKey: .name) }
        try c.encode(wirePath, forKey: .path)
        try c.encode(type, forKey: .type)
        if withInode { try c.encode(Node.formatInode(node.inode), forKey: .inode) }
        try c.encodeIfPresent(isFavorite, forKey: .isFavorite)
        try c.encode(node.createdAt.iso8601, forKey: .creationTime)
        try c.encode(node.updatedAt.iso8601, forKey: .modificationTime)
        try c.encode(node.wireETag, forKey: .eTag)
        try c.encode(node.creatorUserId, forKey: .userId)
        if !node.labels.isEmpty { try c.encode(node.labels, forKey: .labels) }
        if !node.metaData.isEmpty || (alwaysMetaData && node.kind != .directory) {
            try c.encode(node.metaData, forKey: .metaData)
        }
        try c.encodeIfPresent(node.localTimes.created?.iso8601, forKey: .localCreationTime)
        try c.encodeIfPresent(node.localTimes.modified?.iso8601, forKey: .localModificationTime)
        guard node.kind != .directory else { return }
        if includeLinkTo, let target = node.linkTarget { try c.encode(Node.formatInode(target), forKey: .linkTo) }
        if !node.category.isEmpty { try c.encode(node.category, forKey: .category) }
        try c.encode(node.version.number, forKey: .versionId)
        try c.encode(node.contentType, forKey: .contentType)
        try c.encode(String(node.size), forKey: .size)
        try c.encode(node.crc64 ?? "0", forKey: .crc64)
        try c.encodeFileKind(of: node.name)
        try c.encode(false, forKey: .removedByQuota)
    }
}

extension NodeWire: JSONWritable {
    /// The members of `encode(to:)`, in byte order of their keys.
    func writeJSON(to out: inout [UInt8]) {
        let file = node.kind != .directory
        let fileType = file ? FileKinds.fileType(of: node.name) : ""
        let media = PreviewSupport.current.covers(fileType: fileType)
        var w = JSONObjectWriter()
        if file && !node.category.isEmpty { w.string("category", node.category, &out) }
        if file { w.string("contentType", node.contentType, &out) }
        if file { w.string("crc64", node.crc64 ?? "0", &out) }
        w.time("creationTime", node.createdAt, &out)
        w.string("eTag", node.wireETag, &out)
        if file { w.string("fileType", fileType, &out) }
        if withInode { w.string("inode", Node.formatInode(node.inode), &out) }
        if let isFavorite { w.bool("isFavorite", isFavorite, &out) }
        if !node.labels.isEmpty { w.strings("labels", node.labels, &out) }
        if file && includeLinkTo, let target = node.linkTarget { w.string("linkTo", Node.formatInode(target), &out) }
        if let created = node.localTimes.created { w.time("localCreationTime", created, &out) }
        if let modified = node.localTimes.modified { w.time("localModificationTime", modified, &out) }
        if !node.metaData.isEmpty || (alwaysMetaData && file) {
            w.key("metaData", &out)
            JSONText.writeStringMap(node.metaData, to: &out)
        }
        w.time("modificationTime", node.updatedAt, &out)
        if includeName { w.string("name", node.name, &out) }
        w.key("path", &out)
        out.append(UInt8(ascii: "["))
        for (index, component) in path.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.writeString(component, to: &out)
        }
        if nameCompletesPath {
            if !path.isEmpty { out.append(UInt8(ascii: ",")) }
            JSONText.writeString(node.name, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if file {
            w.previewFlags(media: media, &out)
            w.bool("removedByQuota", false, &out)
            w.decimalString("size", node.size, &out)
        }
        switch node.kind {
        case .directory: w.string("type", "dir", &out)
        case .symlink: w.string("type", "symlink", &out)
        // The kind found above, without looking the extension up again.
        case .file: w.string("type", Self.fileType(kind: fileType, libraryType: libraryType), &out)
        }
        w.string("userId", node.creatorUserId, &out)
        if file { w.integer("versionId", node.version.number, &out) }
        w.end(&out)
    }
}

/// D-02's answer.
struct ListingWire: Encodable {
    let listing: DirectoryService<SQLStore>.Listing
    let libraryType: LibraryType
    let withInode: Bool
    /// The caller's favorites among the items, when `with_favorite_status=1`.
    var favorites: Set<Inode>? = nil

    enum Key: String, CodingKey { case path, fileCount, subDirCount, totalNum, eTag, nextMarker, contents }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(listing.path, forKey: .path)
        try c.encode(listing.fileCount, forKey: .fileCount)
        try c.encode(listing.subDirectoryCount, forKey: .subDirCount)
        try c.encode(listing.fileCount + listing.subDirectoryCount, forKey: .totalNum)
        try c.encode(listing.directory.wireETag, forKey: .eTag)
        try c.encodeIfPresent(listing.nextMarker, forKey: .nextMarker)
        try c.encode(
            listing.items.map {
                NodeWire(
                    node: $0, path: listing.path + [$0.name], libraryType: libraryType, withInode: withInode,
                    isFavorite: favorites.map { [inode = $0.inode] in $0.contains(inode) })
            }, forKey: .contents)
    }
}

extension ListingWire: JSONWritable {
    func writeJSON(to out: inout [UInt8]) {
        // An item is about 450 bytes: one allocation for the page instead of a dozen doublings.
        out.reserveCapacity(out.count + 512 * (listing.items.count + 1))
        var w = JSONObjectWriter()
        w.key("contents", &out)
        out.append(UInt8(ascii: "["))
        for (index, item) in listing.items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            NodeWire(
                node: item, path: listing.path, libraryType: libraryType, withInode: withInode,
                isFavorite: favorites.map { $0.contains(item.inode) }, nameCompletesPath: true
            ).writeJSON(to: &out)
        }
        out.append(UInt8(ascii: "]"))
        w.string("eTag", listing.directory.wireETag, &out)
        w.integer("fileCount", listing.fileCount, &out)
        if let nextMarker = listing.nextMarker { w.string("nextMarker", nextMarker, &out) }
        w.strings("path", listing.path, &out)
        w.integer("subDirCount", listing.subDirectoryCount, &out)
        w.integer("totalNum", listing.fileCount + listing.subDirectoryCount, &out)
        w.end(&out)
    }
}

/// Coding keys of wire forms that carry a file's kind and preview flags.
protocol FileKindKeys: CodingKey {
    static var fileType: Self { get }
    static var previewByDoc: Self { get }
    static var previewByCI: Self { get }
    static var previewAsIcon: Self { get }
}

extension KeyedEncodingContainer where K: FileKindKeys {
    /// `fileType` and the preview flags (spec 20 §1.6, §1.8): images and videos preview as pictures; no document
    /// preview exists here.
    mutating func encodeFileKind(of name: String) throws {
        let fileType = FileKinds.fileType(of: name)
        let media = PreviewSupport.current.covers(fileType: fileType)
        try encode(fileType, forKey: .fileType)
        try encode(false, forKey: .previewByDoc)
        try encode(media, forKey: .previewByCI)
        try encode(media, forKey: .previewAsIcon)
    }
}
