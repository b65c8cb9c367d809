//! Find out what a status-page URL is (for `vigie add URL` and the window's "add a page"):
//! GET the candidate endpoints in order, classify each answer, then read the page once so the user
//! sees a preview before anything is saved.

use std::time::Duration;

use crate::fetch;
use crate::model::Reading;
use crate::platform::{self, detect, Kind};
use crate::service::ServiceSpec;

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{0:?} is not an http(s) URL")]
    BadUrl(String),
    #[error("{url:?} is a {scheme}: address; only http and https status pages can be added")]
    Scheme { url: String, scheme: String },
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("no known status-page platform answered at {url} (tried: {tried})")]
    Unknown { url: String, tried: String },
    #[error("detected {kind} at {url}, but reading it failed: {error}")]
    Unreadable {
        kind: Kind,
        url: String,
        error: String,
    },
}

/// Refuse, before any request, what is not an absolute http(s) URL with a host: `file:`,
/// `javascript:`, `ftp:` and the like are named in the error, so the window can say why.
pub fn check_url(url: &str) -> Result<url::Url, DiscoverError> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| DiscoverError::BadUrl(url.into()))?;
    match parsed.scheme() {
        "http" | "https" if parsed.has_host() => Ok(parsed),
        "http" | "https" => Err(DiscoverError::BadUrl(url.into())),
        other => Err(DiscoverError::Scheme {
            url: url.into(),
            scheme: other.into(),
        }),
    }
}

/// A detected page, ready to be saved, with what it says now.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub spec: ServiceSpec,
    pub reading: Reading,
}

pub async fn discover(url: &str, timeout: Duration) -> Result<Discovered, DiscoverError> {
    check_url(url)?;
    let client = fetch::client(timeout)?;
    let mut tried = Vec::new();
    for candidate in detect::probe_urls(url.trim()) {
        let resp = match fetch::get(&client, &candidate, None, timeout).await {
            Ok(r) if (200..300).contains(&r.status) => r,
            Ok(r) => {
                tried.push(format!("{candidate} → HTTP {}", r.status));
                continue;
            }
            Err(e) => {
                tried.push(format!("{candidate} → {e}"));
                continue;
            }
        };
        let Some(d) = detect::classify(&candidate, &resp.body) else {
            tried.push(format!("{candidate} → not recognised"));
            continue;
        };
        let host = url::Url::parse(&d.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "page".into());
        let spec = ServiceSpec::new(
            id_from_host(&host),
            d.name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(host),
            d.kind,
            d.url.clone(),
        );
        let reading = read_once(&client, &spec, timeout).await.map_err(|error| {
            DiscoverError::Unreadable {
                kind: d.kind,
                url: d.url.clone(),
                error,
            }
        })?;
        return Ok(Discovered { spec, reading });
    }
    Err(DiscoverError::Unknown {
        url: url.into(),
        tried: tried.join("; "),
    })
}

async fn read_once(
    client: &reqwest::Client,
    spec: &ServiceSpec,
    timeout: Duration,
) -> Result<Reading, String> {
    let eps = platform::endpoints(spec).map_err(|e| e.to_string())?;
    let mut bodies = Vec::new();
    for u in &eps {
        let r = fetch::get(client, u, None, timeout)
            .await
            .map_err(|e| format!("{u}: {e}"))?;
        if !(200..300).contains(&r.status) {
            return Err(format!(
                "{u}: {}",
                fetch::describe_status(r.status, &r.body)
            ));
        }
        bodies.push(r.body);
    }
    let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
    platform::read(spec, &refs)
        .and_then(|r| platform::finish(spec, r))
        .map_err(|e| e.to_string())
}

/// "status.example.com" → "example"; "127.0.0.1" → "page-127-0-0-1".
pub fn id_from_host(host: &str) -> String {
    let parts: Vec<&str> = host
        .split('.')
        .filter(|p| {
            !matches!(
                *p,
                "status" | "www" | "com" | "io" | "ai" | "co" | "org" | "net" | "app"
            )
        })
        .collect();
    let raw = if parts.is_empty() {
        host.to_string()
    } else {
        parts.join("-")
    };
    let mut id: String = raw
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id = format!("page-{id}");
    }
    id.trim_matches('-').chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_pages_are_looked_at() {
        for (url, scheme) in [
            ("file:///etc/passwd", "file"),
            ("javascript:alert(1)", "javascript"),
            ("ftp://status.example.com/", "ftp"),
            (" data:text/html,<b>x</b>", "data"),
        ] {
            let e = check_url(url).expect_err(url);
            let text = e.to_string();
            assert!(
                matches!(&e, DiscoverError::Scheme { scheme: s, .. } if s == scheme),
                "{url}: {e:?}"
            );
            assert!(text.contains("only http and https"), "{text}");
            assert!(text.contains(&format!("{scheme}:")), "{text}");
        }
        for bad in ["status.example.com", "", "http://"] {
            assert!(
                matches!(check_url(bad), Err(DiscoverError::BadUrl(_))),
                "{bad:?}"
            );
        }
        for ok in ["https://status.example.com", " http://127.0.0.1:8080/x "] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
    }

    /// The refusal comes before any request: no client is built, nothing is fetched.
    #[tokio::test]
    async fn discover_refuses_other_schemes_without_fetching() {
        let e = discover("file:///etc/passwd", Duration::from_millis(1))
            .await
            .expect_err("refused");
        assert!(matches!(e, DiscoverError::Scheme { .. }), "{e:?}");
    }

    #[test]
    fn ids_from_hosts() {
        assert_eq!(id_from_host("status.openai.com"), "openai");
        assert_eq!(id_from_host("www.githubstatus.com"), "githubstatus");
        assert_eq!(id_from_host("127.0.0.1"), "page-127-0-0-1");
        assert_eq!(
            id_from_host("status.smith.langchain.com"),
            "smith-langchain"
        );
    }
}
