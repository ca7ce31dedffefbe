/// What a photo or video says about itself, read once per content: dimensions as shown (EXIF orientation applied),
/// transparency, capture time, camera, place, duration.
public struct MediaInfo: Sendable, Hashable, Codable {
    /// Upright dimensions: a portrait phone photo stored landscape with orientation 6 is reported portrait.
    public var width: Int
    public var height: Int
    public var hasAlpha = false
    /// EXIF orientation 1–8 (1 when absent).
    public var orientation = 1
    /// The decoder that recognised the bytes (`jpegload`, `heifload`, …; `video` for ffprobe's answers).
    public var loader = ""
    public var takenAt: Timestamp?
    public var make: String?
    public var model: String?
    public var latitude: Double?
    public var longitude: Double?
    public var durationMilliseconds: Int64?

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var pixels: Int64 { Int64(width) * Int64(height) }

    /// Parses `vipsheader -a` output (`name: value` lines; EXIF values are followed by a parenthesised gloss).
    public static func parseImageHeader(_ text: String) -> MediaInfo? {
        var fields: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            guard fields[key] == nil else { continue }
            fields[key] = line[line.index(after: colon)...].drop { $0 == " " }
        }
        guard let width = fields["width"].flatMap({ Int($0) }), let height = fields["height"].flatMap({ Int($0) }),
            width > 0, height > 0
        else { return nil }
        let orientation = fields["orientation"].flatMap { Int($0) }.flatMap { (1...8).contains($0) ? $0 : nil } ?? 1
        // Orientations 5–8 turn the picture a quarter: the stored width is the shown height.
        var info = orientation >= 5 ? MediaInfo(width: height, height: width) : MediaInfo(width: width, height: height)
        info.orientation = orientation
        let bands = fields["bands"].flatMap { Int($0) } ?? 3
        let interpretation = fields["interpretation"].map(String.init) ?? "srgb"
        info.hasAlpha = bands == 4 || (bands == 2 && interpretation != "multiband") || bands == 5
        info.loader = fields["vips-loader"].map(String.init) ?? ""
        func exif(_ key: Substring) -> String? {
            guard let value = fields[key] else { return nil }
            // The value ends where its gloss begins: the first " (".
            var end = value.endIndex
            var index = value.startIndex
            while index < value.endIndex {
                let next = value.index(after: index)
                if value[index] == " " && next < value.endIndex && value[next] == "(" {
                    end = index
                    break
                }
                index = next
            }
            let text = String(value[..<end])
            let trimmed = text.trimmingSpaces
            return trimmed.isEmpty ? nil : trimmed
        }
        info.make = exif("exif-ifd0-Make")
        info.model = exif("exif-ifd0-Model")
        if let taken = exif("exif-ifd2-DateTimeOriginal") ?? exif("exif-ifd0-DateTime") {
            info.takenAt = exifTime(taken, offset: exif("exif-ifd2-OffsetTimeOriginal"))
        }
        if let lat = exif("exif-ifd3-GPSLatitude").flatMap(degrees),
            let lon = exif("exif-ifd3-GPSLongitude").flatMap(degrees)
        {
            info.latitude = exif("exif-ifd3-GPSLatitudeRef") == "S" ? -lat : lat
            info.longitude = exif("exif-ifd3-GPSLongitudeRef") == "W" ? -lon : lon
        }
        return info
    }

    /// `2023:07:14 09:30:05` (local time of the camera), with `+02:00` when the camera recorded its offset.
    static func exifTime(_ text: String, offset: String?) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: ":"), bytes[7] == UInt8(ascii: ":") else { return nil }
        var iso = bytes[0..<19]
        iso[4] = UInt8(ascii: "-")
        iso[7] = UInt8(ascii: "-")
        iso[10] = UInt8(ascii: "T")
        var string = String(decoding: iso, as: UTF8.self)
        if let offset, offset.utf8.count == 6, offset.first == "+" || offset.first == "-" { string += offset }
        guard let time = Timestamp.parse(string), time.milliseconds > 0 else { return nil }
        return time
    }

    /// `52/1 31/1 1234/100` → 52.5200…
    static func degrees(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 3 else { return nil }
        var values: [Double] = []
        for part in parts {
            let fraction = part.split(separator: "/")
            guard fraction.count == 2, let n = Double(fraction[0]), let d = Double(fraction[1]), d != 0 else {
                return nil
            }
            values.append(n / d)
        }
        let result = values[0] + values[1] / 60 + values[2] / 3600
        return (0...180).contains(result) ? result : nil
    }

    /// Parses the `key=value` lines of `ffprobe -show_entries format=duration:stream=width,height:…
    /// -of default=noprint_wrappers=1`; the first video stream's values win.
    public static func parseVideoProbe(_ text: String) -> MediaInfo? {
        var values: [Substring: Substring] = [:]
        var rotation = 0
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals]
            let value = line[line.index(after: equals)...]
            if key == "rotation" || key == "TAG:rotate" || key == "side_data_list:rotation" {
                rotation = Int(value) ?? rotation
            }
            if values[key] == nil || values[key] == "N/A" { values[key] = value }
        }
        guard let width = values["width"].flatMap({ Int($0) }), let height = values["height"].flatMap({ Int($0) }),
            width > 0, height > 0
        else { return nil }
        let quarter = abs(rotation) % 180 == 90
        var info = quarter ? MediaInfo(width: height, height: width) : MediaInfo(width: width, height: height)
        info.loader = "video"
        if let seconds = values["duration"].flatMap({ Double($0) }), seconds.isFinite, seconds >= 0 {
            info.durationMilliseconds = Int64(seconds * 1000)
        }
        if let created = values["TAG:creation_time"].map(String.init), let time = Timestamp.parse(created),
            time.milliseconds > 0
        {
            info.takenAt = time
        }
        info.make = values["TAG:com.apple.quicktime.make"].map(String.init)
        info.model = values["TAG:com.apple.quicktime.model"].map(String.init)
        return info
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return String(view)
    }
}
