//! The legacy iptables entry walk and rule text, on any table buffer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    netns::fuzzing::xtables_table(data);
});
