//! Where the logs go and what a poll cycle logs. The core only emits `tracing` events; the shells
//! choose a subscriber (the tray app: a [`RotatingFile`] in [`dir`]; the CLI: stderr).
//!
//! A cycle logs changes, not states: a page that keeps failing with the same error is logged
//! once, so the file stays small over weeks of polling.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The log file's name in [`dir`]; rotated copies are `vigie.log.1` (newest) … `vigie.log.K`.
pub const FILE_NAME: &str = "vigie.log";
/// Rotate past this size…
pub const MAX_BYTES: u64 = 2 * 1024 * 1024;
/// …keeping this many older files: at most (1 + KEEP) × MAX_BYTES on disk.
pub const KEEP: usize = 3;

/// `$VIGIE_LOG_DIR`, else the XDG state directory (`$XDG_STATE_HOME/vigie`, by default
/// `~/.local/state/vigie`); where there is none (macOS, Windows), the local data directory.
pub fn dir() -> PathBuf {
    if let Some(p) = std::env::var_os("VIGIE_LOG_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("vigie")
}

/// The log file itself.
pub fn path() -> PathBuf {
    dir().join(FILE_NAME)
}

/// An append-only file that rotates once it would grow past `max_bytes`: `name` → `name.1` →
/// … → `name.keep`, the oldest dropped. Rotation happens between writes, and a `tracing` event
/// is one write, so a line is never split across two files.
#[derive(Debug)]
pub struct RotatingFile {
    dir: PathBuf,
    name: String,
    max_bytes: u64,
    keep: usize,
    file: File,
    size: u64,
}

impl RotatingFile {
    /// Open (creating the directory) `dir/name` for appending.
    pub fn open(dir: &Path, name: &str, max_bytes: u64, keep: usize) -> io::Result<RotatingFile> {
        std::fs::create_dir_all(dir)?;
        let file = append(&dir.join(name))?;
        let size = file.metadata()?.len();
        Ok(RotatingFile {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            max_bytes: max_bytes.max(1),
            keep,
            file,
            size,
        })
    }

    /// [`dir`]/[`FILE_NAME`] with the default bounds.
    pub fn open_default() -> io::Result<RotatingFile> {
        RotatingFile::open(&dir(), FILE_NAME, MAX_BYTES, KEEP)
    }

    fn numbered(&self, n: usize) -> PathBuf {
        if n == 0 {
            self.dir.join(&self.name)
        } else {
            self.dir.join(format!("{}.{n}", self.name))
        }
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        if self.keep == 0 {
            // No history wanted: start the one file again.
            self.file = File::create(self.numbered(0))?;
        } else {
            // A missing older file is normal (first rotations); only the final rename matters.
            let _ = std::fs::remove_file(self.numbered(self.keep));
            for n in (1..self.keep).rev() {
                let _ = std::fs::rename(self.numbered(n), self.numbered(n + 1));
            }
            std::fs::rename(self.numbered(0), self.numbered(1))?;
            self.file = append(&self.numbered(0))?;
        }
        self.size = 0;
        Ok(())
    }
}

fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.size > 0 && self.size + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// What changed in one cycle that is worth a log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleLine {
    Offline,
    Online,
    /// A page started failing, or fails differently (the error names the URL).
    Failing {
        service: String,
        error: String,
    },
    /// A page that was failing was read again.
    Recovered {
        service: String,
    },
}

/// The lines for one cycle: the offline/online switch, and each service whose error changed.
/// While offline, every page fails with the same "offline" error: that is one line, not one per
/// service.
pub fn cycle_lines<'a>(
    was_online: bool,
    online: bool,
    before: &HashMap<String, Option<String>>,
    after: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Vec<CycleLine> {
    let mut lines = Vec::new();
    match (was_online, online) {
        (true, false) => lines.push(CycleLine::Offline),
        (false, true) => lines.push(CycleLine::Online),
        _ => {}
    }
    if !online {
        return lines;
    }
    for (service, error) in after {
        let prev = before.get(service).and_then(|e| e.as_deref());
        match (prev, error) {
            (p, Some(e)) if p != Some(e) => lines.push(CycleLine::Failing {
                service: service.to_string(),
                error: e.to_string(),
            }),
            // Back from offline is the Online line; a page read again after its own error is
            // worth telling.
            (Some(p), None) if !p.starts_with(OFFLINE_PREFIX) => lines.push(CycleLine::Recovered {
                service: service.to_string(),
            }),
            _ => {}
        }
    }
    lines
}

/// How the poller's offline error starts (`poller::next_state`).
const OFFLINE_PREFIX: &str = "offline:";

