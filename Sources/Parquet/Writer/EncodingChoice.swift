/// How the non-null values of a data page are encoded.
enum ValueEncoding: Sendable, Hashable {
    case plain
    case rleDictionary
    case deltaBinaryPacked
}

/// The leading rows of a column chunk that a dictionary encodes: the index of each of their
/// non-null values, and how many rows they span (nulls included). None: no dictionary.
struct DictionaryCoverage {
    var indices: [UInt32] = []
    var rows = 0
    /// Dictionary entries the indices refer to.
    var entries = 0

    static let none = DictionaryCoverage()
}

/// Which encoding a column chunk's values get, decided knowing all of them (the writer holds a
/// whole row group): a dictionary for the leading rows where one pays, and a fallback for the
/// rest, as arrow-rs's encoder selection falls back when the dictionary outgrows its limit.
enum EncodingChoice {
    /// Leading values that, strictly increasing, tell a key or timestamp column.
    static let monotonicProbe = 1024
    /// Values hashed before a dictionary that does not pay is abandoned.
    static let probeValues = 16_384

    /// Whether dictionary encoding (the entries once, plus bit-packed indices) beats the values themselves.
    static func dictionaryPays(entries: Int, entryBytes: Int, values: Int, plainBytes: Int) -> Bool {
        let bits = BitPacking.bitWidth(UInt64(max(entries - 1, 1)))
        let indexBytes = (values * bits + 7) / 8
        return entryBytes + indexBytes < plainBytes * 3 / 4
    }

    /// Tries a dictionary on the non-null values `dense` of a chunk of `rows` rows. The trial
    /// stops when the dictionary passes `options.dictionaryPageSizeLimit` (the rows before stay
    /// dictionary-encoded), when the first 16k values show it cannot pay, or (for a chunk
    /// within the limit) as soon as the entries so far cost more than it may save on all of it.
    static func tryDictionary<T: FixedWidthValue>(
        _ dense: [T],
        validity: [Bool]?,
        rows: Int,
        options: ParquetWriterOptions,
        into dictionary: IntegerDictionary
    ) -> DictionaryCoverage {
        guard options.enableDictionary && !dense.isEmpty else { return .none }
        let width = MemoryLayout<T>.size
        let limitEntries = max(1, options.dictionaryPageSizeLimit / width)
        // When every value fits the limit, the decision is on all of them: once the entries
        // so far cost more than a dictionary may for the whole chunk, it never pays.
        let decidedOnAllValues = dense.count <= limitEntries
        var covered = dense.count
        let probe = min(dense.count, probeValues)
        var indices = [UInt32](unsafeUninitializedCapacity: dense.count) { out, initialized in
            initialized = 0
            dense.withUnsafeBufferPointer { d in
                // Keys and timestamps of a sorted row group rise value after value: all
                // distinct, so a dictionary cannot pay. Seen in the first values, the
                // dictionary is not tried rather than given up after hashing the probe.
                if d.count > monotonicProbe
                    && T.isStrictlyIncreasing(UnsafeBufferPointer(rebasing: d[0..<monotonicProbe]))
                {
                    covered = 0
                    return
                }
                for i in 0..<d.count {
                    let index = dictionary.index(of: d[i].dictionaryKey)
                    if dictionary.count > limitEntries {
                        covered = i
                        break
                    }
                    out[i] = UInt32(truncatingIfNeeded: index)
                    initialized = i &+ 1
                    if i &+ 1 == probe
                        && !dictionaryPays(
                            entries: dictionary.count,
                            entryBytes: width * dictionary.count,
                            values: probe,
                            plainBytes: probe * width
                        )
                    {
                        covered = 0
                        break
                    }
                    if i & 255 == 255 && decidedOnAllValues
                        && !dictionaryPays(
                            entries: dictionary.count,
                            entryBytes: width * dictionary.count,
                            values: d.count,
                            plainBytes: d.count * width
                        )
                    {
                        covered = 0
                        break
                    }
                }
            }
        }
        guard
            covered > 0
                && dictionaryPays(
                    entries: dictionary.count,
                    entryBytes: dictionary.count * width,
                    values: covered,
                    plainBytes: covered * width
                )
        else { return .none }
        indices.removeLast(indices.count - covered)
        return DictionaryCoverage(
            indices: indices,
            rows: rowsCovering(nonNullValues: covered, validity: validity, rows: rows),
            entries: dictionary.count
        )
    }

