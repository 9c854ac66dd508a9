import CZstd

/// The page codecs the writer offers.
public enum Compression: Sendable, Hashable {
    case uncompressed
    /// ZSTD at `level` (1...22; 3 is libzstd's and our default).
    case zstd(level: Int32)

    public static let `default` = Compression.zstd(level: 3)
}

/// A reusable libzstd compression context. This file is the only one that calls libzstd.
///
/// One context per encoding thread: contexts are not thread-safe, and reusing one avoids
/// reallocating its tables for every page.
final class ZstdCompressor {
    private let context: OpaquePointer
    /// Passed with every call, so one context serves any level.
    var level: Int32

    init(level: Int32) throws {
        guard let context = ZSTD_createCCtx() else {
            throw ParquetError(.compression, "ZSTD_createCCtx failed (out of memory)")
        }
        self.context = context
        self.level = level
    }

    deinit {
        ZSTD_freeCCtx(context)
        scratch.deallocate()
    }

    /// Compressed pages land here first: an uninitialised buffer of ZSTD_compressBound bytes,
    /// kept between pages, so no page pays for zero-filling its worst case.
    private var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// Appends the compressed form of `input` to `output`.
    func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws {
        let bound = ZSTD_compressBound(input.count)
        if scratch.count < bound {
            scratch.deallocate()
            scratch = .allocate(byteCount: max(bound, scratch.count * 2), alignment: 16)
        }
        let result = ZSTD_compressCCtx(
            context,
            scratch.baseAddress,
            scratch.count,
            input.baseAddress,
            input.count,
            level
        )
        if ZSTD_isError(result) != 0 {
            throw ParquetError(.compression, "ZSTD compression failed: \(String(cString: ZSTD_getErrorName(result)))")
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<result]))
    }
}

/// ZSTD decompression of one page whose decompressed size is known from its header.
enum ZstdDecompressor {
    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expectedSize)
        let result = output.withUnsafeMutableBytes { out in
            ZSTD_decompress(out.baseAddress, expectedSize, input.baseAddress, input.count)
        }
        if ZSTD_isError(result) != 0 {
            throw ParquetError(.compression, "ZSTD decompression failed: \(String(cString: ZSTD_getErrorName(result)))")
        }
        guard result == expectedSize else {
            throw ParquetError(.corruptPage, "page decompressed to \(result) bytes, header says \(expectedSize)")
        }
        return output
    }
}
