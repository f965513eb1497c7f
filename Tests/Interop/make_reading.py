#!/usr/bin/env python3
"""An independent FogLedger device, written from the reading format alone.

It uses no FogLedger code: only the ordinary `cbor2` library (canonical=True) and `cryptography`,
and optionally `pycose` as a second, fully stock COSE implementation. It exists to prove that a
device written in another language with ordinary libraries produces readings FogLedger accepts,
and that it accepts what FogLedger signs.

The format, as the specification states it:

- A public key is a COSE_Key: Ed25519 {1: 1 (OKP), -1: 6 (Ed25519), -2: x}; P-256 {1: 2 (EC2),
  -1: 1 (P-256), -2: x, -3: y}. The device address is the first 20 bytes of the SHA-256 of the
  deterministic encoding of that map. Its did:key is "did:key:z" + base58btc(multicodec ‖ key)
  with ed25519-pub (0xed 0x01) ‖ 32-byte key, or p256-pub (0x80 0x24) ‖ 33-byte compressed point.
- A reading is a COSE_Sign1 (tag 18) whose protected header is exactly {1: alg} (bytes a10127 for
  EdDSA -8, a10126 for ES256 -7), whose unprotected header is {} or {4: kid = device address},
  with an attached payload and empty external AAD. The payload is the deterministic CBOR map
  {0: 1, 1: chain id, 2: device address, 3: seq >= 1, 4: time ms, 5: value | 6: SHA-256 + 7: media type}.
- A batch is the payload {0: 2, 1: chain, 2: device, 8: [{3: seq, 4: time, 5: value | 6, 7}, ...]},
  sequence numbers strictly increasing.
- The signature is over the Sig_structure ["Signature1", protected, h'', payload]: Ed25519, or
  ECDSA P-256 with SHA-256 as 64 raw bytes r ‖ s.

Usage:
  make_reading.py check
      Prints which modules are importable: {"cbor2": true, "cryptography": true, "pycose": false}.
  make_reading.py make [--alg ed25519|p256] [--engine cbor2|pycose] [--chain C] [--seq N] [--time MS]
                       [--value JSON]
      Generates a device key and prints JSON: publicKey (COSE_Key hex), address, did, reading
      (COSE_Sign1 hex), variants (more encodings of readings that must verify), batch, and what a
      verifier must decode from them under "expected".
  make_reading.py verify --public-key HEX [--chain C] [--engine cbor2|pycose] COSE_SIGN1_HEX
      Verifies a reading or batch and prints what it carries as JSON (exit 0), or
      {"valid": false, "error": "..."} (exit 1).
"""

import argparse
import hashlib
import json
import sys

ALG_EDDSA = -8
ALG_ES256 = -7
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def available_modules():
    found = {}
    for name in ("cbor2", "cryptography", "pycose"):
        try:
            __import__(name)
            found[name] = True
        except Exception:  # noqa: BLE001 - any import failure means "not usable here"
            found[name] = False
    return found


class Failure(Exception):
    """A reading that does not verify."""


# --- encodings -------------------------------------------------------------------------------

def dumps(value):
    import cbor2
    return cbor2.dumps(value, canonical=True)


def base58btc(data):
    number = int.from_bytes(data, "big")
    out = ""
    while number > 0:
        number, digit = divmod(number, 58)
        out = BASE58_ALPHABET[digit] + out
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + out


def cose_key_map(alg, public_raw):
    if alg == "ed25519":
        return {1: 1, -1: 6, -2: public_raw}
    return {1: 2, -1: 1, -2: public_raw[:32], -3: public_raw[32:]}


def address_of(cose_key_bytes):
    return hashlib.sha256(cose_key_bytes).digest()[:20]


