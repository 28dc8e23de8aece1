//! Where articles come from: a `SOURCE` of `greenlight read`/`check` and of the web's check
//! (a file path, `-` for stdin, or an `http(s)` URL), read into bytes under a size cap, then
//! recognised as an RSS/Atom feed (every item one [`Article`]), an HTML page or plain text.
//!
//! Every failure is a [`NewsError::Input`] naming the file, URL or feed item, so a bad source
//! is reported where it is and nothing downstream runs on half of it.

use crate::{Article, NewsError};
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

/// How much may be read and how long a fetch may take. The defaults suit a news page or feed
/// (a long article is ~100 KB of HTML; a feed with full content a few MB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes read from any one source (a file, stdin, a response body).
    pub max_bytes: u64,
    /// Connecting to the host, per address tried.
    pub connect_timeout: Duration,
    /// The whole fetch, redirects and body included: a server that trickles bytes cannot hold
    /// a read forever.
    pub timeout: Duration,
    /// Redirects followed before the fetch fails.
    pub max_redirects: u32,
    /// The most items of one feed; a feed with more is refused, not cut short.
    pub max_items: usize,
    /// Whether a URL may reach loopback, private, link-local or otherwise non-public addresses.
    /// The CLI allows it (a person fetching their own network); the web refuses it (SSRF) unless
    /// its test-only switch is on.
    pub allow_private: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 8 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_items: 500,
            allow_private: true,
        }
    }
}

/// A source as named on the command line or in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Url(String),
    Path(std::path::PathBuf),
}

impl Source {
    /// `-` is stdin, `http://`/`https://` a URL, anything else a path.
    pub fn parse(s: &str) -> Source {
        let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
        if s == "-" {
            Source::Stdin
        } else if lower.starts_with("http://") || lower.starts_with("https://") {
            Source::Url(s.to_string())
        } else {
            Source::Path(s.into())
        }
    }

    /// How messages name it.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "stdin".into(),
            Source::Url(u) => u.clone(),
            Source::Path(p) => p.display().to_string(),
        }
    }
}

/// What a source turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Feed,
    Html,
    Text,
}

fn input_error(what: &str, message: impl Into<String>) -> NewsError {
    NewsError::Input {
        what: what.to_string(),
        message: message.into(),
    }
}

/// Reads `source` (a path, `-` or a URL) into its articles: one for a page or a text, one per
/// item for a feed.
pub fn read_source(source: &str, limits: &Limits) -> Result<Vec<Article>, NewsError> {
    let src = Source::parse(source);
    let what = src.name();
    let (bytes, url, content_type) = match &src {
        Source::Stdin => (
            read_capped(std::io::stdin().lock(), &what, limits)?,
            None,
            None,
        ),
        Source::Path(p) => (read_file(p, limits)?, None, None),
        Source::Url(u) => {
            let (bytes, ct) = fetch(u, limits)?;
            (bytes, Some(u.as_str()), ct)
        }
    };
    articles_from_bytes(&bytes, url, content_type.as_deref(), &what, limits)
}

fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, NewsError> {
    let what = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| input_error(&what, e.to_string()))?;
    read_capped(f, &what, limits)
}

/// Reads at most `max_bytes` (one more, to tell a source that is exactly at the cap from one
/// that is over it).
fn read_capped(r: impl Read, what: &str, limits: &Limits) -> Result<Vec<u8>, NewsError> {
    let mut buf = Vec::new();
    r.take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| input_error(what, e.to_string()))?;
    if buf.len() as u64 > limits.max_bytes {
        return Err(too_big(what, limits.max_bytes));
    }
    Ok(buf)
}

fn too_big(what: &str, max: u64) -> NewsError {
    input_error(
        what,
        format!("larger than the {max}-byte limit; nothing was read from it"),
    )
}

