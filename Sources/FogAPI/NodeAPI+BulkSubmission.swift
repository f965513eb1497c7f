import FogCore
import FogCrypto
import FogNode
import Hummingbird

/// `POST /v1/transactions` with `Content-Type: application/cbor-seq` (RFC 8742): many independently
/// signed envelopes in one request, as a gateway or a fleet back-end forwarding devices' readings
/// sends them. The body is COSE_Sign1 envelopes back to back; the answer is 200 with one result per
/// envelope, in order: `{"results": [{"id", "status": "accepted"} | {"error": {"code", "message"}}]}`.
/// A body that is not such a sequence within the limits is refused whole, with nothing admitted.
extension NodeAPI {
    func submitSequence(_ request: Request) async throws -> Response {
        let body = try await Self.collectBody(request, upTo: APILimits.maxSequenceBodyBytes)
        let envelopes = try Self.envelopes(inSequence: body)
        let results = await node.submitAll(envelopes)
        for result in results {
            switch result {
            case .success: metrics.submission("accepted")
            case .failure(let error): metrics.submission(error.code)
            }
        }
        return JSONBody.bytes(Array(Self.resultsJSON(results).utf8), contentType: "application/json")
    }

    /// The envelopes of an `application/cbor-seq` body: at least one, at most
    /// `APILimits.maxSequenceEnvelopes`, each a well-formed CBOR data item of at most
    /// `APILimits.maxCBORBodyBytes` (whether it is a valid envelope is each one's own result).
    static func envelopes(inSequence bytes: [UInt8]) throws(APIError) -> [[UInt8]] {
        var reader = CBORSequenceReader(bytes)
        var envelopes: [[UInt8]] = []
        reading: while true {
            let range: Range<Int>
            do throws(CBORError) {
                guard let next = try reader.next() else { break reading }
                range = next
            } catch {
                throw APIError.badRequest("malformed", "envelope \(envelopes.count) of the sequence: \(error)")
            }
            guard envelopes.count < APILimits.maxSequenceEnvelopes else {
                throw APIError(.contentTooLarge, "too-many-envelopes",
                               "a sequence carries at most \(APILimits.maxSequenceEnvelopes) envelopes")
            }
            guard range.count <= APILimits.maxCBORBodyBytes else {
                throw APIError(.contentTooLarge, "body-too-large",
                               "envelope \(envelopes.count) of the sequence is \(range.count) bytes, more than \(APILimits.maxCBORBodyBytes)")
            }
            envelopes.append(Array(bytes[range]))
        }
        guard !envelopes.isEmpty else { throw APIError.badRequest("malformed", "the sequence holds no envelope") }
        return envelopes
    }

    /// The answer's JSON, written directly with its keys sorted (`JSONSerialization` would cost more
    /// than admitting a reading).
    static func resultsJSON(_ results: [Result<Hash256, SubmissionError>]) -> String {
        var json = "{\"results\":["
        json.reserveCapacity(16 + results.count * 96)
        for (index, result) in results.enumerated() {
            if index > 0 { json += "," }
            switch result {
            case .success(let id):
                json += "{\"id\":\"\(id.hex)\",\"status\":\"accepted\"}"
            case .failure(let error):
                json += "{\"error\":{\"code\":"
                JSONString.append(error.code, to: &json)
                json += ",\"message\":"
                JSONString.append(error.message, to: &json)
                json += "}}"
            }
        }
        json += "]}"
        return json
    }
}
