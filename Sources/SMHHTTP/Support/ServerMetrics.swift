import NIOConcurrencyHelpers
import Prometheus
import SMHMedia
import SMHStoreSQL

/// What `GET /metrics` exposes, in Prometheus's text format. Labels come from fixed vocabularies only (route group,
/// method, status class, direction): never a token, a secret, a library id or a path.
public final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let durations: DurationHistogram
    private let bytesReceived: Counter
    private let bytesSent: Counter
    let uploadsBegun: Counter
    let uploadsConfirmed: Counter
    let jobsRun: Counter
    let jobsFailed: Counter
    let sweeps: Counter
    let sweepFailures: Counter
    private struct RequestKey: Hashable {
        let group: String
        let method: String
        let status: String
    }
    /// The request counters met so far (the registry would find them too, at the cost of building their labels).
    private let requestCounters = NIOLockedValueBox([RequestKey: Counter]())
    /// Counts kept elsewhere (the store's pool, the preview engines), carried over at each scrape.
    private let carried = NIOLockedValueBox([String: Double]())

    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "smh", metricName: name, unitName: "total", helpText: help))
        }
        durations = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "smh", metricName: "http_request_duration", unitName: "seconds",
                helpText: "Time from a request's head to the last byte of its answer (bodies included)."),
            buckets: Self.durationBuckets)
        bytesReceived = counter("http_request_body_bytes", "Request body bytes, as their Content-Length declares.")
        bytesSent = counter("http_response_body_bytes", "Response body bytes written.")
        uploadsBegun = counter("uploads_begun", "Upload tasks begun (simple and multipart).")
        uploadsConfirmed = counter("uploads_confirmed", "Uploads confirmed into files.")
        jobsRun = counter("jobs_finished", "Queued tasks run to an outcome.")
        jobsFailed = counter("job_attempts_failed", "Task attempts that threw (retried with back-off, then 500).")
        sweeps = counter("sweeper_runs", "Clean-up rounds (expired uploads, recycle bin, unreferenced blobs).")
        sweepFailures = counter("sweeper_failures", "Clean-up rounds that failed.")
    }

    /// One finished request: called when the last byte of its answer is written or the client went away.
    func request(
        path: Substring, method: String, status: Int, duration: Duration, received: Int, sent: Int,
        group known: String? = nil
    ) {
        // The form upload (F-04.4) is the other route at the root, beside the service API (`known`).
        let group = known ?? (path == "/" && method == "POST" ? "data_upload" : Self.routeGroup(path))
        let key = RequestKey(group: group, method: Self.methodLabel(method), status: Self.statusClass(status))
        let counter =
            requestCounters.withLockedValue { $0[key] }
            ?? {
                let counter = registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        namespace: "smh", metricName: "http_requests", unitName: "total",
                        helpText: "Requests answered, by route group, method and status class."),
                    labels: [("group", key.group), ("method", key.method), ("status", key.status)])
                requestCounters.withLockedValue { $0[key] = counter }
                return counter
            }()
        counter.increment()
        durations.record(duration)
        if received > 0 { bytesReceived.increment(by: Int64(received)) }
        if sent > 0 { bytesSent.increment(by: Int64(sent)) }
        if group.hasPrefix("data_") && status < 300 {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "smh", metricName: "data_plane_transfers", unitName: "total",
                    helpText: "Data-plane transfers that succeeded, by direction."),
                labels: [("direction", group == "data_upload" ? "upload" : "download")]
            ).increment()
        }
    }

    /// The exposition, with the values read from the store and the preview engines at this moment.
    func render(store: SQLStore, previews: PreviewService) async -> [UInt8] {
        if let jobs = try? await store.unfinishedJobCounts() {
            for (state, count) in [("queued", jobs.queued), ("running", jobs.running)] {
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        namespace: "smh", metricName: "jobs", unitName: "",
                        helpText: "Queued tasks waiting or running, in the whole database."),
                    labels: [("state", state)]
                ).set(Double(count))
            }
        }
        let waits = store.poolWaits
        carry("database_pool_waits", "Requests that waited for a database connection.", Double(waits.waits))
        carry(
            "database_pool_wait_seconds", "Time requests spent waiting for a database connection.", waits.secondsWaited)
        carry("renditions_made", "Thumbnails and covers made by the engines.", Double(previews.renditionsMade))
        carry("rendition_failures", "Engine runs that gave no thumbnail.", Double(previews.renderFailures))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }

    /// Moves a counter kept elsewhere to `total` (counters only grow, so the difference since the last scrape).
    private func carry(_ name: String, _ help: String, _ total: Double) {
        let delta = carried.withLockedValue { carried in
            let delta = total - carried[name, default: 0]
            carried[name] = total
            return delta
        }
        let counter = registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "smh", metricName: name, unitName: "total", helpText: help))
        if delta > 0 { counter.increment(by: delta) }
    }

    static let apiGroups: Set<Substring> = [
        "album", "batch", "cross-space", "directory", "directory-history", "favorite", "file", "inode", "quota",
        "recent", "recycled", "search", "space", "space-quota", "stats", "task", "task-result", "token", "usage",
    ]

    /// A bounded label for a path: the API's first segment, the admin API, the data plane's routes, the probes.
    static func routeGroup(_ path: Substring) -> String {
        let segments = path.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: true)
        guard let first = segments.first else { return "other" }
        switch first {
        case "api" where segments.count > 2 && segments[1] == "v1":
            return apiGroups.contains(segments[2]) ? String(segments[2]) : "other"
        case "admin": return "admin"
        case "_opensmh" where segments.count > 1:
            switch segments[1] {
            case "up": return "data_upload"
            case "dl": return "data_download"
            case "th": return "data_thumbnail"
            default: return "data_plane"
            }
        case "health", "ready", "metrics": return String(first)
        default: return "other"
        }
    }

    static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS": method
        default: "other"
        }
    }

    static func statusClass(_ status: Int) -> String {
        switch status {
        case 100..<200: "1xx"
        case 200..<300: "2xx"
        case 300..<400: "3xx"
        case 400..<500: "4xx"
        default: "5xx"
        }
    }
}
