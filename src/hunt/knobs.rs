//! Signer knobs (RFC 5849 §3.4): the named forms of each mistake, the knobs
//! of the parameterised signer, and the ops that set them.

use super::encoders::Enc;
use crate::signature::HashAlg;

/// How the parameters are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum Sort {
    #[default]
    Rfc,
    /// Order of appearance: query, body, header.
    AsCollected,
    /// Order of appearance with the header first.
    HeaderFirst,
    RawName,
    NameOnly,
    CaseInsensitive,
    PairString,
}

/// What happens to the port in the base string URI (RFC 5849 §3.4.1.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum PortHandling {
    /// RFC 5849 §3.4.1.2: kept unless it is the scheme's default.
    #[default]
    Rfc,
    /// The scheme's default port kept (or added when the URL has none).
    KeptDefault,
    /// Any port dropped.
    Dropped,
    /// Postman's rule: 80 and 443 dropped whatever the scheme.
    PostmanDropped,
}

/// What happens to a trailing `/` of the path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum SlashHandling {
    /// As sent (RFC 5849 §3.4.1.2).
    #[default]
    AsSent,
    /// A `/` added.
    Added,
    /// The trailing `/` removed.
    Removed,
}

/// What happens to the path's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum PathHandling {
    /// As sent (RFC 5849 §3.4.1.2).
    #[default]
    AsSent,
    /// Percent-escapes decoded.
    Decoded,
    /// Lower-cased with the host.
    Lowercased,
}

/// Which form of the URL was signed, against the one the HTTP client sent
/// (WHATWG URL Standard, modelled by [`crate::client_url`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum ClientUrl {
    /// The URL the request carries (RFC 5849 §3.4.1.2).
    #[default]
    AsSent,
    /// The request's own signature was made over the client-normalized
    /// URL while the request went out as written.
    SignedNormalized,
    /// The server's signature (or base string) was made over the
    /// client-normalized URL: what the client sent, not what was signed.
    ServerSawNormalized,
    /// The request's own signature was made over the host as typed
    /// (U-labels) while the client sent its IDNA A-labels.
    SignedTypedHost,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct UriKnobs {
    pub(super) client: ClientUrl,
    pub(super) port: PortHandling,
    pub(super) scheme_swap: bool,
    pub(super) host_case: bool,
    pub(super) www: bool,
    pub(super) keep_query: bool,
    pub(super) slash: SlashHandling,
    pub(super) path: PathHandling,
}

/// Which body pairs are signed (RFC 5849 §3.4.1.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum BodyHandling {
    /// Form-urlencoded bodies only.
    #[default]
    Rfc,
    /// A form-urlencoded body left out.
    FormOmitted,
    /// A form-shaped body signed although its Content-Type is not form-urlencoded.
    NonFormSigned,
}

/// What happens to `oauth_version` between what is sent and what is signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum VersionHandling {
    /// Signed exactly when sent.
    #[default]
    AsSent,
    /// Sent but not signed.
    Omitted,
    /// `oauth_version=1.0` signed but not sent.
    Added,
}

/// Stray whitespace on `oauth_consumer_key` as signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum KeyPadding {
    /// As sent.
    #[default]
    None,
    /// A leading space.
    Leading,
    /// A trailing space.
    Trailing,
}

/// What happens to a name sent more than once (RFC 5849 §3.4.1.3.2 signs
/// every copy).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum Duplicates {
    /// Every copy signed.
    #[default]
    AsSent,
    /// One copy kept, at the first copy's place, with the last value (a map).
    LastWins,
    /// One copy kept: the first.
    FirstWins,
    /// The copies renamed `name[0]`, `name[1]`, … in sent order (a name
    /// already written `name[]` too): a query string read into an array
    /// and written out again.
    Indexed,
}

