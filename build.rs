//! The `netns` binary starts at `netns_entry` (src/entry), which runs
//! `add`, `delete` and `exec` before libc's start-up and otherwise jumps to
//! libc's `_start`. That code is written for one kind of build, the one
//! .cargo/config.toml asks for: x86_64 Linux, glibc, static, not
//! position-independent (it runs before any relocation is applied). Any
//! other build (another target, RUSTFLAGS replacing the config) keeps
//! libc's own entry point.
fn main() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let static_non_pie = var("CARGO_CFG_TARGET_FEATURE").split(',').any(|f| f == "crt-static")
        && flags.split('\x1f').any(|f| f == "relocation-model=static");
    if var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && static_non_pie
    {
        println!("cargo:rustc-link-arg-bins=-Wl,--entry=netns_entry");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
}
