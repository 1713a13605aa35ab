import ArgumentParser
import Configuration
import Directory
import GatehouseServer
import Logging
import SystemPackage

/// The settings every command shares; flags win over `GATEHOUSE_*` environment variables,
/// which win over the `--config` file, which wins over the defaults.
struct SettingsOptions: ParsableArguments {
    @Option(help: "The data folder (database, instance key, mail outbox). [env: GATEHOUSE_DATA_DIR] (default: ./.gatehouse)")
    var dataDir: String?

    @Option(help: "A JSON configuration file with the same settings as keys (listen, data.dir, dev, log.level, bcrypt.cost).")
    var config: String?

    /// The configuration: defaults, then the config file, then the environment, then `apply` for flags.
    func configuration() async throws -> ServerConfiguration {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider().prefixKeys(with: "gatehouse")]
        if let config {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(config)))
        }
        var configuration = try ServerConfiguration(reader: ConfigReader(providers: providers))
        if let dataDir { configuration.dataDirectory = dataDir }
        return configuration
    }
}

extension SettingsOptions {
    /// Opens the data folder, runs `work`, and closes it; domain errors become usage errors.
    func withDirectory<T>(_ work: (Directory) async throws -> T) async throws -> T {
        let configuration = try await configuration()
        var logger = Logger(label: "gatehouse")
        logger.logLevel = .warning
        let directory = try await Directory.open(dataDirectory: configuration.dataDirectory, bcryptCost: configuration.bcryptCost, logger: logger)
        let result: Result<T, any Error>
        do {
            result = .success(try await work(directory))
        } catch {
            result = .failure(error)
        }
        try await directory.close()
        do {
            return try result.get()
        } catch let error as DirectoryError {
            throw ValidationError(error.message)
        }
    }
}
