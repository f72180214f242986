//! The catalogue of known signer mistakes, as data.
//!
//! Each [`Mistake`] is one small, composable departure from one stage of
//! the RFC 5849 signing pipeline (method → base string URI → parameter
//! collection → encoding → sorting → joining → key → digest → output).
//! The search in [`super::search`] turns each entry into a transform; this
//! module only says what the mistake is, who is known to make it, how to
//! fix it and which rule it breaks.
//!
//! Entries sharing a [`Mistake::group`] are mutually exclusive variants of
//! one stage (a signer has one encoding function, one sort), so they are
//! never combined.

use serde::Serialize;

/// A stage of the signing pipeline, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// RFC 5849 §3.4.1.1 step 1: the HTTP method.
    Method,
    /// RFC 5849 §3.4.1.2: the base string URI.
    BaseUri,
    /// RFC 5849 §3.4.1.3.1: which parameters are signed.
    Collection,
    /// RFC 5849 §3.6: how names, values (and maybe more) are percent-encoded.
    Encoding,
    /// RFC 5849 §3.4.1.3.2 step 2: the sort order.
    Sorting,
    /// RFC 5849 §3.4.1.3.2 steps 3–4 and §3.4.1.1: joining into the base string.
    Joining,
    /// RFC 5849 §3.4.2: the HMAC key.
    Key,
    /// RFC 5849 §3.4.2–§3.4.3: the digest.
    Digest,
    /// RFC 5849 §3.4.2 step 2 and §3.5: how the signature is written and sent.
    Output,
}

impl Stage {
    /// The stage's name as shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Method => "method",
            Stage::BaseUri => "base URI",
            Stage::Collection => "collection",
            Stage::Encoding => "encoding",
            Stage::Sorting => "sorting",
            Stage::Joining => "joining",
            Stage::Key => "key",
            Stage::Digest => "digest",
            Stage::Output => "output",
        }
    }
}

/// One known signer mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Mistake {
    /// Stable kebab-case id (part of the `--json` contract).
    pub id: &'static str,
    /// The pipeline stage it belongs to.
    pub stage: Stage,
    /// Exclusivity group: two mistakes of one group are never combined.
    pub group: &'static str,
    /// One line: what the signer did.
    pub description: &'static str,
    /// Real-world signers known to make it (from public issue threads).
    pub signers: &'static [&'static str],
    /// How to fix it.
    pub fix: &'static str,
    /// The rule it breaks, `RFC 5849 §…` (or the extension it departs from).
    pub section: &'static str,
    /// The Postman OAuth 1.0 setting (or field) that causes or fixes it, where one applies.
    pub postman: Option<&'static str>,
    /// Whether the hunt varies it. A mistake the hunt cannot reproduce from
    /// a signature (a clock, a volatile value) is still catalogued, so that
    /// every finding names it with the same id, but is never searched.
    pub searched: bool,
}

impl Mistake {
    /// The same entry with the Postman setting that causes or fixes it.
    const fn postman(mut self, setting: &'static str) -> Mistake {
        self.postman = Some(setting);
        self
    }

    /// The same entry, marked as one the hunt does not vary.
    const fn not_searched(mut self) -> Mistake {
        self.searched = false;
        self
    }
}

/// Postman's *Add empty parameters to signature* (`addEmptyParamsToSign`).
pub const POSTMAN_ADD_EMPTY_PARAMS: &str = "Add empty parameters to signature";
/// Postman's *Encode the parameters in the Authorization header* (`disableHeaderEncoding` off).
pub const POSTMAN_ENCODE_HEADER: &str = "Encode the parameters in the Authorization header";
/// Postman's *Include body hash* (`includeBodyHash`).
pub const POSTMAN_INCLUDE_BODY_HASH: &str = "Include body hash";
/// Postman's *Add auth data to* Request Headers / Request URL / Request Body (`addParamsToHeader`).
pub const POSTMAN_ADD_AUTH_DATA_TO: &str =
    "Add auth data to (Request Headers / Request URL / Request Body)";
/// Postman's *Consumer Key* field (signed untrimmed, sent trimmed).
pub const POSTMAN_CONSUMER_KEY: &str = "Consumer Key (remove the leading or trailing spaces)";
/// Postman's *Token Secret* field (whitespace only counts as empty).
pub const POSTMAN_TOKEN_SECRET: &str = "Token Secret (clear it, or give the real one)";

