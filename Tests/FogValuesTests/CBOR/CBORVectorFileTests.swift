import FogCore
import FogTestKit
import Testing

/// Checks every entry of the committed deterministic-CBOR vector files against the decoder.
@Suite struct CBORVectorFileTests {
    static let everyCode: [CBORError.Code] = [
        .truncated, .trailingBytes, .nonCanonicalInteger, .nonCanonicalFloat, .indefiniteLength,
        .reservedAdditionalInfo, .invalidSimpleValue, .invalidUTF8, .duplicateMapKey, .unsortedMapKeys,
        .depthLimitExceeded, .lengthLimitExceeded, .inputTooLarge, .schemaViolation,
    ]

    @Test func rfc8949AppendixA() throws {
        let file = try VectorFiles.load("cbor-rfc8949.json", as: CBORVectorFile.self)
        #expect(file.vectors.count == 81, "Table 6 of RFC 8949 has 81 rows")
        for vector in file.vectors {
            #expect(vector.diagnostic != nil && vector.limits == nil && vector.schema == nil)
            check(vector)
        }
        // The non-preferred floats and every indefinite-length item are rejected; the rest accepted.
        let rejected = file.vectors.filter { $0.outcome == .rejected }.map(\.hex)
        #expect(rejected.count == 17)
        #expect(rejected.filter { $0.hasPrefix("fa7f") || $0.hasPrefix("faff") || $0.hasPrefix("fb7ff") || $0.hasPrefix("fbfff") }.count == 6)
    }

    @Test func rejections() throws {
        let file = try VectorFiles.load("cbor-rejections.json", as: CBORVectorFile.self)
        for vector in file.vectors {
            #expect(vector.name != nil && vector.diagnostic == nil)
            check(vector)
        }
        let codes = file.vectors.compactMap(\.error)
        for code in Self.everyCode {
            #expect(codes.contains(code.description), "no vector for \(code)")
        }
        #expect(Set(codes).isSubset(of: Self.everyCode.map(\.description)))
    }

    /// Each limit has a vector exactly at it (accepted) and one just past it (rejected), under small limits.
    @Test func limitBoundariesArePresent() throws {
        let vectors = try VectorFiles.load("cbor-rejections.json", as: CBORVectorFile.self).vectors
        let limited = vectors.filter { $0.limits != nil && $0.schema == nil }
        for (limit, code) in [("maxInputBytes", "input-too-large"), ("maxDepth", "depth-limit-exceeded"),
                              ("maxCollectionCount", "length-limit-exceeded"), ("maxStringBytes", "length-limit-exceeded")] {
            let named = limited.filter { $0.name?.contains(limit) == true }
            #expect(named.contains { $0.outcome == .accepted && $0.name!.contains("exactly at") }, "\(limit)")
            #expect(named.contains { $0.error == code && $0.name!.contains("one over") }, "\(limit)")
        }
    }

    private func check(_ vector: CBORVector, sourceLocation: SourceLocation = #_sourceLocation) {
        let label = "\(vector.name ?? vector.diagnostic ?? "") [\(vector.hex)]"
        let result = vector.evaluate()
        #expect(result.outcome == vector.outcome, "\(label): \(result)", sourceLocation: sourceLocation)
        switch vector.outcome {
        case .accepted:
            #expect(vector.error == nil && vector.offset == nil && vector.detail == nil, "\(label)", sourceLocation: sourceLocation)
            #expect(result.reencodedHex == vector.hex, "\(label) re-encodes differently", sourceLocation: sourceLocation)
        case .rejected:
            #expect(result.error == vector.error, "\(label): \(result)", sourceLocation: sourceLocation)
            #expect(result.offset == vector.offset, "\(label): \(result)", sourceLocation: sourceLocation)
            if vector.schema == nil {
                #expect(vector.offset != nil, "\(label): byte-level rejections carry an offset", sourceLocation: sourceLocation)
            } else {
                #expect(result.detail == vector.detail, "\(label): \(result)", sourceLocation: sourceLocation)
            }
        }
    }
}