/// What the bytes are: a feed when the content type says so or the document's root element
/// is `<rss>`, `<feed>` or `<rdf:RDF>`; HTML when the type says so or it starts with markup;
/// otherwise text.
pub fn detect(bytes: &[u8], content_type: Option<&str>) -> Kind {
    let ct = content_type
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if matches!(
        ct.as_str(),
        "application/rss+xml" | "application/atom+xml" | "application/rdf+xml"
    ) {
        return Kind::Feed;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if let Some(root) = root_element(head) {
        if root == "rss" || root == "feed" || root == "rdf:rdf" {
            return Kind::Feed;
        }
        return Kind::Html;
    }
    if ct == "text/html" || ct == "application/xhtml+xml" {
        return Kind::Html;
    }
    Kind::Text
}

/// The name of the first element of a document that starts with markup (after any XML
/// declaration, comments and doctype), lowercased; `None` when the text does not start with `<`.
fn root_element(head: &str) -> Option<String> {
    let mut rest = head;
    // Bounded: each round consumes at least one character of `head`.
    for _ in 0..64 {
        rest = rest.trim_start();
        if !rest.starts_with('<') {
            return None;
        }
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>").map_or("", |(_, r)| r);
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map_or("", |(_, r)| r);
        } else if let Some(r) = rest.strip_prefix("<!") {
            // A doctype: `<!doctype html>` says HTML even when the root is cut off.
            if r.starts_with("doctype html") {
                return Some("html".into());
            }
            rest = r.split_once('>').map_or("", |(_, r)| r);
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_'))
                .collect();
            return (!name.is_empty()).then_some(name);
        }
    }
    None
}

/// The articles in `bytes` read from `what` (at `url`, when fetched).
pub fn articles_from_bytes(
    bytes: &[u8],
    url: Option<&str>,
    content_type: Option<&str>,
    what: &str,
    limits: &Limits,
) -> Result<Vec<Article>, NewsError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_big(what, limits.max_bytes));
    }
    match detect(bytes, content_type) {
        Kind::Feed => feed_articles(bytes, what, limits),
        kind => {
            let text = decode(bytes, content_type, kind == Kind::Html, what)?;
            let text = text.as_ref();
            if text.trim().is_empty() {
                return Err(input_error(what, "is empty: there is no article to read"));
            }
            Ok(vec![match kind {
                Kind::Html => Article::from_html(text, url),
                _ => Article {
                    url: url.map(str::to_string),
                    ..Article::from_text(text)
                },
            }])
        }
    }
}

/// One article from text typed or pasted (the web's form and API): HTML when it starts with
/// markup, plain text otherwise.
pub fn article_from_pasted(text: &str, url: Option<&str>) -> Article {
    match detect(text.as_bytes(), None) {
        Kind::Text => Article {
            url: url.map(str::to_string),
            ..Article::from_text(text)
        },
        _ => Article::from_html(text, url),
    }
}

/// The text of `bytes`: a byte-order mark decides, else the `charset` of the content type,
/// else (for HTML) a `<meta charset>` near the top, else UTF-8. Bytes that are not valid in
/// that encoding are refused, never replaced, so no character of the article is silently lost.
fn decode<'a>(
    bytes: &'a [u8],
    content_type: Option<&str>,
    html: bool,
    what: &str,
) -> Result<std::borrow::Cow<'a, str>, NewsError> {
    let declared = content_type
        .and_then(charset_param)
        .or_else(|| html.then(|| meta_charset(bytes)).flatten());
    let encoding = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, _)) => Some(enc),
        None => match declared {
            Some(label) => Some(
                encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                    input_error(
                        what,
                        format!(
                            "declares the charset {label:?}, which is not one greenlight can read"
                        ),
                    )
                })?,
            ),
            None => None,
        },
    };
    match encoding {
        None => utf8(bytes, what).map(std::borrow::Cow::Borrowed),
        Some(enc) if enc == encoding_rs::UTF_8 => utf8(bytes, what).map(std::borrow::Cow::Borrowed),
        Some(enc) => {
            let body = match encoding_rs::Encoding::for_bom(bytes) {
                Some((_, n)) => &bytes[n..],
                None => bytes,
            };
            enc.decode_without_bom_handling_and_without_replacement(body)
                .ok_or_else(|| input_error(what, format!("is not valid {} text", enc.name())))
        }
    }
}

/// `charset=X` of a content type.
fn charset_param(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    })
}

/// The charset an HTML page declares in its first 2 KB: `<meta charset="X">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=X">`.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")?;
    head[..at].rfind("<meta")?;
    let rest = head[at + "charset=".len()..].trim_start_matches(['"', '\'', ' ']);
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!label.is_empty()).then_some(label)
}

fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, NewsError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        input_error(
            what,
            format!(
                "is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Every item of an RSS or Atom feed as an article: the item's title, link and publication
/// date (its `updated` date when it has no `published`), its content (else its summary) read
/// as HTML. The feed's own title is not taken for the outlet (an aggregator's feed names
/// itself, not each item's publisher): the outlet is what the item's page declares, else its
/// link's host ([`crate::outlets`]). An item with neither content nor summary is refused, naming it: a feed of
/// headlines only has no claims to read.
fn feed_articles(bytes: &[u8], what: &str, limits: &Limits) -> Result<Vec<Article>, NewsError> {
    let feed = feed_rs::parser::parse(bytes)
        .map_err(|e| input_error(what, format!("is not a readable RSS/Atom feed: {e}")))?;
    if feed.entries.len() > limits.max_items {
        return Err(input_error(
            what,
            format!(
                "has {} items, more than the limit of {}; nothing was read from it",
                feed.entries.len(),
                limits.max_items
            ),
        ));
    }
    let mut out = Vec::with_capacity(feed.entries.len());
    for (i, e) in feed.entries.iter().enumerate() {
        let title = e.title.as_ref().map(|t| t.content.trim().to_string());
        let link = e.links.first().map(|l| l.href.trim().to_string());
        let item = format!(
            "{what}, item {} ({})",
            i + 1,
            title.as_deref().or(link.as_deref()).unwrap_or("untitled")
        );
        let body = e
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| e.summary.as_ref().map(|s| s.content.clone()))
            .filter(|b| !b.trim().is_empty())
            .ok_or_else(|| input_error(&item, "has neither content nor a summary to read"))?;
        let mut a = Article::from_html(&body, link.as_deref());
        if title.is_some() {
            a.title = title;
        }
        if link.is_some() {
            a.url = link;
        }
        if let Some(d) = e.published.or(e.updated) {
            a.published = Some(d.date_naive());
        }
        out.push(a);
    }
    Ok(out)
}

/// Whether an address is one a fetch on someone else's behalf must not reach: loopback,
/// private (RFC 1918, unique-local), link-local, carrier-grade NAT, unspecified, broadcast,
/// multicast, documentation ranges, Teredo and site-local IPv6, and IPv4 addresses written as
/// IPv6 (mapped, compatible, NAT64, 6to4), each judged as the IPv4 address it carries.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // An IPv4 address carried inside an IPv6 one reaches that IPv4 host: NAT64
            // (64:ff9b::/96, RFC 6052, and the local-use 64:ff9b:1::/48, RFC 8215) in its last
            // 32 bits, 6to4 (2002::/16, RFC 3056) in bits 16..48. Checked as that IPv4 address.
            let embedded = |hi: u16, lo: u16| {
                std::net::Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
            };
            if s[0] == 0x64 && s[1] == 0xff9b && (s[2..6] == [0, 0, 0, 0] || s[2] == 1) {
                return is_private(IpAddr::V4(embedded(s[6], s[7])));
            }
            if s[0] == 0x2002 {
                return is_private(IpAddr::V4(embedded(s[1], s[2])));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                // Teredo (2001::/32, RFC 4380): the client's IPv4 address is obfuscated in the
                // last 32 bits and may be anything; no webhook or feed needs it.
                || (s[0] == 0x2001 && s[1] == 0)
                // Site-local (fec0::/10, deprecated by RFC 3879 but still routed locally).
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0)
        }
    }
}

/// ureq's own resolver, with every non-public address refused: checked on each connection
/// (redirects included) at the moment of connecting, so neither a redirect nor a DNS answer
/// that changes between a check and the connect can reach the local network.
#[derive(Debug, Default)]
struct PublicOnly(ureq::unversioned::resolver::DefaultResolver);

impl ureq::unversioned::resolver::Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.0.resolve(uri, config, timeout)?;
        if let Some(a) = addrs.iter().find(|a| is_private(a.ip())) {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "{} resolves to {}, a loopback or private address, which this server does not fetch",
                    uri.host().unwrap_or(""),
                    a.ip()
                ),
            )));
        }
        Ok(addrs)
    }
}

/// Fetches `url` under `limits`: the body (at most `max_bytes`) and its content type. Any
/// status but 2xx is an error naming the URL and the status.
pub fn fetch(url: &str, limits: &Limits) -> Result<(Vec<u8>, Option<String>), NewsError> {
    match fetch_conditional(url, limits, &Validators::default())? {
        Fetched::Body {
            bytes,
            content_type,
            ..
        } => Ok((bytes, content_type)),
        // Without validators a server has nothing to answer 304 to; one that does anyway sent
        // no body to read.
        Fetched::NotModified => Err(input_error(
            url,
            "the server answered 304 Not Modified to a request that named no version; nothing was read",
        )),
    }
}

