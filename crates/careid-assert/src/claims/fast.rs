//! The fast path of claims decoding: a hand-written scanner for the common shape of a claims
//! set (an object of escape-free keys whose values are escape-free strings, integers,
//! literals, arrays of strings, or nested values checked by serde_json).
//!
//! It either produces exactly what the serde_json path ([`super::ClaimsVisitor`]) produces, or
//! gives up (`None`), and the serde_json path runs instead: every refusal, and every error
//! message, comes from that path. The scanner only has to be right about what it accepts; in
//! debug builds (tests, fuzzing) every accepted document is decoded both ways and compared.

use super::{AssuranceLevel, Claim, Kind, Parsed, Slot};
use crate::UnixTime;
use crate::json::{self, Names, Span, Text};
use std::borrow::Cow;

/// Decodes `text` (valid UTF-8) if it has the common shape; `None` otherwise.
pub(super) fn decode(text: &str, max_depth: usize) -> Option<Parsed> {
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut parsed = Parsed {
        index: [0; Claim::COUNT],
        slots: Vec::with_capacity(24),
        extra: Vec::new(),
    };
    let mut names = Names::default();
    s.ws();
    s.eat(b'{')?;
    s.ws();
    if s.eat(b'}').is_some() {
        s.ws();
        return s.at_end().then_some(parsed);
    }
    loop {
        let key = s.string()?;
        let name = key.get(text);
        s.ws();
        s.eat(b':')?;
        s.ws();
        match Claim::from_name(name) {
            Some(claim) => {
                // A duplicate: the full parse reports it.
                if parsed.index.get(claim.index()).is_none_or(|at| *at != 0) {
                    return None;
                }
                let slot = s.slot(claim, max_depth)?;
                parsed.slots.push(slot);
                *parsed.index.get_mut(claim.index())? = u8::try_from(parsed.slots.len()).ok()?;
            }
            None => {
                if !names.insert(Cow::Borrowed(name)) {
                    return None;
                }
                let value = s.raw(max_depth)?;
                parsed.extra.push((Text::Span(key), value));
            }
        }
        s.ws();
        match s.next()? {
            b',' => s.ws(),
            b'}' => break,
            _ => return None,
        }
    }
    s.ws();
    s.at_end().then_some(parsed)
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    /// RFC 8259 §2 whitespace.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// An escape-free string (RFC 8259 §7): the span of its content.
    fn string(&mut self) -> Option<Span> {
        self.eat(b'"')?;
        let start = self.pos;
        let rest = self.bytes.get(start..)?;
        let len = memchr::memchr2(b'"', b'\\', rest)?;
        let content = rest.get(..len)?;
        // Control characters must be escaped; an escape sends us to the full parse.
        if rest.get(len) != Some(&b'"') || content.iter().fold(false, |bad, b| bad | (*b < 0x20)) {
            return None;
        }
        self.pos = start + len + 1;
        Some(Span::new(start, start + len))
    }

    /// An integer (RFC 8259 §6 without fraction or exponent): its text.
    fn integer(&mut self) -> Option<Span> {
        let start = self.pos;
        self.eat(b'-');
        let first = self.next()?;
        if first == b'0' {
            // No leading zeros.
            if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return None;
            }
        } else if !first.is_ascii_digit() {
            return None;
        }
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        // A fraction or an exponent: left to the full parse.
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(Span::new(start, self.pos))
    }

    /// An array of escape-free strings.
    fn strings(&mut self) -> Option<Vec<Text>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(items);
        }
        loop {
            items.push(Text::Span(self.string()?));
            self.ws();
            match self.next()? {
                b',' => self.ws(),
                b']' => return Some(items),
                _ => return None,
            }
        }
    }

    /// Any value, as the span of its text. Nested arrays and objects are found by bracket
    /// matching and then checked by serde_json (syntax, duplicates, depth from level 2).
    fn raw(&mut self, max_depth: usize) -> Option<Span> {
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'-' | b'0'..=b'9' => {
                self.integer()?;
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'[' | b'{' => {
                let end = self.matching_bracket(max_depth)?;
                let value = self.text.get(start..end)?;
                if !json::is_exact_checked_value(value, 2, max_depth) {
                    return None;
                }
                self.pos = end;
            }
            _ => return None,
        }
        Some(Span::new(start, self.pos))
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// The end of the array or object starting here (strings skipped), if its brackets nest
    /// no deeper than the limit allows below the claims object.
    fn matching_bracket(&self, max_depth: usize) -> Option<usize> {
        let mut depth = 0_usize;
        let mut in_string = false;
        let mut escaped = false;
        for (i, byte) in self.bytes.get(self.pos..)?.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if *byte == b'\\' {
                    escaped = true;
                } else if *byte == b'"' {
                    in_string = false;
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    // The value sits at level 2; level 1 + depth must stay within the limit.
                    if depth + 1 > max_depth {
                        return None;
                    }
                }
                b']' | b'}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(self.pos + i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The value of a known claim, decoded as its kind requires.
    fn slot(&mut self, claim: Claim, max_depth: usize) -> Option<Slot> {
        match claim.kind() {
            Kind::Str => self.string().map(|span| Slot::Text(Text::Span(span))),
            Kind::Date => {
                let digits = self.integer()?.get(self.text);
                // Negative dates are errors: the full parse reports them.
                let secs = digits.parse::<u64>().ok()?;
                Some(Slot::Date(UnixTime::from_secs(i64::try_from(secs).ok()?)))
            }
            Kind::Aud | Kind::Scope => match self.peek()? {
                b'"' => self.string().map(|span| Slot::Text(Text::Span(span))),
                b'[' => {
                    let items = self.strings()?;
                    // An empty audience array is an error: the full parse reports it.
                    if items.is_empty() && matches!(claim.kind(), Kind::Aud) {
                        return None;
                    }
                    Some(Slot::List(items))
                }
                _ => None,
            },
            Kind::List => self.strings().map(Slot::List),
            Kind::Ial | Kind::Aal => {
                let raw = self.raw(max_depth)?.get(self.text);
                let (min, max) = if matches!(claim.kind(), Kind::Ial) {
                    (0, 3)
                } else {
                    (1, 3)
                };
                Some(Slot::Level(AssuranceLevel::from_json_text(raw, min, max)))
            }
            Kind::Raw => self.raw(max_depth).map(Slot::Raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Input;
    use crate::json::Ctx;

    /// The serde_json path's result, for comparison.
    fn reference(text: &str) -> Option<Parsed> {
        let ctx = Ctx::new(text, Input::Claims, 16);
        json::parse_document(&ctx, super::super::ClaimsVisitor { ctx: &ctx }).ok()
    }

    #[test]
    fn the_scanner_agrees_or_gives_up() {
        let cases = [
            // Taken by the scanner.
            (r#"{}"#, true),
            (r#" { "iss" : "a" , "exp" : 0 } "#, true),
            (
                r#"{"aud":["a","b"],"amr":[],"x":{"y":[1,{"z":"]}["}]},"t":true,"n":null}"#,
                true,
            ),
            (
                r#"{"id_assurance_level":"3","authentication_assurance_level":2}"#,
                true,
            ),
            (r#"{"x":-12,"y":"literal é"}"#, true),
            // Left to serde_json (which accepts them).
            (r#"{"sub":"a\"b"}"#, false),
            (r#"{"s\u0075b":"a"}"#, false),
            (r#"{"exp":1.5}"#, false),
            (r#"{"exp":-0}"#, false),
            (r#"{"x":1e3}"#, false),
            (r#"{"aud":[]}"#, false),
            // Refused (by serde_json, after the scanner gives up).
            (r#"{"sub":"a","sub":"b"}"#, false),
            (r#"{"x":1,"x":2}"#, false),
            (r#"{"exp":01}"#, false),
            (r#"{"exp":-1}"#, false),
            (r#"{"a":"tab	in string"}"#, false),
            (r#"{"a":[1,]}"#, false),
            (r#"{"a":[1]]}"#, false),
            (r#"{"a":tru}"#, false),
            (r#"{"a":1}x"#, false),
            (r#"{"a":1,}"#, false),
            ("[]", false),
        ];
        for (text, taken) in cases {
            let fast = decode(text, 16);
            assert_eq!(fast.is_some(), taken, "{text}");
            if let Some(fast) = fast {
                assert_eq!(Some(fast), reference(text), "{text}");
            }
        }
    }

    #[test]
    fn deep_nesting_is_left_to_the_full_parse() {
        let text = format!("{{\"x\":{}1{}}}", "[".repeat(16), "]".repeat(16));
        assert!(decode(&text, 16).is_none());
        let text = format!("{{\"x\":{}1{}}}", "[".repeat(15), "]".repeat(15));
        assert_eq!(decode(&text, 16), reference(&text));
        assert!(decode(&text, 16).is_some());
    }
}
