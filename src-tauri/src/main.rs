//! Entry point only: everything lives in the library so it can be tested and reused.

fn main() {
    vigie_shell::without_gl();
    std::process::exit(vigie_app::run());
}
