//! Strict JSON on serde_json: duplicate member names rejected anywhere, nesting bounded, and
//! errors that say what went wrong (RFC 8259; RFC 7515 §4, RFC 7519 §4 on duplicates).
//!
//! Visitors cannot return careid's own errors through serde, so they park the structured
//! error in [`Ctx`] and hand serde a placeholder; [`Ctx::finish`] takes the parked error back
//! out. Strings that contain no escape are kept as [`Span`]s into the document instead of
//! being copied.

use crate::error::{Error, Input};
use serde::de::{self, DeserializeSeed, Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;

/// The default nesting limit (CIS2.md §7.1 item 1).
pub(crate) const DEFAULT_MAX_DEPTH: usize = 16;
/// The largest nesting limit a caller may configure: below serde_json's own recursion limit
/// (128), so careid's limit always decides.
pub(crate) const MAX_CONFIGURABLE_DEPTH: usize = 64;

/// A byte range of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// The span `start..end`.
    pub(crate) const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The text this span covers. Spans are only made from the document they index, so the
    /// range is always valid; an empty string stands in if it ever is not.
    pub(crate) fn get(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or_default()
    }
}

/// A string value: a span of the document when the JSON string had no escapes, otherwise the
/// unescaped text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Text {
    Span(Span),
    Owned(Box<str>),
}

impl Text {
    pub(crate) fn get<'a>(&'a self, text: &'a str) -> &'a str {
        match self {
            Self::Span(span) => span.get(text),
            Self::Owned(owned) => owned,
        }
    }
}

/// Parsing context: the document (for spans), limits, and the parked error.
pub(crate) struct Ctx<'de> {
    base: &'de str,
    pub(crate) input: Input,
    pub(crate) max_depth: usize,
    error: Cell<Option<Error>>,
}

impl<'de> Ctx<'de> {
    pub(crate) fn new(base: &'de str, input: Input, max_depth: usize) -> Self {
        Self {
            base,
            input,
            max_depth,
            error: Cell::new(None),
        }
    }

    /// Parks `err` (the first one wins) and returns the placeholder serde error.
    pub(crate) fn fail<E: de::Error>(&self, err: Error) -> E {
        let first = self.error.take().unwrap_or(err);
        self.error.set(Some(first));
        E::custom("careid")
    }

    /// The document.
    pub(crate) fn base(&self) -> &'de str {
        self.base
    }

    /// The span of `s` within the document, when `s` borrows from it.
    pub(crate) fn span(&self, s: &str) -> Option<Span> {
        let base = self.base.as_ptr().addr();
        let start = s.as_ptr().addr().checked_sub(base)?;
        let end = start.checked_add(s.len())?;
        (end <= self.base.len()).then_some(Span { start, end })
    }

    /// A [`Text`] for a string the deserializer lent from the document.
    pub(crate) fn borrowed_text(&self, s: &'de str) -> Text {
        self.span(s)
            .map_or_else(|| Text::Owned(s.into()), Text::Span)
    }

    /// Turns a serde result into careid's: the parked error if there is one, otherwise a
    /// depth or syntax error with its position.
    pub(crate) fn finish<T>(&self, result: Result<T, serde_json::Error>) -> Result<T, Error> {
        match result {
            Ok(value) => match self.error.take() {
                // A visitor parked an error but serde carried on (cannot happen with the
                // visitors here, which always return the placeholder): refuse anyway.
                Some(err) => Err(err),
                None => Ok(value),
            },
            Err(err) => Err(self.error.take().unwrap_or_else(|| {
                if nesting_exceeds(self.base, self.max_depth) {
                    Error::TooDeep {
                        input: self.input,
                        limit: self.max_depth,
                    }
                } else {
                    Error::Json {
                        input: self.input,
                        line: err.line(),
                        column: err.column(),
                    }
                }
            })),
        }
    }

    pub(crate) fn too_deep<E: de::Error>(&self) -> E {
        self.fail(Error::TooDeep {
            input: self.input,
            limit: self.max_depth,
        })
    }

    pub(crate) fn duplicate<E: de::Error>(&self, member: &str) -> E {
        self.fail(Error::DuplicateMember {
            input: self.input,
            member: member.into(),
        })
    }

    pub(crate) fn not_an_object<E: de::Error>(&self) -> E {
        self.fail(Error::NotAnObject { input: self.input })
    }
}

/// Deserializes the whole document with `visitor` (which must expect an object) and checks
/// nothing follows it.
pub(crate) fn parse_document<'de, V: Visitor<'de>>(
    ctx: &Ctx<'de>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut de = serde_json::Deserializer::from_str(ctx.base);
    let result = (&mut de)
        .deserialize_any(visitor)
        .and_then(|value| de.end().map(|()| value));
    ctx.finish(result)
}

/// Parses a whole document into a [`Value`] under the strict rules; the top level must be an
/// object.
pub(crate) fn parse_object_value(
    text: &str,
    input: Input,
    max_depth: usize,
) -> Result<Map<String, Value>, Error> {
    let ctx = Ctx::new(text, input, max_depth);
    let value = parse_document(
        &ctx,
        Build {
            ctx: &ctx,
            depth: 1,
        },
    )?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Error::NotAnObject { input }),
    }
}

