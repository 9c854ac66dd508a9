/// One `[[target]]`: a place every new version is carried to after the local publish (object
/// storage behind a CDN, a frontend repository, a web host), by a command of the user's that
/// runs once per phase (`upload`, `commit`, `remove`). docs/delivery.md has the contract.
public struct TargetConfiguration: Sendable, Equatable {
    /// In logs (`TARGET=`), status, metrics and the name of its state folder.
    public var name: String
    /// The datasets (and rollups) it carries, in this order; nil: every one the configuration
    /// publishes.
    public var datasets: [String]?
    /// The program and its arguments, run without a shell; the phase comes in the environment.
    public var command: [String]
    /// How long one phase may run before its whole process group is killed.
    public var timeout: Duration = .seconds(600)
    /// The longest wait between two attempts after failures (backoff: 5 s, 10 s, 20 s, … up to this).
    public var maxBackoff: Duration = .seconds(300)

    public init(
        name: String,
        datasets: [String]? = nil,
        command: [String],
        timeout: Duration = .seconds(600),
        maxBackoff: Duration = .seconds(300)
    ) {
        self.name = name
        self.datasets = datasets
        self.command = command
        self.timeout = timeout
        self.maxBackoff = maxBackoff
    }

    init() {
        self.init(name: "", command: [])
    }

    /// The datasets this target carries, given every name the configuration publishes.
    public func carried(from published: [String]) -> [String] {
        datasets ?? published
    }
}

extension TargetConfiguration: ConfigurationSection {
    static var keys: [ConfigurationKey<Self>] {
        [
            .name("name", \.name),
            .key("datasets", \.datasets, .list(of: .string, noun: "dataset")),
            .key("command", \.command, .argv, required: true),
            .key("timeout", \.timeout, .positiveDuration),
            .key("max_backoff", \.maxBackoff, .positiveDuration),
        ]
    }

    /// `datasets` names only what this file publishes (when the datasets could be read).
    mutating func check(_ r: inout SectionReader) {
        guard let datasets, let published = r.context.section("dataset", as: [DatasetConfiguration].self) else {
            return
        }
        let names = Configuration.publishedNames(
            datasets: published,
            rollups: r.context.section("rollup", as: [RollupConfiguration].self) ?? []
        )
        for dataset in datasets where !names.contains(dataset) {
            let known = names.map { "\"\($0)\"" }.joined(separator: ", ")
            r.report(.invalidValue, "datasets", "\"\(dataset)\" is not published by this file (it publishes \(known))")
        }
    }
}

extension ConfigurationValue where Value == [String] {
    /// A command's argv: at least the program; a program with a `/` is a path, resolved like
    /// every path of the file (a bare name is looked up in PATH when it runs). Its arguments
    /// are the program's business.
    static var argv: Self {
        list(of: .string, noun: "argument (the program)", unique: false).map { argv, reading in
            guard !argv[0].contains("\0") else {
                return reading.fail(.invalidValue, "a program path cannot contain NUL")
            }
            guard argv[0].contains("/") else { return argv }
            var resolved = argv
            resolved[0] = PathResolution.resolve(argv[0], against: reading.baseDirectory)
            return resolved
        }
    }
}

extension Configuration {
    /// Every name that has a folder of versions and an entry in manifest.json: the datasets
    /// (rollups, when the configuration has them, are published alike and belong here too).
    /// A target without `datasets` carries all of them.
    public var publishedNames: [String] {
        Self.publishedNames(datasets: datasets, rollups: rollups)
    }

    static func publishedNames(datasets: [DatasetConfiguration], rollups: [RollupConfiguration] = []) -> [String] {
        datasets.map(\.name) + rollups.map(\.name)
    }
}
