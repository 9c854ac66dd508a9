import Foundation

/// The JSON conventions of every file this module writes: keys in sorted order (stable diffs,
/// reproducible bytes), no escaped slashes, ISO-8601 UTC dates, pretty-printed for people.
public enum PublishingJSON {
    /// - Parameter fractionalDigits: 0 for published files ("2026-11-25T01:02:03Z"), 3 for state
    ///   files, whose times must survive a round trip to the millisecond.
    public static func encode<T: Encodable>(_ value: T, fractionalDigits: Int = 0) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601Timestamp.string(from: date, fractionalDigits: fractionalDigits))
        }
        var bytes = Array(try encoder.encode(value))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601Timestamp.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "\"\(text)\" is not an ISO-8601 time"
                )
            }
            return date
        }
        return try decoder.decode(type, from: Data(bytes))
    }
}
