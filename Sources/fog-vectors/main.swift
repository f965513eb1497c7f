import FogTestKit
import Foundation

// Writes the published test vectors into Tests/Vectors/ (or the folder given as the first argument).
// Each generator lives in its own file beside this one; the tests check every file it writes.
let arguments = CommandLine.arguments.dropFirst()
let directory = arguments.first.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? VectorFiles.directory
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
for generator in VectorGenerators.all {
    try generator.write(directory)
    print("wrote \(generator.file)")
}
