//! The control API and static files (what `vigie-fixture-server` runs), tested in-process,
//! plus one run of the real binary.

use std::io::{BufRead, BufReader, ErrorKind};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use vigie_testkit::Server;

async fn fixture() -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("api/v2")).expect("mkdir");
    std::fs::write(dir.path().join("api/v2/summary.json"), r#"{"from":"file"}"#).expect("write");
    std::fs::write(dir.path().join("feed.atom"), "<feed/>").expect("write");
    std::fs::write(dir.path().join("history.rss"), "<rss/>").expect("write");
    std::fs::write(dir.path().join("notes"), "plain").expect("write");
    let server = Server::builder()
        .static_dir(dir.path())
        .control_api(true)
        .start()
        .await
        .expect("start");
    (server, dir)
}

struct Reply {
    status: u16,
    content_type: String,
    text: String,
}

async fn call(server: &Server, method: &str, path_and_query: &str, body: &str) -> Reply {
    let response = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
            format!("{}{path_and_query}", server.url()),
        )
        .body(body.to_owned())
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    let text = response.text().await.expect("text");
    Reply {
        status,
        content_type,
        text,
    }
}

#[tokio::test]
async fn serves_files_with_content_type_by_extension() {
    let (server, _dir) = fixture().await;
    let r = call(&server, "GET", "/api/v2/summary.json?x=1", "").await;
    assert_eq!(
        (r.status, r.content_type.as_str(), r.text.as_str()),
        (200, "application/json", r#"{"from":"file"}"#)
    );
    let r = call(&server, "GET", "/feed.atom", "").await;
    assert_eq!(
        (r.status, r.content_type.as_str()),
        (200, "application/xml")
    );
    let r = call(&server, "GET", "/history.rss", "").await;
    assert_eq!(r.content_type, "application/xml");
    let r = call(&server, "GET", "/notes", "").await;
    assert_eq!(
        (r.content_type.as_str(), r.text.as_str()),
        ("text/plain", "plain")
    );
    assert_eq!(call(&server, "GET", "/missing.json", "").await.status, 404);
    assert_eq!(
        call(&server, "GET", "/api/v2", "").await.status,
        404,
        "directories are not served"
    );
    assert_eq!(server.hits("/api/v2/summary.json"), 1);
}

#[tokio::test]
async fn no_escape_from_the_directory() {
    let (server, dir) = fixture().await;
    let secret = dir
        .path()
        .parent()
        .expect("parent")
        .join("vigie-testkit-secret.json");
    std::fs::write(&secret, "{}").expect("write");
    let name = secret
        .file_name()
        .expect("name")
        .to_str()
        .expect("utf-8")
        .to_owned();
    let raw = format!("GET /../{name} HTTP/1.1\r\n\r\n");
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    tokio::io::AsyncWriteExt::write_all(&mut stream, raw.as_bytes())
        .await
        .expect("write");
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut out)
        .await
        .expect("read");
    assert!(out.starts_with("HTTP/1.1 404"), "{out}");
    let _ = std::fs::remove_file(secret);
}

