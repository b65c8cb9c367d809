//! Launch at login: an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/Vigie.desktop`) that
//! starts the tray binary. The tray menu and the window's Settings both use these functions, so
//! whichever process turns it on, the entry starts `vigie-tray`, never the window.
//!
//! Written here rather than with the `auto-launch` crate (which the Tauri autostart plugin wraps):
//! that crate writes under `$HOME/.config` whatever `XDG_CONFIG_HOME` says, and leaves the path
//! unquoted in `Exec`. The file name is the one the plugin used (the product name), so an entry an
//! older Vigie wrote, which started `vigie-app`, is the same file: [`repoint`] rewrites it at the
//! tray's start.

use std::path::{Path, PathBuf};

/// The entry's file name.
const FILE: &str = "Vigie.desktop";

#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    #[error("launch at login: no config directory (neither XDG_CONFIG_HOME nor HOME is set)")]
    NoConfigDir,
    #[error("launch at login: {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the entry lives.
fn entry_path() -> Result<PathBuf, AutostartError> {
    dirs::config_dir()
        .map(|d| d.join("autostart").join(FILE))
        .ok_or(AutostartError::NoConfigDir)
}

/// Is launch at login on? An entry switched off by the desktop (`Hidden=true`, or GNOME's
/// `X-GNOME-Autostart-enabled=false`) counts as off.
pub fn is_enabled() -> Result<bool, AutostartError> {
    enabled_at(&entry_path()?)
}

/// Turn launch at login on or off; returns what holds afterwards.
pub fn set(enabled: bool) -> Result<bool, AutostartError> {
    set_at(&entry_path()?, &crate::sibling(crate::TRAY_BIN), enabled)
}

/// What [`repoint`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repointed {
    /// Off, or already starting this tray: nothing written.
    No,
    /// It started a tray binary elsewhere (moved, or another build): it starts this one now.
    FromTray,
    /// It started the window program, as an older Vigie's entry did: it starts the tray now.
    /// A window launched by such an entry is a login, not a user asking for the window.
    FromWindow,
}

/// When launch at login is on, make the entry start this tray binary (it may name a binary that
/// moved, or the window binary of an older version). Nothing is written when it is off.
pub fn repoint() -> Result<Repointed, AutostartError> {
    repoint_at(&entry_path()?, &crate::sibling(crate::TRAY_BIN))
}

fn repoint_at(entry: &Path, tray: &Path) -> Result<Repointed, AutostartError> {
    let text = read(entry)?;
    if !enabled_in(&text) || text == contents(tray) {
        return Ok(Repointed::No);
    }
    set_at(entry, tray, true)?;
    Ok(if program_of(&text) == Some(crate::WINDOW_BIN) {
        Repointed::FromWindow
    } else {
        Repointed::FromTray
    })
}

/// The file name of the program an entry's `Exec` starts (quotes and arguments left out).
fn program_of(text: &str) -> Option<&str> {
    let exec = text.lines().find_map(|l| l.trim().strip_prefix("Exec="))?;
    let program = match exec.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => exec.split_whitespace().next()?,
    };
    program.rsplit('/').next()
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> AutostartError + '_ {
    move |source| AutostartError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read(entry: &Path) -> Result<String, AutostartError> {
    match std::fs::read_to_string(entry) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(io(entry)(e)),
    }
}

fn enabled_at(entry: &Path) -> Result<bool, AutostartError> {
    Ok(enabled_in(&read(entry)?))
}

fn enabled_in(text: &str) -> bool {
    let off = text.lines().map(str::trim).any(|l| {
        l.eq_ignore_ascii_case("Hidden=true")
            || l.eq_ignore_ascii_case("X-GNOME-Autostart-enabled=false")
    });
    !text.is_empty() && !off
}

