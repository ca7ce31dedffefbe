import Foundation

/// The external engines found on this machine: libvips' command-line tools for pictures, FFmpeg's for videos.
public struct MediaTools: Sendable, Equatable {
    public var vips: String?
    public var vipsheader: String?
    public var ffmpeg: String?
    public var ffprobe: String?
    /// util-linux `prlimit`, to bound each tool's memory and CPU time.
    public var prlimit: String?

    public var imagesAvailable: Bool { vips != nil && vipsheader != nil }
    /// Covers are frames turned into pictures: videos need both engines.
    public var videosAvailable: Bool { imagesAvailable && ffmpeg != nil && ffprobe != nil }

    public init(
        vips: String? = nil, vipsheader: String? = nil, ffmpeg: String? = nil, ffprobe: String? = nil,
        prlimit: String? = nil
    ) {
        self.vips = vips
        self.vipsheader = vipsheader
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
        self.prlimit = prlimit
    }

    /// Looks for each tool in `directory`, or along `PATH` when nil.
    public static func locate(in directory: String?) -> MediaTools {
        let folders =
            directory.map { [$0] }
            ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func find(_ name: String, in folders: [String]) -> String? {
            for folder in folders where !folder.isEmpty {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            return nil
        }
        let system =
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map(String.init) + ["/usr/bin", "/bin"]
        return MediaTools(
            vips: find("vips", in: folders), vipsheader: find("vipsheader", in: folders),
            ffmpeg: find("ffmpeg", in: folders), ffprobe: find("ffprobe", in: folders),
            prlimit: find("prlimit", in: system))
    }

    /// The names of missing tools, for the start-up warning.
    public var missing: [String] {
        [("vips", vips), ("vipsheader", vipsheader), ("ffmpeg", ffmpeg), ("ffprobe", ffprobe)]
            .filter { $0.1 == nil }.map(\.0)
    }
}
