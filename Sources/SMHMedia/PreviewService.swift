import Foundation
import Logging
import SMHBlobLocal
import SMHCore
import Synchronization

/// What a preview request gets.
public enum PreviewOutcome: Sendable, Equatable {
    /// A stored rendition: serve it through a signed thumbnail URL.
    case rendition(Rendition)
    /// The original bytes are the answer (a picture browsers show as is, no engine, or one that cannot be decoded):
    /// redirect to the download link.
    case original
    /// No picture can stand for this video (no engine, or no frame could be read): `404 FileNotFound`.
    case unavailable
}

public struct Rendition: Sendable, Equatable {
    public let sha256: String
    public let key: String
    public let stored: StoredRendition
    public var format: RenditionSpec.Format { stored.format }
}

/// Makes and caches thumbnails and video covers (spec 20 F-12, D-12).
///
/// Renditions are keyed by (content SHA-256, rendition key): made once per content whatever the files, copies and
/// versions sharing it, then served from disk. Pictures go through libvips (`vips thumbnail`: shrink-on-load, so a
/// 24-megapixel JPEG is decoded at the size it is needed), videos through FFmpeg (a representative frame near the
/// start, then the same picture path). Every tool runs bounded (`ToolRunner`); whatever fails falls back, never a 5xx.
public final class PreviewService: Sendable {
    public let tools: MediaTools
    public let settings: MediaSettings
    let runner: ToolRunner
    /// Where renditions are kept (the data folder, or the bucket beside the blobs).
    let renditions: any RenditionStore
    /// This machine's folder for the engines' inputs and outputs while they work.
    let scratch: LocalRenditionStore
    let blobs: any BlobStore
    let flights = FlightGroup<PreviewOutcome>()
    let failures = FailureMemory()
    public let logger: Logger
    private let made = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)

    /// Renditions made by this server since it started (each stored once; cache hits do not count).
    public var renditionsMade: Int { made.load(ordering: .relaxed) }
    /// Engine runs that gave nothing usable (the preview then fell back).
    public var renderFailures: Int { failed.load(ordering: .relaxed) }

    /// File extensions every browser and SDK image view shows as they are: with no size asked, their preview is the
    /// original.
    static let displayable: Set<String> = ["jpg", "jpeg", "png", "gif", "webp"]

    /// Media information already read, so that a preview does not probe the same bytes again.
    let infoStore: (any MediaInfoStore)?

    public init(
        blobs: any BlobStore, renditions: (any RenditionStore)? = nil, workDirectory: String, settings: MediaSettings,
        tools: MediaTools? = nil,
        infoStore: (any MediaInfoStore)? = nil,
        logger: Logger
    ) throws {
        self.settings = settings
        self.infoStore = infoStore
        self.tools = settings.enabled ? (tools ?? MediaTools.locate(in: settings.toolDirectory)) : MediaTools()
        self.blobs = blobs
        self.scratch = LocalRenditionStore(root: workDirectory)
        self.renditions = renditions ?? scratch
        try scratch.prepare()
        self.runner = ToolRunner(
            concurrency: settings.workers, timeoutSeconds: settings.timeoutSeconds,
            memoryLimitBytes: settings.toolMemoryBytes, prlimit: self.tools.prlimit,
            scratch: scratch.temporaryDirectory)
        self.logger = logger
    }

    /// What listings say (`previewByCI`, `previewAsIcon`) about a file type.
    public var support: PreviewSupport {
        PreviewSupport(images: tools.imagesAvailable, videos: tools.videosAvailable)
    }

    /// The preview of a content named `name` (its extension decides image or video) for a spec.
    public func preview(sha256: String, name: String, spec: RenditionSpec) async -> PreviewOutcome {
        let ext = FileKinds.fileExtension(of: name)
        switch FileKinds.fileType(of: name) {
        case "image":
            guard tools.imagesAvailable else { return .original }
            if spec.box == .original && spec.format == nil && Self.displayable.contains(ext) { return .original }
            return await cached(sha256: sha256, key: spec.key, fallback: .original) {
                await self.makeImage(sha256: sha256, name: name, spec: spec)
            }
        case "video":
            guard tools.videosAvailable else { return .unavailable }
            let frame = await cached(sha256: sha256, key: Self.frameKey, fallback: .unavailable) {
                await self.makeFrame(sha256: sha256, name: name)
            }
            guard case .rendition(let cover) = frame else { return .unavailable }
            if spec.box == .original && (spec.format == nil || spec.format == .jpeg) { return frame }
            return await cached(sha256: sha256, key: spec.key, fallback: .unavailable) {
                // The frame is upright (FFmpeg applies the rotation) and opaque: the video's own dimensions describe it.
                let frame = await self.information(sha256: sha256, name: name).map {
                    MediaInfo(width: $0.width, height: $0.height)
                }
                guard
                    let source = try? await self.renditions.localFile(
                        of: cover.stored, scratch: self.scratch.temporaryDirectory)
                else { return nil }
                defer { if source.temporary { self.scratch.discard(source.paths[0]) } }
                return await self.render(source: source.paths[0], sha256: sha256, spec: spec, info: frame)
            }
        default:
            return .original
        }
    }

    /// The cover frame of a video, full size.
    static let frameKey = "frame"

    /// A stored rendition, else one making of it shared by every concurrent caller; failures are remembered.
    func cached(
        sha256: String, key: String, fallback: PreviewOutcome,
        make: @escaping @Sendable () async -> PreviewOutcome?
    ) async -> PreviewOutcome {
        if let found = await renditions.find(sha256: sha256, key: key) {
            return .rendition(Rendition(sha256: sha256, key: key, stored: found))
        }
        let flight = "\(sha256)/\(key)"
        if await failures.failedRecently(flight) { return fallback }
        return await flights.run(flight) {
            if let found = await self.renditions.find(sha256: sha256, key: key) {
                return .rendition(Rendition(sha256: sha256, key: key, stored: found))
            }
            if let made = await make() { return made }
            await self.failures.remember(flight)
            return fallback
        }
    }

    /// The content as one readable file: its own file, or (stored in parts) a temporary joined copy, to be removed by
    /// the caller when `temporary`.
    func imageInput(sha256: String) async throws -> (path: String, temporary: Bool) {
        let local = try await blobs.localFiles(of: sha256, scratch: scratch.temporaryDirectory)
        let files = local.paths
        if files.count == 1 { return (files[0], local.temporary) }
        var total: Int64 = 0
        for file in files {
            total += (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int64) ?? 0
        }
        guard total <= settings.maxImageBytes else {
            throw SMHError(.paramInvalid, "The picture is too large to preview (\(total) bytes).")
        }
        let joined = scratch.temporaryPath(extension: "src")
        _ = FileManager.default.createFile(atPath: joined, contents: nil)
        guard let out = FileHandle(forWritingAtPath: joined) else {
            throw SMHError.internalError(ToolFailure("cannot create \(joined)"))
        }
        defer { try? out.close() }
        for file in files {
            guard let input = FileHandle(forReadingAtPath: file) else {
                throw SMHError.internalError(ToolFailure("cannot read \(file)"))
            }
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        }
        return (joined, true)
    }

    func makeImage(sha256: String, name: String, spec: RenditionSpec) async -> PreviewOutcome? {
        guard let info = await information(sha256: sha256, name: name) else {
            logger.notice("preview: not a picture the engines read", metadata: ["sha256": .string(sha256)])
            return nil
        }
        guard info.pixels <= settings.maxImagePixels else {
            logger.notice(
                "preview: picture over the pixel limit",
                metadata: ["sha256": .string(sha256), "pixels": .stringConvertible(info.pixels)])
            return nil
        }
        let input: (path: String, temporary: Bool)
        do {
            input = try await imageInput(sha256: sha256)
        } catch {
            logger.notice("preview: no input", metadata: ["sha256": .string(sha256), "error": "\(error)"])
            return nil
        }
        defer { if input.temporary { scratch.discard(input.path) } }
        if info.loader == Self.ffmpegLoader {
            return await makeImageThroughFFmpeg(input.path, sha256: sha256, spec: spec)
        }
        return await render(source: input.path, sha256: sha256, spec: spec, info: info)
    }

    /// The `loader` of pictures only FFmpeg reads.
    static let ffmpegLoader = "ffmpeg"

    /// Formats libvips reads only through its untrusted ImageMagick loader (which stays blocked), BMP first among
    /// them: FFmpeg decodes the first frame to a PNG, which then takes the usual path.
    func makeImageThroughFFmpeg(_ path: String, sha256: String, spec: RenditionSpec) async -> PreviewOutcome? {
        guard let ffmpeg = tools.ffmpeg else { return nil }
        let decoded = scratch.temporaryPath(extension: "png")
        defer { scratch.discard(decoded) }
        guard
            let result = try? await runner.run([
                ffmpeg, "-nostdin", "-v", "error", "-y", "-i", "file:" + path, "-frames:v", "1", "-f", "image2",
                "-c:v", "png", decoded,
            ]), result.succeeded, (scratch.size(of: decoded) ?? 0) > 0
        else {
            logger.notice("preview: picture could not be decoded", metadata: ["sha256": .string(sha256)])
            return nil
        }
        return await render(source: decoded, sha256: sha256, spec: spec, info: nil)
    }

    /// Scales (and for squares crops) `source` with `vips thumbnail`, EXIF orientation applied, metadata stripped.
    func render(source: String, sha256: String, spec: RenditionSpec, info: MediaInfo?) async -> PreviewOutcome? {
        guard let vips = tools.vips else { return nil }
        var known = info
        if known == nil { known = await probeImage(source).info }
        guard let known, known.pixels <= settings.maxImagePixels else { return nil }
        let format = spec.format ?? (known.hasAlpha ? .png : .jpeg)
        let target = spec.target(width: known.width, height: known.height)
        let output = scratch.temporaryPath(extension: format.fileExtension)
        let options: String
        switch format {
        case .jpeg: options = "[Q=82,strip,optimize_coding]"
        case .png: options = "[strip,compression=6]"
        case .webp: options = "[Q=80,strip]"
        }
        var argv = [
            vips, "thumbnail", source, output + options, String(target.width), "--height", String(target.height),
            "--size", "down",
        ]
        if target.crop { argv += ["--crop", "centre"] }
        guard let result = try? await runner.run(argv), result.succeeded,
            let size = scratch.size(of: output), size > 0
        else {
            scratch.discard(output)
            failed.add(1, ordering: .relaxed)
            logger.notice("preview: image engine failed", metadata: ["sha256": .string(sha256)])
            return nil
        }
        do {
            let stored = try await renditions.publish(file: output, sha256: sha256, key: spec.key, format: format)
            made.add(1, ordering: .relaxed)
            return .rendition(Rendition(sha256: sha256, key: spec.key, stored: stored))
        } catch {
            scratch.discard(output)
            return nil
        }
    }

    /// A representative frame near the start of a video: FFmpeg seeks a little in (past fades from black) and picks
    /// the most typical of the next frames; a clip too short for that gives its first frame.
    func makeFrame(sha256: String, name: String) async -> PreviewOutcome? {
        guard let ffmpeg = tools.ffmpeg, let input = try? await videoInput(sha256: sha256) else { return nil }
        defer { if let copy = input.temporary { scratch.discard(copy) } }
        guard let info = await information(sha256: sha256, name: name) else {
            logger.notice("preview: not a video the engine reads", metadata: ["sha256": .string(sha256)])
            return nil
        }
        guard info.pixels <= settings.maxImagePixels else { return nil }
        let seconds = Double(info.durationMilliseconds ?? 0) / 1000
        let seek = seconds >= 2 ? min(1.0, seconds / 4) : 0
        let output = scratch.temporaryPath(extension: "jpg")
        for attempt in [(seek, true), (0, false)] {
            var argv = [ffmpeg, "-nostdin", "-v", "error", "-y"]
            if attempt.0 > 0 { argv += ["-ss", String(format: "%.3f", attempt.0)] }
            argv += ["-i", input.name, "-an", "-sn", "-frames:v", "1", "-q:v", "3"]
            if attempt.1 { argv += ["-vf", "thumbnail=12"] }
            argv += ["-f", "image2", output]
            if let result = try? await runner.run(argv), result.succeeded, let size = scratch.size(of: output),
                size > 0
            {
                do {
                    let stored = try await renditions.publish(
                        file: output, sha256: sha256, key: Self.frameKey, format: .jpeg)
                    made.add(1, ordering: .relaxed)
                    return .rendition(Rendition(sha256: sha256, key: Self.frameKey, stored: stored))
                } catch {
                    break
                }
            }
        }
        scratch.discard(output)
        failed.add(1, ordering: .relaxed)
        logger.notice("preview: no frame could be read", metadata: ["sha256": .string(sha256)])
        return nil
    }

    /// Looks a stored rendition up again (the data plane, from a signed URL).
    public func stored(sha256: String, key: String) async -> Rendition? {
        await renditions.find(sha256: sha256, key: key).map { Rendition(sha256: sha256, key: key, stored: $0) }
    }

    /// Makes the configured grid sizes of a new upload ahead of its first view.
    public func pregenerate(sha256: String, name: String) async {
        let kind = FileKinds.fileType(of: name)
        guard kind == "image" || kind == "video", tools.imagesAvailable else { return }
        for size in settings.pregenerateSizes {
            _ = await preview(sha256: sha256, name: name, spec: RenditionSpec(box: .square(size)))
        }
    }

    /// Tools waiting for a slot: background work is skipped when the queue is long (it is done on demand instead).
    public var backlog: Int { get async { await runner.waiting } }

    /// FFmpeg's name for the content: its file, or through the concat protocol the parts of a multipart upload as
    /// one seekable stream (no copy); `temporary` is a copy the caller removes.
    func videoInput(sha256: String) async throws -> (name: String, temporary: String?) {
        let local = try await blobs.localFiles(of: sha256, scratch: scratch.temporaryDirectory)
        let files = local.paths
        let name = files.count == 1 ? "file:" + files[0] : "concat:" + files.joined(separator: "|")
        return (name, local.temporary ? files.first : nil)
    }
}

extension PreviewService {
    public func open(_ rendition: Rendition) async throws -> any BlobReader {
        try await renditions.open(rendition.stored)
    }
}
