import FogCore

extension Reading {
    /// The deterministic encoding: the same bytes as `cborValue.encoded`, written key by key without
    /// building the CBOR value tree (every block encodes each reading it commits).
    public var encoded: [UInt8] {
        var writer = CBORWriter(capacity: 96)
        switch content {
        case .inline: writer.writeMapHeader(count: 6)
        case .payload: writer.writeMapHeader(count: 7)
        }
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
        return writer.bytes
    }
}
