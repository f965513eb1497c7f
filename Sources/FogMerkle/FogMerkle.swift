// FogMerkle — RFC 9162 Merkle trees and the sparse Merkle state tree.
