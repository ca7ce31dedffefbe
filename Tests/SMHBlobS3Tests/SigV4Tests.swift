import Testing

@testable import SMHBlobS3

/// The worked examples of the S3 API reference ("Signature Calculations for the Authorization Header", "Query
/// String Authentication"): same credentials, same day, the published signatures.
@Suite struct SigV4Tests {
    let signer = SigV4(
        credentials: S3Credentials(
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    let may24: Int64 = 1_369_353_600  // 2013-05-24T00:00:00Z
    let host = "examplebucket.s3.amazonaws.com"

    func authorization(_ headers: [(String, String)]) -> String? {
        headers.first { $0.0 == "Authorization" }?.1
    }

    @Test func stamps() {
        #expect(SigV4.stamps(epochSeconds: may24) == ("20130524T000000Z", "20130524"))
        #expect(SigV4.stamps(epochSeconds: 1_764_806_399) == ("20251203T235959Z", "20251203"))
    }

    @Test func getObjectWithRange() {
        let signed = signer.sign(
            method: "GET", path: "/test.txt", query: [], headers: [("Host", host), ("Range", "bytes=0-9")],
            payloadHash: SigV4.emptyPayloadHash, epochSeconds: may24)
        #expect(
            authorization(signed)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(signed.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func putObjectWithAPayloadAndAnEncodedKey() {
        let signed = signer.sign(
            method: "PUT", path: "/test$file.text", query: [],
            headers: [
                ("Host", host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            payloadHash: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", epochSeconds: may24)
        #expect(
            authorization(signed)?.hasSuffix(
                "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                    + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd") == true)
    }

    @Test func subresourceWithoutValue() {
        let signed = signer.sign(
            method: "GET", path: "/", query: [("lifecycle", "")], headers: [("Host", host)],
            payloadHash: SigV4.emptyPayloadHash, epochSeconds: may24)
        #expect(
            authorization(signed)?.hasSuffix(
                "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") == true)
    }

    @Test func queryParametersAreSorted() {
        let signed = signer.sign(
            method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [("Host", host)],
            payloadHash: SigV4.emptyPayloadHash, epochSeconds: may24)
        #expect(
            authorization(signed)?.hasSuffix(
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func presignedURL() {
        let query = signer.presignedQuery(
            method: "GET", host: host, path: "/test.txt", expires: 86400, epochSeconds: may24)
        #expect(
            query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3"
                + "%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func sessionTokenIsSigned() {
        let withToken = SigV4(
            credentials: S3Credentials(accessKeyId: "AKID", secretAccessKey: "k9Zq-private", sessionToken: "tok/en"),
            region: "eu-west-1")
        let signed = withToken.sign(
            method: "GET", path: "/k", query: [], headers: [("host", "h")], payloadHash: SigV4.emptyPayloadHash,
            epochSeconds: may24)
        #expect(signed.contains { $0 == ("x-amz-security-token", "tok/en") })
        #expect(
            authorization(signed)?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token")
                == true)
        #expect(!String(describing: withToken.credentials).contains("k9Zq"))
    }

    @Test func encoding() {
        #expect(SigV4.encode("a b/c~d*é", slash: true) == "a%20b%2Fc~d%2A%C3%A9")
        #expect(SigV4.encodePath("/bucket/dir/a b") == "/bucket/dir/a%20b")
    }

    @Test func locations() throws {
        let local = try S3Location(
            blobStore: "s3://media/photos/2026/", endpoint: "http://127.0.0.1:5000", region: "us-east-1")
        #expect(local.prefix == "photos/2026/" && local.pathStyle && local.baseURL == "http://127.0.0.1:5000")
        let aws = try S3Location(blobStore: "s3://media", endpoint: nil, region: "eu-central-1")
        #expect(aws.prefix == "" && !aws.pathStyle && aws.hostHeader == "media.s3.eu-central-1.amazonaws.com")
        for bad in ["s3://", "s3://A_B", "file:///x", "s3://ab", "s3://bucket/a//b", "s3://bucket/a\u{7}"] {
            #expect(throws: (any Error).self, "\(bad)") {
                try S3Location(blobStore: bad, endpoint: nil, region: "us-east-1")
            }
        }
        for bad in ["127.0.0.1:5000", "http://h:0", "http://h:70000", "http://h/path", "ftp://h"] {
            #expect(throws: (any Error).self, "\(bad)") {
                try S3Location(blobStore: "s3://bucket", endpoint: bad, region: "us-east-1")
            }
        }
    }

    @Test func groupsOfPartsMeetTheMinimum() {
        let mib: Int64 = 1 << 20
        #expect(S3BlobStore.groups(of: [8 * mib, 8 * mib, 3 * mib]) == [0..<1, 1..<3])
        #expect(S3BlobStore.groups(of: Array(repeating: mib, count: 12)) == [0..<5, 5..<12])
        #expect(S3BlobStore.groups(of: [mib, 8 * mib, mib]) == [0..<3])
        #expect(S3BlobStore.groups(of: [2 * mib]) == [0..<1])
        #expect(S3BlobStore.groups(of: Array(repeating: mib, count: 10)) == [0..<5, 5..<10])
    }
}
