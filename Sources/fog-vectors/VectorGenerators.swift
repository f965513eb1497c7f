import FogTestKit
import Foundation

/// One vector file and the function that writes it.
struct VectorGenerator: Sendable {
    let file: String
    let write: @Sendable (URL) throws -> Void

    init<T: Encodable & SendableMetatype>(_ file: String, _ make: @escaping @Sendable () throws -> T) {
        self.file = file
        self.write = { directory in try VectorFiles.write(make(), to: file, in: directory) }
    }
}

/// Every vector file, in the order they are written.
enum VectorGenerators {
    static let all: [VectorGenerator] = [
        CBORVectors.rfc8949, CBORVectors.rejections,
        MerkleVectors.log, MerkleVectors.sparse,
        VectorGenerator("cose-key.json", COSEKeyVectors.make),
        VectorGenerator("cose-sign1.json", COSESign1Vectors.make),
        VectorGenerator("objects.json", ObjectVectors.make),
        VectorGenerator("light-client.json", LightClientVectors.make),
    ]
}