/// Builds an entry (keeps the table below readable).
#[allow(clippy::too_many_arguments)]
const fn m(
    id: &'static str,
    stage: Stage,
    group: &'static str,
    description: &'static str,
    signers: &'static [&'static str],
    fix: &'static str,
    section: &'static str,
) -> Mistake {
    Mistake {
        id,
        stage,
        group,
        description,
        signers,
        fix,
        section,
        postman: None,
        searched: true,
    }
}

static CATALOGUE: &[Mistake] = &[
    m(
        "method-not-uppercased",
        Stage::Method,
        "method",
        "the HTTP method went into the base string as given (`post`), not upper-cased",
        &["ruby-oauth RackRequest", "oci-api-php-request-sign"],
        "upper-case the method before building the base string",
        "RFC 5849 §3.4.1.1",
    ),
    m(
        "default-port-kept",
        Stage::BaseUri,
        "port",
        "the scheme's default port (:80 for http, :443 for https) was kept in the base string URI",
        &["scribejava (before #428)", "ddo/oauth-1.0a (before #59)", "connect-auth"],
        "drop :80 from http and :443 from https URLs",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "port-dropped",
        Stage::BaseUri,
        "port",
        "a non-default port (e.g. :8080) was dropped from the base string URI",
        &["TDOAuth", "RestKit", "thephpleague/oauth1-client", "Mastercard Insomnia plugin"],
        "keep every port that is not the scheme's default",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "postman-port-dropped",
        Stage::BaseUri,
        "port",
        "ports 80 and 443 were dropped whatever the scheme (https://h:80, http://h:443)",
        &["Postman (postman-runtime 7.39)"],
        "drop only the scheme's own default port",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "scheme-swapped",
        Stage::BaseUri,
        "scheme",
        "the base string URI used http where the request used https, or the reverse (TLS proxy)",
        &["WooCommerce clients", "Open edX", "jupyterhub ltiauthenticator", "LTI-PHP"],
        "sign the scheme the server sees (behind a TLS proxy use X-Forwarded-Proto)",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "host-case-kept",
        Stage::BaseUri,
        "host-case",
        "an upper-case scheme or host was kept instead of being lower-cased",
        &["DefactoSoftware/lti (#33)"],
        "lower-case scheme and host (and only those)",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "host-www-toggled",
        Stage::BaseUri,
        "host",
        "the signer's host had `www.` where the request's did not, or the reverse",
        &["WooCommerce (#11410)", "WP-API/OAuth1 Swift clients"],
        "sign exactly the host the request is sent to",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "query-kept-in-uri",
        Stage::BaseUri,
        "query-in-uri",
        "the `?query` was left in the base string URI",
        &["rauth (before #1)", "Insomnia (#4238)", "VBA-Web", "google-gdata"],
        "cut the query (and fragment) from the URI; its pairs go into the parameters",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "trailing-slash-added",
        Stage::BaseUri,
        "trailing-slash",
        "a `/` was added to the end of the path",
        &["manongdao COPY API client", "passport-http-2legged-oauth"],
        "sign the path exactly as sent",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "trailing-slash-removed",
        Stage::BaseUri,
        "trailing-slash",
        "the trailing `/` of the path was removed",
        &["WooCommerce REST client (#73)", "cocoa-oauth (NSURL path)", "TDOAuth (#35)"],
        "sign the path exactly as sent, trailing slash included",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "path-decoded",
        Stage::BaseUri,
        "path",
        "percent-escapes in the path (`%2F`, `%20`) were decoded before signing",
        &["Magento/Laminas (#37913)", "oauth-signature-js (#32)", "Mastercard python signer (#21)"],
        "keep the path's escapes as sent",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "path-lowercased",
        Stage::BaseUri,
        "path",
        "the path was lower-cased along with the host",
        &["Newman (postman-collection #257)", "cocoa-oauth (#1)", "RestKit (#533)"],
        "lower-case scheme and host only; the path is case-sensitive",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "url-normalized-before-signing",
        Stage::BaseUri,
        "client-url",
        "the signer signed the URL as an HTTP client normalizes it (IDNA host, dot segments, `\\` as `/`) while the request went out as written",
        &["signers that parse the URL with a WHATWG-style URL class before signing and send the original text"],
        "sign the URL exactly as the request sends it: normalize it once, then both sign and send that",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "url-normalized-after-signing",
        Stage::BaseUri,
        "client-url",
        "the signer signed the URL as typed, then the HTTP client normalized it before sending (IDNA host, dot segments, `\\` as `/`), so the server signs another URL",
        &["signing macros and scripts handing a typed URL to fetch, requests or a no-code HTTP tool"],
        "normalize the URL the way the HTTP client will (or build it already normalized), then sign that",
        "RFC 5849 §3.4.1.2",
    ),
    m(
        "uri-not-encoded",
        Stage::BaseUri,
        "uri-encoding",
        "the base string URI was put into the base string without percent-encoding it",
        &["no public report found yet (low-prior candidate)"],
        "percent-encode the base string URI (`:` → %3A, `/` → %2F)",
        "RFC 5849 §3.4.1.1",
    ),
    m(
        "query-params-omitted",
        Stage::Collection,
        "query-params",
        "the query-string parameters were left out of the signed parameters",
        &["OAuthSwift (#142)", "node-oauth (#249)", "ims-lti (#4)", "VBA-Web (#191)", "pica (#112)"],
        "sign every query parameter, decoded then re-encoded",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "body-params-omitted",
        Stage::Collection,
        "body-params",
        "the form-urlencoded body parameters were not signed",
        &["Postman (#1838)", "Insomnia (#1854)", "scribejava (#286)", "RESTClient (#18)"],
        "sign the body's pairs when Content-Type is application/x-www-form-urlencoded",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "non-form-body-signed",
        Stage::Collection,
        "body-params",
        "a form-shaped body was signed although its Content-Type is not form-urlencoded",
        &["ddo/oauth-1.0a (#110)", "python-oauth2 server (#115)", "connect-auth (#91)"],
        "sign body pairs only for single-part application/x-www-form-urlencoded bodies",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "realm-signed",
        Stage::Collection,
        "realm",
        "the header's `realm` was included in the signed parameters",
        &["ddo/oauth-1.0a (#50)", "NetSuite samples", "oauthlib client (#139)"],
        "leave realm out of the base string; it only travels in the header",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "signature-param-signed",
        Stage::Collection,
        "signature-param",
        "an empty `oauth_signature=` was included in the signed parameters",
        &["no public report found yet (low-prior candidate)"],
        "exclude oauth_signature from the signed parameters",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "version-omitted",
        Stage::Collection,
        "version",
        "`oauth_version` was sent but not signed",
        &["DotNetOpenAuth (#28)", "Insomnia (#4238)"],
        "sign every oauth_* parameter that is sent, oauth_version included",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "version-added",
        Stage::Collection,
        "version",
        "`oauth_version=1.0` was signed but not sent",
        &["DotNetOpenAuth (#28)"],
        "send exactly the protocol parameters you sign",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "empty-params-dropped",
        Stage::Collection,
        "empty-params",
        "parameters with an empty value (`a=`, `oauth_token=`) were left out of the signature",
        &["dghubble/oauth1 (#38)", "simple_oauth", "guzzle oauth-subscriber (#29)", "Postman without \"Add empty parameters\""],
        "sign empty parameters as `name=`",
        "RFC 5849 §3.4.1.3.2",
    )
    .postman(POSTMAN_ADD_EMPTY_PARAMS),
    m(
        "empty-token-signed",
        Stage::Collection,
        "empty-token",
        "`oauth_token=` was signed but not sent",
        &["Postman with \"Add empty parameters to signature\" and header placement", "Jira clients"],
        "send exactly the parameters you sign (or do not sign an empty token)",
        "RFC 5849 §3.4.1.3.1",
    )
    .postman(POSTMAN_ADD_EMPTY_PARAMS),
    m(
        "duplicates-collapsed",
        Stage::Collection,
        "duplicates",
        "repeated names (`a=1&a=2`) were collapsed into one, the last value winning",
        &["guzzle oauth-subscriber (#69)", "oauth-sign (#5)", "Postman (#404)"],
        "sign every occurrence of a repeated name",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "param-pre-encoded",
        Stage::Collection,
        "pre-encoded",
        "one parameter's value was already percent-encoded and got encoded again",
        &["Postman (#1869, #8879)", "Insomnia (#1681)", "jsOAuth (#35)", "oauthsimple (#22)", "ShareKit (#515)"],
        "decode the value (or pass it raw) before the signer encodes it",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "postman-consumer-key-untrimmed",
        Stage::Collection,
        "consumer-key",
        "a consumer key with a leading or trailing space was signed with the space but sent trimmed",
        &["Postman (postman-runtime 7.39)", "Magento client (#38019)"],
        "trim the consumer key before signing and sending",
        "RFC 5849 §3.4.1.3.1",
    )
    .postman(POSTMAN_CONSUMER_KEY),
    m(
        "callback-not-signed",
        Stage::Collection,
        "callback",
        "`oauth_callback` was sent but left out of the signature (added after signing)",
        &["scribejava (#92)", "oauther (#10)"],
        "add oauth_callback before signing",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "body-hash-not-signed",
        Stage::Collection,
        "body-hash",
        "`oauth_body_hash` was sent but left out of the signature",
        &["axios-oauth-1.0a (#32)", "LtiLibrary (#14)"],
        "sign oauth_body_hash with the other protocol parameters",
        "OAuth Request Body Hash §3.2",
    ),
    m(
        "param-not-signed",
        Stage::Collection,
        "param-not-signed",
        "a parameter that was sent was left out of the base string (a form field or an LTI custom parameter added after signing)",
        &["scribejava (#85, a parameter added after signing)", "LTI launch builders adding custom_* fields after signing"],
        "add every parameter to the request before signing, and sign exactly what is sent",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "param-signed-not-sent",
        Stage::Collection,
        "param-signed-not-sent",
        "a parameter was signed but not sent (an empty query parameter or repeated field dropped when the URL or form was rebuilt)",
        &["Xamarin.Auth (#45, a parameter in the base string but not in the URI)", "clients that drop empty values when rebuilding the query"],
        "build the request first, then sign the parameters it actually carries",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "duplicates-first-wins",
        Stage::Collection,
        "duplicates",
        "repeated names (`a=1&a=2`) were cut down to one, the first value winning",
        &["dghubble/oauth1 (#44)", "python-oauth2 (#121, #86)", "ContextIO-node OAuth.js (#18)"],
        "keep the parameters as a list: sign every copy of a repeated name",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "array-index-names",
        Stage::Collection,
        "duplicates",
        "repeated names were renamed with indices (`b=1&b=2` signed as `b[0]=1&b[1]=2`): a query-string-to-array round trip",
        &["node-oauth (#34, #375)", "ddo/oauth-1.0a with qs (#49)"],
        "sign the names exactly as sent; do not turn repeated names into an indexed array",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "names-not-decoded",
        Stage::Collection,
        "name-decoding",
        "parameter names were left percent-encoded (`a%5Bb%5D`) and so were encoded twice (`a%255Bb%255D`), while values were decoded",
        &["pelle/oauth-plugin (#100, Rails bracket names)"],
        "decode names as well as values before encoding them once",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "timestamp-milliseconds",
        Stage::Collection,
        "timestamp",
        "oauth_timestamp was in milliseconds where seconds are meant: sent that way, or signed in one unit and sent in the other",
        &["JavaScript signers using Date.now()", "diff and hunt name it from the request"],
        "use seconds since 1970 (divide milliseconds by 1000), and sign the very value you send",
        "RFC 5849 §3.3",
    ),
    m(
        "timestamp-not-integer",
        Stage::Collection,
        "timestamp",
        "oauth_timestamp was signed as a non-integer (`1700000000.0`, a float clock reading) while another text was sent, or sent with a fraction",
        &["Python signers using time.time() or float formatting", "JavaScript Date.now() / 1000 without Math.floor"],
        "use a whole number of seconds (floor the clock reading), and sign the very value you send",
        "RFC 5849 §3.3",
    ),
    m(
        "timestamp-skew",
        Stage::Collection,
        "timestamp",
        "the signer's clock (or a reused capture) put oauth_timestamp minutes away from the server's",
        &["no public report collected yet (diff names it from the request)"],
        "take the timestamp from a synchronised clock when signing",
        "RFC 5849 §3.3",
    )
    .not_searched(),
    m(
        "postman-body-hash-of-unsent-body",
        Stage::Collection,
        "body-hash-bytes",
        "oauth_body_hash hashed a body the client then did not send (Postman's Include body hash on a GET with a body)",
        &["Postman (postman-runtime 7.39)"],
        "remove the body from a GET (or turn off Include body hash): hash only a body that is sent",
        "OAuth Request Body Hash §3.2",
    )
    .postman(POSTMAN_INCLUDE_BODY_HASH)
    .not_searched(),
    m(
        "postman-unsigned-on-bad-encoding",
        Stage::Collection,
        "unsigned",
        "a query with malformed percent-encoding (`%zz`) made the signer fail, and the request went out without any OAuth parameter",
        &["Postman (postman-runtime 7.39)"],
        "percent-encode the query correctly (`%25` for a literal `%`)",
        "RFC 5849 §3.4.1.3.1",
    )
    .not_searched(),
    m(
        "body-hash-wrong-bytes",
        Stage::Collection,
        "body-hash-bytes",
        "oauth_body_hash was computed over other bytes than the body sent (JSON re-serialized, a trailing newline added or dropped, no body at all)",
        &["Mastercard oauth1-signer-python (#32, hashed the text `None`)", "Mastercard oauth1-signer-java (#33, JSON with `/`)", "HTTP clients that re-serialize a JSON body after signing"],
        "hash the exact bytes the request sends as its body, after the last serialization",
        "OAuth Request Body Hash §3.2",
    ),
    m(
        "plus-kept-literal",
        Stage::Encoding,
        "plus-decoding",
        "a `+` in the query was taken as a literal plus, not decoded to a space",
        &["dart-oauth1 (#17, `+` in the URL)"],
        "form-decode query pairs: `+` is a space, a literal plus is %2B",
        "RFC 5849 §3.4.1.3.1",
    ),
    m(
        "plus-for-space",
        Stage::Encoding,
        "encoding",
        "a space was encoded as `+` (form encoding) instead of `%20`",
        &["requests-oauthlib (#88)", "clj-oauth (#36)", "dart-oauth1 (#17)", "jersey (#705)", "oauth-client-rs (#16)", "Python urlencode"],
        "percent-encode with RFC 5849 §3.6: space is %20",
        "RFC 5849 §3.6",
    ),
    m(
        "reserved-unencoded",
        Stage::Encoding,
        "encoding",
        "JavaScript encodeURIComponent was used: `!*'()` were left unencoded",
        &["cgeo (#3320)", "dart-oauth1 (#10)", "AFXAuthClient (#2)", "OAuthSwift (#201)"],
        "encode every character but A-Z a-z 0-9 - . _ ~",
        "RFC 5849 §3.6",
    ),
    m(
        "lowercase-hex",
        Stage::Encoding,
        "encoding",
        "percent-escapes were written with lower-case hex (`%2f`)",
        &["chirp (#5)", "jq (#451)", "urilib (#2)"],
        "write escapes with upper-case hex digits",
        "RFC 5849 §3.6",
    ),
    m(
        "double-encoded",
        Stage::Encoding,
        "encoding",
        "the signer's encoding function encoded twice (`%` → `%25` again)",
        &["requests-oauth (#29)", "async-http-client (#914)", "WP-API/OAuth1 (#34)"],
        "encode each name and value exactly once",
        "RFC 5849 §3.6",
    ),
    m(
        "not-encoded",
        Stage::Encoding,
        "encoding",
        "names and values (or everything) were not percent-encoded at all",
        &["request-promise with encode:false (#192)"],
        "percent-encode names and values (§3.6) before joining",
        "RFC 5849 §3.6",
    ),
    m(
        "tilde-encoded",
        Stage::Encoding,
        "encoding",
        "`~` was encoded as `%7E` although it is unreserved",
        &["here-aaa-java-sdk (#87)", "AFXAuthClient (#2)", "older PHP rawurlencode"],
        "leave `~` as it is",
        "RFC 5849 §3.6",
    ),
    m(
        "java-urlencoder",
        Stage::Encoding,
        "encoding",
        "Java URLEncoder was used: `+` for space, `*` kept, `~` encoded",
        &["jersey (#900)", "here-aaa-java-sdk (#87)"],
        "use an RFC 3986 encoder, not URLEncoder (or fix `+`, `*`, `%7E` afterwards)",
        "RFC 5849 §3.6",
    ),
    m(
        "php-urlencode",
        Stage::Encoding,
        "encoding",
        "PHP urlencode was used: `+` for space and `~` encoded",
        &["no public report found yet (PHP urlencode set, a guess variant)"],
        "use rawurlencode (RFC 3986), not urlencode",
        "RFC 5849 §3.6",
    ),
    m(
        "latin1-bytes",
        Stage::Encoding,
        "encoding",
        "non-ASCII text was percent-encoded as Latin-1 bytes (`£` → %A3), not UTF-8",
        &["RestSharp (#1945)", "jsOAuth (#7)"],
        "encode text as UTF-8 octets before percent-encoding",
        "RFC 5849 §3.6",
    ),
    m(
        "utf8-double-encoded",
        Stage::Encoding,
        "utf8-double",
        "UTF-8 octets were read as Latin-1 characters and encoded again (`é` → %C3%83%C2%A9)",
        &["carlos-emr OAuth1 verifier (#3007, byte-wise percent-decoding)", "PHP utf8_encode on text already UTF-8"],
        "decode percent-escapes to octets and read them as UTF-8 once",
        "RFC 5849 §3.6",
    ),
    m(
        "unsorted",
        Stage::Sorting,
        "sort",
        "the parameters were not sorted (kept in order of appearance)",
        &["koauth (#6)", "ddo/oauth-1.0a (#47)", "OAuthSwift (#283)"],
        "sort by encoded name, then encoded value, in byte order",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "sorted-by-raw-name",
        Stage::Sorting,
        "sort",
        "the parameters were sorted before encoding (on raw names and values)",
        &["oauth-sign (#5)", "p5-oauth-lite (#5)", "Ruby oauth gem"],
        "encode first, then sort on the encoded text",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "sorted-by-name-only",
        Stage::Sorting,
        "sort",
        "sorted by name only: values of a repeated name kept their order",
        &["ROAuth (#7)", "jsOAuth (#25)"],
        "sort equal names by their encoded values",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "sorted-case-insensitive",
        Stage::Sorting,
        "sort",
        "sorted ignoring case (`apple` before `Zebra`)",
        &["no public report found yet (low-prior candidate)"],
        "sort in byte order (ordinal, case-sensitive)",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "sorted-by-pair-string",
        Stage::Sorting,
        "sort",
        "sorted on the joined `name=value` text (`org-x=1` before `org=2`)",
        &["jersey (#1105)", "oauthconsumer (#8)", "jsOAuth (#25)"],
        "sort by name, then by value, not by the joined pair",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "params-not-reencoded",
        Stage::Joining,
        "join",
        "the normalized parameter string was not percent-encoded again in the base string",
        &["Mastercard C# signer (#6)", "WP-API/OAuth1 server (#34)", "oauth_reverse_proxy (#6)"],
        "percent-encode the normalized string as the third base string part",
        "RFC 5849 §3.4.1.1",
    ),
    m(
        "params-joined-with-comma",
        Stage::Joining,
        "join",
        "the parameter pairs were joined with `,` instead of `&`",
        &["mulesoft api-console (#61)"],
        "join name=value pairs with `&`",
        "RFC 5849 §3.4.1.3.2",
    ),
    m(
        "key-not-encoded",
        Stage::Key,
        "key-encoding",
        "the secrets were joined into the key without percent-encoding them",
        &["dghubble/oauth1 (#72)", "north (#2)", "request (#263)", "ims-lti (#82)"],
        "percent-encode each secret before joining them with `&`",
        "RFC 5849 §3.4.2",
    ),
    m(
        "key-amp-dropped",
        Stage::Key,
        "key-shape",
        "no `&` was appended to the consumer secret when the token secret is empty",
        &["ddo/oauth-1.0a (#2)", "guzzle oauth-subscriber (#40)", "WooCommerce docs"],
        "the key is `secret&` even without a token secret",
        "RFC 5849 §3.4.2",
    ),
    m(
        "key-token-secret-omitted",
        Stage::Key,
        "key-shape",
        "the token secret was left out of the key (`cs&` instead of `cs&ts`)",
        &["yaak (#611)", "n8n (#30369)", "7digital clients"],
        "append the (access or request) token secret after the `&`",
        "RFC 5849 §3.4.2",
    ),
    m(
        "key-secrets-swapped",
        Stage::Key,
        "key-shape",
        "the key was built as `token_secret&consumer_secret`",
        &["ddo/oauth-1.0a (#39)", "WP-API/OAuth1 (#146)"],
        "consumer secret first, token secret second",
        "RFC 5849 §3.4.2",
    ),
    m(
        "key-null-token-secret",
        Stage::Key,
        "key-shape",
        "a missing token secret became the text `null` or `undefined` in the key",
        &["OAuthCore (#4, `(null)` in the key)"],
        "use an empty string for a missing token secret",
        "RFC 5849 §3.4.2",
    ),
    m(
        "secret-whitespace",
        Stage::Key,
        "secret-text",
        "a secret kept a trailing newline or space (read from a file), or lost its padding",
        &["Magento client (#38019, a padded consumer key)", "secrets pasted from files (no thread on secrets found yet)"],
        "trim secrets read from files and environment variables",
        "RFC 5849 §3.4.2",
    ),
    m(
        "postman-blank-token-secret",
        Stage::Key,
        "secret-text",
        "a whitespace-only token secret was treated as empty (key `cs&`)",
        &["Postman (postman-runtime 7.39)"],
        "clear the token secret field, or give the real one",
        "RFC 5849 §3.4.2",
    )
    .postman(POSTMAN_TOKEN_SECRET),
    m(
        "wrong-hash",
        Stage::Digest,
        "hash",
        "signed with another digest than the declared method's (HMAC-SHA1 declared, SHA-256 used, or the reverse)",
        &["Magento 2.4.6+ clients (#37278)", "NetSuite TBA clients", "Mastercard signers"],
        "sign with the digest oauth_signature_method names",
        "RFC 5849 §3.4.2",
    ),
    m(
        "signature-hex",
        Stage::Output,
        "output",
        "the digest was written as hex instead of base64",
        &["python-zeep NetSuite code (#1374)", "PHP hash_hmac without raw output"],
        "base64-encode the raw digest bytes",
        "RFC 5849 §3.4.2",
    ),
    m(
        "base64-of-hex",
        Stage::Output,
        "output",
        "base64 was applied to the hex digest text, not to the raw bytes",
        &["PHP base64_encode(hash_hmac(...))", "Python hexdigest then b64encode"],
        "base64-encode the raw digest (hash_hmac(..., true) / .digest())",
        "RFC 5849 §3.4.2",
    ),
    m(
        "signature-base64url",
        Stage::Output,
        "output",
        "the URL-safe base64 alphabet (`-`, `_`, maybe no `=`) was used",
        &["Python urlsafe_b64encode (Alteryx)", "here-aaa-java-sdk (#57)"],
        "use the standard base64 alphabet with padding",
        "RFC 5849 §3.4.2",
    ),
    m(
        "signature-double-encoded-in-header",
        Stage::Output,
        "output",
        "oauth_signature was percent-encoded twice on the wire (`%253D`)",
        &["scribejava (#565)", "Postman PLAINTEXT", "better-auth (#10427)"],
        "percent-encode the signature exactly once",
        "RFC 5849 §3.5.1",
    ),
    m(
        "signature-not-encoded",
        Stage::Output,
        "output",
        "oauth_signature was sent unencoded, so its `+` arrived as a space",
        &["oauthsimple (#34)", "Mastercard python signer (#35)", "Postman with disableUrlEncoding", "WooCommerce (#13632)"],
        "percent-encode the signature (`+` → %2B) in query, body and header",
        "RFC 5849 §3.5",
    ),
];

