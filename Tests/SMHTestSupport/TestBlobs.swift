import Foundation
import SMHBlobLocal
import SMHBlobS3
import SMHCore

/// The blob store of one test: the test's data folder by default, or a fresh key prefix in a bucket of an
/// S3-compatible server when `SMH_TEST_S3_ENDPOINT` names one (as `.ci/run` sets it for the PostgreSQL + S3 pass;
/// `moto_server` there). Credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, else moto's test pair.
public enum TestBlobs {
    public static var s3Endpoint: String? {
        let value = ProcessInfo.processInfo.environment["SMH_TEST_S3_ENDPOINT"]
        return value?.isEmpty == false ? value : nil
    }

    public static var backendName: String { s3Endpoint == nil ? "file" : "s3" }

    /// A client for a fresh prefix of the test bucket (created when missing).
    public static func s3Client(endpoint: String, prefix: String? = nil) async throws -> S3Client {
        let environment = ProcessInfo.processInfo.environment
        let bucket = environment["SMH_TEST_S3_BUCKET"] ?? "smh-test"
        let location = try S3Location(
            blobStore: "s3://\(bucket)/\(prefix ?? "t-" + RandomToken.alphanumeric(count: 12))", endpoint: endpoint,
            region: environment["SMH_TEST_S3_REGION"] ?? "us-east-1")
        let client = S3Client(
            location: location,
            credentials: S3Credentials(
                accessKeyId: environment["AWS_ACCESS_KEY_ID"] ?? "testing",
                secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "testing"))
        try await client.ensureBucket()
        return client
    }

    public static func make(dataDirectory: String) async throws -> (
        blobs: any BlobStore, renditions: any RenditionStore
    ) {
        guard let s3Endpoint else {
            return (try LocalBlobStore(root: dataDirectory), LocalRenditionStore(root: dataDirectory))
        }
        let client = try await s3Client(endpoint: s3Endpoint)
        return (S3BlobStore(client: client), S3RenditionStore(client: client))
    }
}
