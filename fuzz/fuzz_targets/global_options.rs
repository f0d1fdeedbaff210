//! The scan of the global options, on any command line: the input is the
//! arguments separated by NUL bytes (as in /proc/PID/cmdline).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let args: Vec<&[u8]> = if data.is_empty() { Vec::new() } else { data.split(|&b| b == 0).collect() };
    netns::fuzzing::global_options(&args);
});
