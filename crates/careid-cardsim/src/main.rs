//! `careid-cardsim`: inserts the simulated card into vsmartcard-vpcd's virtual reader, so
//! pcscd, OpenSC and any PC/SC application see it in reader `Virtual PCD 00 00`.
//!
//! ```text
//! careid-cardsim [pkcs15|piv] [HOST:PORT]     # defaults: pkcs15 127.0.0.1:35963
//! ```
//! It runs until interrupted, reconnecting whenever pcscd restarts.

use careid_cardsim::{CardSim, VPCD_PORT, VpcdCard};
use std::net::SocketAddr;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let card = match args.next().as_deref() {
        None | Some("pkcs15") => CardSim::pkcs15(),
        Some("piv") => CardSim::piv(),
        Some(other) => {
            eprintln!("careid-cardsim: unknown personality {other:?} (pkcs15 or piv)");
            return std::process::ExitCode::from(2);
        }
    };
    let addr: SocketAddr = match args.next() {
        Some(text) => match text.parse() {
            Ok(addr) => addr,
            Err(_) => {
                eprintln!("careid-cardsim: {text:?} is not HOST:PORT");
                return std::process::ExitCode::from(2);
            }
        },
        None => SocketAddr::from(([127, 0, 0, 1], VPCD_PORT)),
    };
    eprintln!(
        "careid-cardsim: inserting a {:?} card into vpcd at {addr} (Ctrl-C to stop)",
        card.personality()
    );
    let inserted = VpcdCard::insert(card, addr);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
        let _ = inserted.is_connected();
    }
}