/// What the signer signed as `oauth_timestamp`, against the text sent
/// (RFC 5849 §3.3: a positive integer of seconds). Only forms that follow
/// from the sent text are modelled; a second clock reading cannot be
/// reproduced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum TimestampHandling {
    /// As sent.
    #[default]
    AsSent,
    /// Sent seconds, signed the same instant in milliseconds (`S` → `S000`).
    SignedMillis,
    /// Sent milliseconds, signed whole seconds (`S123` → `S`).
    SignedSeconds,
    /// Sent an integer, signed it formatted as a float (`S` → `S.0`).
    SignedFloat,
    /// Sent a fraction (`S.7`), signed its integer part (`S`).
    SignedTruncated,
    /// Sent a fraction (`S.7`), signed it rounded (`S+1`).
    SignedRounded,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct CollKnobs {
    pub(super) omit_query: bool,
    pub(super) body: BodyHandling,
    pub(super) realm: bool,
    pub(super) signature_param: bool,
    pub(super) version: VersionHandling,
    pub(super) drop_empty: bool,
    pub(super) empty_token: bool,
    pub(super) duplicates: Duplicates,
    /// Sent but not signed: 0 none, else 1 + the index of a parameter;
    /// the second is a second parameter (a pair) or 0.
    pub(super) not_signed: (u32, u32),
    /// Signed but not sent: 0 none, else 1 + an index into the names the
    /// hunt may add with an empty value (`Prepared::unsent`).
    pub(super) unsent: u32,
    /// Query and body names signed as written (still percent-encoded).
    pub(super) names_raw: bool,
    /// Names and values read as Latin-1 and written again as UTF-8.
    pub(super) utf8_double: bool,
    pub(super) timestamp: TimestampHandling,
    /// 0 none, else 1 + the index of the pre-encoded parameter.
    pub(super) pre_encoded: u32,
    pub(super) key_padding: KeyPadding,
    pub(super) callback_off: bool,
    pub(super) body_hash_off: bool,
    pub(super) plus_literal: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct NormKnobs {
    pub(super) coll: CollKnobs,
    pub(super) enc: Enc,
    pub(super) sort: Sort,
    pub(super) comma: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct StrKnobs {
    pub(super) method_lower: bool,
    pub(super) uri: UriKnobs,
    pub(super) uri_raw: bool,
    pub(super) norm: NormKnobs,
    /// The encoder used for the base string's own parts (RFC unless an encoding mistake is "everywhere").
    pub(super) outer: Enc,
    pub(super) not_reencoded: bool,
}

/// How the two secrets are joined into the key (RFC 5849 §3.4.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum KeyShape {
    /// `consumer&token`.
    #[default]
    Rfc,
    /// No `&` between the secrets.
    NoAmpersand,
    /// `consumer&`, the token secret left out.
    TokenSecretOmitted,
    /// `token&consumer`.
    Swapped,
    /// `consumer&null` for a missing token secret.
    NullText,
    /// `consumer&undefined` for a missing token secret.
    UndefinedText,
}

/// What happened to the secrets' text before they were joined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum SecretText {
    /// As given.
    #[default]
    AsGiven,
    /// The consumer secret with a trailing newline.
    ConsumerNewline,
    /// The consumer secret with a trailing space.
    ConsumerSpace,
    /// The token secret with a trailing newline.
    TokenNewline,
    /// The token secret with a trailing space.
    TokenSpace,
    /// The consumer secret trimmed.
    ConsumerTrimmed,
    /// The token secret trimmed.
    TokenTrimmed,
    /// A whitespace-only token secret taken as empty (Postman).
    BlankTokenEmptied,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct KeyKnobs {
    pub(super) enc: Enc,
    pub(super) raw: bool,
    pub(super) shape: KeyShape,
    pub(super) text: SecretText,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) struct Knobs {
    pub(super) s: StrKnobs,
    pub(super) k: KeyKnobs,
    pub(super) hash: Option<HashAlg>,
}

// The engine looks its caches up by these knobs once or twice per
// variant: each is hashed as a few packed words (every field, so equal
// knobs hash equally) rather than one write per field and discriminant.

impl UriKnobs {
    /// Every field in 12 bits.
    fn packed(&self) -> u64 {
        self.client as u64
            | (self.port as u64) << 2
            | (self.scheme_swap as u64) << 4
            | (self.host_case as u64) << 5
            | (self.www as u64) << 6
            | (self.keep_query as u64) << 7
            | (self.slash as u64) << 8
            | (self.path as u64) << 10
    }
}

impl std::hash::Hash for UriKnobs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.packed());
    }
}

impl CollKnobs {
    /// The flags and small enums in 22 bits, then the four indices.
    fn packed(&self) -> [u64; 3] {
        let small = self.omit_query as u64
            | (self.body as u64) << 1
            | (self.realm as u64) << 3
            | (self.signature_param as u64) << 4
            | (self.version as u64) << 5
            | (self.drop_empty as u64) << 7
            | (self.empty_token as u64) << 8
            | (self.duplicates as u64) << 9
            | (self.names_raw as u64) << 11
            | (self.utf8_double as u64) << 12
            | (self.timestamp as u64) << 13
            | (self.key_padding as u64) << 16
            | (self.callback_off as u64) << 18
            | (self.body_hash_off as u64) << 19
            | (self.plus_literal as u64) << 20;
        [
            small,
            self.not_signed.0 as u64 | (self.not_signed.1 as u64) << 32,
            self.unsent as u64 | (self.pre_encoded as u64) << 32,
        ]
    }
}

impl std::hash::Hash for CollKnobs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.packed().iter().for_each(|w| state.write_u64(*w));
    }
}

impl NormKnobs {
    /// The collection knobs' words, the encoder, order and separator in
    /// bits 24 to 31 of the first.
    fn packed(&self) -> [u64; 3] {
        let mut w = self.coll.packed();
        w[0] |= (self.enc as u64) << 24 | (self.sort as u64) << 28 | (self.comma as u64) << 31;
        w
    }
}

impl std::hash::Hash for NormKnobs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.packed().iter().for_each(|w| state.write_u64(*w));
    }
}

