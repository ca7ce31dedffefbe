import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SMHCore
import SMHTestSupport
import Testing

@testable import SMHHTTP

/// `GET /metrics`: values move with the requests, labels never carry a token, a library id or a path.
@Suite struct MetricsTests {
    /// `name{labels}` → value, from the text exposition.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    static func scrape(_ app: TestApp) async throws -> (text: String, samples: [String: Double]) {
        let reply = try await app.call(.get, "/metrics")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return (reply.text, samples(reply.text))
    }

    @Test func valuesMoveWithRequests() async throws {
        try await TestApp.with { app in
            let library = try await app.createLibrary()
            let token = try await app.token(library, "&grant=admin")
            let before = try await Self.scrape(app).samples
            let created = #"smh_http_requests_total{group="directory",method="PUT",status="2xx"}"#
            let missing = #"smh_http_requests_total{group="directory",method="GET",status="4xx"}"#

            for name in ["a", "b", "c"] {
                let reply = try await app.call(.put, "/api/v1/directory/\(library.id)/-/\(name)?access_token=\(token)")
                #expect(reply.status == 201)
            }
            #expect(
                try await app.call(.get, "/api/v1/directory/\(library.id)/-/nope?access_token=\(token)").status == 404)
            let f = UploadFixture(app: app, library: library, token: token)
            let begun = try await f.begin("secret-holiday.jpg")
            #expect(try await f.send(begun, Array(repeating: 7, count: 1000)).status == 200)
            #expect(try await f.confirm(begun).status == 200)
            let download = try await app.call(
                .get, "/api/v1/file/\(library.id)/-/secret-holiday.jpg?access_token=\(token)")
            #expect(download.status == 302)

            let (text, after) = try await Self.scrape(app)
            #expect(after[created, default: 0] - before[created, default: 0] == 3)
            #expect(after[missing, default: 0] - before[missing, default: 0] == 1)
            #expect(after["smh_uploads_begun_total", default: 0] - before["smh_uploads_begun_total", default: 0] == 1)
            #expect(after["smh_uploads_confirmed_total", default: 0] == 1)
            #expect(after[#"smh_data_plane_transfers_total{direction="upload"}"#] == 1)
            #expect(after["smh_http_request_body_bytes_total", default: 0] >= 1000)
            #expect(
                after["smh_http_response_body_bytes_total", default: 0]
                    > before["smh_http_response_body_bytes_total", default: 0])
            let count = after["smh_http_request_duration_seconds_count", default: 0]
            #expect(count - before["smh_http_request_duration_seconds_count", default: 0] >= 8)
            #expect(after[#"smh_jobs{state="queued"}"#] == 0)
            #expect(after["smh_database_pool_waits_total"] != nil)
            #expect(after["smh_renditions_made_total"] != nil)
            // Labels come from fixed vocabularies: nothing the client chose reaches the exposition.
            for leaked in [token, library.id, library.secret, "secret-holiday", "nope"] {
                #expect(!text.contains(leaked), "\(leaked) in /metrics")
            }
        }
    }

    @Test func hostileTargetsLandInBoundedLabels() async throws {
        try await TestApp.with { app in
            _ = try await app.call(.get, "/api/v1/acctkLEAKED0123/x")
            _ = try await app.call(.get, "/api/v2/whatever")
            let brew = try await app.call(.init("BREW")!, "/api/v1/file/x/y")
            let (text, samples) = try await Self.scrape(app)
            #expect(!text.contains("LEAKED") && !text.contains("whatever") && !text.contains("BREW"))
            #expect(samples[#"smh_http_requests_total{group="other",method="GET",status="4xx"}"#] == 2)
            if app.live {
                // Over the wire, NIO's HTTP parser refuses an unknown method before any router or metric sees it.
                #expect(brew.status == 400)
                #expect(samples[#"smh_http_requests_total{group="file",method="other",status="4xx"}"#] == nil)
            } else {
                #expect(brew.status == 404)
                #expect(samples[#"smh_http_requests_total{group="file",method="other",status="4xx"}"#] == 1)
            }
        }
    }

    @Test func aMetricsTokenIsAskedForWhenSet() async throws {
        try await TestApp.with(metricsToken: "metrics-token-0123456789") { app in
            let open = try await app.call(.get, "/metrics")
            #expect(open.status == 401)
            #expect(open.code == "MetricsTokenRequired")
            let wrong = try await app.call(.get, "/metrics", headers: [.authorization: "Bearer metrics-token-wrong"])
            #expect(wrong.status == 401)
            let right = try await app.call(
                .get, "/metrics", headers: [.authorization: "Bearer metrics-token-0123456789"])
            #expect(right.status == 200)
            #expect(right.text.contains("smh_http_requests_total"))
        }
    }

    @Test func routeGroupsAreBounded() {
        #expect(ServerMetrics.routeGroup("/api/v1/file/lib/-/a.jpg") == "file")
        #expect(ServerMetrics.routeGroup("/api/v1/directory-history/lib/-") == "directory-history")
        #expect(ServerMetrics.routeGroup("/api/v1/acctkX/a") == "other")
        #expect(ServerMetrics.routeGroup("/admin/v1/libraries/smh1") == "admin")
        #expect(ServerMetrics.routeGroup("/_opensmh/up/key") == "data_upload")
        #expect(ServerMetrics.routeGroup("/_opensmh/dl/cap/name") == "data_download")
        #expect(ServerMetrics.routeGroup("/_opensmh/th/cap/name") == "data_thumbnail")
        #expect(ServerMetrics.routeGroup("/") == "other")
        #expect(ServerMetrics.statusClass(503) == "5xx")
    }
}
