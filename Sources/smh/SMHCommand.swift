import ArgumentParser
import Foundation

/// `smh`: the one executable of OpenSMH.
@main
struct SMHCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smh",
        abstract: "OpenSMH: a self-hosted server for the Smart Media Hosting API.",
        version: "0.2.0",
        subcommands: [ServeCommand.self, LibraryCommand.self, MigrateCommand.self, FsckCommand.self],
        defaultSubcommand: nil
    )

    /// Arguments from the command line, completed from `SMH_*` variables and `--config` (`EnvironmentArguments`).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            await main(try EnvironmentArguments.expand(arguments, environment: ProcessInfo.processInfo.environment))
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(64)  // EX_USAGE, as ArgumentParser's own usage errors
        }
    }
}
