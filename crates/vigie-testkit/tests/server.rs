//! Each behaviour of the testkit server, checked over real loopback sockets, with a raw
//! client (to see exactly what goes on the wire) and with reqwest (what Vigie uses).

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vigie_testkit::{Route, Server, TRUNCATED_MISSING};

/// A response as read off the wire (everything until the server closed).
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn parse_response(bytes: &[u8]) -> Raw {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = std::str::from_utf8(&bytes[..end]).expect("utf-8 head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let status = status_line[9..12].parse().expect("status code");
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(':').expect("header line");
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    Raw {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

/// Sends `request` verbatim and reads until the server closes.
async fn send_raw(server: &Server, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(server.addr()).await?;
    stream.write_all(request).await?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await?;
    Ok(out)
}

async fn request(
    server: &Server,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Raw {
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\n", server.addr());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    let out = send_raw(server, &bytes).await.expect("raw request");
    parse_response(&out)
}

async fn get(server: &Server, target: &str) -> Raw {
    request(server, "GET", target, &[], b"").await
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size = usize::from_str_radix(std::str::from_utf8(&body[..eol]).expect("hex"), 16)
            .expect("chunk size");
        body = &body[eol + 2..];
        if size == 0 {
            assert_eq!(body, b"\r\n", "last chunk then an empty trailer");
            return out;
        }
        out.extend_from_slice(&body[..size]);
        assert_eq!(&body[size..size + 2], b"\r\n");
        body = &body[size + 2..];
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("reqwest client")
}

#[tokio::test]
async fn set_replaces_what_a_path_answers() {
    let server = Server::start().await;
    assert!(server.url().starts_with("http://127.0.0.1:"));
    assert_eq!(server.url(), format!("http://127.0.0.1:{}", server.port()));
    server.set("/a.json", Route::json(r#"{"v":1}"#));
    let r = get(&server, "/a.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("content-length"), Some("7"));
    assert_eq!(r.header("connection"), Some("close"));
    assert_eq!(r.text(), r#"{"v":1}"#);

    server.set("/a.json", Route::body(503, "text/html", "<h1>down</h1>"));
    let r = get(&server, "/a.json").await;
    assert_eq!(r.status, 503);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(r.text(), "<h1>down</h1>");

    server.remove("/a.json");
    assert_eq!(get(&server, "/a.json").await.status, 404);
}

#[tokio::test]
async fn unknown_path_is_404_text_and_paths_match_exactly() {
    let server = Server::start().await;
    server.set("/x", Route::json("{}"));
    for target in ["/nope", "/x/", "/X", "/"] {
        let r = get(&server, target).await;
        assert_eq!(r.status, 404, "{target}");
        assert_eq!(r.header("content-type"), Some("text/plain"));
        assert_eq!(r.text(), format!("not found: {target}\n"));
    }
    // The query string is not part of the match.
    assert_eq!(get(&server, "/x?since=1&b=2").await.status, 200);
    assert_eq!(server.hits("/x"), 1);
    assert_eq!(server.hits("/nope"), 1);
}

#[tokio::test]
async fn etag_answers_304_when_if_none_match_matches() {
    let server = Server::start().await;
    server.set("/s.json", Route::json(r#"{"ok":true}"#).with_etag("v1"));

    let first = get(&server, "/s.json").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("etag"), Some("\"v1\""));

    let again = request(
        &server,
        "GET",
        "/s.json",
        &[("If-None-Match", "\"v1\"")],
        b"",
    )
    .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some("\"v1\""));
    assert_eq!(again.header("content-length"), None);

    let stale = request(
        &server,
        "GET",
        "/s.json",
        &[("If-None-Match", "\"v0\"")],
        b"",
    )
    .await;
    assert_eq!(stale.status, 200);
    assert_eq!(stale.text(), r#"{"ok":true}"#);

    // The tests can check what the client sent.
    let sent: Vec<Option<String>> = server
        .requests()
        .iter()
        .filter(|(path, _)| path == "/s.json")
        .map(|(_, headers)| {
            headers
                .iter()
                .find(|(k, _)| k == "if-none-match")
                .map(|(_, v)| v.clone())
        })
        .collect();
    assert_eq!(
        sent,
        vec![None, Some("\"v1\"".to_owned()), Some("\"v0\"".to_owned())]
    );
    assert_eq!(server.hits("/s.json"), 3);
}

#[tokio::test]
async fn etag_round_trip_with_reqwest() {
    let server = Server::start().await;
    server.set("/s.json", Route::json("{}").with_etag("W/\"abc\""));
    let url = format!("{}/s.json", server.url());
    let first = client().get(&url).send().await.expect("send");
    assert_eq!(first.status(), 200);
    let tag = first.headers()["etag"].to_str().expect("ascii").to_owned();
    assert_eq!(tag, "W/\"abc\"");
    let second = client()
        .get(&url)
        .header("If-None-Match", &tag)
        .send()
        .await
        .expect("send");
    assert_eq!(second.status(), 304);
    assert!(second.bytes().await.expect("body").is_empty());
    let (_, headers) = server.requests().pop().expect("recorded");
    assert!(headers.contains(&("if-none-match".to_owned(), "W/\"abc\"".to_owned())));
}

#[tokio::test]
async fn extra_headers_and_status() {
    let server = Server::start().await;
    server.set(
        "/r",
        Route::json("{}")
            .with_status(429)
            .with_header("Retry-After", "120")
            .with_header("Content-Type", "application/vnd.api+json"),
    );
    let r = get(&server, "/r").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("120"));
    let types: Vec<_> = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .collect();
    assert_eq!(
        types.len(),
        1,
        "custom Content-Type replaces the route's own"
    );
    assert_eq!(r.header("content-type"), Some("application/vnd.api+json"));
}

#[tokio::test]
async fn head_request_gets_headers_only() {
    let server = Server::start().await;
    server.set("/h", Route::json("12345"));
    let r = request(&server, "HEAD", "/h", &[], b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("5"));
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn delay_answers_late_and_trips_client_timeouts() {
    let server = Server::start().await;
    server.set("/slow", Route::json("{}").delay(Duration::from_millis(400)));
    let started = Instant::now();
    let r = get(&server, "/slow").await;
    assert_eq!(r.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));

    server.set("/slower", Route::json("{}").delay(Duration::from_secs(5)));
    let started = Instant::now();
    let err = client()
        .get(format!("{}/slower", server.url()))
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("must time out");
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn refuse_closes_without_a_byte() {
    let server = Server::start().await;
    server.set("/gone", Route::refuse());
    let out = send_raw(&server, b"GET /gone HTTP/1.1\r\n\r\n").await;
    match out {
        Ok(bytes) => assert!(bytes.is_empty(), "got {bytes:?}"),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset),
    }
    let err = client()
        .get(format!("{}/gone", server.url()))
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_timeout(), "{err:?}");
    assert_eq!(server.hits("/gone"), 2);
}

#[tokio::test]
async fn down_refuses_connections_then_comes_back_on_the_same_port() {
    let server = Server::start().await;
    server.set("/p", Route::json("{}"));
    let url = server.url();
    assert_eq!(get(&server, "/p").await.status, 200);

    server.down(true).await.expect("down");
    assert!(server.is_down());
    let err = TcpStream::connect(server.addr())
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    let err = client()
        .get(format!("{url}/p"))
        .send()
        .await
        .expect_err("refused");
    assert!(err.is_connect(), "{err:?}");
    server.down(true).await.expect("idempotent");

    server.down(false).await.expect("up");
    assert!(!server.is_down());
    assert_eq!(server.url(), url);
    assert_eq!(get(&server, "/p").await.status, 200);
    server.down(false).await.expect("idempotent");
    assert_eq!(server.hits("/p"), 2);
}

#[tokio::test]
async fn down_cuts_connections_in_flight() {
    let server = Server::start().await;
    server.set(
        "/trickle",
        Route::slowloris_every(Duration::from_millis(50)),
    );
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    stream
        .write_all(b"GET /trickle HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    let mut first = [0u8; 16];
    let n = stream.read(&mut first).await.expect("head arrives");
    assert!(n > 0);
    server.down(true).await.expect("down");
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(ended.is_ok(), "connection must be cut, not left trickling");
}

#[tokio::test]
async fn huge_streams_exactly_n_bytes_chunked() {
    let server = Server::start().await;
    let n: u64 = 3 * 1024 * 1024 + 17;
    server.set("/big", Route::huge(n));
    let out = send_raw(&server, b"GET /big HTTP/1.1\r\n\r\n")
        .await
        .expect("read");
    let r = parse_response(&out);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert_eq!(r.header("content-length"), None);
    let body = dechunk(&r.body);
    assert_eq!(body.len() as u64, n);
    assert!(body.starts_with(b"[{\"name\":\"component\",\"status\":\"operational\"},{\"name\""));

    let bytes = client()
        .get(format!("{}/big", server.url()))
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("body");
    assert_eq!(bytes.len() as u64, n);
    assert_eq!(&bytes[..], &body[..]);

    server.set("/empty", Route::huge(0));
    let r = parse_response(
        &send_raw(&server, b"GET /empty HTTP/1.1\r\n\r\n")
            .await
            .expect("read"),
    );
    assert!(dechunk(&r.body).is_empty());
}

#[tokio::test]
async fn truncated_declares_more_than_it_sends() {
    let server = Server::start().await;
    server.set("/cut", Route::truncated(r#"{"page":{"id":"#));
    let r = parse_response(
        &send_raw(&server, b"GET /cut HTTP/1.1\r\n\r\n")
            .await
            .expect("read"),
    );
    assert_eq!(r.status, 200);
    let declared: u64 = r
        .header("content-length")
        .expect("length")
        .parse()
        .expect("number");
    assert_eq!(r.body.len() as u64, 14);
    assert_eq!(declared, 14 + TRUNCATED_MISSING);

    let response = client()
        .get(format!("{}/cut", server.url()))
        .send()
        .await
        .expect("head is fine");
    let err = response.bytes().await.expect_err("body is cut short");
    assert!(err.is_body() || err.is_decode(), "{err:?}");
}

#[tokio::test]
async fn slowloris_sends_headers_then_trickles() {
    let server = Server::start().await;
    server.set(
        "/fast-trickle",
        Route::slowloris_every(Duration::from_millis(150)),
    );
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    stream
        .write_all(b"GET /fast-trickle HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).await.expect("head"), 1);
        got.push(byte[0]);
    }
    let head = parse_response(&got);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("65536"));
    let started = Instant::now();
    let mut body = [0u8; 3];
    stream.read_exact(&mut body).await.expect("three bytes");
    assert_eq!(&body, b"[{\"");
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );

    // The one-byte-a-second default defeats a whole-request timeout.
    server.set("/trickle", Route::slowloris());
    let started = Instant::now();
    let result = async {
        let response = client()
            .get(format!("{}/trickle", server.url()))
            .timeout(Duration::from_millis(1500))
            .send()
            .await?;
        response.bytes().await
    }
    .await;
    let err = result.expect_err("never completes in time");
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn redirect_is_sent_and_followed() {
    let server = Server::start().await;
    server.set("/old", Route::redirect(301, "/new"));
    server.set("/new", Route::json(r#"{"moved":true}"#));
    let r = get(&server, "/old").await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/new"));
    assert!(r.body.is_empty());

    let text = client()
        .get(format!("{}/old", server.url()))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    assert_eq!(text, r#"{"moved":true}"#);
    assert_eq!(server.hits("/old"), 2);
    assert_eq!(server.hits("/new"), 1);
}

#[tokio::test]
async fn hits_count_per_path_and_reset() {
    let server = Server::start().await;
    server.set("/a", Route::json("{}"));
    server.set("/b", Route::json("{}"));
    for _ in 0..3 {
        get(&server, "/a").await;
    }
    get(&server, "/b?x=1").await;
    assert_eq!(server.hits("/a"), 3);
    assert_eq!(server.hits("/b"), 1);
    assert_eq!(server.hits("/c"), 0);
    let paths: Vec<String> = server.requests().into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["/a", "/a", "/a", "/b"]);
    server.reset_counters();
    assert_eq!(server.hits("/a"), 0);
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_can_change_from_other_threads_while_serving() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Server>();
    let server = Arc::new(Server::start().await);
    server.set("/v", Route::json("0"));
    let writer = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            for i in 1..=200 {
                server.set("/v", Route::json(i.to_string()));
            }
        })
    };
    for _ in 0..20 {
        let r = get(&server, "/v").await;
        assert_eq!(r.status, 200);
        let v: u32 = r.text().parse().expect("a whole number, never a torn body");
        assert!(v <= 200);
    }
    writer.join().expect("writer thread");
    assert_eq!(get(&server, "/v").await.text(), "200");
    assert_eq!(server.hits("/v"), 21);
}

#[tokio::test]
async fn malformed_requests_get_400() {
    let server = Server::start().await;
    let r = parse_response(&send_raw(&server, b"NONSENSE\r\n\r\n").await.expect("read"));
    assert_eq!(r.status, 400);
    assert!(r.text().starts_with("bad request:"));
    // A client that connects and leaves gets nothing and does not hurt the server.
    drop(TcpStream::connect(server.addr()).await.expect("connect"));
    server.set("/ok", Route::json("{}"));
    assert_eq!(get(&server, "/ok").await.status, 200);
}

#[tokio::test]
async fn start_on_a_given_port() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
        probe.local_addr().expect("addr").port()
    };
    let server = Server::start_on(port).await.expect("start_on");
    assert_eq!(server.port(), port);
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}"));
    let err = Server::start_on(port).await.expect_err("port taken");
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
    server.stop().await;
    let err = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect_err("stopped");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}
