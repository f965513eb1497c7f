import FogWire
import NIOCore

/// Splits the decrypted byte stream into frame bodies. The length header is checked as soon as it
/// arrives, so a frame over `WireLimits.maxFrameBytes` is refused before any of its body is buffered.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let header = buffer.getBytes(at: buffer.readerIndex, length: WireLimits.frameHeaderBytes) else {
            return .needMoreData
        }
        let length = try WireFrame.bodyLength(header: header)
        guard buffer.readableBytes >= WireLimits.frameHeaderBytes + length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: WireLimits.frameHeaderBytes)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: length)!))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                             seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
