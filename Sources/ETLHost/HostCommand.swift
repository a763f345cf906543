import ArgumentParser
import ETLFramework
import ETLTelemetry
import HostSupport
import Server
import Foundation
import Logging

/// The `host` command: runs pipelines from a pipeline file.
struct HostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Runs the ETL pipelines described by a pipelines.yaml file.",
        subcommands: [
            RunCommand.self, ValidateCommand.self, TestCommand.self, ResetCommand.self, MigrateCommand.self, TapCommand.self, AdaptersCommand.self,
            DocsCommand.self,
        ])
}

/// Options shared by the commands that read a pipeline file.
struct PipelineFileOptions: ParsableArguments {
    @Argument(help: "The pipeline file.")
    var file: String = "pipelines.yaml"

    /// Sets up JSON logging at `LOG_LEVEL` and loads the file, printing every problem on failure.
    func load() throws -> (LoadedPipelineFile, Logger) {
        let logger = HostLogging.bootstrap()
        do {
            let loaded = try PipelineFileLoader(registry: ETLHost.plugins).load(path: file, logger: logger)
            LogRedaction.install(loaded.redaction)
            return (loaded, logger)
        } catch let errors as ConfigErrors {
            throw HostLogging.reported(errors)
        }
    }
}

/// What every command does around its work: JSON logs, and mistakes in a file printed one per line.
enum HostLogging {
    /// Sets up JSON logging at `LOG_LEVEL` (or `defaultLevel`) and returns the host's logger.
    static func bootstrap(defaultLevel: String? = nil) -> Logger {
        let level = JSONLogHandler.level(from: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? defaultLevel)
        LoggingSystem.bootstrap(
            { JSONLogHandler(label: $0, logLevel: level, metadataProvider: $1) }, metadataProvider: TraceLogMetadata.provider)
        return Logger(label: "host")
    }

    /// Prints each problem (passwords redacted) on stderr; returns the exit status of a mistake (2).
    static func reported(_ errors: ConfigErrors) -> ExitCode {
        for diagnostic in errors.diagnostics {
            FileHandle.standardError.write(Data("\(Redaction.redactURLPasswords(diagnostic.description))\n".utf8))
        }
        return ExitCode(2)
    }
}
