//! Tests that need root (namespaces, mounts, netlink writes) start with
//! `require_root!()`. As root it does nothing. Otherwise the test prints
//! one line, `TEST: skipped: needs root`, and returns, so a plain
//! `cargo test` as a user runs what it can without a panic. With
//! `NETNS_REQUIRE_ROOT=1` (scripts/test.sh sets it) the test fails instead:
//! a run that must cover everything never counts a skipped test as a pass.
//!
//! The unit tests and the integration tests (tests/integration/main.rs)
//! both compile this one file, as a module named `require_root` at the root
//! of their crate, which the macro's path relies on.

use std::io::Write as _;

/// Whether test `test` may go on: true as root; false, after the skip line,
/// otherwise; a panic when `NETNS_REQUIRE_ROOT=1` forbids skipping.
pub fn granted(test: &str) -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    if std::env::var_os("NETNS_REQUIRE_ROOT").is_some_and(|v| v == "1") {
        panic!("{test} needs root, and NETNS_REQUIRE_ROOT=1 does not let it be skipped");
    }
    // Straight to the standard error, past the test harness's capture of
    // `eprintln!`: a skip shows in every run, not only when a test fails.
    let _ = writeln!(std::io::stderr(), "{test}: skipped: needs root");
    false
}

/// The test's path as the test harness names it (without the crate), from
/// the type name of a function defined inside it (`…::TEST::f`).
pub fn test_path(inner_fn: &str) -> &str {
    let path = inner_fn.strip_suffix("::f").unwrap_or(inner_fn);
    path.split_once("::").map_or(path, |(_crate, rest)| rest)
}

/// Return from the test unless it runs as root (see the module docs).
macro_rules! require_root {
    () => {{
        fn f() {}
        if !$crate::require_root::granted($crate::require_root::test_path(::std::any::type_name_of_val(&f))) {
            return;
        }
    }};
}
