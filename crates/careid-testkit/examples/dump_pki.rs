//! Writes the synthetic PKI's certificates as DER files into a directory, for inspection with
//! OpenSSL: `cargo run -p careid-testkit --example dump_pki DIR`.

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let pki = careid_testkit::TestPki::get();
    for (name, der) in [
        ("root.der", &pki.root),
        ("issuing-ca.der", &pki.issuing_ca),
        ("user-rsa.der", &pki.user_rsa),
        ("user-p256.der", &pki.user_p256),
    ] {
        std::fs::write(std::path::Path::new(&dir).join(name), der)?;
    }
    Ok(())
}
