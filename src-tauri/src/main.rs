//! Entry point only: everything lives in the library so it can be tested and reused.

fn main() {
    // Linux: GTK loads the GL driver (Mesa and LLVM: ~50 MB) when it connects to the display;
    // the window draws text and CSS, for which WebKit's software path is enough. Set before any
    // thread exists; a user who wants GL can still set GDK_GL themselves.
    #[cfg(target_os = "linux")]
    if std::env::var_os("GDK_GL").is_none() {
        std::env::set_var("GDK_GL", "disable");
    }
    std::process::exit(vigie_app::run());
}