    /// As the fixed-width trial, for byte arrays, whose dictionary is limited by its page's
    /// bytes. The value that overflowed the limit may have been added to `dictionary` last: it
    /// is never referenced, and `entries` leaves it out so the page stays within its limit.
    static func tryDictionary(
        _ values: ByteArrayBuffer,
        validity: [Bool]?,
        options: ParquetWriterOptions,
        into dictionary: ByteArrayDictionary
    ) -> DictionaryCoverage {
        let rows = values.count
        guard options.enableDictionary && rows > 0 else { return .none }
        let limit = options.dictionaryPageSizeLimit
        let nonNull = nonNullCount(validity, 0..<rows)
        // PLAIN's size of the whole chunk. When it is within the dictionary's limit the
        // dictionary cannot overflow, so the decision is on every value, and once the
        // entries so far cost more than a dictionary may for all of them, it never pays.
        let plainBytes = 4 * nonNull + values.offsets[rows] - values.offsets[0]
        let decidedOnAllValues = plainBytes <= limit
        var coveredRows = rows
        var seenBytes = 0
        let indices = [UInt32](unsafeUninitializedCapacity: nonNull) { out, initialized in
            var seen = 0
            values.bytes.withUnsafeBytes { raw in
                values.offsets.withUnsafeBufferPointer { offsets in
                    validity.withOptionalBuffer { valid in
                        for row in 0..<rows {
                            if let valid, !valid[row] { continue }
                            let value = UnsafeRawBufferPointer(
                                start: raw.baseAddress! + offsets[row],
                                count: offsets[row &+ 1] &- offsets[row]
                            )
                            let index = dictionary.index(of: value)
                            if dictionary.pageBytes > limit {
                                coveredRows = row
                                break
                            }
                            out[seen] = UInt32(truncatingIfNeeded: index)
                            seen &+= 1
                            seenBytes &+= 4 &+ value.count
                            if seen & 255 == 0 {
                                if seen == probeValues
                                    && !dictionaryPays(
                                        entries: dictionary.count,
                                        entryBytes: dictionary.pageBytes,
                                        values: seen,
                                        plainBytes: seenBytes
                                    )
                                {
                                    coveredRows = 0
                                    break
                                }
                                if decidedOnAllValues
                                    && !dictionaryPays(
                                        entries: dictionary.count,
                                        entryBytes: dictionary.pageBytes,
                                        values: nonNull,
                                        plainBytes: plainBytes
                                    )
                                {
                                    coveredRows = 0
                                    break
                                }
                            }
                        }
                    }
                }
            }
            initialized = seen
        }
        let entries = coveredRows == rows ? dictionary.count : min(dictionary.count, Int(indices.max() ?? 0) + 1)
        guard
            coveredRows > 0 && !indices.isEmpty
                && dictionaryPays(
                    entries: dictionary.count,
                    entryBytes: dictionary.pageBytes,
                    values: indices.count,
                    plainBytes: seenBytes
                )
        else { return .none }
        return DictionaryCoverage(indices: indices, rows: coveredRows, entries: entries)
    }

    /// The encoding of the values a dictionary does not cover, `dense[covered...]`:
    /// DELTA_BINARY_PACKED for integers when it halves PLAIN, or when it is smaller than the
    /// bytes that vary across the values' range, which is about the best ZSTD does with PLAIN:
    /// then the values follow a trend (timestamps of rows sorted by a related time, growing
    /// ids) that only deltas see. Random values (ids, amounts) keep PLAIN, whose repeated bytes
    /// ZSTD finds and bit-packed deltas would hide.
    static func fallback<T: FixedWidthValue>(
        for dense: [T],
        after covered: Int,
        options: ParquetWriterOptions
    ) -> ValueEncoding {
        let remainder = dense.count - covered
        guard T.supportsDelta && options.enableDeltaEncoding && remainder > 0 else { return .plain }
        let (estimate, rangeBytes) = dense.withUnsafeBufferPointer {
            let rest = UnsafeBufferPointer(rebasing: $0[covered...])
            return (T.estimateDeltaSize(rest), T.rangeBytes(rest))
        }
        let width = MemoryLayout<T>.size
        return estimate * 2 <= remainder * width || estimate < remainder * rangeBytes ? .deltaBinaryPacked : .plain
    }

    static func nonNullCount(_ validity: [Bool]?, _ range: Range<Int>) -> Int {
        guard let validity else { return range.count }
        var n = 0
        validity.withUnsafeBufferPointer { v in
            for i in range where v[i] { n += 1 }
        }
        return n
    }

    /// The number of leading rows that hold the first `nonNullValues` non-null values
    /// (and the nulls among them).
    static func rowsCovering(nonNullValues: Int, validity: [Bool]?, rows: Int) -> Int {
        guard let validity else { return nonNullValues }
        var seen = 0
        for row in 0..<rows {
            if validity[row] {
                if seen == nonNullValues { return row }
                seen += 1
            }
        }
        return rows
    }
}