def json_of_cbor(value):
    """The JSON view FogLedger prints: byte strings as {"$hex": ...}, integers and floats as such."""
    import cbor2
    if isinstance(value, (bytes, bytearray)):
        return {"$hex": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [json_of_cbor(item) for item in value]
    if isinstance(value, dict) or type(value).__name__ == "frozendict":
        return {str(key): json_of_cbor(item) for key, item in value.items()}
    if isinstance(value, cbor2.CBORTag):
        return {"$tag": value.tag, "value": json_of_cbor(value.value)}
    return value


# --- keys --------------------------------------------------------------------------------------

class DeviceKey:
    def __init__(self, alg):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519
        self.alg = alg
        if alg == "ed25519":
            self.private = ed25519.Ed25519PrivateKey.generate()
            self.public_raw = self.private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            self.did_body = b"\xed\x01" + self.public_raw
        elif alg == "p256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            numbers = self.private.public_key().public_numbers()
            self.public_raw = numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")
            compressed = self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
            self.did_body = b"\x80\x24" + compressed
        else:
            raise SystemExit(f"unknown algorithm {alg}")
        self.cose_key = dumps(cose_key_map(alg, self.public_raw))
        self.address = address_of(self.cose_key)
        self.did = "did:key:z" + base58btc(self.did_body)
        self.cose_alg = ALG_EDDSA if alg == "ed25519" else ALG_ES256

    def sign(self, message):
        """Ed25519, or ECDSA P-256/SHA-256 converted from DER to raw r ‖ s."""
        if self.alg == "ed25519":
            return self.private.sign(message)
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def pycose_key(self):
        from cryptography.hazmat.primitives import serialization
        from pycose.keys import EC2Key, OKPKey
        from pycose.keys.curves import P256, Ed25519
        if self.alg == "ed25519":
            d = self.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                           serialization.NoEncryption())
            return OKPKey(crv=Ed25519, x=self.public_raw, d=d)
        d = self.private.private_numbers().private_value.to_bytes(32, "big")
        return EC2Key(crv=P256, x=self.public_raw[:32], y=self.public_raw[32:], d=d)


def public_key_from_cose(cose_key_bytes):
    """(alg name, cryptography public key) from a COSE_Key in the canonical form."""
    import cbor2
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    key = cbor2.loads(cose_key_bytes)
    if dumps(dict(key)) != cose_key_bytes:
        raise Failure("COSE_Key is not deterministically encoded")
    if key.get(1) == 1 and key.get(-1) == 6 and set(key) == {1, -1, -2}:
        return "ed25519", ed25519.Ed25519PublicKey.from_public_bytes(bytes(key[-2]))
    if key.get(1) == 2 and key.get(-1) == 1 and set(key) == {1, -1, -2, -3}:
        numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(key[-2], "big"), int.from_bytes(key[-3], "big"),
                                                ec.SECP256R1())
        return "p256", numbers.public_key()
    raise Failure(f"unsupported COSE_Key {key!r}")


# --- signing -----------------------------------------------------------------------------------

def protected_header(cose_alg):
    return dumps({1: cose_alg})


def sig_structure(protected, payload):
    return dumps(["Signature1", protected, b"", payload])


