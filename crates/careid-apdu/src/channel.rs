//! GET RESPONSE, `6Cxx` and command chaining over any [`CardTransport`] (ISO/IEC 7816-4 §5.1.3,
//! §5.3.3; OpenSC `apdu.c` `sc_get_response`, `sc_transmit`).

use crate::{CardTransport, Command, Error, Response, StatusWord, trace};

/// Bounds and capabilities for a [`CardChannel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChannelOptions {
    /// Use extended-length APDUs when a command needs them (also requires the transport to
    /// support them).
    pub extended_length: bool,
    /// Split data over 255 bytes into a command chain when extended length is not used.
    pub chaining: bool,
    /// The most response bytes accumulated over GET RESPONSE rounds.
    pub max_response_len: usize,
    /// The most GET RESPONSE rounds for one command.
    pub max_get_response_rounds: usize,
}

impl Default for ChannelOptions {
    fn default() -> Self {
        Self {
            extended_length: true,
            chaining: true,
            max_response_len: 65536,
            max_get_response_rounds: 300,
        }
    }
}

impl ChannelOptions {
    /// Sets whether extended length may be used.
    #[must_use]
    pub const fn with_extended_length(mut self, on: bool) -> Self {
        self.extended_length = on;
        self
    }

    /// Sets whether command chaining may be used.
    #[must_use]
    pub const fn with_chaining(mut self, on: bool) -> Self {
        self.chaining = on;
        self
    }

    /// Sets the response size bound.
    #[must_use]
    pub const fn with_max_response_len(mut self, len: usize) -> Self {
        self.max_response_len = len;
        self
    }

    /// Sets the GET RESPONSE round bound.
    #[must_use]
    pub const fn with_max_get_response_rounds(mut self, rounds: usize) -> Self {
        self.max_get_response_rounds = rounds;
        self
    }
}

/// A card transport plus the generic APDU machinery above it.
///
/// [`CardChannel::transmit`] sends a [`Command`] and returns the final [`Response`]: it follows
/// `61xx` with GET RESPONSE (bounded in rounds and bytes, so a card that answers `61xx` forever
/// cannot hang the caller), resends once with the corrected Le on `6Cxx`, and chains long
/// commands. It never interprets any other status word: that is the caller's job.
#[derive(Debug)]
pub struct CardChannel<T> {
    transport: T,
    options: ChannelOptions,
    exchanges: u64,
}

impl<T: CardTransport> CardChannel<T> {
    /// A channel with default options.
    pub fn new(transport: T) -> Self {
        Self::with_options(transport, ChannelOptions::default())
    }

