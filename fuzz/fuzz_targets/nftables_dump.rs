//! The nf_tables decoder and the rule text, on any sequence of dump messages.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    netns::fuzzing::nftables_dump(data);
});
