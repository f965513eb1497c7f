import FogCrypto
import NIOCore
import NIOSSL

/// TLS for peer connections: TLS 1.3 only, Ed25519 certificates on both sides, and a verification
/// that replaces chain validation with the node-id check: the peer's certificate key, as an
/// `Address`, must be the id that was dialled (outbound) or one of the allowed ids (inbound).
struct PeerTLS: Sendable {
    let context: NIOSSLContext

    /// A context for one side; the same configuration serves both, since both present a certificate.
    init(identity: NodeIdentity, server: Bool) throws {
        let material = try identity.tlsMaterial()
        var configuration = server
            ? TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(material.certificate)],
                                                       privateKey: .privateKey(material.key))
            : TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = [.certificate(material.certificate)]
        configuration.privateKey = .privateKey(material.key)
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        configuration.signingSignatureAlgorithms = [.ed25519]
        configuration.verifySignatureAlgorithms = [.ed25519]
        // Request and require the peer's certificate; `verify` below decides whether it is acceptable.
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates([])
        // A peer being cut off for misbehaving or for not reading gets this long to answer close_notify.
        configuration.shutdownTimeout = .seconds(1)
        context = try NIOSSLContext(configuration: configuration)
    }

    /// Checks the peer's leaf certificate: its node id must satisfy `accept`, which names the refusal
    /// otherwise. The outcome is recorded in `verified` for the connection handler.
    static func verify(_ certificates: [NIOSSLCertificate], into verified: VerifiedPeer,
                       accept: (Address) -> P2PError?) -> NIOSSLVerificationResult {
        guard let leaf = certificates.first else {
            verified.refusal = P2PError(.unsupportedKey, "the peer presented no certificate")
            return .failed
        }
        do {
            let nodeID = try NodeIdentity.nodeID(ofCertificate: leaf)
            if let refusal = accept(nodeID) {
                verified.refusal = refusal
                return .failed
            }
            verified.nodeID = nodeID
            return .certificateVerified
        } catch {
            verified.refusal = error
            return .failed
        }
    }

    /// The handler for a connection this node dialled to `expected`.
    func clientHandler(expected: Address, verified: VerifiedPeer) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: nil, customVerificationCallback: { certificates, promise in
            promise.succeed(Self.verify(certificates, into: verified) { nodeID in
                nodeID == expected
                    ? nil : P2PError(.unexpectedNodeID, "dialled \(expected), the peer's certificate proves \(nodeID)")
            })
        })
    }

    /// The handler for an accepted connection, open to the node ids in `allowed`.
    func serverHandler(allowed: Set<Address>, verified: VerifiedPeer) -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context, customVerificationCallback: { certificates, promise in
            promise.succeed(Self.verify(certificates, into: verified) { nodeID in
                allowed.contains(nodeID) ? nil : P2PError(.unknownPeer, "node \(nodeID) is not an allowed peer")
            })
        })
    }
}