    /// A channel with the given options.
    pub fn with_options(transport: T, options: ChannelOptions) -> Self {
        Self {
            transport,
            options,
            exchanges: 0,
        }
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The transport, mutably.
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Gives the transport back.
    pub fn into_transport(self) -> T {
        self.transport
    }

    /// The options in force.
    pub fn options(&self) -> ChannelOptions {
        self.options
    }

    /// How many raw APDU exchanges this channel has made (for benchmarks and tests).
    pub fn exchanges(&self) -> u64 {
        self.exchanges
    }

    /// Sends `command`, following GET RESPONSE, `6Cxx` and chaining as described above.
    pub fn transmit(&mut self, command: &Command) -> Result<Response, Error> {
        let extended = self.options.extended_length && self.transport.supports_extended_length();
        let needs_long = command.data.len() > 255;
        let mut response = if needs_long && !extended {
            if !self.options.chaining {
                return Err(Error::NeedsExtendedLength {
                    len: command.data.len(),
                });
            }
            self.chain(command)?
        } else {
            let short_le = !extended && command.ne > 256;
            let mut cmd = command.clone();
            if short_le {
                // Ask for 256 and let GET RESPONSE bring the rest.
                cmd.ne = 256;
            }
            self.exchange(&cmd, extended)?
        };
        if let StatusWord::WrongLe(exact) = response.sw {
            let mut again = command.clone();
            again.ne = if exact == 0 { 256 } else { usize::from(exact) };
            response = self.exchange(&again, extended)?;
        }
        self.collect(response)
    }

    fn chain(&mut self, command: &Command) -> Result<Response, Error> {
        let mut blocks = command.data.chunks(255).peekable();
        loop {
            let Some(block) = blocks.next() else {
                // Unreachable for non-empty data; report as a chaining failure.
                return Err(Error::ChainingRefused {
                    sw: StatusWord::LastCommandOfChainExpected,
                });
            };
            let last = blocks.peek().is_none();
            let mut cmd = Command::new(command.cla, command.ins, command.p1, command.p2)
                .with_data(block.to_vec());
            if last {
                cmd.ne = command.ne.min(256);
                return self.exchange(&cmd, false);
            }
            cmd.cla |= 0x10;
            let response = self.exchange(&cmd, false)?;
            if !response.sw.is_success() {
                return Err(Error::ChainingRefused { sw: response.sw });
            }
        }
    }

    fn collect(&mut self, mut response: Response) -> Result<Response, Error> {
        let mut rounds = 0;
        while let StatusWord::MoreData(available) = response.sw {
            rounds += 1;
            if rounds > self.options.max_get_response_rounds {
                return Err(Error::TooManyGetResponses {
                    rounds: self.options.max_get_response_rounds,
                });
            }
            let ne = if available == 0 {
                256
            } else {
                usize::from(available)
            };
            let more = self.exchange(&Command::new(0x00, 0xC0, 0x00, 0x00).with_ne(ne), false)?;
            if response.data.len().saturating_add(more.data.len()) > self.options.max_response_len {
                return Err(Error::ResponseTooLong {
                    limit: self.options.max_response_len,
                });
            }
            response.data.extend_from_slice(&more.data);
            response.sw = more.sw;
        }
        if response.data.len() > self.options.max_response_len {
            return Err(Error::ResponseTooLong {
                limit: self.options.max_response_len,
            });
        }
        Ok(response)
    }

    fn exchange(&mut self, command: &Command, extended: bool) -> Result<Response, Error> {
        let mut raw = command.encode(extended)?;
        trace::command(&raw);
        self.exchanges += 1;
        let answer = self.transport.transmit_raw(&raw);
        if command.carries_secret() {
            // The encoded APDU holds the PIN too.
            zeroize::Zeroize::zeroize(&mut raw);
        }
        let answer = answer?;
        trace::response(&answer);
        Response::decode(&answer)
    }
}

impl<T: CardTransport> CardTransport for CardChannel<T> {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, crate::TransportError> {
        self.exchanges += 1;
        self.transport.transmit_raw(command)
    }
    fn supports_extended_length(&self) -> bool {
        self.transport.supports_extended_length()
    }
    fn take_reset(&mut self) -> bool {
        self.transport.take_reset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ScriptedTransport, TransportError};

    #[test]
    fn get_response_chain_from_the_design_flow() {
        // SMARTCARD.md §3.4: SELECT answers 61 1A, GET RESPONSE fetches the FCI.
        let t = ScriptedTransport::from_transcript(
            ">> 00 A4 04 00 0C A0 00 00 00 63 50 4B 43 53 2D 31 35 00
             << 61 1A
             >> 00 C0 00 00 1A
             << 6F 18 84 0C A0 00 00 00 63 50 4B 43 53 2D 31 35 A5 08 00 00 00 00 00 00 00 00 90 00",
        )
        .unwrap();
        let mut ch = CardChannel::new(t);
        let aid = b"\xA0\x00\x00\x00\x63PKCS-15".to_vec();
        let r = ch
            .transmit(&Command::new(0, 0xA4, 4, 0).with_data(aid).with_ne(256))
            .unwrap();
        assert_eq!(r.sw, StatusWord::Success);
        assert_eq!(r.data.len(), 0x1A);
        ch.transport().finish().unwrap();
        assert_eq!(ch.exchanges(), 2);
    }