/// Every known mistake, in pipeline order.
pub fn catalogue() -> &'static [Mistake] {
    CATALOGUE
}

/// The mistake with this id.
pub fn mistake(id: &str) -> Option<&'static Mistake> {
    CATALOGUE.iter().find(|m| m.id == id)
}

/// Ids that named a catalogue mistake before the vocabulary was unified
/// (old diff finding ids), with the catalogue id each stands for. They are
/// accepted wherever ids are read (fixture expectations, filters) and never
/// printed.
pub const ALIASES: &[(&str, &str)] = &[
    ("port-default-explicit", "default-port-kept"),
    ("query-in-base-uri", "query-kept-in-uri"),
    ("key-secret-not-encoded", "key-not-encoded"),
    ("key-trailing-ampersand", "key-amp-dropped"),
    ("key-token-secret-dropped", "key-token-secret-omitted"),
    ("signature-plus-became-space", "signature-not-encoded"),
    (
        "signature-double-encoded",
        "signature-double-encoded-in-header",
    ),
    ("param-collapsed", "duplicates-collapsed"),
    ("empty-param-dropped", "empty-params-dropped"),
];

/// The current spelling of an id read from input: an old alias becomes its
/// catalogue id; any other id is returned as given.
pub fn canonical(id: &str) -> &str {
    ALIASES
        .iter()
        .find(|(old, _)| *old == id)
        .map_or(id, |(_, new)| new)
}

