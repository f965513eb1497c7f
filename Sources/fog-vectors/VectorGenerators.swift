import FogTestKit
import Foundation

/// One vector file and the function that writes it.
struct VectorGenerator: Sendable {
    let file: String
    let write: @Sendable (URL) throws -> Void

    init<T: Encodable>(_ file: String, _ make: @escaping @Sendable () throws -> T) {
        self.file = file
        self.write = { directory in try VectorFiles.write(make(), to: file, in: directory) }
    }
}

/// Every vector file, in the order they are written.
enum VectorGenerators {
    static let all: [VectorGenerator] = [MerkleVectors.log, MerkleVectors.sparse]
}
