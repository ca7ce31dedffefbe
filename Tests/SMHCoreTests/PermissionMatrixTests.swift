import Testing

@testable import SMHCore

/// For each grant string of spec 10 §2.2: one operation it allows and one it does not. The HTTP suites repeat this
/// through real requests for the operations whose endpoints exist (`PermissionMatrixHTTPTests`).
@Suite struct PermissionMatrixTests {
    static let matrix: [(Grant, allowed: Operation, refused: Operation)] = [
        (.spaceAdmin, .updateSpaceExtension, .createSpace),
        (.createSpace, .createSpace, .deleteSpace),
        (.deleteSpace, .deleteSpace, .createSpace),
        (.createDirectory, .createDirectory, .deleteDirectory(permanent: false)),
        (.deleteDirectory, .deleteDirectory(permanent: false), .deleteDirectory(permanent: true)),
        (.deleteDirectoryPermanent, .deleteDirectory(permanent: true), .deleteFile(permanent: true)),
        (.moveDirectory, .moveDirectory, .copyDirectory),
        (.copyDirectory, .copyDirectory, .moveDirectory),
        (.uploadFile, .beginUpload(overwrite: false), .beginUpload(overwrite: true)),
        (.uploadFileForce, .beginUpload(overwrite: true), .deleteFile(permanent: false)),
        (.beginUpload, .beginUpload(overwrite: false), .confirmUpload),
        (.beginUploadForce, .beginUpload(overwrite: true), .confirmUpload),
        (.confirmUpload, .confirmUpload, .beginUpload(overwrite: false)),
        (.createSymlink, .createSymlink(overwrite: false), .createSymlink(overwrite: true)),
        (.createSymlinkForce, .createSymlink(overwrite: true), .beginUpload(overwrite: false)),
        (.deleteFile, .deleteFile(permanent: false), .deleteFile(permanent: true)),
        (.deleteFilePermanent, .deleteFile(permanent: true), .deleteDirectory(permanent: true)),
        (.moveFile, .moveFile(overwrite: false), .moveFile(overwrite: true)),
        (.moveFileForce, .moveFile(overwrite: true), .copyFile(overwrite: false)),
        (.copyFile, .copyFile(overwrite: false), .copyFile(overwrite: true)),
        (.copyFileForce, .copyFile(overwrite: true), .moveFile(overwrite: false)),
        (.deleteRecycled, .deleteRecycled, .restoreRecycled),
        (.restoreRecycled, .restoreRecycled, .deleteRecycled),
        (.readOnly, .read, .createDirectory),
        (.setHistoryLatest, .setHistoryLatest, .deleteHistory),
        (.deleteHistory, .deleteHistory, .setHistoryLatest),
        (.createVirtual, .createVirtualFile, .beginUpload(overwrite: false)),
        (.acl, .read, .createDirectory),
        // admin refuses nothing in its scope; its refusal (another space, another library) is tested over HTTP.
        (.admin, .libraryAdministration, .read),
    ]

    func token(_ grants: Set<Grant>) -> AccessToken {
        AccessToken(
            tokenHash: "h", libraryId: LibraryID("smhx"), spaceScope: .all, userId: "", clientId: "", sessionId: "",
            grants: grants, period: 60, expiresAt: Timestamp(milliseconds: 0), createdAt: Timestamp(milliseconds: 0))
    }

    @Test func everyGrantIsInTheMatrix() {
        #expect(Set(Self.matrix.map(\.0)) == Set(Grant.allCases))
    }

    @Test(arguments: Self.matrix.map { ($0.0, $0.allowed) })
    func allows(grant: Grant, operation: Operation) {
        #expect(token([grant]).allows(operation))
    }

    @Test(arguments: Self.matrix.filter { $0.0 != .admin }.map { ($0.0, $0.refused) })
    func refuses(grant: Grant, operation: Operation) {
        #expect(!token([grant]).allows(operation))
    }

    @Test func adminAllowsEverythingAndAReadOnlyTokenOnlyReads() {
        let operations: [Operation] = [
            .read, .createSpace, .deleteSpace, .listAllSpaces, .updateSpaceExtension, .spaceAdministration,
            .libraryAdministration, .createDirectory, .deleteDirectory(permanent: true), .moveDirectory, .copyDirectory,
            .beginUpload(overwrite: true), .confirmUpload, .createSymlink(overwrite: true), .createVirtualFile,
            .deleteFile(permanent: true), .moveFile(overwrite: true), .copyFile(overwrite: true), .deleteRecycled,
            .restoreRecycled, .setHistoryLatest, .deleteHistory,
        ]
        #expect(operations.allSatisfy { token([.admin]).allows($0) })
        #expect(operations.filter { token([]).allows($0) } == [.read])
        // space_admin: everything inside spaces, nothing library-wide or about creating and deleting spaces.
        let spaceAdmin = token([.spaceAdmin])
        #expect(!spaceAdmin.allows(.createSpace) && !spaceAdmin.allows(.deleteSpace))
        #expect(!spaceAdmin.allows(.libraryAdministration))
        #expect(spaceAdmin.allows(.deleteFile(permanent: true)) && spaceAdmin.allows(.copyDirectory))
    }

    @Test func grantListsIgnoreUnknownStringsAndAreCaseSensitive() {
        #expect(Grant.parseList("upload_file, Admin,bogus,,create_directory") == [.uploadFile, .createDirectory])
        #expect(Grant.parseList(nil).isEmpty)
    }

    @Test func effectiveUserFollowsTheAdminOverrideRule() {
        var admin = token([.admin])
        #expect(admin.effectiveUser(requested: "u1") == "u1")
        admin = AccessToken(
            tokenHash: "h", libraryId: LibraryID("smhx"), spaceScope: .all, userId: "owner", clientId: "",
            sessionId: "",
            grants: [.admin], period: 60, expiresAt: Timestamp(milliseconds: 0), createdAt: Timestamp(milliseconds: 0))
        #expect(admin.effectiveUser(requested: "u1") == "owner")
        #expect(token([.spaceAdmin]).effectiveUser(requested: "u1") == "")
    }

    @Test func periodClamping() {
        #expect(AccessToken.effectivePeriod(nil) == 86400)
        #expect(AccessToken.effectivePeriod("abc") == 86400)
        #expect(AccessToken.effectivePeriod("0") == 86400)
        #expect(AccessToken.effectivePeriod("299") == 300)
        #expect(AccessToken.effectivePeriod("7200") == 7200)
        #expect(AccessToken.effectivePeriod("315360001") == 315_360_000)
        #expect(AccessToken.effectivePeriod("123456789012345678901234567890") == 315_360_000)
    }
}