/// Emit a cycle's lines as `tracing` events.
pub fn log_cycle(lines: &[CycleLine]) {
    // Filed under the poller, where these are decided (`VIGIE_LOG=vigie_core::poller=debug`).
    const POLLER: &str = "vigie_core::poller";
    for l in lines {
        match l {
            CycleLine::Offline => tracing::warn!(
                target: POLLER,
                "offline: no status page could be reached; keeping the last known state"
            ),
            CycleLine::Online => {
                tracing::info!(target: POLLER, "online again: polling every page now")
            }
            CycleLine::Failing { service, error } => {
                tracing::warn!(target: POLLER, service = %service, "poll failed: {error}")
            }
            CycleLine::Recovered { service } => {
                tracing::info!(target: POLLER, service = %service, "page read again")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
            .expect("read dir")
            .filter_map(|e| e.ok())
            .map(|e| {
                let len = e.metadata().map(|m| m.len()).unwrap_or(0);
                (e.file_name().to_string_lossy().into_owned(), len)
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn rotation_bounds_each_file_and_keeps_k_older_ones() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("nested/logs");
        let mut f = RotatingFile::open(&dir, "vigie.log", 100, 2).expect("open");
        // 40 lines of 10 bytes, 10 lines per file: 3 rotations, and only 2 older files stay.
        for n in 0..40 {
            f.write_all(format!("line {n:04}\n").as_bytes())
                .expect("write");
        }
        f.flush().expect("flush");
        let got = files(&dir);
        assert_eq!(
            got,
            [
                ("vigie.log".to_string(), 100),
                ("vigie.log.1".to_string(), 100),
                ("vigie.log.2".to_string(), 100),
            ]
        );
        // Newest in the live file, then .1, then .2; lines 0..=9 are gone.
        let read = |n: &str| std::fs::read_to_string(dir.join(n)).expect("read");
        assert!(read("vigie.log").starts_with("line 0030\n"));
        assert!(read("vigie.log.1").starts_with("line 0020\n"));
        assert!(read("vigie.log.2").starts_with("line 0010\n"));
    }

    #[test]
    fn rotation_drops_the_oldest_and_never_splits_a_write() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut f = RotatingFile::open(tmp.path(), "v.log", 64, 1).expect("open");
        for n in 0..20 {
            f.write_all(format!("event {n:02} {}\n", "x".repeat(20)).as_bytes())
                .expect("write");
        }
        let got = files(tmp.path());
        assert_eq!(got.len(), 2, "{got:?}");
        for (name, len) in &got {
            assert!(*len <= 64, "{name} is {len} bytes");
            let text = std::fs::read_to_string(tmp.path().join(name)).expect("read");
            assert!(
                text.lines()
                    .all(|l| l.starts_with("event ") && l.len() == 29),
                "{text}"
            );
        }
        let live = std::fs::read_to_string(tmp.path().join("v.log")).expect("read");
        assert!(live.contains("event 19"));
    }

    #[test]
    fn reopening_appends_and_counts_what_is_there() {
        let tmp = tempfile::tempdir().expect("tempdir");
        {
            let mut f = RotatingFile::open(tmp.path(), "v.log", 50, 1).expect("open");
            f.write_all(&[b'a'; 40]).expect("write");
        }
        let mut f = RotatingFile::open(tmp.path(), "v.log", 50, 1).expect("reopen");
        f.write_all(&[b'b'; 20]).expect("write");
        assert_eq!(
            files(tmp.path()),
            [("v.log".into(), 20), ("v.log.1".into(), 40)]
        );
    }

    #[test]
    fn a_write_larger_than_the_bound_still_lands() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut f = RotatingFile::open(tmp.path(), "v.log", 10, 1).expect("open");
        f.write_all(&[b'z'; 25]).expect("write");
        f.write_all(b"next\n").expect("write");
        assert_eq!(
            files(tmp.path()),
            [("v.log".into(), 5), ("v.log.1".into(), 25)]
        );
    }

    fn before(list: &[(&str, Option<&str>)]) -> HashMap<String, Option<String>> {
        list.iter()
            .map(|(s, e)| (s.to_string(), e.map(str::to_string)))
            .collect()
    }

    #[test]
    fn a_cycle_logs_changes_of_error_once() {
        let e = "https://status.example.com/api/v2/summary.json: timed out";
        let prev = before(&[("a", None), ("b", Some(e)), ("c", Some(e))]);
        let lines = cycle_lines(
            true,
            true,
            &prev,
            [("a", Some(e)), ("b", Some(e)), ("c", None)],
        );
        assert_eq!(
            lines,
            [
                CycleLine::Failing {
                    service: "a".into(),
                    error: e.into()
                },
                CycleLine::Recovered {
                    service: "c".into()
                },
            ]
        );
        // The same error again: nothing.
        let prev = before(&[("a", Some(e))]);
        assert!(cycle_lines(true, true, &prev, [("a", Some(e))]).is_empty());
        // A new service failing at once is logged.
        assert_eq!(
            cycle_lines(true, true, &HashMap::new(), [("n", Some(e))]).len(),
            1
        );
    }

    #[test]
    fn offline_is_one_line_and_coming_back_is_one_more() {
        let off = "offline: no status page could be reached";
        let prev = before(&[("a", None), ("b", None)]);
        let lines = cycle_lines(true, false, &prev, [("a", Some(off)), ("b", Some(off))]);
        assert_eq!(lines, [CycleLine::Offline]);
        let prev = before(&[("a", Some(off)), ("b", Some(off))]);
        assert!(cycle_lines(false, false, &prev, [("a", Some(off))]).is_empty());
        let lines = cycle_lines(false, true, &prev, [("a", None), ("b", None)]);
        assert_eq!(lines, [CycleLine::Online]);
    }
}
