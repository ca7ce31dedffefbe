import Foundation

/// How previews are made (`smh serve` flags `--media-*`, `--max-image-pixels`, `--pregenerate-thumbnails`).
public struct MediaSettings: Sendable {
    /// False turns previews off as if the tools were missing (`--no-previews`).
    public var enabled = true
    /// Where to look for `vips`, `vipsheader`, `ffmpeg`, `ffprobe`; nil searches `PATH`.
    public var toolDirectory: String?
    /// Tools running at once; the rest wait (default: one per core).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// A tool still running after this long is killed and the preview falls back.
    public var timeoutSeconds = 30.0
    /// Address-space limit of each tool.
    public var toolMemoryBytes: Int64 = 2 << 30
    /// Pictures declaring more pixels than this are not decoded (decompression bombs); their preview is the original.
    public var maxImagePixels: Int64 = 250_000_000
    /// Pictures stored in parts (multipart uploads) are joined into one file for the image engine up to this size.
    public var maxImageBytes: Int64 = 512 << 20
    /// Square sizes made right after an upload is confirmed, so that the first grid view finds them ready.
    public var pregenerateSizes: [Int] = [256]

    public init() {}
}
