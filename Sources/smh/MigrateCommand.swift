import ArgumentParser
import SMHStoreSQL

/// `smh migrate`: bring the metadata schema up to date without serving.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending schema migrations.")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let logger = try storeOptions.makeLogger()
        let applied = try await storeOptions.location.withStore(logger: logger) { store in
            try await store.appliedMigrations()
        }
        print("schema at migration \(applied.last ?? 0) (\(applied.count) applied)")
    }
}
