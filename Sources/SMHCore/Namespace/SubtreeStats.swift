/// Where a statistics walk starts (spec 20 D-10, spec 10 §3.10).
public enum StatsAnchor: Sendable, Equatable {
    /// A live directory: the walk counts it too (callers leave it out).
    case directory(Inode)
    /// Every item of a space's recycle bin, with what recycled directories hold.
    case recycleBin(LibraryID, SpaceID)
    /// One recycle-bin item of a space, with what it holds.
    case recycledItem(Int64, LibraryID, SpaceID)
}

/// Entries and bytes under an anchor, counted recursively over live descendants.
public struct SubtreeStats: Sendable, Equatable {
    /// Files and links (everything that is not a directory).
    public var files: Int64
    public var directories: Int64
    /// Bytes of the files' current contents.
    public var bytes: Int64
    /// Historical versions of those files, and their bytes.
    public var versions: Int64
    public var versionBytes: Int64
    /// False when the anchor named nothing (a recycled id of another space, say).
    public var found: Bool

    public init(files: Int64, directories: Int64, bytes: Int64, versions: Int64, versionBytes: Int64, found: Bool) {
        self.files = files
        self.directories = directories
        self.bytes = bytes
        self.versions = versions
        self.versionBytes = versionBytes
        self.found = found
    }
}

/// D-10's answer.
public struct DirectoryStats: Sendable, Equatable {
    public let statsType: String
    public let storage: Int64
    public let fileCount: Int64
    public let dirCount: Int64
}
