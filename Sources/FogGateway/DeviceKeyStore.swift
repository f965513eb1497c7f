import FogCore
public import FogCrypto
import FogTypes
import Foundation
import Synchronization

/// The HMAC keys of gateway-mode devices, one file per device in the gateway's key folder:
/// `{folder}/{device address hex}.hmac` holding the 32-byte key as 64 hex characters (spec/gateway.md
/// §5). Keys are secrets shared by a device and its gateway: a file readable or writable by anyone
/// but its owner (mode other than 0600 or 0400) is refused. Keys are read once and remembered.
public final class DeviceKeyStore: Sendable {
    /// The folder.
    public let folder: String
    private let cache = Mutex<[Address: [UInt8]]>([:])
    /// The most keys remembered; the oldest entries are forgotten first (read again when needed).
    static let cachedKeys = 100_000

    /// A store over `folder`.
    public init(folder: String) {
        self.folder = folder
    }

    /// The file of `device`'s key.
    public static func path(folder: String, device: Address) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent("\(device.hex).hmac").path
    }

    /// `device`'s key, or `nil` when the folder has no usable key file for it.
    public func key(for device: Address) -> [UInt8]? {
        if let key = cache.withLock({ $0[device] }) { return key }
        guard let key = Self.read(Self.path(folder: folder, device: device)) else { return nil }
        cache.withLock { cache in
            if cache.count >= Self.cachedKeys { cache.removeAll(keepingCapacity: true) }
            cache[device] = key
        }
        return key
    }

    /// Writes `key` as `device`'s key file (mode 0600), creating the folder (mode 0700) if needed;
    /// refuses to replace an existing key.
    public static func write(_ key: [UInt8], device: Address, folder: String) throws(GatewayConfigurationError) {
        guard key.count == HMACReading.keyBytes else {
            throw GatewayConfigurationError("an HMAC key is \(HMACReading.keyBytes) bytes")
        }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw GatewayConfigurationError("cannot create \(folder): \(error)")
        }
        let path = Self.path(folder: folder, device: device)
        guard !fm.fileExists(atPath: path) else {
            throw GatewayConfigurationError("\(path) exists: a device's key is never replaced silently")
        }
        guard fm.createFile(atPath: path, contents: Data((Hex.encode(key) + "\n").utf8),
                            attributes: [.posixPermissions: 0o600])
        else { throw GatewayConfigurationError("cannot write \(path)") }
    }

    /// Reads a key file: 64 hex characters (a trailing newline allowed), owner-only permissions.
    public static func read(_ path: String) -> [UInt8]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 == 0,
              let size = (attributes[.size] as? NSNumber)?.intValue, size <= 2 * HMACReading.keyBytes + 2,
              let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)
        else { return nil }
        guard let key = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == HMACReading.keyBytes
        else { return nil }
        return key
    }
}