impl std::hash::Hash for StrKnobs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut w = self.norm.packed();
        w[0] |= self.uri.packed() << 32
            | (self.method_lower as u64) << 44
            | (self.uri_raw as u64) << 45
            | (self.not_reencoded as u64) << 46
            | (self.outer as u64) << 47;
        w.iter().for_each(|w| state.write_u64(*w));
    }
}

impl std::hash::Hash for KeyKnobs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(
            self.enc as u64
                | (self.raw as u64) << 4
                | (self.shape as u64) << 5
                | (self.text as u64) << 8,
        );
    }
}

/// One concrete change to the knobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Op {
    MethodLower,
    Port(PortHandling),
    SchemeSwap,
    HostCase,
    Www,
    KeepQuery,
    Slash(SlashHandling),
    Path(PathHandling),
    Client(ClientUrl),
    UriRaw,
    OmitQuery,
    Body(BodyHandling),
    Realm,
    SignatureParam,
    Version(VersionHandling),
    DropEmpty,
    EmptyToken,
    Duplicates(Duplicates),
    NotSigned(u32),
    NotSignedPair(u32, u32),
    SignedNotSent(u32),
    NamesRaw,
    Utf8Double,
    Timestamp(TimestampHandling),
    PreEncoded(u32),
    KeyPadding(KeyPadding),
    CallbackOff,
    BodyHashOff,
    PlusLiteral,
    Encode(Enc, bool),
    Order(Sort),
    NotReencoded,
    Comma,
    KeyRaw,
    KeyShape(KeyShape),
    SecretText(SecretText),
    Hash(HashAlg),
}

impl Op {
    pub(super) fn apply(self, k: &mut Knobs) {
        let s = &mut k.s;
        let c = &mut s.norm.coll;
        match self {
            Op::MethodLower => s.method_lower = true,
            Op::Port(p) => s.uri.port = p,
            Op::SchemeSwap => s.uri.scheme_swap = true,
            Op::HostCase => s.uri.host_case = true,
            Op::Www => s.uri.www = true,
            Op::KeepQuery => s.uri.keep_query = true,
            Op::Slash(v) => s.uri.slash = v,
            Op::Path(v) => s.uri.path = v,
            Op::Client(v) => s.uri.client = v,
            Op::UriRaw => s.uri_raw = true,
            Op::OmitQuery => c.omit_query = true,
            Op::Body(v) => c.body = v,
            Op::Realm => c.realm = true,
            Op::SignatureParam => c.signature_param = true,
            Op::Version(v) => c.version = v,
            Op::DropEmpty => c.drop_empty = true,
            Op::EmptyToken => c.empty_token = true,
            Op::Duplicates(v) => c.duplicates = v,
            Op::NotSigned(i) => c.not_signed = (i + 1, 0),
            Op::NotSignedPair(i, j) => c.not_signed = (i + 1, j + 1),
            Op::SignedNotSent(i) => c.unsent = i + 1,
            Op::NamesRaw => c.names_raw = true,
            Op::Utf8Double => c.utf8_double = true,
            Op::Timestamp(v) => c.timestamp = v,
            Op::PreEncoded(i) => c.pre_encoded = i + 1,
            Op::KeyPadding(v) => c.key_padding = v,
            Op::CallbackOff => c.callback_off = true,
            Op::BodyHashOff => c.body_hash_off = true,
            Op::PlusLiteral => c.plus_literal = true,
            Op::Encode(e, everywhere) => {
                k.s.norm.enc = e;
                if everywhere {
                    k.s.outer = e;
                    k.k.enc = e;
                }
            }
            Op::Order(o) => k.s.norm.sort = o,
            Op::NotReencoded => k.s.not_reencoded = true,
            Op::Comma => k.s.norm.comma = true,
            Op::KeyRaw => k.k.raw = true,
            Op::KeyShape(v) => k.k.shape = v,
            Op::SecretText(v) => k.k.text = v,
            Op::Hash(h) => k.hash = Some(h),
        }
    }
}

impl Op {
    /// How many departures the op stands for in a combination's size:
    /// leaving two parameters out of the base string is two.
    pub(super) fn weight(self) -> usize {
        match self {
            Op::NotSignedPair(..) => 2,
            _ => 1,
        }
    }

    /// The largest combination (in weight) the op joins. A parameter left
    /// out of the base string has one form per parameter, and every form
    /// makes a base string of its own: it joins at most one other mistake
    /// (a pair, weighing two, likewise), so that depth 3 stays within its
    /// time on requests with many parameters.
    pub(super) fn reach(self) -> usize {
        match self {
            Op::NotSigned(_) => 2,
            Op::NotSignedPair(..) => 3,
            _ => usize::MAX,
        }
    }
}

/// A mistake in one concrete form.
#[derive(Debug, Clone, Copy)]
pub(super) struct Atom {
    pub(super) mistake: usize,
    pub(super) group: u8,
    pub(super) op: Op,
}
