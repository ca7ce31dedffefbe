import Hummingbird
import SMHCore

extension ServiceAPIController {
    /// One action; the answer's fields without `RequestId`.
    func perform(
        _ action: String, _ p: ServiceParameters, request: Request, context: SMHRequestContext
    ) async throws -> [String: AnyJSON] {
        switch action {
        case "CreateLibrary": return try await createLibrary(p, request: request, context: context)
        case "DescribeLibraries": return try await describeLibraries(p, request: request)
        case "ModifyLibrary": return try await modifyLibrary(p)
        case "DeleteLibrary": return try await deleteLibrary(p, context: context)
        case "DescribeLibrarySecret": return try await describeLibrarySecret(p)
        // The official cloud-disk product and its billing do not exist here: truthful empty answers.
        case "DescribeOfficialOverview":
            try p.allowOnly([])
            return [
                "Quantity": .int(0), "Storage": .string("0"), "UserCount": .int(0), "InternetTraffic": .string("0"),
            ]
        case "DescribeOfficialInstances":
            try p.allowOnly([
                "SuperAdminAccount", "InstanceIds", "PageNumber", "PageSize", "OrderBy", "OrderByType", "AutoRenew",
                "BindPhone",
            ])
            return ["List": .array([]), "TotalCount": .int(0)]
        case "DescribeTrafficPackages":
            try p.allowOnly(["ResourceIds", "PageNumber", "PageSize", "OrderBy", "OrderByType", "Type"])
            return ["List": .array([]), "TotalCount": .int(0)]
        case "SendSmsCode", "VerifySmsCode":
            throw ServiceAPIError(
                .unsupportedOperation,
                "\(action) belongs to SMH's official cloud-disk product, which OpenSMH does not offer.")
        default:
            throw ServiceAPIError(.invalidAction, "The action '\(action)' does not exist in version \(Self.version).")
        }
    }

    private func createLibrary(
        _ p: ServiceParameters, request: Request, context: SMHRequestContext
    ) async throws -> [String: AnyJSON] {
        try p.allowOnly(["Name", "Remark", "BucketName", "BucketRegion", "LibraryExtension", "Tags"])
        let name = try p.requiredString("Name")
        // Bytes go to OpenSMH's own blob store: a COS bucket is accepted for compatibility and not used.
        _ = try p.string("BucketName")
        _ = try p.string("BucketRegion")
        let tags = try ServiceLibraryFields.tags(p) ?? []
        let (patch, storageClass) = try ServiceLibraryFields.patch(
            name: name, remark: try p.string("Remark"), extension: try p.object("LibraryExtension"), creating: true)
        let (library, _) = try await libraries.create(patch) { settings in
            ServiceLibraryFields.serviceDefaults(&settings)
            settings.tags = tags
            if let storageClass { settings.storageClass = storageClass }
        }
        context.logger.info(
            "library created", metadata: ["library_id": .string(library.id.rawValue), "via": "service API"])
        return ["LibraryId": .string(library.id.rawValue), "AccessDomain": .string(accessDomain(request))]
    }

    private func describeLibraries(_ p: ServiceParameters, request: Request) async throws -> [String: AnyJSON] {
        try p.allowOnly(["LibraryIds", "PageNumber", "PageSize", "Offset", "Limit", "TagFilters"])
        let ids = try p.strings("LibraryIds")
        if let ids, ids.count > 100 {
            throw ServiceAPIError(.limitExceeded, "LibraryIds holds at most 100 ids.")
        }
        let (offset, limit) = try Self.window(p)
        var filters: [(key: String, values: [String]?)] = []
        for filter in try p.objects("TagFilters") ?? [] {
            try filter.allowOnly(["TagKey", "TagValue"])
            filters.append((try filter.requiredString("TagKey"), try filter.strings("TagValue")))
        }
        let wanted = ids.map(Set.init)
        let matching = try await libraries.list().filter { library in
            if let wanted, !wanted.contains(library.id.rawValue) { return false }
            return filters.allSatisfy { filter in
                library.settings.tags.contains { tag in
                    tag.key == filter.key && (filter.values.map { $0.isEmpty || $0.contains(tag.value) } ?? true)
                }
            }
        }
        let page = Array(matching.dropFirst(offset).prefix(limit))
        let totals = try await libraries.store.libraryTotals(page.map(\.id))
        let domain = accessDomain(request)
        return [
            "List": .array(
                page.map { ServiceLibraryFields.wire($0, totals: totals[$0.id], accessDomain: domain) }),
            "TotalCount": .int(Int64(matching.count)),
        ]
    }

