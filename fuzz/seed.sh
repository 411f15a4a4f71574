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

# X.509: every NIST PKITS certificate and CRL, byte for byte.
for path in sorted(glob.glob(f"{DATA}/pkits/certs/*.crt")):
    put("x509_certificate", open(path, "rb").read())
for path in sorted(glob.glob(f"{DATA}/pkits/crls/*.crl")):
    put("x509_crl", open(path, "rb").read())

# Smartcards: the SMARTCARD.md §3.4 directories. pkcs15_structures takes a selector byte
# (0 ODF, 1 TokenInfo, 2 AODF, 3 PrKDF, 4 CDF, 5 Path); ber_tlv takes the bytes alone.
P15 = {
    0: "A8 0A 30 08 04 06 3F 00 50 15 44 01 A0 0A 30 08 04 06 3F 00 50 15 44 02 A4 0A 30 08 04 06 3F 00 50 15 44 03",
    1: "30 1A 02 01 00 04 04 12 34 56 78 0C 02 45 56 80 0A 54 45 53 54 20 54 4F 4B 45 4E 03 02 07 80",
    2: "30 32 30 08 0C 02 55 50 03 02 06 40 30 03 04 01 01 A1 21 30 1F 03 02 02 CC 0A 01 01 02 01 04 02 01 08 02 01 08 80 02 00 81 04 01 FF 30 06 04 04 3F 00 50 15",
    3: "30 2B 30 0B 0C 02 41 4B 03 02 07 80 04 01 01 30 0A 04 01 45 03 02 05 20 02 01 01 A1 10 30 0E 30 08 04 06 3F 00 50 15 4B 01 02 02 08 00",
    4: "30 19 30 04 0C 02 43 43 30 03 04 01 45 A1 0C 30 0A 30 08 04 06 3F 00 50 15 43 01",
    5: "30 08 04 06 3F 00 50 15 44 01",
}
for sel, text in P15.items():
    body = bytes.fromhex(text.replace(" ", ""))
    put("pkcs15_structures", bytes([sel]) + body)
    put("ber_tlv", body)

# CIS2 claims: the CIS2.md §5 examples (ID token, UserInfo, access and logout token claims).
for path in sorted(glob.glob(f"{DATA}/cis2/*.json")):
    put("cis2_claims", open(path, "rb").read())

# RBAC: the UserInfo example's roles claim, and the codes it carries.
RBAC = "crates/careid-rbac/tests/data"
userinfo = json.load(open(f"{RBAC}/cis2-userinfo-5.2.json"))
roles = userinfo.get("nhsid_nrbac_roles", [])
put("rbac_claim", json.dumps(roles))
for role in roles:
    for key in ("role_code", "person_roleid", "org_code", "person_orgid"):
        if isinstance(role.get(key), str):
            put("rbac_codes", role[key])
    for code in role.get("activity_codes", []):
        put("rbac_codes", code)

# WebAuthn: python-fido2's raw authenticatorData.
for entry in vectors["python_fido2"]:
    auth = entry.get("fields", {}).get("auth_data")
    if isinstance(auth, str):
        put("authenticator_data", bytes.fromhex(auth))

for target in sorted(counts):
    print(f"fuzz/corpus/{target}: {len(counts[target])} seeds")
PY
