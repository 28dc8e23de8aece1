//! The `greenlight` binary. Deliberately thin (as ripgrep's is): all behaviour lives in
//! `greenlight-cli` so it can be tested as a library.

// The import allocates and frees hundreds of thousands of small strings on several threads;
// glibc's malloc/free took about a sixth of its CPU time, mimalloc much less (BENCHMARKS.md).
// Built without transparent huge pages (`no_thp`): each huge page is zeroed whole on first
// touch, which cost the import up to a third of its CPU in the kernel on this VM.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    greenlight_cli::main()
}