/// What a previous fetch of a URL answered, sent back so an unchanged resource costs a 304
/// (`If-None-Match`, `If-Modified-Since`): the scheduled sync's conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A conditional fetch's answer: the resource is as it was, or here it is with its new
/// validators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    NotModified,
    Body {
        bytes: Vec<u8>,
        content_type: Option<String>,
        validators: Validators,
    },
}

/// [`fetch`] with the validators of the previous answer: 304 is [`Fetched::NotModified`]. A
/// body shorter than its declared Content-Length (a connection cut mid-file) is an error, so a
/// truncated file is never taken for a whole one.
pub fn fetch_conditional(
    url: &str,
    limits: &Limits,
    validators: &Validators,
) -> Result<Fetched, NewsError> {
    let builder = ureq::Agent::config_builder();
    // A proxy from the environment would be resolved instead of the URL's host, past the
    // check below: a fetch on someone else's behalf goes direct.
    let builder = if limits.allow_private {
        builder
    } else {
        builder.proxy(None)
    };
    let config = builder
        .http_status_as_error(false)
        .timeout_connect(Some(limits.connect_timeout))
        .timeout_global(Some(limits.timeout))
        .max_redirects(limits.max_redirects)
        .max_redirects_will_error(true)
        .user_agent(concat!("greenlight/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = if limits.allow_private {
        ureq::Agent::new_with_config(config)
    } else {
        ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            PublicOnly::default(),
        )
    };
    let fail = |e: ureq::Error| input_error(url, fetch_message(&e, limits));
    let mut req = agent.get(url);
    if let Some(e) = &validators.etag {
        req = req.header(ureq::http::header::IF_NONE_MATCH, e);
    }
    if let Some(m) = &validators.last_modified {
        req = req.header(ureq::http::header::IF_MODIFIED_SINCE, m);
    }
    let mut resp = req.call().map_err(fail)?;
    let status = resp.status();
    if status == ureq::http::StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(input_error(
            url,
            format!(
                "the server answered {} {}; nothing was read",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string(),
        ));
    }
    let header = |name: ureq::http::header::HeaderName| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let ct = header(ureq::http::header::CONTENT_TYPE);
    let got = Validators {
        etag: header(ureq::http::header::ETAG),
        last_modified: header(ureq::http::header::LAST_MODIFIED),
    };
    let declared =
        header(ureq::http::header::CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared {
        if n > limits.max_bytes {
            return Err(too_big(url, limits.max_bytes));
        }
    }
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| match (declared, &e) {
            // A connection closed before the declared length arrived: say what that is.
            (Some(n), ureq::Error::Io(_) | ureq::Error::Protocol(_)) => input_error(
                url,
                format!(
                    "truncated: the server declared {n} bytes and the connection ended before all of them arrived ({}); nothing was read",
                    fetch_message(&e, limits)
                ),
            ),
            _ => fail(e),
        })?;
    if let Some(n) = declared {
        if bytes.len() as u64 != n {
            return Err(input_error(
                url,
                format!(
                    "truncated: the server declared {n} bytes and sent {}; nothing was read",
                    bytes.len()
                ),
            ));
        }
    }
    Ok(Fetched::Body {
        bytes,
        content_type: ct,
        validators: got,
    })
}

