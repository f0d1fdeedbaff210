//! With the `fast-start` feature, the `netns` binary starts at
//! `netns_entry` (src/entry), which runs `add`, `delete` and `exec` before
//! libc's start-up and otherwise jumps to libc's `_start`. That code is
//! written for one kind of build: x86_64 Linux, glibc, linked statically
//! (no dynamic loader runs before it), optimised without debug assertions
//! (their checks could panic there). The feature is refused for any other
//! build, rather than giving a binary that silently starts the slow way or
//! breaks the entry path's rules; scripts/release.sh makes the right one.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_FAST_START").is_none() {
        return;
    }
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let linked_statically = var("CARGO_CFG_TARGET_FEATURE").split(',').any(|f| f == "crt-static");
    if var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && linked_statically
        && std::env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_none()
    {
        println!("cargo::rustc-link-arg-bins=-Wl,--entry=netns_entry");
    } else {
        println!(
            "cargo::error=the fast-start feature needs a static x86_64 Linux glibc release build: \
             build it with scripts/release.sh"
        );
    }
}