fn set_at(entry: &Path, tray: &Path, enabled: bool) -> Result<bool, AutostartError> {
    if enabled {
        if let Some(dir) = entry.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        // Whole file at once: a session starting meanwhile never reads half an entry.
        let tmp = entry.with_extension("desktop.tmp");
        std::fs::write(&tmp, contents(tray)).map_err(io(&tmp))?;
        std::fs::rename(&tmp, entry).map_err(io(entry))?;
    } else {
        match std::fs::remove_file(entry) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(entry)(e)),
        }
    }
    enabled_at(entry)
}

/// The entry: the tray, quoted as the Desktop Entry spec asks (`"`, `` ` ``, `$` and `\`
/// escaped inside double quotes).
fn contents(tray: &Path) -> String {
    let mut exec = String::from("\"");
    for c in tray.to_string_lossy().chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            exec.push('\\');
        }
        exec.push(c);
    }
    exec.push('"');
    format!(
        "[Desktop Entry]\nType=Application\nName=Vigie\nComment=Watch AI status pages from the tray\n\
         Exec={exec}\nIcon=vigie-app\nTerminal=false\nStartupNotify=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_starts_the_tray_quoted() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let entry = dir.path().join("autostart").join(FILE);
        let tray = Path::new("/opt/my apps/vigie-tray");

        assert_eq!(enabled_at(&entry).ok(), Some(false));
        assert_eq!(set_at(&entry, tray, true).ok(), Some(true));
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            text.lines()
                .any(|l| l == "Exec=\"/opt/my apps/vigie-tray\""),
            "{text}"
        );
        assert!(text.starts_with("[Desktop Entry]\nType=Application\n"));

        // Switched off from the desktop's own settings: off here too.
        std::fs::write(&entry, text.replace("enabled=true", "enabled=false"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(enabled_at(&entry).ok(), Some(false));

        assert_eq!(set_at(&entry, tray, false).ok(), Some(false));
        assert!(!entry.exists());
        // Turning off what is off is fine.
        assert_eq!(set_at(&entry, tray, false).ok(), Some(false));
    }

    #[test]
    fn an_entry_of_an_older_vigie_is_repointed_at_the_tray() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let entry = dir.path().join(FILE);
        let tray = Path::new("/usr/bin/vigie-tray");
        // Off: nothing is written.
        assert_eq!(repoint_at(&entry, tray).ok(), Some(Repointed::No));
        assert!(!entry.exists());
        // What the Tauri autostart plugin wrote for the old one-binary app.
        let old = "[Desktop Entry]\nType=Application\nVersion=1.0\nName=Vigie\n\
                   Comment=Vigie startup script\nExec=/usr/bin/vigie-app \n\
                   StartupNotify=false\nTerminal=false";
        std::fs::write(&entry, old).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(repoint_at(&entry, tray).ok(), Some(Repointed::FromWindow));
        // Pointing at the tray already: left alone.
        assert_eq!(repoint_at(&entry, tray).ok(), Some(Repointed::No));
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(text.contains("\nExec=\"/usr/bin/vigie-tray\"\n"), "{text}");
        assert!(!text.contains("vigie-app "), "{text}");
        // A tray that moved (another install, a dev build) is followed, and is no login sign.
        let moved = Path::new("/home/me/vigie/target/release/vigie-tray");
        assert_eq!(repoint_at(&entry, moved).ok(), Some(Repointed::FromTray));
        assert_eq!(repoint_at(&entry, tray).ok(), Some(Repointed::FromTray));
        // The window named in quotes, with arguments, as other writers put it.
        std::fs::write(
            &entry,
            old.replace(
                "Exec=/usr/bin/vigie-app ",
                "Exec=\"/opt/V i/vigie-app\" --x",
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(repoint_at(&entry, tray).ok(), Some(Repointed::FromWindow));
    }

    #[test]
    fn exec_escapes_what_the_spec_reserves() {
        let text = contents(Path::new("/tmp/a\"b$c`d\\e/vigie-tray"));
        assert!(
            text.contains("Exec=\"/tmp/a\\\"b\\$c\\`d\\\\e/vigie-tray\"\n"),
            "{text}"
        );
    }
}