/// A fetch failure in words: what happened, with the limit it hit.
fn fetch_message(e: &ureq::Error, limits: &Limits) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "timed out (the limit is {} s to connect, {} s for the whole fetch); nothing was read",
            limits.connect_timeout.as_secs(),
            limits.timeout.as_secs()
        ),
        ureq::Error::TooManyRedirects => format!(
            "more than {} redirects; nothing was read",
            limits.max_redirects
        ),
        ureq::Error::BodyExceedsLimit(_) => format!(
            "larger than the {}-byte limit; nothing was read from it",
            limits.max_bytes
        ),
        ureq::Error::HostNotFound => "the host name could not be resolved".into(),
        ureq::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_told_apart() {
        assert_eq!(Source::parse("-"), Source::Stdin);
        assert_eq!(
            Source::parse("HTTPS://x.test/a"),
            Source::Url("HTTPS://x.test/a".into())
        );
        assert_eq!(Source::parse("a.html"), Source::Path("a.html".into()));
    }

    #[test]
    fn detection_reads_the_root_element() {
        assert_eq!(detect(b"<?xml version=\"1.0\"?>\n<rss>", None), Kind::Feed);
        assert_eq!(
            detect(b"\xef\xbb\xbf<?xml version=\"1.0\"?><!-- c --><feed xmlns=\"http://www.w3.org/2005/Atom\">", None),
            Kind::Feed
        );
        assert_eq!(detect(b"<!DOCTYPE html><html>", None), Kind::Html);
        assert_eq!(detect(b"  <p>Hello</p>", None), Kind::Html);
        assert_eq!(detect(b"Partner Track was canceled.", None), Kind::Text);
        assert_eq!(detect(b"Hi", Some("application/rss+xml")), Kind::Feed);
        assert_eq!(detect(b"Hi", Some("text/html; charset=utf-8")), Kind::Html);
        assert_eq!(detect(b"Hi <b>", Some("text/plain")), Kind::Text);
    }

    #[test]
    fn private_addresses_are_refused() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::c0a8:101",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "fec0::1",
            "100.127.255.255",
            "198.18.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "224.0.0.1",
            "ff02::1",
            "::",
        ] {
            assert!(is_private(a.parse().unwrap()), "{a}");
        }
        // Public hosts, also when written inside NAT64 and 6to4 addresses.
        for a in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "100.128.0.1",
        ] {
            assert!(!is_private(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn a_source_over_the_cap_is_refused_whole() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let e = read_capped(&b"0123456789A"[..], "x.txt", &limits).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.txt: larger than the 10-byte limit"),
            "{e}"
        );
        assert_eq!(
            read_capped(&b"0123456789"[..], "x.txt", &limits)
                .unwrap()
                .len(),
            10
        );
    }

    #[test]
    fn non_utf8_and_empty_texts_are_refused_with_their_name() {
        let l = Limits::default();
        let e = articles_from_bytes(b"ok \xff", None, None, "a.txt", &l).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.txt: is not UTF-8 text (invalid byte at offset 3)"
        );
        let e = articles_from_bytes(b"  \n", None, None, "b.txt", &l).unwrap_err();
        assert!(e.to_string().starts_with("b.txt: is empty"), "{e}");
    }

    #[test]
    fn declared_charsets_are_read_and_bad_bytes_refused() {
        let l = Limits::default();
        let latin1 = b"<p>Lupin est un succ\xe8s: la saison 2 arrive.</p>";
        let a = articles_from_bytes(
            latin1,
            None,
            Some("text/html; charset=ISO-8859-1"),
            "a.html",
            &l,
        )
        .unwrap();
        assert!(a[0].text.contains("succès"), "{}", a[0].text);
        let meta =
            b"<html><head><meta charset=\"windows-1252\"></head><body><p>Caf\xe9</p></body></html>";
        let a = articles_from_bytes(meta, None, None, "b.html", &l).unwrap();
        assert!(a[0].text.contains("Café"), "{}", a[0].text);
        let e = articles_from_bytes(
            b"<p>x</p>",
            None,
            Some("text/html; charset=klingon"),
            "c.html",
            &l,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.html: declares the charset \"klingon\", which is not one greenlight can read"
        );
        // Declared UTF-8 (or nothing) with bytes that are not: refused, not replaced.
        let e = articles_from_bytes(
            b"<p>succ\xe8s</p>",
            None,
            Some("text/html; charset=utf-8"),
            "d.html",
            &l,
        )
        .unwrap_err();
        assert!(e.to_string().contains("is not UTF-8"), "{e}");
        let e = articles_from_bytes(
            b"\x81\x20",
            None,
            Some("text/plain; charset=shift_jis"),
            "e.txt",
            &l,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "e.txt: is not valid Shift_JIS text");
    }

    #[test]
    fn a_feed_without_item_text_names_the_item() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
            <item><title>One</title><link>https://a.test/1</link><description>Body one</description></item>
            <item><title>Two</title><link>https://a.test/2</link></item></channel></rss>"#;
        let e = articles_from_bytes(rss, None, None, "f.xml", &Limits::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.xml, item 2 (Two): has neither content nor a summary to read"
        );
        let limits = Limits {
            max_items: 1,
            ..Limits::default()
        };
        let e = articles_from_bytes(rss, None, None, "f.xml", &limits).unwrap_err();
        assert!(
            e.to_string()
                .contains("has 2 items, more than the limit of 1"),
            "{e}"
        );
    }
}
