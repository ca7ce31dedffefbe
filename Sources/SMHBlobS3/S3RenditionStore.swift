import Foundation
import NIOCore
import SMHCore

/// Renditions in the bucket beside the blobs (`PREFIX/renditions/ab/cd/<sha256>/<key>.<ext>`), so a thumbnail URL
/// that one instance signed is served by any other. `S3BlobStore.remove` deletes them with their content.
public struct S3RenditionStore: RenditionStore {
    public let client: S3Client

    public init(client: S3Client) {
        self.client = client
    }

    static func folder(prefix: String, sha256: String) throws(SMHError) -> String {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ S3BlobStore.isLowerHex($0) }) else {
            throw SMHError(.paramInvalid, "Not a SHA-256 content address.")
        }
        return "\(prefix)renditions/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)/"
    }

    static func checkedKey(_ key: String) throws(SMHError) -> String {
        guard !key.isEmpty, key.utf8.count <= 64,
            key.utf8.allSatisfy({
                S3BlobStore.isLowerHex($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || $0 == UInt8(ascii: "-")
            })
        else { throw SMHError(.paramInvalid, "Not a rendition key.") }
        return key
    }

    /// One listing finds the key in whichever format it was made.
    public func find(sha256: String, key: String) async -> StoredRendition? {
        guard let folder = try? Self.folder(prefix: client.location.prefix, sha256: sha256),
            let key = try? Self.checkedKey(key),
            let page = try? await client.listObjects(prefix: "\(folder)\(key).", maxKeys: 10)
        else { return nil }
        for object in page.objects {
            let ext = String(object.key.split(separator: ".").last ?? "")
            if let format = RenditionSpec.Format.allCases.first(where: { $0.fileExtension == ext }),
                object.key == "\(folder)\(key).\(ext)"
            {
                return StoredRendition(locator: object.key, format: format, size: object.size)
            }
        }
        return nil
    }

    public func publish(file: String, sha256: String, key: String, format: RenditionSpec.Format) async throws
        -> StoredRendition
    {
        defer { try? FileManager.default.removeItem(atPath: file) }
        let objectKey =
            "\(try Self.folder(prefix: client.location.prefix, sha256: sha256))\(try Self.checkedKey(key))"
            + ".\(format.fileExtension)"
        // Renditions are small (bounded by RenditionSpec.maxEdge): one PUT from memory.
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SMHError.internalError(
                S3Error(status: 0, code: "RenditionUnreadable", message: file, operation: "publish", key: objectKey))
        }
        try await client.putObject(key: objectKey, bytes: ByteBuffer(bytes: data))
        return StoredRendition(locator: objectKey, format: format, size: Int64(data.count))
    }

    public func open(_ rendition: StoredRendition) async throws -> any BlobReader {
        try await S3BlobReader.open(client: client, key: rendition.locator, range: nil)
    }

    public func localFile(of rendition: StoredRendition, scratch: String) async throws -> LocalBlobFiles {
        let path = "\(scratch)/\(RandomToken.alphanumeric(count: 16)).\(rendition.format.fileExtension)"
        try await S3Download.toFile(try await open(rendition), path: path)
        return LocalBlobFiles(paths: [path], temporary: true)
    }

    public func removeAll(of sha256: String) async {
        guard let folder = try? Self.folder(prefix: client.location.prefix, sha256: sha256) else { return }
        await client.deleteAll(prefix: folder)
    }

    public func owners() async throws -> [String] {
        var owners = Set<String>()
        var next: String?
        repeat {
            let page = try await client.listObjects(prefix: client.location.prefix + "renditions/", continuation: next)
            for object in page.objects {
                let components = object.key.dropFirst(client.location.prefix.count).split(separator: "/")
                if components.count == 5, components[3].utf8.count == 64 { owners.insert(String(components[3])) }
            }
            next = page.next
        } while next != nil
        return owners.sorted()
    }
}

/// Copies an object's bytes into a local file (the engines read files); the file is removed if the copy fails.
enum S3Download {
    static func toFile(_ reader: any BlobReader, path: String) async throws {
        defer { reader.close() }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw SMHError.internalError(
                S3Error(status: 0, code: "ScratchUnwritable", message: path, operation: "download", key: nil))
        }
        do {
            defer { try? handle.close() }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                try await reader.fill()
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                try handle.write(contentsOf: buffer[..<count])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }
}
