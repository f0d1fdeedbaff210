//! The batch-file reader (`-batch FILE`), on any bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    netns::fuzzing::batch_file(data);
});
