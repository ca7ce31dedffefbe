import Foundation
import Testing

@testable import SMHCore

@Suite struct LibrarySettingsTests {
    func patch(_ json: String) throws -> LibrarySettingsPatch {
        try JSONDecoder().decode(LibrarySettingsPatch.self, from: Data(json.utf8))
    }

    func code(_ body: () throws -> Void) -> SMHErrorCode? {
        do {
            try body()
            return nil
        } catch let error as SMHError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func defaultsFollowSpec00() throws {
        var settings = LibrarySettings(name: "")
        try patch(#"{"name":"a"}"#).apply(to: &settings, creating: true)
        #expect(settings.libraryType == .file)
        #expect(settings.useRecycleBin && settings.enableSearch && !settings.enableFileHistory)
        #expect(settings.fileHistoryCount == 20)
        #expect(settings.maxDirFileNameLength == 255)
    }

    @Test func mediaLibrariesDefaultToMultiAlbum() throws {
        var settings = LibrarySettings(name: "")
        try patch(#"{"name":"a","libraryType":"media"}"#).apply(to: &settings, creating: true)
        #expect(settings.isMultiAlbum)
    }

    @Test(arguments: [
        (#"{"name":"a","fileHistoryCount":0}"#, SMHErrorCode.invalidFileHistoryCount),
        (#"{"name":"a","fileHistoryCount":1000}"#, .invalidFileHistoryCount),
        (#"{"name":"a","fileHistoryExpireDay":-1}"#, .invalidFileHistoryExpireDay),
        (#"{"name":"a","fileHistoryMergeInterval":3}"#, .invalidFileHistoryMergeInterval),
        (#"{"name":"a","autoRemoveRecycledDays":1096}"#, .paramInvalid),
        (#"{"name":"a","maxDirFileNameLength":0}"#, .paramInvalid),
        (#"{"name":"a","maxDirFileNameLength":256}"#, .paramInvalid),
        (#"{"name":"a","enableQuota":true}"#, .paramInvalid),
        (#"{"name":"a","libraryQuota":"10"}"#, .paramInvalid),
        (#"{"name":"a","enableQuota":true,"libraryQuota":0}"#, .paramInvalid),
        (#"{"name":""}"#, .paramInvalid),
        (#"{"name":"012345678901234567890123456789012345678901234567890"}"#, .paramInvalid),
        (#"{"name":"a","allowPhotoExtName":[".jpg"]}"#, .paramInvalid),
        (#"{"name":"a","multiSpace":true,"isPublicRead":true}"#, .paramInvalid),
        (#"{"name":"a","allowFileExtName":["jpg"]}"#, .paramInvalid),
    ])
    func outOfRangeValuesAreRefused(json: String, expected: SMHErrorCode) throws {
        let decoded = try patch(json)
        var settings = LibrarySettings(name: "")
        #expect(code { try decoded.apply(to: &settings, creating: true) } == expected)
    }

    @Test(arguments: [
        #"{"name":"a","bogus":true}"#,
        #"{"name":5}"#,
        #"{"name":"a","useRecycleBin":"yes"}"#,
        #"{"name":"a","libraryType":"photos"}"#,
        #"{"name":"a","fileHistoryCount":"20"}"#,
        #"{"name":"a","libraryQuota":1.5}"#,
        #"{"name":"a","libraryQuota":"99999999999999999999"}"#,
    ])
    func unknownFieldsAndWrongTypesAreRefusedWhileDecoding(json: String) {
        #expect(code { _ = try patch(json) } == .paramInvalid)
    }

    @Test func nonObjectBodyIsBadRequest() {
        #expect(code { _ = try patch("[1,2]") } == .badRequest)
    }

    @Test func quotaAcceptsNumberOrDecimalString() throws {
        for json in [
            #"{"name":"a","enableQuota":true,"libraryQuota":1024}"#,
            #"{"name":"a","enableQuota":true,"libraryQuota":"1024"}"#,
        ] {
            var settings = LibrarySettings(name: "")
            try patch(json).apply(to: &settings, creating: true)
            #expect(settings.libraryQuota == 1024)
        }
    }

    @Test func immutableFieldsMayOnlyRepeatTheirValueOnUpdate() throws {
        var settings = LibrarySettings(name: "")
        try patch(#"{"name":"a"}"#).apply(to: &settings, creating: true)
        #expect(code { try patch(#"{"libraryType":"media"}"#).apply(to: &settings, creating: false) } == .paramInvalid)
        #expect(code { try patch(#"{"multiSpace":true}"#).apply(to: &settings, creating: false) } == .paramInvalid)
        try patch(#"{"libraryType":"file","remark":"r"}"#).apply(to: &settings, creating: false)
        #expect(settings.remark == "r")
    }
}
