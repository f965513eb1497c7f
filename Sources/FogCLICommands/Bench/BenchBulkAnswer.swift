import Foundation

/// Reading the node's answer to a bulk (`application/cbor-seq`) submission on the bench's event
/// loop: a byte count for the common all-accepted answer, a JSON parse otherwise.
enum BenchBulkAnswer {
    /// What became of one envelope.
    enum Outcome: Equatable {
        case accepted
        /// Refused as unavailable (`mempool-full`, `store-unavailable`): send it again.
        case unavailable
        /// Refused for good.
        case refused
    }

    /// How an accepted result is written (the node writes its JSON without spaces).
    static let accepted = Array("\"status\":\"accepted\"".utf8)

    /// How often `needle` occurs in `haystack` (not overlapping).
    static func count(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard !needle.isEmpty, haystack.count >= needle.count else { return 0 }
        var found = 0
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) {
                found += 1
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    /// Each result of `{"results": [...]}` in order; empty when the answer is not that shape.
    static func outcomes(_ body: [UInt8]) -> [Outcome] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let results = object["results"] as? [[String: Any]]
        else { return [] }
        return results.map { entry in
            if entry["status"] as? String == "accepted" { return .accepted }
            let code = (entry["error"] as? [String: Any])?["code"] as? String
            return code == "mempool-full" || code == "store-unavailable" ? .unavailable : .refused
        }
    }
}
