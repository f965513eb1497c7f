public import Foundation

/// Executables of this package's build, found next to the running test binary.
public enum BuiltProduct {
    /// The places whose directory (or an ancestor of it) holds the build products: the running
    /// executable, the main bundle, the command's path and every test bundle.
    public static var searchStarts: [URL] {
        var starts: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe))
        }
        if let path = Bundle.main.executablePath { starts.append(URL(fileURLWithPath: path)) }
        starts.append(Bundle.main.bundleURL)
        if let first = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: first, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(bundle.bundleURL)
        }
        return starts
    }

    /// The executable `name` of the build: at the path in the environment variable `override` when
    /// one is named and set, else in the directory of one of ``searchStarts`` or in one of its three
    /// nearest ancestors (a test binary is `<products>/X.xctest` on Linux and
    /// `<products>/X.xctest/Contents/MacOS/X` on macOS); `nil` when there is none.
    public static func url(_ name: String, override: String? = nil) -> URL? {
        if let override, let path = ProcessInfo.processInfo.environment[override], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let manager = FileManager.default
        for start in searchStarts {
            var directory = start.standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   manager.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }
}
