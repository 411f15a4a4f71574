#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs taken from the project's test data.
# Idempotent: files are named by the SHA-1 of their content, as libFuzzer names its own.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 - <<'PY'
import glob, hashlib, json, os, struct

DATA = "tests/data"
counts = {}

def put(target, blob):
    if isinstance(blob, str):
        blob = blob.encode()
    d = os.path.join("fuzz/corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(blob).hexdigest()), "wb") as f:
        f.write(blob)
    counts.setdefault(target, set()).add(blob)

def tlvs(der):
    """The DER elements directly inside `der` (the content of one constructed value)."""
    out, i = [], 0
    while i < len(der):
        start, i = i, i + 1
        n = der[i]; i += 1
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(der[i:i + k], "big"); i += k
        out.append((der[start], der[start:i + n], der[i:i + n]))
        i += n
    return out

def algorithm_identifier(spki):
    return tlvs(tlvs(spki)[0][2])[0][1]

def cert_parts(cert):
    """(tbs.signature, signatureAlgorithm, subjectPublicKeyInfo) of an X.509 certificate."""
    tbs, sig_alg, _ = tlvs(tlvs(cert)[0][2])
    fields = tlvs(tbs[2])
    if fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    return fields[1][1], sig_alg[1], fields[5][1]

# verify: [sel] [fmt] ([len:u16be] [key])? [len:u16be] [message] [signature] (fuzz_targets/verify.rs)
ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
SPKI, JWK, COSE = 1, 2, 3

def verify_seed(alg, der_format, key_source, key, msg, sig):
    out = bytes([ALGS.index(alg) | key_source << 4, int(der_format)])
    if key_source:
        out += struct.pack(">H", len(key)) + key
    return out + struct.pack(">H", len(msg)) + msg + sig

# Wycheproof: SPKI DER, JWKs, AlgorithmIdentifiers, signatures.
WYCHEPROOF_ALG = {
    "ecdsa_secp256r1_sha256_test.json": "ES256",  # DER signatures
    "ed25519_test.json": "EdDSA",
    "rsa_pss_2048_sha256_mgf1_32_test.json": "PS256",
    "rsa_signature_2048_sha256_test.json": "RS256",
}
for path in sorted(glob.glob(f"{DATA}/wycheproof/testvectors_v1/*.json")):
    alg = WYCHEPROOF_ALG[os.path.basename(path)]
    for group in json.load(open(path))["testGroups"]:
        spki = bytes.fromhex(group["publicKeyDer"])
        put("spki", spki)
        put("x509_algorithm", algorithm_identifier(spki))
        jwk = group.get("publicKeyJwk") or group.get("keyJwk")
        if jwk:
            put("jwk", json.dumps(jwk))
        for test in group["tests"][:8]:
            msg, sig = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
            put("verify", verify_seed(alg, True, SPKI, spki, msg, sig))
            put("verify", verify_seed(alg, False, 0, b"", msg, sig))
            if jwk:
                put("verify", verify_seed(alg, True, JWK, json.dumps(jwk).encode(), msg, sig))

# RFC 7520 §3 JWKs, byte for byte, and the (private) JWKs of the COSE WG examples.
for path in sorted(glob.glob(f"{DATA}/jose/jwk/*.json")):
    put("jwk", open(path, "rb").read())

def signer_keys(node):
    if isinstance(node, dict):
        for name, child in node.items():
            if name == "key" and isinstance(child, dict) and "kty" in child:
                yield child
            else:
                yield from signer_keys(child)
    elif isinstance(node, list):
        for child in node:
            yield from signer_keys(child)

for path in sorted(glob.glob(f"{DATA}/cose/*/*.json")):
    for key in signer_keys(json.load(open(path))):
        if not any(name.endswith("_hex") for name in key):
            put("jwk", json.dumps(key))

# WebAuthn: python-fido2 COSE_Keys (with their signatures), and the certificates' SPKIs and
# signature AlgorithmIdentifiers.
vectors = json.load(open(f"{DATA}/webauthn/vectors.json"))
# The entries are named "python-fido2 COSE key <alg> parse + verify".
COSE_ALG = {"ES256": "ES256", "ESP256": "ES256", "RS256": "RS256", "EdDSA": "EdDSA",
            "Ed25519": "EdDSA"}
for entry in vectors["python_fido2"]:
    fields = entry.get("fields", {})
    if "cose_key_cbor" in fields:
        key = bytes.fromhex(fields["cose_key_cbor"])
        put("cose_key", key)
        msg, sig = bytes.fromhex(fields["message"]), bytes.fromhex(fields["signature"])
        alg = COSE_ALG[entry["name"].split()[3]]
        put("verify", verify_seed(alg, True, COSE, key, msg, sig))
    # Credential public keys inside attested credential data: aaguid(16) len(2) credentialId
    # COSE_Key [extensions] (WebAuthn §6.5.1); authenticatorData has it after 37 bytes when
    # the AT flag (0x40) is set.
    acd = fields.get("attested_credential_data")
    auth_data = fields.get("auth_data")
    if auth_data and int(auth_data[64:66], 16) & 0x40:
        acd = auth_data[74:]
    if acd:
        acd = bytes.fromhex(acd)
        put("cose_key", acd[18 + int.from_bytes(acd[16:18], "big"):])

def certificates(node):
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from certificates(child)
    elif isinstance(node, str) and node.startswith("3082"):
        try:
            der = bytes.fromhex(node)
            if len(tlvs(der)) == 1 and len(tlvs(der)[0][1]) == len(der):
                yield der
        except (ValueError, IndexError):
            pass

for cert in certificates(vectors):
    try:
        tbs_sig, sig_alg, spki = cert_parts(cert)
    except (ValueError, IndexError):
        continue
    put("x509_algorithm", tbs_sig)
    put("x509_algorithm", sig_alg)
    put("x509_algorithm", algorithm_identifier(spki))
    put("spki", spki)

for target in sorted(counts):
    print(f"fuzz/corpus/{target}: {len(counts[target])} seeds")
PY
