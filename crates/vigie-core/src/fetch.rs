//! HTTP: one shared client, conditional requests, a body cap, and errors sorted by what they say
//! about the network (a refused connection says "maybe offline"; an HTTP 403 says "blocked").

use std::time::Duration;

use crate::store::CachedResponse;

/// Bodies above this are refused: the largest real status document (Google Cloud's incidents.json)
/// is ~170 KB, so 4 MiB leaves room without letting a hostile server fill memory.
pub const MAX_BODY: usize = 4 * 1024 * 1024;

pub const USER_AGENT: &str = concat!(
    "Vigie/",
    env!("CARGO_PKG_VERSION"),
    " (desktop status monitor; polls public status pages politely)"
);

/// A transport-level failure. `Connect` is what counts towards "the machine is offline".
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("connection refused")]
    Refused,
    #[error("cannot connect: {0}")]
    Connect(String),
    /// This machine has no route to the host (`ENETUNREACH`): a fact about the machine, not the
    /// page, so it alone says "offline".
    #[error("network unreachable: {0}")]
    NoNetwork(String),
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("response larger than {} MiB, refused", MAX_BODY / (1024 * 1024))]
    TooLarge,
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Does this failure look like the network (or the machine) rather than the page?
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            FetchError::Refused
                | FetchError::Connect(_)
                | FetchError::NoNetwork(_)
                | FetchError::Timeout(_)
        )
    }
}

/// An HTTP answer, whatever its status.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub retry_after: Option<Duration>,
    /// The server said 304 and `body` is the stored one.
    pub not_modified: bool,
}

pub fn client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .timeout(timeout)
        .gzip(true)
        .brotli(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
}

/// GET `url`, conditional on `cached` validators; a 304 returns the cached body.
pub async fn get(
    client: &reqwest::Client,
    url: &str,
    cached: Option<&CachedResponse>,
    timeout: Duration,
) -> Result<Response, FetchError> {
    let mut req = client.get(url);
    if let Some(c) = cached {
        if let Some(e) = &c.etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, e);
        }
        if let Some(l) = &c.last_modified {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, l);
        }
    }
    send(req, cached, timeout).await
}

/// POST `body` with `headers` (RPC-style status APIs such as AI Studio's); never conditional.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &'static [u8],
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<Response, FetchError> {
    let mut req = client.post(url).body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(req, None, timeout).await
}

/// Send, then read the answer within the body cap; a 304 returns the cached body.
async fn send(
    req: reqwest::RequestBuilder,
    cached: Option<&CachedResponse>,
    timeout: Duration,
) -> Result<Response, FetchError> {
    let mut resp = req.send().await.map_err(|e| classify(e, timeout))?;
    let status = resp.status().as_u16();
    let header = |name| {
        resp.headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let etag = header(reqwest::header::ETAG);
    let last_modified = header(reqwest::header::LAST_MODIFIED);
    let retry_after = header(reqwest::header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
    if status == 304 {
        if let Some(c) = cached {
            return Ok(Response {
                status: 200,
                body: c.body.clone(),
                etag: etag.or_else(|| c.etag.clone()),
                last_modified: last_modified.or_else(|| c.last_modified.clone()),
                retry_after,
                not_modified: true,
            });
        }
    }
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(e, timeout))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response {
        status,
        body,
        etag,
        last_modified,
        retry_after,
        not_modified: false,
    })
}

/// The OS said there is no route at all (no link, no default route): `ENETUNREACH`.
fn no_route(chain: &str) -> bool {
    chain.contains("Network is unreachable") || chain.contains("os error 101")
}

fn classify(e: reqwest::Error, timeout: Duration) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout(timeout);
    }
    let chain = error_chain(&e);
    if chain.contains("Connection refused") || chain.contains("connection refused") {
        FetchError::Refused
    } else if e.is_connect() && no_route(&chain) {
        FetchError::NoNetwork(chain)
    } else if e.is_connect() {
        FetchError::Connect(chain)
    } else if e.is_redirect() {
        FetchError::Other(format!("too many redirects: {chain}"))
    } else if e.is_body() || e.is_decode() || e.is_request() {
        // Reset mid-body, truncated chunked encoding, bad gzip: the server answered, badly.
        FetchError::Other(format!("broken response: {chain}"))
    } else {
        FetchError::Other(chain)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

/// `Retry-After` as seconds or an HTTP date; capped at a day.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let d = match v.trim().parse::<u64>() {
        Ok(s) => Duration::from_secs(s),
        Err(_) => {
            let t = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
            (t.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(d.min(Duration::from_secs(86_400)))
}

/// Why a non-2xx answer means the page could not be read, in words a user can act on.
pub fn describe_status(status: u16, body: &[u8]) -> String {
    let html = crate::platform::looks_like_html(body);
    let what = match status {
        401 => "unauthorised",
        403 | 405 if html => "blocked by a CDN or bot challenge",
        403 => "forbidden",
        404 => "not found (the page may have moved platform)",
        429 => "rate limited",
        500..=599 => "server error",
        _ => "unexpected answer",
    };
    format!("HTTP {status} ({what})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("999999"),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn status_words() {
        assert_eq!(
            describe_status(403, b"<!DOCTYPE html><title>Just a moment...</title>"),
            "HTTP 403 (blocked by a CDN or bot challenge)"
        );
        assert_eq!(describe_status(503, b""), "HTTP 503 (server error)");
    }
}
