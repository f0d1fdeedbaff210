//! The netlink reply decoder, on any receive buffer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    netns::fuzzing::netlink_replies(data);
});
