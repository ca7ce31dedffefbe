import SMHCore
import Testing

/// Spec 20 F-12's parameters as a rendition spec, its cache key and the picture's header as libvips and FFmpeg print it.
@Suite struct RenditionSpecTests {
    func spec(_ query: String) throws -> RenditionSpec {
        try RenditionSpec.parse(QueryParameters(raw: Substring(query)))
    }

    @Test func precedenceAndKeys() throws {
        #expect(try spec("preview").box == .original)
        #expect(try spec("size=256&scale=10&width_size=5").key == "s256")
        #expect(try spec("scale=50&width_size=5").key == "p50")
        #expect(try spec("scale=100").box == .original, "100 % is the whole picture")
        #expect(try spec("width_size=320").key == "w320")
        #expect(try spec("height_size=240").key == "h240")
        #expect(try spec("width_size=320&height_size=240").key == "w320h240")
        #expect(try spec("size=64&format=PNG").key == "s64-png")
        #expect(try spec("format=jpg").format == .jpeg)
        #expect(try spec("size=&scale=").box == .original, "empty values count as absent")
    }

    @Test func refusals() {
        for query in [
            "size=abc", "size=-5", "size=0", "size=8193", "size=1e3", "scale=0", "scale=101", "scale=-1",
            "width_size=x", "height_size=0", "format=bmp", "size=99999999999999999999",
        ] {
            let error = #expect(throws: SMHError.self, "\(query)") { try spec(query) }
            #expect(error?.code == .paramInvalid, "\(query)")
        }
    }

    @Test func keysRoundTripAndForgeriesFail() throws {
        for query in [
            "preview", "size=1", "size=8192", "scale=1", "scale=99", "width_size=7", "height_size=9",
            "width_size=7&height_size=9", "size=64&format=webp", "format=png",
        ] {
            let parsed = try spec(query)
            #expect(RenditionSpec(key: parsed.key) == parsed, "\(query)")
        }
        for key in [
            "", "x", "s", "s0", "s8193", "s064", "p100", "p0", "w", "h", "wh5", "w5h", "o1", "s5-gif",
            "s5-png-png", "../s5", "s 5",
        ] {
            #expect(RenditionSpec(key: key) == nil, "\(key)")
        }
    }

    @Test func targets() throws {
        #expect(try spec("size=64").target(width: 200, height: 400) == (64, 64, true))
        #expect(try spec("scale=50").target(width: 200, height: 400) == (100, 200, false))
        #expect(try spec("scale=1").target(width: 10, height: 10) == (1, 1, false), "never below one pixel")
        let wide = try spec("width_size=100").target(width: 200, height: 400)
        #expect(wide.width == 100 && wide.height > 400 && !wide.crop, "height unbounded: aspect decides")
    }

    @Test func imageHeaderWithExif() throws {
        let text = """
            width: 400
            height: 200
            bands: 3
            interpretation: srgb
            vips-loader: jpegload
            exif-ifd0-Make: Canon (Canon, ASCII, 6 components, 6 bytes)
            exif-ifd0-Model: EOS R5 (EOS R5, ASCII, 7 components, 7 bytes)
            exif-ifd0-Orientation: 6 (Right-top, Short, 1 components, 2 bytes)
            exif-ifd2-DateTimeOriginal: 2023:07:14 09:30:05 (2023:07:14 09:30:05, ASCII, 20 components, 20 bytes)
            exif-ifd2-OffsetTimeOriginal: +02:00 (+02:00, ASCII, 7 components, 7 bytes)
            exif-ifd3-GPSLatitudeRef: S (S, ASCII, 2 components, 2 bytes)
            exif-ifd3-GPSLatitude: 52/1 31/1 12/1 (52, 31, 12, Rational, 3 components, 24 bytes)
            exif-ifd3-GPSLongitudeRef: W (W, ASCII, 2 components, 2 bytes)
            exif-ifd3-GPSLongitude: 13/1 24/1 0/1 (13, 24,  0, Rational, 3 components, 24 bytes)
            orientation: 6
            """
        let info = try #require(MediaInfo.parseImageHeader(text))
        #expect(info.width == 200 && info.height == 400, "orientation 6: shown turned a quarter")
        #expect(info.orientation == 6 && !info.hasAlpha && info.loader == "jpegload")
        #expect(info.make == "Canon" && info.model == "EOS R5")
        #expect(info.takenAt?.iso8601 == "2023-07-14T07:30:05.000Z", "camera local time with its offset")
        #expect(abs((info.latitude ?? 0) + 52.52) < 0.001 && abs((info.longitude ?? 0) + 13.4) < 0.001)
    }

    @Test func imageHeaderEdgeCases() {
        #expect(MediaInfo.parseImageHeader("") == nil)
        #expect(MediaInfo.parseImageHeader("width: 0\nheight: 5") == nil)
        #expect(MediaInfo.parseImageHeader("width: 5\nheight: x") == nil)
        let alpha = MediaInfo.parseImageHeader("width: 3\nheight: 4\nbands: 4\norientation: 9")
        #expect(alpha?.hasAlpha == true && alpha?.orientation == 1 && alpha?.width == 3)
        let bad = MediaInfo.parseImageHeader(
            "width: 3\nheight: 4\nexif-ifd2-DateTimeOriginal: 0000:00:00 00:00:00 (x)\nexif-ifd3-GPSLatitude: 1/0 2/1 3/1"
        )
        #expect(bad?.takenAt == nil && bad?.latitude == nil, "unset camera clocks and broken rationals are ignored")
    }

    @Test func videoProbe() throws {
        let text = """
            width=1920
            height=1080
            side_data_list:rotation=-90
            duration=10.010000
            TAG:creation_time=2024-05-06T07:08:09.000000Z
            TAG:com.apple.quicktime.make=Apple
            """
        let info = try #require(MediaInfo.parseVideoProbe(text))
        #expect(info.width == 1080 && info.height == 1920, "a phone video shot upright")
        #expect(info.durationMilliseconds == 10010)
        #expect(info.takenAt?.iso8601 == "2024-05-06T07:08:09.000Z")
        #expect(info.make == "Apple")
        #expect(MediaInfo.parseVideoProbe("width=0\nheight=0") == nil)
        #expect(MediaInfo.parseVideoProbe("width=N/A\nheight=N/A\nduration=N/A") == nil)
    }
}