/// Violation codes (suspicious but accepted input, [`crate::error::Violation`])
/// that are the input-side trace of a catalogue mistake: the request holds
/// what a signer making that mistake gets wrong.
const VIOLATION_MISTAKES: &[(&str, &str)] = &[
    ("method-not-uppercase", "method-not-uppercased"),
    ("default-port-in-url", "default-port-kept"),
    ("uppercase-scheme", "host-case-kept"),
    ("uppercase-host", "host-case-kept"),
    ("form-shaped-body-not-signed", "non-form-body-signed"),
    ("plus-is-space", "plus-kept-literal"),
    ("lowercase-hex", "lowercase-hex"),
    ("signature-plus-became-space", "signature-not-encoded"),
    (
        "signature-double-encoded",
        "signature-double-encoded-in-header",
    ),
    ("timestamp-milliseconds", "timestamp-milliseconds"),
    ("timestamp-skew", "timestamp-skew"),
];

/// The catalogue mistake a violation code is the trace of, if any.
pub fn mistake_for_violation(code: &str) -> Option<&'static str> {
    VIOLATION_MISTAKES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

/// The position of `id` in [`catalogue`] (looked up in a table made on
/// first use: a hunt asks for every form of every mistake).
pub(crate) fn index_of(id: &str) -> Option<usize> {
    type Index = std::collections::HashMap<&'static str, usize, foldhash::fast::FixedState>;
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut t = Index::default();
            // The first entry with an id wins, as a scan from the start finds.
            for (i, m) in CATALOGUE.iter().enumerate().rev() {
                t.insert(m.id, i);
            }
            t
        })
        .get(id)
        .copied()
}

