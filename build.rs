//! The `netns` binary starts at `netns_entry` (src/entry.rs), which runs
//! `add NAME` and `delete NAME` before libc's start-up and otherwise jumps
//! to libc's `_start`. Only where that code exists: x86_64 Linux, glibc.
fn main() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
    {
        println!("cargo:rustc-link-arg-bins=-Wl,--entry=netns_entry");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
