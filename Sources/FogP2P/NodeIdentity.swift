import Crypto
public import FogCrypto
import Foundation
import NIOSSL
import X509

/// A node's TLS identity: its Ed25519 node key and a self-signed X.509 certificate for that key.
///
/// Peers do not trust the certificate's issuer or dates; TLS proves the peer holds the certificate's
/// key, and the key's `Address` is the node id that is checked against the expected or allowed ids.
public struct NodeIdentity: Sendable {
    /// The node key.
    public let privateKey: PrivateKey
    /// The node id: the address of the node key.
    public let nodeID: Address
    /// The self-signed certificate, DER-encoded.
    public let certificateDER: [UInt8]

    /// Makes the identity of `privateKey`, which must be an Ed25519 key.
    ///
    /// The certificate is deterministic: its subject is the node id, its serial number the node id's
    /// first 16 bytes, and its validity a fixed span (2025–2125), so the same key always yields the
    /// same certificate.
    public init(privateKey: PrivateKey) throws(P2PError) {
        guard privateKey.algorithm == .ed25519 else {
            throw P2PError(.unsupportedKey, "a node key must be Ed25519, found \(privateKey.algorithm)")
        }
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey.seed)
            let certificateKey = Certificate.PrivateKey(key)
            let nodeID = privateKey.publicKey.address
            let name = try DistinguishedName { CommonName("fogledger-node-\(nodeID.hex)") }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(bytes: nodeID.bytes.prefix(16)),
                publicKey: certificateKey.publicKey,
                notValidBefore: Date(timeIntervalSince1970: 1_735_689_600),  // 2025-01-01
                notValidAfter: Date(timeIntervalSince1970: 4_891_363_200),  // 2125-01-01
                issuer: name, subject: name, extensions: Certificate.Extensions(), issuerPrivateKey: certificateKey)
            self.privateKey = privateKey
            self.nodeID = nodeID
            self.certificateDER = try certificate.serializeAsPEM().derBytes
        } catch {
            throw P2PError(.unsupportedKey, "cannot make the node certificate: \(error)")
        }
    }

    /// The certificate and key as NIOSSL holds them.
    func tlsMaterial() throws -> (certificate: NIOSSLCertificate, key: NIOSSLPrivateKey) {
        let certificate = try NIOSSLCertificate(bytes: certificateDER, format: .der)
        let key = try NIOSSLPrivateKey(bytes: Self.pkcs8Prefix + privateKey.seed, format: .der)
        return (certificate, key)
    }

    /// The fixed PKCS #8 header of an Ed25519 private key (RFC 8410 §7); the 32-byte seed follows.
    private static let pkcs8Prefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    /// The node id a peer's certificate proves: the address of its Ed25519 public key.
    static func nodeID(ofCertificate certificate: NIOSSLCertificate) throws(P2PError) -> Address {
        do {
            let parsed = try Certificate(derEncoded: try certificate.toDERBytes())
            guard let key = Curve25519.Signing.PublicKey(parsed.publicKey) else {
                throw P2PError(.unsupportedKey, "the peer's certificate key is not Ed25519")
            }
            return try PublicKey(algorithm: .ed25519, rawBytes: Array(key.rawRepresentation)).address
        } catch let error as P2PError {
            throw error
        } catch {
            throw P2PError(.unsupportedKey, "cannot read the peer's certificate: \(error)")
        }
    }
}
