import Foundation
import Glibc

/// A NOTIFY_SOCKET of the test's own: an AF_UNIX datagram socket in a temporary directory,
/// receiving what sd_notify sends, as systemd would.
final class NotifyListener {
    let path: String
    private let directory: String
    private let fd: Int32

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/pp-notify-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        directory = String(cString: made)
        path = directory + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    deinit {
        close(fd)
        unlink(path)
        rmdir(directory)
    }

    /// The next datagram, or nil after `seconds` of silence.
    func receive(timeout seconds: Double = 2) -> String? {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// Every datagram that arrives within `seconds`.
    func collect(for seconds: Double) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var messages: [String] = []
        while Date() < deadline {
            if let message = receive(timeout: 0.05) { messages.append(message) }
        }
        return messages
    }
}

/// A flag the tests flip from their thread while a pinger reads it from its queue.
final class HealthFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var state = true
    var value: Bool { lock.withLock { state } }
    func set(_ v: Bool) { lock.withLock { state = v } }
}
