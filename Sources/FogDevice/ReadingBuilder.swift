public import FogCrypto
public import FogTypes

/// Numbers a device's readings: each gets the next sequence number (strictly increasing, from 1).
///
/// The builder is a value; persisting `nextSequence` is the owner's job (`FogDeviceKit`'s queue
/// file records every sequence it hands out, so a restart never reuses one — the ledger would
/// reject it as a replay).
public struct ReadingBuilder: Sendable {
    /// The chain the readings are for.
    public let chainID: ChainID
    /// The device's address.
    public let device: Address
    /// The sequence number the next reading gets.
    public private(set) var nextSequence: UInt64

    /// Starts numbering at `nextSequence` (at least 1).
    public init(chainID: ChainID, device: Address, nextSequence: UInt64 = 1) {
        precondition(nextSequence >= 1, "sequence numbers start at 1")
        self.chainID = chainID
        self.device = device
        self.nextSequence = nextSequence
    }

    /// Builds the next reading: an inline value (`.inline`) or an off-chain payload's hash and media
    /// type (`.payload`), taken at `timeMillis` (milliseconds since the Unix epoch, device clock).
    public mutating func reading(timeMillis: UInt64, content: ReadingContent) throws(DeviceError) -> Reading {
        guard nextSequence < UInt64.max else {
            throw DeviceError("sequence-exhausted", "device \(device) has used every sequence number")
        }
        let reading: Reading
        do throws(ObjectError) {
            reading = try Reading(chainID: chainID, device: device, sequence: nextSequence, timeMillis: timeMillis,
                                  content: content)
        } catch {
            throw DeviceError(error.code.description, error.detail)
        }
        nextSequence += 1
        return reading
    }
}
