import SMHCore

/// Media information (issue 13 item 6): read by `vipsheader` / `ffprobe` once per content and kept by the store, so
/// previews start one process, not two.
extension PreviewService {
    /// What a probe learnt: the information, that the engine refused the bytes, or nothing (it could not run to the
    /// end: timed out, killed, not started) — only the first two are worth remembering.
    public enum Probe: Sendable, Equatable {
        case read(MediaInfo)
        case unreadable
        case inconclusive

        var info: MediaInfo? {
            if case .read(let info) = self { return info }
            return nil
        }
    }

    /// Reads a picture's header (dimensions, orientation, transparency, EXIF) without decoding it.
    public func probeImage(_ path: String) async -> Probe {
        guard let vipsheader = tools.vipsheader else { return .inconclusive }
        return Self.probe(try? await runner.run([vipsheader, "-a", path]), MediaInfo.parseImageHeader)
    }

    /// Reads a video's dimensions, rotation, duration and creation time.
    public func probeVideo(_ input: String) async -> Probe {
        guard let ffprobe = tools.ffprobe else { return .inconclusive }
        let entries =
            "stream=width,height:stream_tags=rotate:stream_side_data=rotation:format=duration"
            + ":format_tags=creation_time,com.apple.quicktime.make,com.apple.quicktime.model"
        let result = try? await runner.run([
            ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", entries, "-of",
            "default=noprint_wrappers=1", input,
        ])
        return Self.probe(result, MediaInfo.parseVideoProbe)
    }

    static func probe(_ result: ToolRunner.Result?, _ parse: (String) -> MediaInfo?) -> Probe {
        // Killed by a signal (timeout, memory limit, CPU limit) or not run: the bytes may be fine.
        guard let result, !result.timedOut, result.status >= 0, result.status < 128 else { return .inconclusive }
        guard result.status == 0, let info = parse(result.output) else { return .unreadable }
        return .read(info)
    }

    /// Reads what a photo or video says about itself; nil when the engines cannot read it.
    public func readInfo(sha256: String, name: String) async -> Probe {
        switch FileKinds.fileType(of: name) {
        case "image":
            guard tools.imagesAvailable, let input = try? await imageInput(sha256: sha256) else { return .inconclusive }
            defer { if input.temporary { scratch.discard(input.path) } }
            let picture = await probeImage(input.path)
            guard picture == .unreadable else { return picture }
            switch await probeVideo("file:" + input.path) {
            case .read(var info):
                info.loader = Self.ffmpegLoader
                info.durationMilliseconds = nil
                return .read(info)
            case let other:
                return other
            }
        case "video":
            guard tools.videosAvailable, let input = try? await videoInput(sha256: sha256) else { return .inconclusive }
            defer { if let copy = input.temporary { scratch.discard(copy) } }
            return await probeVideo(input.name)
        default:
            return .unreadable
        }
    }

    /// The media information of a content: as stored when it was read before, else read now (and stored when the
    /// read was conclusive).
    public func information(sha256: String, name: String) async -> MediaInfo? {
        if let infoStore, let known = try? await infoStore.mediaInfo(sha256: sha256) { return known }
        let read = await readInfo(sha256: sha256, name: name)
        if let infoStore, read != .inconclusive {
            do {
                try await infoStore.saveMediaInfo(sha256: sha256, read.info)
            } catch {
                logger.warning(
                    "media information not saved", metadata: ["sha256": .string(sha256), "error": "\(error)"])
            }
        }
        return read.info
    }
}
