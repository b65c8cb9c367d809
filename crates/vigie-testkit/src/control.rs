//! The `/_control/...` API, so shell tests can steer a running `vigie-fixture-server`.
//!
//! The endpoints are listed in the crate docs (`lib.rs`).
//!
//! Answers are `text/plain` (`ok\n` or an error message with 400/404/405) unless said otherwise.
//! Control requests are not counted in hits.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;

use crate::http::{self, Request};
use crate::route::Route;
use crate::server::Inner;

pub(crate) const PREFIX: &str = "/_control/";

/// Answers one control request on `stream` (connection `id` of `inner`).
pub(crate) async fn handle(inner: &Arc<Inner>, id: u64, req: &Request, stream: &mut TcpStream) {
    let (status, content_type, body) = match run(inner, id, req).await {
        Ok((content_type, body)) => (200, content_type, body),
        Err((status, message)) => (status, "text/plain", format!("{message}\n")),
    };
    let _ = http::write_simple(
        stream,
        status,
        content_type,
        body.as_bytes(),
        req.method != "HEAD",
    )
    .await;
}

type Answer = Result<(&'static str, String), (u16, String)>;

fn ok() -> Answer {
    Ok(("text/plain", "ok\n".to_owned()))
}

fn bad(message: impl Into<String>) -> (u16, String) {
    (400, message.into())
}

fn required_path(req: &Request) -> Result<String, (u16, String)> {
    match req.query_param("path") {
        Some(p) if p.starts_with('/') => Ok(p),
        Some(_) => Err(bad("path must start with /")),
        None => Err(bad("missing ?path=/...")),
    }
}

fn number<T: std::str::FromStr>(req: &Request, name: &str) -> Result<Option<T>, (u16, String)> {
    match req.query_param(name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("{name}={v} is not a valid number"))),
    }
}

async fn run(inner: &Arc<Inner>, id: u64, req: &Request) -> Answer {
    let what = &req.path[PREFIX.len()..];
    let method = req.method.as_str();
    match (what, method) {
        ("route", "PUT" | "POST") => {
            let path = required_path(req)?;
            inner.set_route(path, route_from(req)?);
            ok()
        }
        ("route", "DELETE") => {
            let path = required_path(req)?;
            if inner.remove_route(&path) {
                ok()
            } else {
                Err((404, format!("no route for {path}")))
            }
        }
        ("down", "POST" | "PUT") => {
            let secs: f64 = number(req, "secs")?.ok_or_else(|| bad("missing ?secs=N"))?;
            if !(0.0..=86_400.0).contains(&secs) {
                return Err(bad("secs must be between 0 and 86400"));
            }
            inner
                .set_down(true, Some(id))
                .await
                .map_err(|e| (500, format!("cannot go down: {e}")))?;
            let weak = Arc::downgrade(inner);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs_f64(secs)).await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                if inner.is_closed() {
                    return;
                }
                if let Err(e) = inner.set_down(false, None).await {
                    eprintln!("vigie-testkit: cannot listen again after down: {e}");
                }
            });
            Ok(("text/plain", format!("down for {secs} s\n")))
        }
        ("hits", "GET" | "HEAD") => match req.query_param("path") {
            Some(path) => Ok(("text/plain", format!("{}\n", inner.hits_of(&path)))),
            None => {
                let fields: Vec<String> = inner
                    .all_hits()
                    .iter()
                    .map(|(path, n)| format!("{}:{n}", json_string(path)))
                    .collect();
                Ok(("application/json", format!("{{{}}}\n", fields.join(","))))
            }
        },
        ("requests", "GET" | "HEAD") => {
            let only = req.query_param("path");
            let items: Vec<String> = inner
                .requests()
                .iter()
                .filter(|(path, _)| only.as_ref().is_none_or(|p| p == path))
                .map(|(path, headers)| {
                    let headers: Vec<String> = headers
                        .iter()
                        .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
                        .collect();
                    format!(
                        "{{\"path\":{},\"headers\":{{{}}}}}",
                        json_string(path),
                        headers.join(",")
                    )
                })
                .collect();
            Ok(("application/json", format!("[{}]\n", items.join(","))))
        }
        ("reset", "POST" | "PUT") => {
            inner.reset();
            ok()
        }
        ("route" | "down" | "hits" | "requests" | "reset", _) => {
            Err((405, format!("{method} not allowed here")))
        }
        _ => Err((404, format!("unknown control endpoint {}", req.path))),
    }
}

/// The route a `PUT /_control/route` describes.
fn route_from(req: &Request) -> Result<Route, (u16, String)> {
    let status: u16 = number(req, "status")?.unwrap_or(200);
    if !(100..=999).contains(&status) {
        return Err(bad("status must be a 3-digit code"));
    }
    let content_type = req
        .query_param("type")
        .unwrap_or_else(|| "application/json".to_owned());
    let body = req.body.clone();
    let mode = req.query_param("mode").unwrap_or_default();
    let mut route = match mode.as_str() {
        "" | "normal" => Route::body(status, &content_type, body),
        "refuse" => Route::refuse(),
        "slowloris" => Route::slowloris(),
        "huge" => {
            let bytes: u64 = number(req, "bytes")?.ok_or_else(|| bad("mode=huge needs bytes=N"))?;
            Route::huge(bytes)
        }
        "truncated" => Route::truncated(body),
        other => return Err(bad(format!("unknown mode {other}"))),
    };
    if !matches!(mode.as_str(), "" | "normal") {
        route = route.with_status(status);
        if req.query_param("type").is_some() {
            route.content_type = content_type;
        }
    }
    if let Some(tag) = req.query_param("etag") {
        route = route.with_etag(&tag);
    }
    if let Some(ms) = number::<u64>(req, "delay_ms")? {
        route = route.delay(Duration::from_millis(ms));
    }
    Ok(route)
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
