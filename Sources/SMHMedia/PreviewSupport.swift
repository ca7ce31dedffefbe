/// Which kinds of files this server can thumbnail, as listings report it (`previewByCI`, `previewAsIcon`).
public struct PreviewSupport: Sendable, Equatable {
    public var images: Bool
    public var videos: Bool

    public init(images: Bool, videos: Bool) {
        self.images = images
        self.videos = videos
    }

    public func covers(fileType: String) -> Bool {
        fileType == "image" ? images : fileType == "video" ? videos : false
    }

    /// Task-local so that each server (tests run several in one process) answers for its own tools.
    @TaskLocal public static var current = PreviewSupport(images: true, videos: true)
}
