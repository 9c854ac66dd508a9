import Synchronization

/// Column encoders kept between row groups and between files.
///
/// A ZSTD context allocates and zeroes its tables on first use (over a megabyte at level 3),
/// and an encoder's page buffers grow to the page size. A publisher writes thousands of
/// small row groups (one per day), so creating them per row group made page faults and
/// memset a visible share of a snapshot. Encoders are checked out by one thread at a time
/// and returned; the pool holds at most `capacity` idle ones.
final class ColumnEncoderPool: Sendable {
    static let shared = ColumnEncoderPool(capacity: 16)

    private let idle = Mutex<[ColumnChunkEncoder]>([])
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// An encoder set up for `options`: an idle one when there is one, else a new one.
    func checkOut(descriptor: ColumnDescriptor, options: ParquetWriterOptions) throws -> ColumnChunkEncoder {
        if var encoder = idle.withLock({ $0.popLast() }) {
            try encoder.adopt(options)
            return encoder
        }
        return try ColumnChunkEncoder(descriptor: descriptor, options: options)
    }

    func checkIn(_ encoder: ColumnChunkEncoder) {
        idle.withLock { if $0.count < capacity { $0.append(encoder) } }
    }
}
