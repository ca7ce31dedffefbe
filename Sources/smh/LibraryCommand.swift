import ArgumentParser
import Foundation
import SMHCore
import SMHStoreSQL

/// `smh library …`: the admin API from the command line, on the same data directory or database.
struct LibraryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library",
        abstract: "Create, list, show, update and delete libraries.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self, RotateSecret.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a library and print its secret (once).")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Library name (1-50 characters).") var name: String
        @Flag(help: "Create a multi-tenant library.") var multiSpace = false
        @Option(help: "file or media.") var type: String?
        @Option(help: "Further settings as a JSON object, named as in the admin API.") var settings: String?

        func run() async throws {
            var fields = try LibraryCLI.object(settings)
            fields["name"] = name
            if multiSpace { fields["multiSpace"] = true }
            if let type { fields["libraryType"] = type }
            let patch = try LibraryCLI.patch(fields)
            try await LibraryCLI.run(storeOptions) { service in
                let (library, secret) = try await service.create(patch)
                return LibraryView(library, secret: secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List all libraries.")
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try await LibraryCLI.run(storeOptions) { service in
                LibraryList(libraries: try await service.list().map { LibraryView($0) })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one library's settings.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Library id.") var libraryId: String

        func run() async throws {
            try await LibraryCLI.run(storeOptions) { service in
                LibraryView(try await service.show(LibraryID(libraryId)))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a library's settings.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Library id.") var libraryId: String
        @Option(help: "New name.") var name: String?
        @Option(help: "Settings to change, as a JSON object named as in the admin API.") var settings: String?

        func run() async throws {
            var fields = try LibraryCLI.object(settings)
            if let name { fields["name"] = name }
            let patch = try LibraryCLI.patch(fields)
            try await LibraryCLI.run(storeOptions) { service in
                LibraryView(try await service.update(LibraryID(libraryId), patch))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a library (refused if not empty).")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Library id.") var libraryId: String
        @Flag(help: "Delete even when the library holds spaces or files.") var force = false

        func run() async throws {
            try await LibraryCLI.run(storeOptions) { service in
                try await service.delete(LibraryID(libraryId), force: force)
                return ["deleted": libraryId]
            }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret", abstract: "Issue a new library secret; the old one stops working.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Library id.") var libraryId: String

        func run() async throws {
            try await LibraryCLI.run(storeOptions) { service in
                ["libraryId": libraryId, "librarySecret": try await service.rotateSecret(LibraryID(libraryId))]
            }
        }
    }
}

struct LibraryList: Encodable, Sendable {
    let libraries: [LibraryView]
}

enum LibraryCLI {
    static func object(_ json: String?) throws -> [String: Any] {
        guard let json else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw ValidationError("--settings must be a JSON object, e.g. '{\"enableFileHistory\": true}'.")
        }
        return object
    }

    /// Goes through the same strict decoding as the HTTP body, so the CLI and the API accept exactly the same input.
    static func patch(_ fields: [String: Any]) throws -> LibrarySettingsPatch {
        let data = try JSONSerialization.data(withJSONObject: fields)
        do {
            return try JSONDecoder().decode(LibrarySettingsPatch.self, from: data)
        } catch let error as SMHError {
            throw ValidationError("\(error.code.rawValue): \(error.message)")
        }
    }

    /// Runs one use case against the store and prints its answer as JSON; an SMH error exits non-zero with its code.
    static func run<T: Encodable & Sendable>(
        _ options: StoreOptions, _ body: @escaping @Sendable (LibraryService<SQLStore>) async throws -> T
    ) async throws {
        var logger = try options.makeLogger()
        if logger.logLevel == .info { logger.logLevel = .warning }
        let output = try await options.location.withStore(logger: logger) { store in
            do {
                return Result<T, SMHError>.success(try await body(LibraryService(store: store)))
            } catch let error as SMHError {
                return .failure(error)
            }
        }
        switch output {
        case .success(let value):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        case .failure(let error):
            FileHandle.standardError.write(Data("error: \(error.code.rawValue): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
