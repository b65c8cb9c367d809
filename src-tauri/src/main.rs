//! Entry point only: everything lives in the library so it can be tested and reused.

fn main() {
    std::process::exit(vigie_app::run());
}
