//! `netns`: manage Linux network namespaces. See `netns --help`.
//!
//! `no_main`: netns is often run once per namespace, thousands of times in a
//! row, so its start-up is on the critical path. Skipping std's runtime
//! set-up (stack-guard probing through /proc/self/maps, the alternate
//! signal stack) saves a measurable share of it (docs/performance.md).
//! Arguments still come from `std::env`, and output is flushed explicitly.
#![no_main]

use std::io::Write;

// The entry point that runs `add`, `delete` and `exec` before libc starts
// (the `fast-start` feature: build.rs makes it the binary's entry point).
#[cfg(feature = "fast-start")]
mod entry;

/// The C entry point.
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: std::ffi::c_int, _argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    #[cfg(feature = "fast-start")]
    if let Some(code) = entry::report_early_failure() {
        return code;
    }
    let code = netns::cli::main_with_args(std::env::args_os().skip(1).collect());
    let _ = std::io::stdout().flush();
    code
}
