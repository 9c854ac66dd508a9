/// One `[[target]]`: a place every new version is carried to after the local publish (object
/// storage behind a CDN, a frontend repository, a web host), by a command of the user's that
/// runs once per phase (`upload`, `commit`, `remove`). docs/delivery.md has the contract.
public struct TargetConfiguration: Sendable, Equatable {
    /// In logs (`TARGET=`), status, metrics and the state file's name.
    public var name: String
    /// The datasets (and rollups) it carries, in this order; nil: every one the configuration
    /// publishes.
    public var datasets: [String]?
    /// The program and its arguments, run without a shell; the phase comes in the environment.
    public var command: [String]
    /// How long one phase may run before its whole process group is killed.
    public var timeout: Duration
    /// The longest wait between two attempts after failures (backoff: 5 s, 10 s, 20 s, … up to this).
    public var maxBackoff: Duration

    public init(
        name: String,
        datasets: [String]? = nil,
        command: [String],
        timeout: Duration = TargetConfiguration.defaultTimeout,
        maxBackoff: Duration = TargetConfiguration.defaultMaxBackoff
    ) {
        self.name = name
        self.datasets = datasets
        self.command = command
        self.timeout = timeout
        self.maxBackoff = maxBackoff
    }

    public static let defaultTimeout: Duration = .seconds(600)
    public static let defaultMaxBackoff: Duration = .seconds(300)

    /// The datasets this target carries, given every name the configuration publishes.
    public func carried(from published: [String]) -> [String] {
        datasets ?? published
    }
}

extension Configuration {
    /// Every name that has a folder of versions and an entry in manifest.json: the datasets
    /// (rollups, when the configuration has them, are published alike and belong here too).
    /// A target without `datasets` carries all of them.
    public var publishedNames: [String] {
        Self.publishedNames(datasets: datasets)
    }

    static func publishedNames(datasets: [DatasetConfiguration]) -> [String] {
        datasets.map(\.name)
    }
}