/// One checkbox of Postman's OAuth 1.0 helper and what it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PostmanOption {
    /// The option's name in Postman's collection format.
    pub name: &'static str,
    /// The checkbox's label in the app.
    pub label: &'static str,
    /// What turning it on changes in the signed or sent request.
    pub effect: &'static str,
    /// Catalogue ids that name what it produces, when it departs from RFC 5849.
    pub mistakes: &'static [&'static str],
}

static POSTMAN: &[PostmanOption] = &[
    PostmanOption {
        name: "addEmptyParamsToSign",
        label: "Add empty parameters to signature",
        effect: "signs empty oauth_token / oauth_version as `name=`; with header placement the header builder then drops them, so they are signed but not sent (with query placement they are sent and verify)",
        mistakes: &["empty-token-signed"],
    },
    PostmanOption {
        name: "includeBodyHash",
        label: "Include body hash",
        effect: "adds oauth_body_hash (base64 digest of the raw body with the method's own hash) for raw/file/graphql bodies, never for form bodies; on a GET it hashes a body Postman does not send",
        mistakes: &["postman-body-hash-of-unsent-body"],
    },
    PostmanOption {
        name: "addParamsToHeader",
        label: "Add authorization data to: Request Headers",
        effect: "on: parameters go in `Authorization: OAuth …` (comma, no space); off: into the form body for POST/PUT with a form body, otherwise the query (then the request setting disableUrlEncoding sends oauth_signature unencoded)",
        mistakes: &["signature-not-encoded"],
    },
    PostmanOption {
        name: "disableHeaderEncoding",
        label: "Encode the parameters in the Authorization header (unchecked)",
        effect: "header values are written raw instead of percent-encoded; harmless for a verifier until a value holds `%` or `\"`",
        mistakes: &[],
    },
];

