//! The `greenlight` binary. Deliberately thin (as ripgrep's is): all behaviour lives in
//! `greenlight-cli` so it can be tested as a library.

// The import allocates and frees hundreds of thousands of small strings on several threads;
// glibc's malloc/free took about a sixth of its CPU time, mimalloc much less (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    greenlight_cli::main()
}
