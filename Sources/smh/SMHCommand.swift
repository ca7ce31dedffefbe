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

    /// Arguments from the command line, completed from `SMH_*` variables (`EnvironmentArguments`).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        await main(EnvironmentArguments.expand(arguments, environment: ProcessInfo.processInfo.environment))
    }
}