def cose_sign1(key, payload, kid=False, high_s=False):
    """The COSE_Sign1 built by hand with cbor2 and cryptography."""
    import cbor2
    protected = protected_header(key.cose_alg)
    signature = key.sign(sig_structure(protected, payload))
    if key.alg == "p256":
        # (r, s) and (r, n - s) are both valid ECDSA signatures; devices produce either.
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        if high_s != (s > P256_ORDER // 2):
            s = P256_ORDER - s
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    unprotected = {4: key.address} if kid else {}
    return dumps(cbor2.CBORTag(18, [protected, unprotected, payload, signature]))


def cose_sign1_pycose(key, payload, kid=False):
    """The COSE_Sign1 built by pycose, a stock COSE library."""
    from pycose.algorithms import EdDSA, Es256
    from pycose.headers import KID, Algorithm
    from pycose.messages import Sign1Message
    message = Sign1Message(phdr={Algorithm: EdDSA if key.alg == "ed25519" else Es256},
                           uhdr={KID: key.address} if kid else {}, payload=payload, key=key.pycose_key())
    return message.encode(tag=True)


def reading_payload(chain, address, seq, time, content):
    payload = {0: 1, 1: chain, 2: address, 3: seq, 4: time}
    payload.update(content)
    return dumps(payload)


def expected_reading(seq, time, content):
    out = {"seq": seq, "time": time}
    if 5 in content:
        out["value"] = json_of_cbor(content[5])
    else:
        out["payloadHash"] = content[6].hex()
        out["mediaType"] = content[7]
    return out


def make(args):
    key = DeviceKey(args.alg)
    value = json.loads(args.value)
    content = {5: value}
    payload = reading_payload(args.chain, key.address, args.seq, args.time, content)

    if args.engine == "pycose":
        reading = cose_sign1_pycose(key, payload)
        variants = {"kid": cose_sign1_pycose(key, payload, kid=True)}
    else:
        reading = cose_sign1(key, payload)
        variants = {"kid": cose_sign1(key, payload, kid=True)}
        if key.alg == "p256":
            variants["lowS"] = cose_sign1(key, payload, high_s=False)
            variants["highS"] = cose_sign1(key, payload, high_s=True)

    blob = b"an off-chain payload, kept by the fog node"
    entries = [
        (args.seq + 1, args.time + 1000, {5: value}),
        (args.seq + 2, args.time + 2000, {6: hashlib.sha256(blob).digest(), 7: "application/octet-stream"}),
        (args.seq + 10, args.time + 3000, {5: [1, -2, 2.5, None, True, "x"]}),
    ]
    batch_payload = dumps({0: 2, 1: args.chain, 2: key.address,
                           8: [{3: seq, 4: time, **content} for seq, time, content in entries]})
    batch = cose_sign1_pycose(key, batch_payload) if args.engine == "pycose" else cose_sign1(key, batch_payload)

    print(json.dumps({
        "engine": args.engine,
        "algorithm": args.alg,
        "publicKey": key.cose_key.hex(),
        "address": key.address.hex(),
        "did": key.did,
        "reading": reading.hex(),
        "readingId": hashlib.sha256(payload).hexdigest(),
        "variants": {name: data.hex() for name, data in variants.items()},
        "batch": batch.hex(),
        "expected": {
            "chain": args.chain,
            "device": key.address.hex(),
            "reading": [expected_reading(args.seq, args.time, content)],
            "batch": [expected_reading(seq, time, content) for seq, time, content in entries],
        },
    }, sort_keys=True))


# --- verifying ---------------------------------------------------------------------------------

def verify_signature(alg, public_key, protected, payload, signature, engine, cose_key_bytes, message):
    if engine == "pycose":
        from pycose.keys import EC2Key, OKPKey
        from pycose.keys.curves import P256, Ed25519
        from pycose.messages import Sign1Message
        import cbor2
        key = cbor2.loads(cose_key_bytes)
        # Sign1Message.decode expects a list and a dict inside the tag, but cbor2 6 decodes them as a
        # tuple and a frozendict; so rebuild the message from the decoded array with pycose's own
        # constructor (which also reads the headers and checks nothing FogLedger-specific).
        cose_obj = list(message.value)
        cose_obj[1] = dict(cose_obj[1])
        decoded = Sign1Message.from_cose_obj(cose_obj, True)
        decoded.key = OKPKey(crv=Ed25519, x=bytes(key[-2])) if alg == "ed25519" else \
            EC2Key(crv=P256, x=bytes(key[-2]), y=bytes(key[-3]))
        if not decoded.verify_signature():
            raise Failure("bad-signature: pycose says the signature does not verify")
        return
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    to_be_signed = sig_structure(protected, payload)
    try:
        if alg == "ed25519":
            public_key.verify(signature, to_be_signed)
        else:
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            public_key.verify(der, to_be_signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Failure("bad-signature: the signature does not verify") from None


def read_entry(entry, chain, device):
    keys = set(entry)
    if not isinstance(entry.get(3), int) or entry[3] < 1 or not isinstance(entry.get(4), int) or entry[4] < 0:
        raise Failure("seq must be an integer >= 1 and time an unsigned integer")
    out = {"seq": entry[3], "time": entry[4]}
    if keys == {3, 4, 5} or keys == {0, 1, 2, 3, 4, 5}:
        out["value"] = json_of_cbor(entry[5])
    elif keys == {3, 4, 6, 7} or keys == {0, 1, 2, 3, 4, 6, 7}:
        if len(entry[6]) != 32 or not isinstance(entry[7], str):
            raise Failure("payload hash must be 32 bytes and media type text")
        out["payloadHash"] = bytes(entry[6]).hex()
        out["mediaType"] = entry[7]
    else:
        raise Failure(f"unexpected fields {sorted(keys)}")
    return out


def verify(args):
    import cbor2
    data = bytes.fromhex(args.reading.strip())
    cose_key_bytes = bytes.fromhex(args.public_key)
    alg, public_key = public_key_from_cose(cose_key_bytes)

    message = cbor2.loads(data)
    if not isinstance(message, cbor2.CBORTag) or message.tag != 18 or len(message.value) != 4:
        raise Failure("not a tagged COSE_Sign1")
    protected, unprotected, payload, signature = message.value
    if dumps(message) != data:
        raise Failure("COSE_Sign1 is not deterministically encoded")
    expected_alg = ALG_EDDSA if alg == "ed25519" else ALG_ES256
    if protected != protected_header(expected_alg):
        raise Failure(f"protected header {bytes(protected).hex()} is not {{1: {expected_alg}}}")
    if not isinstance(payload, bytes) or not isinstance(signature, bytes) or len(signature) != 64:
        raise Failure("payload must be attached and the signature 64 bytes")
    verify_signature(alg, public_key, protected, payload, signature, args.engine, cose_key_bytes, message)

    body = cbor2.loads(payload)
    if dumps(dict(body)) != payload:
        raise Failure("payload is not deterministically encoded")
    address = address_of(cose_key_bytes)
    if dict(unprotected) not in ({}, {4: address}):
        raise Failure(f"unprotected header {dict(unprotected)!r} is neither {{}} nor {{4: device address}}")
    if body.get(2) != address:
        raise Failure("the device address is not the key's address")
    if args.chain is not None and body.get(1) != args.chain:
        raise Failure(f"wrong-chain: reading is for {body.get(1)!r}")
    if body.get(0) == 1:
        readings = [read_entry(body, body[1], body[2])]
    elif body.get(0) == 2 and set(body) == {0, 1, 2, 8}:
        readings = [read_entry(entry, body[1], body[2]) for entry in body[8]]
        seqs = [reading["seq"] for reading in readings]
        if not readings or any(a >= b for a, b in zip(seqs, seqs[1:])):
            raise Failure("batch sequence numbers must strictly increase")
    else:
        raise Failure(f"unexpected object type {body.get(0)!r}")
    print(json.dumps({
        "valid": True, "engine": args.engine, "algorithm": alg, "chain": body[1], "device": body[2].hex(),
        "id": hashlib.sha256(payload).hexdigest(), "readings": readings,
    }, sort_keys=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check")
    make_parser = commands.add_parser("make")
    make_parser.add_argument("--alg", choices=["ed25519", "p256"], default="ed25519")
    make_parser.add_argument("--engine", choices=["cbor2", "pycose"], default="cbor2")
    make_parser.add_argument("--chain", default="fogledger-dev")
    make_parser.add_argument("--seq", type=int, default=1)
    make_parser.add_argument("--time", type=int, default=1700000000000)
    make_parser.add_argument("--value", default='{"temp": 4.5, "door": "closed", "n": -3, "ok": true}')
    verify_parser = commands.add_parser("verify")
    verify_parser.add_argument("--public-key", required=True)
    verify_parser.add_argument("--chain")
    verify_parser.add_argument("--engine", choices=["cbor2", "pycose"], default="cbor2")
    verify_parser.add_argument("reading")
    args = parser.parse_args()

    if args.command == "check":
        print(json.dumps(available_modules(), sort_keys=True))
        return 0
    if args.command == "make":
        make(args)
        return 0
    try:
        verify(args)
    except Failure as failure:
        print(json.dumps({"valid": False, "error": str(failure)}))
        return 1
    except Exception as error:  # noqa: BLE001 - malformed input of any kind is a failed verification
        print(json.dumps({"valid": False, "error": f"malformed: {type(error).__name__}: {error}"}))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