/// Checks that JSON bytes are UTF-8 without a byte order mark (RFC 8259 §8.1).
pub(crate) fn utf8(bytes: &[u8], input: Input) -> Result<&str, Error> {
    if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
        return Err(Error::NotUtf8 { input, offset: 0 });
    }
    std::str::from_utf8(bytes).map_err(|err| Error::NotUtf8 {
        input,
        offset: err.valid_up_to(),
    })
}

/// [`utf8`] for owned bytes, without copying them.
pub(crate) fn utf8_owned(bytes: Vec<u8>, input: Input) -> Result<String, Error> {
    if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
        return Err(Error::NotUtf8 { input, offset: 0 });
    }
    String::from_utf8(bytes).map_err(|err| Error::NotUtf8 {
        input,
        offset: err.utf8_error().valid_up_to(),
    })
}

/// An object member name, borrowed from the document when it has no escapes.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The member names of one object, for duplicate detection: a linear scan while the object is
/// small, a hash set (SipHash, so not floodable) beyond that.
#[derive(Default)]
pub(crate) struct Names<'de> {
    small: Vec<Cow<'de, str>>,
    large: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> Names<'de> {
    const LINEAR: usize = 16;

    /// Records `name`; `false` if it was already there.
    pub(crate) fn insert(&mut self, name: Cow<'de, str>) -> bool {
        if let Some(set) = &mut self.large {
            return set.insert(name);
        }
        if self.small.contains(&name) {
            return false;
        }
        self.small.push(name);
        if self.small.len() > Self::LINEAR {
            self.large = Some(self.small.drain(..).collect());
        }
        true
    }
}

/// Validates any JSON value (duplicates, depth) without building anything. `depth` is the
/// nesting level of the value itself (the top-level object is level 1).
pub(crate) struct Check<'c, 'de> {
    pub(crate) ctx: &'c Ctx<'de>,
    pub(crate) depth: usize,
}

impl<'de> DeserializeSeed<'de> for Check<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Check<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.depth > self.ctx.max_depth {
            return Err(self.ctx.too_deep());
        }
        while seq
            .next_element_seed(Check {
                ctx: self.ctx,
                depth: self.depth.saturating_add(1),
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.depth > self.ctx.max_depth {
            return Err(self.ctx.too_deep());
        }
        let mut names = Names::default();
        while let Some(name) = map.next_key_seed(KeySeed)? {
            if !names.insert(name.clone()) {
                return Err(self.ctx.duplicate(&name));
            }
            map.next_value_seed(Check {
                ctx: self.ctx,
                depth: self.depth.saturating_add(1),
            })?;
        }
        Ok(())
    }
}

/// Builds a [`Value`] under the strict rules.
pub(crate) struct Build<'c, 'de> {
    pub(crate) ctx: &'c Ctx<'de>,
    pub(crate) depth: usize,
}

impl<'de> DeserializeSeed<'de> for Build<'_, 'de> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_, 'de> {
    type Value = Value;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // JSON numbers are always finite, so this is never null.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth > self.ctx.max_depth {
            return Err(self.ctx.too_deep());
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Build {
            ctx: self.ctx,
            depth: self.depth.saturating_add(1),
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth > self.ctx.max_depth {
            return Err(self.ctx.too_deep());
        }
        let mut object = Map::new();
        while let Some(name) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(Build {
                ctx: self.ctx,
                depth: self.depth.saturating_add(1),
            })?;
            let name = name.into_owned();
            if object.contains_key(&name) {
                return Err(self.ctx.duplicate(&name));
            }
            object.insert(name, value);
        }
        Ok(Value::Object(object))
    }
}

/// Captures a value's exact text as a span of the document, after validating it strictly.
pub(crate) struct Raw<'c, 'de> {
    pub(crate) ctx: &'c Ctx<'de>,
    pub(crate) depth: usize,
}

impl<'de> DeserializeSeed<'de> for Raw<'_, 'de> {
    type Value = Span;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Span, D::Error> {
        use serde::Deserialize as _;
        let raw = <&'de RawValue>::deserialize(d)?;
        // Strings and literals need no second look. Arrays and objects can hold duplicates or
        // nest; numbers are checked for range (serde_json skips them unparsed in a RawValue,
        // and a number no f64 holds, such as 1e400, would then be kept where every other
        // position refuses it).
        if !raw.get().starts_with(['"', 't', 'f', 'n']) {
            check_text(self.ctx, raw.get(), self.depth)
                .map_err(|()| de::Error::custom("careid"))?;
        }
        // A borrowed RawValue always lies within the document.
        self.ctx
            .span(raw.get())
            .ok_or_else(|| de::Error::custom("careid"))
    }
}

