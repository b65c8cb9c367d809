//! Vigie's test server: real HTTP/1.1 over loopback (127.0.0.1), hand-written on a tokio
//! `TcpListener` so that it can misbehave on demand — refuse, stall, trickle, truncate,
//! flood, redirect, answer 304s, or stop listening altogether so connections are refused.
//! Fetch code is then tested against real sockets and real client errors rather than mocks.
//!
//! - [`Server`] + [`Route`]: for Rust integration tests.
//! - `vigie-fixture-server --port P --dir DIR`: the same server as a process for shell
//!   end-to-end tests, steered through its `/_control/...` API (below).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use vigie_testkit::{Route, Server};
//!
//! let server = Server::start().await;
//! server.set("/api/v2/summary.json", Route::json(r#"{"page":{}}"#).with_etag("v1"));
//! let url = format!("{}/api/v2/summary.json", server.url());
//! // ... fetch `url` ...
//! assert_eq!(server.hits("/api/v2/summary.json"), 0);
//! server.down(true).await?; // connections to the port are now refused
//! server.down(false).await?; // and accepted again, same port
//! # Ok(()) }
//! ```
//!
//! Control API (only with [`Builder::control_api`], always on in `vigie-fixture-server`):
//!
//! | request | effect |
//! | --- | --- |
//! | `PUT /_control/route?path=P` + body | `P` answers the body: `200`, `application/json`; options `status=N`, `type=MIME`, `etag=TAG`, `delay_ms=N`, `mode=normal\|refuse\|slowloris\|huge\|truncated`, `bytes=N` (size for `huge`) |
//! | `DELETE /_control/route?path=P` | `P` answers a static file or 404 again |
//! | `POST /_control/down?secs=N` | listener closed (connections refused) for `N` seconds (decimals allowed), then bound again on the same port; the answer comes once the listener is closed |
//! | `GET /_control/hits?path=P` | number of requests on `P`, as text (`3\n`); without `path`, a JSON object of all counts |
//! | `GET /_control/requests[?path=P]` | JSON array of `{"path":...,"headers":{...}}`, header names lowercased |
//! | `POST /_control/reset` | forget routes, hits and recorded requests |

mod control;
mod http;
mod route;
mod server;

pub use route::{Route, TRUNCATED_MISSING};
pub use server::{Builder, RecordedRequest, Server};
