//! Just enough hand-written HTTP/1.1: read one request, write one response, close.

use std::fmt;
use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest request head accepted (request line + headers).
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted (control API bodies are fixtures, not uploads).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One parsed request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The target's path, as sent (no percent-decoding), without the query string.
    pub path: String,
    /// What follows `?` (without it), empty when none.
    pub query: String,
    /// Header names lowercased, values trimmed, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// First value of a query parameter, percent-decoded (`+` is a space).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k) == name).then(|| percent_decode(v))
        })
    }
}

#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed (or sent nothing) before a full request head.
    Closed,
    /// Not a request we can parse; the message goes into a 400.
    Bad(&'static str),
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Closed => f.write_str("connection closed before a full request"),
            ReadError::Bad(why) => f.write_str(why),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Bytes read from the socket but not consumed yet.
struct Buffered<'a, R> {
    reader: &'a mut R,
    buf: Vec<u8>,
}

impl<R: AsyncRead + Unpin> Buffered<'_, R> {
    /// Reads more; false on end of stream.
    async fn fill(&mut self) -> Result<bool, ReadError> {
        let mut chunk = [0u8; 8192];
        let n = self.reader.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// Takes exactly `n` bytes.
    async fn take(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        while self.buf.len() < n {
            if !self.fill().await? {
                return Err(ReadError::Bad("body shorter than announced"));
            }
        }
        let rest = self.buf.split_off(n);
        Ok(std::mem::replace(&mut self.buf, rest))
    }

    /// Takes one CRLF-terminated line (without the CRLF).
    async fn line(&mut self) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(i) = find(&self.buf, b"\r\n") {
                let mut line = self.take(i + 2).await?;
                line.truncate(i);
                return Ok(line);
            }
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::Bad("line too long"));
            }
            if !self.fill().await? {
                return Err(ReadError::Bad("stream ended inside a chunked body"));
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request: head, then a body by `Content-Length` or chunked encoding.
pub(crate) async fn read_request<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<Request, ReadError> {
    let mut input = Buffered {
        reader,
        buf: Vec::new(),
    };
    let head_end = loop {
        if let Some(i) = find(&input.buf, b"\r\n\r\n") {
            break i;
        }
        if input.buf.len() > MAX_HEAD {
            return Err(ReadError::Bad("request head too large"));
        }
        if !input.fill().await? {
            return Err(ReadError::Closed);
        }
    };
    let head = input.take(head_end + 4).await?;
    let head = std::str::from_utf8(&head[..head_end])
        .map_err(|_| ReadError::Bad("request head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad("malformed request line"));
    };
    if method.is_empty() || !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad("malformed request line"));
    }
    let target = strip_absolute_form(target);
    if !target.starts_with('/') {
        return Err(ReadError::Bad("request target must start with /"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad("malformed header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut request = Request {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body: Vec::new(),
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(&mut input).await?;
    } else if let Some(len) = request.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| ReadError::Bad("bad Content-Length"))?;
        if len > MAX_BODY {
            return Err(ReadError::Bad("request body too large"));
        }
        request.body = input.take(len).await?;
    }
    Ok(request)
}

/// `http://host:port/path` → `/path` (proxies' absolute form).
fn strip_absolute_form(target: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = target.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    target
}

async fn read_chunked<R: AsyncRead + Unpin>(
    input: &mut Buffered<'_, R>,
) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line = input.line().await?;
        let line = std::str::from_utf8(&line).map_err(|_| ReadError::Bad("bad chunk size"))?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| ReadError::Bad("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !input.line().await?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::Bad("request body too large"));
        }
        body.extend_from_slice(&input.take(size).await?);
        if !input.line().await?.is_empty() {
            return Err(ReadError::Bad("chunk not followed by CRLF"));
        }
    }
}

/// Decodes `%XX` escapes and `+`; invalid escapes are kept as they are.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reason phrase for the status line.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Builds a response head; `headers` are written in order, then `Connection: close`.
pub(crate) fn head(status: u16, headers: &[(String, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

/// Writes a complete small response (used for 400/404 and the control API).
pub(crate) async fn write_simple<W: AsyncWrite + Unpin>(
    w: &mut W,
    status: u16,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> io::Result<()> {
    let headers = vec![
        ("Content-Type".to_owned(), content_type.to_owned()),
        ("Content-Length".to_owned(), body.len().to_string()),
    ];
    w.write_all(&head(status, &headers)).await?;
    if with_body {
        w.write_all(body).await?;
    }
    w.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(raw: &[u8]) -> Result<Request, ReadError> {
        let mut r = raw;
        read_request(&mut r).await
    }

    #[tokio::test]
    async fn parses_head_query_and_body() {
        let req = parse(b"PUT /a/b.json?path=%2Fx&status=503 HTTP/1.1\r\nHost: h\r\nIf-None-Match:  \"e\" \r\nContent-Length: 3\r\n\r\nabc")
            .await
            .expect("parse");
        assert_eq!(req.method, "PUT");
        assert_eq!(req.path, "/a/b.json");
        assert_eq!(req.query_param("path").as_deref(), Some("/x"));
        assert_eq!(req.query_param("status").as_deref(), Some("503"));
        assert_eq!(req.query_param("nope"), None);
        assert_eq!(req.header("IF-NONE-MATCH"), Some("\"e\""));
        assert_eq!(req.headers[1].0, "if-none-match");
        assert_eq!(req.body, b"abc");
    }

    #[tokio::test]
    async fn parses_chunked_body() {
        let req = parse(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
            .await
            .expect("parse");
        assert_eq!(req.body, b"abcde");
    }

    #[tokio::test]
    async fn rejects_garbage() {
        assert!(matches!(parse(b"").await, Err(ReadError::Closed)));
        assert!(matches!(parse(b"GET /").await, Err(ReadError::Closed)));
        assert!(matches!(
            parse(b"HELLO\r\n\r\n").await,
            Err(ReadError::Bad(_))
        ));
        assert!(matches!(
            parse(b"GET x HTTP/1.1\r\n\r\n").await,
            Err(ReadError::Bad(_))
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nContent-Length: zz\r\n\r\n").await,
            Err(ReadError::Bad(_))
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc").await,
            Err(ReadError::Bad(_))
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nnocolon\r\n\r\n").await,
            Err(ReadError::Bad(_))
        ));
    }

    #[tokio::test]
    async fn absolute_form_target() {
        let req = parse(b"GET http://127.0.0.1:1/p?q=1 HTTP/1.1\r\n\r\n")
            .await
            .expect("parse");
        assert_eq!(req.path, "/p");
        assert_eq!(req.query, "q=1");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("%2Fapi%2fv2+x"), "/api/v2 x");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
