import FogCore

extension Reading {
    /// The deterministic encoding: the same bytes as `cborValue.encoded`, written key by key without
    /// building the CBOR value tree (every block encodes each reading it commits).
    public var encoded: [UInt8] {
        var writer = CBORWriter(capacity: 96)
        let contentFields = switch content {
        case .inline: 1
        case .payload: 2
        }
        writer.writeMapHeader(count: 5 + contentFields + (attestingGateway == nil ? 0 : 1))
        writer.writeUnsigned(0)
        writer.writeUnsigned(Self.objectType.rawValue)
        writer.writeUnsigned(1)
        writer.writeText(chainID.value)
        writer.writeUnsigned(2)
        writer.writeBytes(device.bytes)
        writer.writeUnsigned(3)
        writer.writeUnsigned(sequence)
        writer.writeUnsigned(4)
        writer.writeUnsigned(timeMillis)
        switch content {
        case .inline(let value):
            writer.writeUnsigned(5)
            writer.write(value)
        case .payload(let hash, let mediaType):
            writer.writeUnsigned(6)
            writer.writeBytes(hash.bytes)
            writer.writeUnsigned(7)
            writer.writeText(mediaType)
        }
        if let attestingGateway {
            writer.writeUnsigned(9)
            writer.writeBytes(attestingGateway.bytes)
        }
        return writer.bytes
    }
}
