//! The `greenlight` binary. Deliberately thin (as ripgrep's is): all behaviour lives in
//! `greenlight-cli` so it can be tested as a library.
fn main() -> std::process::ExitCode {
    greenlight_cli::main()
}