/// Postman's OAuth 1.0 checkboxes mapped to what they change.
pub fn postman_options() -> &'static [PostmanOption] {
    POSTMAN
}

/// Postman's own departures from RFC 5849 that are catalogue entries.
pub const POSTMAN_DEPARTURES: &[&str] = &[
    "empty-token-signed",
    "postman-body-hash-of-unsent-body",
    "postman-unsigned-on-bad-encoding",
    "postman-consumer-key-untrimmed",
    "postman-blank-token-secret",
    "postman-port-dropped",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_in_pipeline_order() {
        let mut seen = std::collections::HashSet::new();
        for (i, m) in CATALOGUE.iter().enumerate() {
            assert!(seen.insert(m.id), "duplicate id {}", m.id);
            assert!(
                m.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                m.id
            );
            assert!(!m.signers.is_empty() && !m.fix.is_empty(), "{}", m.id);
            assert!(
                m.section.starts_with("RFC 5849 §") || m.section.starts_with("OAuth Request"),
                "{}",
                m.id
            );
            if i > 0 {
                assert!(CATALOGUE[i - 1].stage <= m.stage, "{} out of order", m.id);
            }
        }
        assert!(CATALOGUE.len() >= 40, "{} entries", CATALOGUE.len());
        // The search keeps the groups in use in a 64-bit mask.
        let mut groups: Vec<&str> = CATALOGUE.iter().map(|m| m.group).collect();
        groups.sort_unstable();
        groups.dedup();
        assert!(groups.len() <= 64, "{} groups", groups.len());
    }

    #[test]
    fn aliases_and_violation_traces_point_into_the_catalogue() {
        for (old, new) in ALIASES {
            assert!(
                mistake(old).is_none(),
                "alias {old} is still a catalogue id"
            );
            assert!(mistake(new).is_some(), "{old} -> {new}: not a catalogue id");
            assert_eq!(canonical(old), *new);
        }
        assert_eq!(canonical("default-port-kept"), "default-port-kept");
        for (code, id) in VIOLATION_MISTAKES {
            assert!(mistake(id).is_some(), "{code} -> {id}");
        }
        assert_eq!(
            mistake_for_violation("default-port-in-url"),
            Some("default-port-kept")
        );
        assert_eq!(mistake_for_violation("curl-basic-auth"), None);
    }

    #[test]
    fn every_postman_reference_is_a_catalogue_id() {
        for o in POSTMAN {
            for id in o.mistakes {
                assert!(mistake(id).is_some(), "{id}");
            }
        }
        for id in POSTMAN_DEPARTURES {
            assert!(mistake(id).is_some(), "{id}");
        }
    }
}