    #[test]
    fn wrong_le_is_resent_once() {
        let t = ScriptedTransport::from_transcript(
            ">> 00 B0 00 00 00
             << 6C 04
             >> 00 B0 00 00 04
             << 01 02 03 04 90 00",
        )
        .unwrap();
        let mut ch = CardChannel::new(t);
        let r = ch
            .transmit(&Command::new(0, 0xB0, 0, 0).with_ne(256))
            .unwrap();
        assert_eq!(r.data, vec![1, 2, 3, 4]);
    }

    #[test]
    fn long_data_is_chained_without_extended_length() {
        let data: Vec<u8> = (0..=255).collect::<Vec<u8>>().repeat(2);
        let mut script = Vec::new();
        let mut first = vec![0x10, 0x2A, 0x9E, 0x9A, 0xFF];
        first.extend_from_slice(&data[..255]);
        script.push((first, vec![0x90, 0x00]));
        let mut second = vec![0x00, 0x2A, 0x9E, 0x9A, 0xFF];
        second.extend_from_slice(&data[255..510]);
        script.push((second, vec![0x90, 0x00]));
        let mut third = vec![0x00, 0x2A, 0x9E, 0x9A, 0x02];
        third.extend_from_slice(&data[510..]);
        third.push(0x00);
        script.push((third, vec![0xAB, 0x90, 0x00]));
        // Fix the CLA of the second block: every block but the last carries CLA | 0x10.
        script[1].0[0] = 0x10;
        let mut ch = CardChannel::new(ScriptedTransport::new(script));
        let r = ch
            .transmit(
                &Command::new(0, 0x2A, 0x9E, 0x9A)
                    .with_data(data)
                    .with_ne(256),
            )
            .unwrap();
        assert_eq!(r.data, vec![0xAB]);
        ch.transport().finish().unwrap();
    }

    #[test]
    fn chaining_refusal_is_reported() {
        let mut first = vec![0x10, 0x2A, 0x9E, 0x9A, 0xFF];
        first.extend_from_slice(&[7; 255]);
        let mut ch = CardChannel::new(ScriptedTransport::new([(first, vec![0x68, 0x84])]));
        let err = ch
            .transmit(&Command::new(0, 0x2A, 0x9E, 0x9A).with_data(vec![7; 300]))
            .unwrap_err();
        assert_eq!(
            err,
            Error::ChainingRefused {
                sw: StatusWord::ChainingNotSupported
            }
        );
    }

    /// A card that answers 61xx forever stops after the round bound.
    #[test]
    fn endless_get_response_is_bounded() {
        struct Endless(usize);
        impl CardTransport for Endless {
            fn transmit_raw(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
                self.0 += 1;
                Ok(vec![0x61, 0x00])
            }
        }
        let mut ch = CardChannel::new(Endless(0));
        let err = ch
            .transmit(&Command::new(0, 0xCB, 0x3F, 0xFF).with_ne(256))
            .unwrap_err();
        assert_eq!(err, Error::TooManyGetResponses { rounds: 300 });
        assert_eq!(ch.transport().0, 301);

        // And a card that sends 256 bytes per round hits the byte bound first.
        struct Flood;
        impl CardTransport for Flood {
            fn transmit_raw(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
                let mut r = vec![0xEE; 256];
                r.extend_from_slice(&[0x61, 0x00]);
                Ok(r)
            }
        }
        let mut ch = CardChannel::new(Flood);
        let err = ch
            .transmit(&Command::new(0, 0xCB, 0x3F, 0xFF).with_ne(256))
            .unwrap_err();
        assert_eq!(err, Error::ResponseTooLong { limit: 65536 });
    }

    #[test]
    fn transport_errors_and_short_responses_surface() {
        let mut ch = CardChannel::new(ScriptedTransport::new([(
            vec![0, 0xB0, 0, 0, 0],
            vec![0x90],
        )]));
        assert_eq!(
            ch.transmit(&Command::new(0, 0xB0, 0, 0).with_ne(256)),
            Err(Error::ResponseTooShort { len: 1 })
        );
        assert_eq!(
            ch.transmit(&Command::new(0, 0xB0, 0, 0).with_ne(256)),
            Err(Error::Transport(TransportError::ScriptExhausted {
                index: 1
            }))
        );
    }
}
