import Foundation

/// Reading user-named files (or standard input) with a size bound.
enum BoundedInput {
    /// Reads at most `limit + 1` bytes of the file at `path`, or of standard input when `path` is nil,
    /// so a caller can tell "at the limit" from "over it" without ever reading an endless source
    /// (`/dev/zero`) to its end. Works on pipes and FIFOs (`--key <(…)`) as well as regular files.
    static func read(_ path: String?, limit: Int) throws(CLIError) -> Data {
        do {
            guard let path else {
                return try FileHandle.standardInput.read(upToCount: limit + 1) ?? Data()
            }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            return try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw CLIError("io-error", "cannot read \(path ?? "standard input"): \(Self.describe(error))")
        }
    }

    /// The operating system's reason, when there is one, rather than Foundation's generic sentence.
    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(nsError.code)))
        }
        return error.localizedDescription
    }
}
