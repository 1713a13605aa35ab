import ArgumentParser
import Configuration
import GatehouseServer
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
