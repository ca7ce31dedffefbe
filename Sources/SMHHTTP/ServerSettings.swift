/// What the HTTP layer needs to know about its deployment.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Scheme, host and port that data-plane URLs carry (spec 00); nil means "the Host the request came with".
    public var publicURL: String?
    /// Whether this server speaks HTTPS itself (`--tls-cert`): data-plane URLs then say `https` without a public URL.
    public var servesTLS = false
    /// What data-plane URLs are built on: the public URL, or `https://` alone (the request's Host over TLS).
    var dataPlaneURL: String? { publicURL ?? (servesTLS ? "https://" : nil) }
    /// SHA-256 of the admin key.
    public var adminKeyHash: String
    /// SHA-256 of the bearer token `GET /metrics` asks for; nil leaves it open (it holds no secret and no path).
    public var metricsTokenHash: String?
    /// The service API's SecretId/SecretKey; nil leaves it answering `AuthFailure.SecretIdNotFound`. The key also
    /// derives library secrets, so the service API can show them again (`LibrarySecretIssuer`).
    public var serviceAPI: ServiceAPICredentials?

    public init(host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, adminKeyHash: String) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.adminKeyHash = adminKeyHash
    }
}
