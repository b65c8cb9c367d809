//! What one path answers: a normal response or a chosen misbehaviour.

use std::time::Duration;

/// How a [`Route`] answers once its delay (if any) has passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Behavior {
    /// A complete response with `Content-Length`.
    Normal,
    /// Close the connection without writing a single byte.
    Refuse,
    /// Send the head with a large `Content-Length`, then one body byte per `every`.
    Slowloris { every: Duration },
    /// Stream `len` bytes of JSON-looking text, chunked, no `Content-Length`.
    Huge { len: u64 },
    /// Declare `declared` bytes in `Content-Length`, send fewer, then close.
    Truncated { declared: u64 },
}

/// What the server answers on one path. Build it with a constructor, then chain modifiers:
///
/// ```
/// use std::time::Duration;
/// use vigie_testkit::Route;
///
/// let route = Route::json(r#"{"status":"ok"}"#)
///     .with_etag("v1")
///     .with_header("Cache-Control", "max-age=30")
///     .delay(Duration::from_millis(50));
/// # let _ = route;
/// ```
#[derive(Clone, Debug)]
pub struct Route {
    pub(crate) status: u16,
    /// Empty means: send no `Content-Type` header.
    pub(crate) content_type: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// Stored quoted (`"v1"` or `W/"v1"`), exactly as sent in the `ETag` header.
    pub(crate) etag: Option<String>,
    pub(crate) delay: Option<Duration>,
    pub(crate) behavior: Behavior,
}

/// Body length announced by [`Route::slowloris`]: at one byte a second it never ends in a test.
const SLOWLORIS_LEN: usize = 64 * 1024;

/// Extra bytes [`Route::truncated`] announces beyond what it sends.
pub const TRUNCATED_MISSING: u64 = 1024;

impl Route {
    /// `200 OK`, `Content-Type: application/json`, the given body.
    pub fn json(body: impl Into<Vec<u8>>) -> Route {
        Route::body(200, "application/json", body)
    }

    /// Any status, content type and body. An empty `content_type` sends no `Content-Type`.
    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Route {
        Route {
            status,
            content_type: content_type.to_owned(),
            headers: Vec::new(),
            body: body.into(),
            etag: None,
            delay: None,
            behavior: Behavior::Normal,
        }
    }

    /// Close the connection as soon as the request is read, without answering anything
    /// (the client sees the connection closed before a response, e.g. "connection closed
    /// before message completed" / "empty reply from server").
    pub fn refuse() -> Route {
        Route {
            behavior: Behavior::Refuse,
            ..Route::body(200, "", Vec::new())
        }
    }

    /// `200`, JSON content type, send the head announcing a 64 KiB body, then trickle
    /// the body one byte per second (for read/total timeouts).
    pub fn slowloris() -> Route {
        Route::slowloris_every(Duration::from_secs(1))
    }

    /// Like [`Route::slowloris`] with another pace between bytes.
    pub fn slowloris_every(every: Duration) -> Route {
        Route {
            behavior: Behavior::Slowloris { every },
            ..Route::body(200, "application/json", json_looking(SLOWLORIS_LEN as u64))
        }
    }

    /// `200`, JSON content type, a body of exactly `n_bytes` bytes of JSON-looking text
    /// (`[{"name":"component","status":"operational"},...`, cut at `n_bytes`, so not valid
    /// JSON), sent with `Transfer-Encoding: chunked` and no `Content-Length`, generated
    /// on the fly (nothing of that size is held in memory).
    pub fn huge(n_bytes: u64) -> Route {
        Route {
            behavior: Behavior::Huge { len: n_bytes },
            ..Route::body(200, "application/json", Vec::new())
        }
    }

    /// `200`, JSON content type, `Content-Length` = `body.len() + 1024`, send `body`,
    /// then close: the client sees a truncated body.
    pub fn truncated(body: impl Into<Vec<u8>>) -> Route {
        let body = body.into();
        let declared = body.len() as u64 + TRUNCATED_MISSING;
        Route {
            behavior: Behavior::Truncated { declared },
            ..Route::body(200, "application/json", body)
        }
    }

    /// A redirect (`301`, `302`, `307`, `308`...) to `location`, empty body.
    pub fn redirect(status: u16, location: &str) -> Route {
        Route::body(status, "", Vec::new()).with_header("Location", location)
    }

    /// Adds a response header (sent after the built-in ones). A `Content-Type` given here
    /// replaces the route's own.
    pub fn with_header(mut self, name: &str, value: &str) -> Route {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sends `ETag: "tag"` (quotes added unless `tag` is already quoted or `W/"..."`), and
    /// answers `304 Not Modified` with an empty body when the request's `If-None-Match`
    /// lists that tag (weak comparison) or is `*`.
    pub fn with_etag(mut self, tag: &str) -> Route {
        let tag = tag.trim();
        let quoted = if tag.starts_with('"') || tag.starts_with("W/\"") {
            tag.to_owned()
        } else {
            format!("\"{tag}\"")
        };
        self.etag = Some(quoted);
        self
    }

    /// Changes the status code (e.g. `Route::json(b"{}").with_status(503)`).
    pub fn with_status(mut self, status: u16) -> Route {
        self.status = status;
        self
    }

    /// Waits `delay` after reading the request before doing anything else (answering,
    /// refusing, trickling...). For client timeouts.
    pub fn delay(mut self, delay: Duration) -> Route {
        self.delay = Some(delay);
        self
    }

    /// True when `if_none_match` (a request header value) matches this route's ETag.
    pub(crate) fn etag_matches(&self, if_none_match: &str) -> bool {
        let Some(ours) = &self.etag else {
            return false;
        };
        let ours = strip_weak(ours);
        if_none_match
            .split(',')
            .map(str::trim)
            .any(|theirs| theirs == "*" || strip_weak(theirs) == ours)
    }
}

fn strip_weak(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// The repeating unit of JSON-looking filler.
pub(crate) const FILLER: &[u8] = br#"{"name":"component","status":"operational"},"#;

/// `n` bytes of `[` followed by repeated [`FILLER`], cut at `n`. Only for small `n`.
pub(crate) fn json_looking(n: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(n as usize);
    if n > 0 {
        out.push(b'[');
    }
    while (out.len() as u64) < n {
        let left = n as usize - out.len();
        out.extend_from_slice(&FILLER[..left.min(FILLER.len())]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_quoted_and_matched_weakly() {
        let r = Route::json("{}").with_etag("abc");
        assert_eq!(r.etag.as_deref(), Some("\"abc\""));
        assert!(r.etag_matches("\"abc\""));
        assert!(r.etag_matches("W/\"abc\""));
        assert!(r.etag_matches("\"x\", \"abc\""));
        assert!(r.etag_matches("*"));
        assert!(!r.etag_matches("\"abd\""));
        assert!(!Route::json("{}").etag_matches("*"));
        let weak = Route::json("{}").with_etag("W/\"w\"");
        assert_eq!(weak.etag.as_deref(), Some("W/\"w\""));
        assert!(weak.etag_matches("\"w\""));
    }

    #[test]
    fn json_looking_has_exact_length() {
        for n in [0u64, 1, 2, 45, 46, 47, 1000] {
            let v = json_looking(n);
            assert_eq!(v.len() as u64, n);
        }
        assert!(json_looking(100).starts_with(b"[{\"name\""));
    }
}