    /// `PageNumber`/`PageSize` (defaults 1 and 20) or `Offset`/`Limit`; pages hold at most 100.
    static func window(_ p: ServiceParameters) throws(ServiceAPIError) -> (offset: Int, limit: Int) {
        let offset = try p.int("Offset")
        let limit = try p.int("Limit")
        if offset != nil || limit != nil {
            guard p.has("PageNumber") == false, p.has("PageSize") == false else {
                throw ServiceAPIError(.invalidParameter, "Give PageNumber/PageSize or Offset/Limit, not both.")
            }
            let (o, l) = (offset ?? 0, limit ?? 20)
            guard o >= 0, o <= Int64(Int32.max) else {
                throw ServiceAPIError(.invalidParameterValue, "Offset must be 0 or more.")
            }
            guard (1...100).contains(l) else {
                throw ServiceAPIError(.invalidParameterValue, "Limit must be between 1 and 100.")
            }
            return (Int(o), Int(l))
        }
        let (number, size) = (try p.int("PageNumber") ?? 1, try p.int("PageSize") ?? 20)
        guard number >= 1, number <= Int64(Int32.max) else {
            throw ServiceAPIError(.invalidParameterValue, "PageNumber must be 1 or more.")
        }
        guard (1...100).contains(size) else {
            throw ServiceAPIError(.invalidParameterValue, "PageSize must be between 1 and 100.")
        }
        return (Int((number - 1) * size), Int(size))
    }

    private func modifyLibrary(_ p: ServiceParameters) async throws -> [String: AnyJSON] {
        try p.allowOnly(["LibraryId", "Name", "Remark", "LibraryExtension", "Tags"])
        let id = LibraryID(try p.requiredString("LibraryId"))
        let tags = try ServiceLibraryFields.tags(p)
        let (patch, storageClass) = try ServiceLibraryFields.patch(
            name: try p.string("Name"), remark: try p.string("Remark"), extension: try p.object("LibraryExtension"),
            creating: false)
        let current = try await libraries.show(id)
        if let storageClass, storageClass != current.settings.storageClass {
            throw ServiceAPIError(.cosStorageClass, "CosStorageClass is fixed when the library is created.")
        }
        _ = try await libraries.update(id, patch) { settings in
            if let tags { settings.tags = tags }
        }
        return [:]
    }

    /// Refused while the library holds anything (as the admin API without `force`): a multi-space library with
    /// tenant spaces answers SMH's `ResourceInUse.MultiSpace`; a single-space one with content `ResourceInUse`. The
    /// admin API's `?force=1` deletes content and all.
    private func deleteLibrary(_ p: ServiceParameters, context: SMHRequestContext) async throws -> [String:
        AnyJSON]
    {
        try p.allowOnly(["LibraryId"])
        let id = LibraryID(try p.requiredString("LibraryId"))
        let library = try await libraries.show(id)
        do {
            try await libraries.delete(id, force: false)
        } catch let error as SMHError where error.code == .libraryNotEmpty {
            if library.settings.multiSpace {
                throw ServiceAPIError(
                    .multiSpaceInUse, "Library \(id) still has tenant spaces; delete them (or their content) first.")
            }
            throw ServiceAPIError(
                .resourceInUse,
                "Library \(id) is not empty; delete its content first, or use the admin API with force=1.")
        }
        context.logger.info("library deleted", metadata: ["library_id": .string(id.rawValue), "via": "service API"])
        return [:]
    }

    private func describeLibrarySecret(_ p: ServiceParameters) async throws -> [String: AnyJSON] {
        try p.allowOnly(["LibraryId"])
        let id = LibraryID(try p.requiredString("LibraryId"))
        return ["LibraryId": .string(id.rawValue), "LibrarySecret": .string(try await libraries.revealSecret(id))]
    }

    /// Where the business API of this server is reached: the public URL, else the Host the call came to.
    func accessDomain(_ request: Request) -> String {
        if let publicURL = settings.publicURL { return publicURL }
        let scheme = settings.servesTLS ? "https://" : "http://"
        return scheme + (request.head.authority ?? "\(settings.host):\(settings.port)")
    }
}
