/// A rollup's definition as its index.json records it (`"rollup"`): what a reader needs to
/// know what each column means, and what the next cycle compares to know the definition
/// changed. docs/rollups.md describes the fields.
public struct RollupDescription: Codable, Sendable, Equatable {
    public var from: String
    public var time: String
    public var timeZone: String?
    public var grain: String
    public var groupBy: [String]
    /// `[rollup.where]`: column -> the values kept, as JSON strings or numbers.
    public var filters: [String: [RollupFilter.Value]]
    /// Output column -> `function(column)`.
    public var measures: [String: String]
    public var partitionGranularity: PartitionGranularity

    public init(
        from: String,
        time: String,
        timeZone: String?,
        grain: String,
        groupBy: [String],
        filters: [String: [RollupFilter.Value]],
        measures: [String: String],
        partitionGranularity: PartitionGranularity
    ) {
        self.from = from
        self.time = time
        self.timeZone = timeZone
        self.grain = grain
        self.groupBy = groupBy
        self.filters = filters
        self.measures = measures
        self.partitionGranularity = partitionGranularity
    }

    enum CodingKeys: String, CodingKey {
        case from, time, grain, measures
        case timeZone = "time_zone"
        case groupBy = "group_by"
        case filters = "where"
        case partitionGranularity = "partition_granularity"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(time, forKey: .time)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(grain, forKey: .grain)
        try c.encode(groupBy, forKey: .groupBy)
        try c.encode(filters, forKey: .filters)
        try c.encode(measures, forKey: .measures)
        try c.encode(partitionGranularity, forKey: .partitionGranularity)
    }

    /// The keys whose values differ from `other`'s ("measures", "group_by"...), for the log
    /// line of a rebuild.
    public func differences(from other: RollupDescription) -> [String] {
        var keys: [String] = []
        if from != other.from { keys.append("from") }
        if time != other.time { keys.append("time") }
        if timeZone != other.timeZone { keys.append("time_zone") }
        if grain != other.grain { keys.append("grain") }
        if groupBy != other.groupBy { keys.append("group_by") }
        if filters != other.filters { keys.append("where") }
        if measures != other.measures { keys.append("measures") }
        if partitionGranularity != other.partitionGranularity { keys.append("partition_granularity") }
        return keys
    }
}

extension RollupFilter.Value: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int64.self) {
            self = .integer(i)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .integer(let i): try c.encode(i)
        }
    }
}
