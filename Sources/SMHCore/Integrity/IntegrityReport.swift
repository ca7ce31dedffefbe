/// What `smh fsck` finds when it recounts usage and blob references from the nodes and versions themselves.
public struct IntegrityReport: Sendable, Equatable {
    public struct SpaceDrift: Sendable, Equatable {
        public let library: LibraryID
        public let space: SpaceID
        public let recorded: Int64
        public let actual: Int64
    }

    public struct BlobDrift: Sendable, Equatable {
        public let sha256: String
        public let recorded: Int64
        public let actual: Int64
    }

    public var spaces: [SpaceDrift]
    public var blobs: [BlobDrift]
    /// Referenced blobs whose bytes the blob store does not have (not repairable here).
    public var missingContent: [String]

    public init(spaces: [SpaceDrift] = [], blobs: [BlobDrift] = [], missingContent: [String] = []) {
        self.spaces = spaces
        self.blobs = blobs
        self.missingContent = missingContent
    }

    public var isClean: Bool { spaces.isEmpty && blobs.isEmpty && missingContent.isEmpty }
}

extension IntegrityReport.SpaceDrift {
    public init(library: LibraryID, space: SpaceID, recorded: Int64, actual: Int64, _: Void = ()) {
        self.library = library
        self.space = space
        self.recorded = recorded
        self.actual = actual
    }
}

extension IntegrityReport.BlobDrift {
    public init(sha256: String, recorded: Int64, actual: Int64, _: Void = ()) {
        self.sha256 = sha256
        self.recorded = recorded
        self.actual = actual
    }
}

/// Recounting and repairing the counters kept beside the data (usage per space, references per blob).
public protocol IntegrityStore: Sendable {
    /// Counters that differ from a recount, and the addresses of every referenced blob (to check their bytes).
    func recount() async throws -> (report: IntegrityReport, referenced: [String])
    /// Sets the counters of the report to their recounted values, in one transaction.
    func repair(_ report: IntegrityReport, at time: Timestamp) async throws
}
