// The app's own commands are declared so that capabilities can allow them one by one
// (`allow-get-snapshot`, …); a command not listed here cannot be called from any window.
const COMMANDS: &[&str] = &[
    "get_snapshot",
    "refresh",
    "get_history",
    "export_history",
    "get_uptime",
    "get_report",
    "get_settings",
    "save_settings",
    "get_components",
    "discover_page",
    "add_service",
    "get_autostart",
    "set_autostart",
    "open_url",
    "get_log_path",
    "open_log_folder",
    "get_holds",
    "snooze",
];

fn main() {
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        panic!("tauri-build: {e:#}");
    }
}