#[tokio::test]
async fn put_route_overrides_file_and_takes_options() {
    let (server, _dir) = fixture().await;
    let r = call(
        &server,
        "PUT",
        "/_control/route?path=/api/v2/summary.json",
        r#"{"from":"control"}"#,
    )
    .await;
    assert_eq!((r.status, r.text.as_str()), (200, "ok\n"));
    let r = call(&server, "GET", "/api/v2/summary.json", "").await;
    assert_eq!(
        (r.status, r.content_type.as_str(), r.text.as_str()),
        (200, "application/json", r#"{"from":"control"}"#)
    );

    // Percent-encoded path, status and type.
    let r = call(
        &server,
        "PUT",
        "/_control/route?path=%2Fapi%2Fv2%2Fsummary.json&status=503&type=text/html",
        "<b>oops</b>",
    )
    .await;
    assert_eq!(r.status, 200);
    let r = call(&server, "GET", "/api/v2/summary.json", "").await;
    assert_eq!(
        (r.status, r.content_type.as_str(), r.text.as_str()),
        (503, "text/html", "<b>oops</b>")
    );

    // ETag.
    call(&server, "PUT", "/_control/route?path=/e.json&etag=v7", "{}").await;
    let response = reqwest::Client::new()
        .get(format!("{}/e.json", server.url()))
        .header("If-None-Match", "\"v7\"")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 304);

    // Misbehaviour modes.
    call(
        &server,
        "PUT",
        "/_control/route?path=/big&mode=huge&bytes=100000",
        "",
    )
    .await;
    let big = call(&server, "GET", "/big", "").await;
    assert_eq!(big.text.len(), 100_000);
    call(
        &server,
        "PUT",
        "/_control/route?path=/refused&mode=refuse",
        "",
    )
    .await;
    assert!(reqwest::get(format!("{}/refused", server.url()))
        .await
        .is_err());
    call(
        &server,
        "PUT",
        "/_control/route?path=/late&delay_ms=300",
        "{}",
    )
    .await;
    let started = Instant::now();
    assert_eq!(call(&server, "GET", "/late", "").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    // DELETE brings the file back.
    assert_eq!(
        call(
            &server,
            "DELETE",
            "/_control/route?path=/api/v2/summary.json",
            ""
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(&server, "GET", "/api/v2/summary.json", "").await.text,
        r#"{"from":"file"}"#
    );
    assert_eq!(
        call(
            &server,
            "DELETE",
            "/_control/route?path=/api/v2/summary.json",
            ""
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn control_errors_are_explicit() {
    let (server, _dir) = fixture().await;
    let cases = [
        ("PUT", "/_control/route", 400),
        ("PUT", "/_control/route?path=nope", 400),
        ("PUT", "/_control/route?path=/x&status=abc", 400),
        ("PUT", "/_control/route?path=/x&mode=sideways", 400),
        ("PUT", "/_control/route?path=/x&mode=huge", 400),
        ("POST", "/_control/down", 400),
        ("POST", "/_control/down?secs=-1", 400),
        ("GET", "/_control/route?path=/x", 405),
        ("GET", "/_control/down?secs=1", 405),
        ("GET", "/_control/whatever", 404),
    ];
    for (method, target, status) in cases {
        let r = call(&server, method, target, "").await;
        assert_eq!(r.status, status, "{method} {target}: {}", r.text);
        assert!(r.text.ends_with('\n'));
    }
    assert!(!server.is_down());
}

#[tokio::test]
async fn hits_requests_and_reset_endpoints() {
    let (server, _dir) = fixture().await;
    call(&server, "PUT", "/_control/route?path=/s.json", "{}").await;
    for _ in 0..2 {
        reqwest::Client::new()
            .get(format!("{}/s.json?t=1", server.url()))
            .header("If-None-Match", "\"q\"")
            .send()
            .await
            .expect("send");
    }
    call(&server, "GET", "/feed.atom", "").await;
    let r = call(&server, "GET", "/_control/hits?path=/s.json", "").await;
    assert_eq!((r.status, r.text.as_str()), (200, "2\n"));
    assert_eq!(
        call(&server, "GET", "/_control/hits?path=/never", "")
            .await
            .text,
        "0\n"
    );
    let all = call(&server, "GET", "/_control/hits", "").await;
    assert_eq!(all.content_type, "application/json");
    assert_eq!(all.text, "{\"/feed.atom\":1,\"/s.json\":2}\n");
    assert_eq!(
        server.hits("/_control/hits"),
        0,
        "control calls are not counted"
    );

    let reqs = call(&server, "GET", "/_control/requests?path=/s.json", "").await;
    assert_eq!(reqs.content_type, "application/json");
    assert_eq!(reqs.text.matches("\"path\":\"/s.json\"").count(), 2);
    assert!(
        reqs.text.contains("\"if-none-match\":\"\\\"q\\\"\""),
        "{}",
        reqs.text
    );
    assert!(!reqs.text.contains("feed.atom"));

    assert_eq!(
        call(&server, "POST", "/_control/reset", "").await.text,
        "ok\n"
    );
    assert_eq!(
        call(&server, "GET", "/_control/hits", "").await.text,
        "{}\n"
    );
    assert_eq!(
        call(&server, "GET", "/_control/requests", "").await.text,
        "[]\n"
    );
    assert_eq!(
        call(&server, "GET", "/s.json", "").await.status,
        404,
        "routes forgotten"
    );
    assert_eq!(
        call(&server, "GET", "/feed.atom", "").await.status,
        200,
        "files stay"
    );
}

#[tokio::test]
async fn down_refuses_for_n_seconds_then_rebinds() {
    let (server, _dir) = fixture().await;
    let port = server.port();
    let r = call(&server, "POST", "/_control/down?secs=1.2", "").await;
    assert_eq!((r.status, r.text.as_str()), (200, "down for 1.2 s\n"));
    // The answer comes once the listener is closed: no race for the caller.
    let err = TcpStream::connect(server.addr())
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    assert!(server.is_down());

    let started = Instant::now();
    loop {
        if TcpStream::connect(server.addr()).await.is_ok() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.port(), port);
    assert_eq!(call(&server, "GET", "/feed.atom", "").await.status, 200);
}

#[test]
fn the_binary_serves_is_steered_and_exits_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("status.json"), r#"{"a":1}"#).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie-fixture-server"))
        .args(["--port", "0", "--dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announces its url")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let http = reqwest::Client::new();
        let text = http
            .get(format!("{url}/status.json"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        assert_eq!(text, r#"{"a":1}"#);
        let put = http
            .put(format!("{url}/_control/route?path=/status.json&status=503"))
            .body("{}")
            .send()
            .await
            .expect("put");
        assert_eq!(put.status(), 200);
        let status = http
            .get(format!("{url}/status.json"))
            .send()
            .await
            .expect("get")
            .status();
        assert_eq!(status, 503);
        let hits = http
            .get(format!("{url}/_control/hits?path=/status.json"))
            .send()
            .await
            .expect("hits")
            .text()
            .await
            .expect("text");
        assert_eq!(hits, "2\n");
    });

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("did not exit on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_binary_rejects_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie-fixture-server"))
        .args(["--dir", "/definitely/not/here"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_vigie-fixture-server"))
        .arg("--bogus")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}