/// Runs [`Check`] over `text`, a value found at nesting level `depth`; errors are parked in
/// `ctx`.
pub(crate) fn check_text(ctx: &Ctx<'_>, text: &str, depth: usize) -> Result<(), ()> {
    let mut de = serde_json::Deserializer::from_str(text);
    match (Check { ctx, depth }).deserialize(&mut de) {
        Ok(()) => Ok(()),
        Err(err) => {
            // The text was already accepted by serde_json, so a failure is a parked careid
            // error; park a syntax error in the unlikely other case.
            let _: serde_json::Error = ctx.fail(Error::Json {
                input: ctx.input,
                line: err.line(),
                column: err.column(),
            });
            Err(())
        }
    }
}

/// Whether `text` is exactly one JSON value that passes [`Check`] at nesting level `depth`
/// under `max_depth` (no error is reported: callers fall back to a full parse that explains).
pub(crate) fn is_exact_checked_value(text: &str, depth: usize, max_depth: usize) -> bool {
    let ctx = Ctx::new(text, Input::Claims, max_depth);
    let mut de = serde_json::Deserializer::from_str(text);
    (Check { ctx: &ctx, depth }).deserialize(&mut de).is_ok()
        && de.end().is_ok()
        && ctx.error.take().is_none()
}

/// Whether brackets nest deeper than `max` anywhere in `text` (strings skipped). Used only to
/// explain a failure: serde_json stops at its own recursion limit first on absurd depths.
pub(crate) fn nesting_exceeds(text: &str, max: usize) -> bool {
    let mut depth = 0_usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text.as_bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth = depth.saturating_add(1);
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Map<String, Value>, Error> {
        parse_object_value(text, Input::Claims, DEFAULT_MAX_DEPTH)
    }

    #[test]
    fn duplicates_are_refused_at_every_level() {
        assert_eq!(
            parse(r#"{"a":1,"a":2}"#),
            Err(Error::DuplicateMember {
                input: Input::Claims,
                member: "a".into()
            })
        );
        assert_eq!(
            parse(r#"{"x":[{"b":1,"c":2,"b":3}]}"#),
            Err(Error::DuplicateMember {
                input: Input::Claims,
                member: "b".into()
            })
        );
        // The same name spelt with an escape is the same name (RFC 8259 §8.3).
        assert_eq!(
            parse(r#"{"ab":1,"a\u0062":2}"#),
            Err(Error::DuplicateMember {
                input: Input::Claims,
                member: "ab".into()
            })
        );
        // Many members: the hash-set path.
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"m{i}\":{i},"));
        }
        text.push_str("\"m7\":0}");
        assert_eq!(
            parse(&text),
            Err(Error::DuplicateMember {
                input: Input::Claims,
                member: "m7".into()
            })
        );
        assert!(parse(r#"{"a":{"a":{"a":1}}}"#).is_ok());
    }

    #[test]
    fn depth_is_bounded_without_recursing_past_the_limit() {
        let nested = |levels: usize| {
            let mut text = String::from("{\"a\":");
            text.push_str(&"[".repeat(levels - 1));
            text.push_str(&"]".repeat(levels - 1));
            text.push('}');
            text
        };
        assert!(parse(&nested(16)).is_ok());
        let too_deep = Err(Error::TooDeep {
            input: Input::Claims,
            limit: 16,
        });
        assert_eq!(parse(&nested(17)), too_deep);
        // Deeper than serde_json's own recursion limit: still TooDeep, not a syntax error.
        assert_eq!(parse(&nested(100_000)), too_deep);
    }

    #[test]
    fn syntax_errors_have_positions() {
        assert_eq!(
            parse("{\"a\":1,}"),
            Err(Error::Json {
                input: Input::Claims,
                line: 1,
                column: 8
            })
        );
        assert!(matches!(parse("{} x"), Err(Error::Json { .. })));
        assert_eq!(
            parse("[1]"),
            Err(Error::NotAnObject {
                input: Input::Claims
            })
        );
    }

    #[test]
    fn utf8_and_byte_order_marks() {
        assert_eq!(
            utf8(b"\xef\xbb\xbf{}", Input::Header),
            Err(Error::NotUtf8 {
                input: Input::Header,
                offset: 0
            })
        );
        assert_eq!(
            utf8(b"{\"a\":\"\xff\"}", Input::Header),
            Err(Error::NotUtf8 {
                input: Input::Header,
                offset: 6
            })
        );
        assert_eq!(utf8(b"{}", Input::Header), Ok("{}"));
    }

    #[test]
    fn numbers_out_of_range_are_refused_everywhere() {
        for text in [r#"{"a":1e400}"#, r#"{"a":[1e400]}"#, r#"{"a":-1e400}"#] {
            assert!(matches!(parse(text), Err(Error::Json { .. })), "{text}");
        }
        assert!(parse(r#"{"a":1e300,"b":-0.5,"c":18446744073709551616}"#).is_ok());
    }

    #[test]
    fn nesting_scan_skips_strings() {
        assert!(!nesting_exceeds(r#"{"a":"[[[[[[["}"#, 2));
        assert!(!nesting_exceeds(r#"{"a":"\"[[[[["}"#, 2));
        assert!(nesting_exceeds(r#"{"a":[[1]]}"#, 2));
    }
}
