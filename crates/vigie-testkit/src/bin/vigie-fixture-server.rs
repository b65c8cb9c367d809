//! `vigie-fixture-server --port P --dir DIR`: the testkit server as a process, for shell
//! end-to-end tests of the desktop app. Serves files from DIR, answers the `/_control/...`
//! API (see the `vigie_testkit` crate docs), prints `listening on http://127.0.0.1:PORT`
//! once ready, and exits 0 on SIGTERM or ctrl-c.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use vigie_testkit::Server;

const USAGE: &str = "usage: vigie-fixture-server [--port P] [--dir DIR]\n\
  --port P   port on 127.0.0.1 (default 0: any free port)\n\
  --dir DIR  serve DIR/some/path for GET /some/path\n\
  Control API: PUT /_control/route?path=..., POST /_control/down?secs=N,\n\
  GET /_control/hits?path=..., GET /_control/requests, POST /_control/reset";

struct Args {
    port: u16,
    dir: Option<PathBuf>,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args { port: 0, dir: None };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" | "--dir" => {
                let value = inline
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{name} needs a value"))?;
                if name == "--port" {
                    parsed.port = value.parse().map_err(|_| format!("bad port: {value}"))?;
                } else {
                    parsed.dir = Some(PathBuf::from(value));
                }
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(parsed))
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("vigie-fixture-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.dir {
        if !dir.is_dir() {
            eprintln!("vigie-fixture-server: not a directory: {}", dir.display());
            return ExitCode::from(2);
        }
    }
    let mut builder = Server::builder().port(args.port).control_api(true);
    if let Some(dir) = args.dir {
        builder = builder.static_dir(dir);
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!(
                "vigie-fixture-server: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout();
    // If nobody reads stdout, keep serving anyway.
    let _ = writeln!(out, "listening on {}", server.url()).and_then(|()| out.flush());
    terminated().await;
    server.stop().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_port_and_dir() {
        let a = parse_args(args(&["--port", "8080", "--dir=/tmp/x"]))
            .expect("ok")
            .expect("some");
        assert_eq!(a.port, 8080);
        assert_eq!(a.dir.as_deref(), Some(std::path::Path::new("/tmp/x")));
        let a = parse_args(args(&[])).expect("ok").expect("some");
        assert_eq!(a.port, 0);
        assert!(a.dir.is_none());
        assert!(parse_args(args(&["--help"])).expect("ok").is_none());
        assert!(parse_args(args(&["--port"])).is_err());
        assert!(parse_args(args(&["--port", "x"])).is_err());
        assert!(parse_args(args(&["--bogus"])).is_err());
    }
}
