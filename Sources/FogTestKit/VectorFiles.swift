public import Foundation

/// The published JSON test vectors under `Tests/Vectors/`: where they live, and how to read and write them.
///
/// `swift run fog-vectors` writes them; the tests read them back and check every entry, so the files
/// in the repository are always the ones this code agrees with.
public enum VectorFiles {
    /// `Tests/Vectors/` of this repository, found from this source file's location.
    public static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // FogTestKit
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // repository root
            .appendingPathComponent("Tests/Vectors", isDirectory: true)
    }

    /// Reads and decodes `Tests/Vectors/<name>`.
    public static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(type, from: data)
    }

    /// Encodes `value` as pretty, key-sorted JSON into `directory/<name>`.
    public static func write<T: Encodable>(_ value: T, to name: String, in directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0a)
        try data.write(to: directory.appendingPathComponent(name), options: .atomic)
    }
}
