//! The harness of the integration tests. Everything a test runs, it runs in
//! a [`sandbox`]: private mount, network and pid namespaces with a fresh
//! tmpfs on `/run` and `/tmp`, so names, mounts and processes never reach
//! the host, and nothing outlives the test. On top of it:
//!
//! - [`script`]: a bash script whose commands' output, errors and statuses
//!   the test reads back (most tests);
//! - [`diff`]: one command line through iproute2 and through netns, the two
//!   outcomes compared byte for byte (the differential tests), and the
//!   [`cases!`](diff::cases) macro that declares them;
//! - [`labs`]: lab scripts, with the shipped examples and the lab fixtures
//!   of `tests/fixtures/labs/`;
//! - [`text`]: reading mountinfo tables and listings.

pub mod diff;
pub mod labs;
pub mod sandbox;
pub mod script;
pub mod text;

pub use labs::{examples_prelude, lab_script};

/// Return from the test unless PROGRAM is on `PATH`, as `require_root!`
/// does without root: one line, `TEST: skipped: needs PROGRAM (the PACKAGE
/// package)`; under `NETNS_REQUIRE_ROOT=1` (scripts/test.sh, which installs
/// PACKAGE) the test fails instead, so a missing tool is never a pass.
macro_rules! require_program {
    ($program:expr, $package:expr) => {{
        fn f() {}
        let test = $crate::require_root::test_path(::std::any::type_name_of_val(&f));
        if !$crate::support::program_granted(test, $program, $package) {
            return;
        }
    }};
}

/// Whether test `test`, which runs `program`, may go on (see
/// [`require_program!`]).
pub fn program_granted(test: &str, program: &str, package: &str) -> bool {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;
    let runnable =
        |p: std::path::PathBuf| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    if std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|d| runnable(d.join(program)))) {
        return true;
    }
    if std::env::var_os("NETNS_REQUIRE_ROOT").is_some_and(|v| v == "1") {
        panic!(
            "{test} needs {program}, which is not on PATH (scripts/test.sh installs the {package} package), \
             and NETNS_REQUIRE_ROOT=1 does not let it be skipped"
        );
    }
    // Past the test harness's capture, as require_root! does.
    let _ = writeln!(std::io::stderr(), "{test}: skipped: needs {program} (the {package} package)");
    false
}
pub use script::{Script, prelude, script};
pub use text::{parse_mountinfo, sorted_lines};

/// The binary under test: the netns cargo built with these tests, or the
/// one `NETNS_TEST_BINARY` names (scripts/test.sh runs the start-up and
/// differential tests on the `fast-start` release build that way: that
/// build needs cross-crate LTO, which the tests' own profile leaves out).
pub fn netns() -> &'static str {
    static BINARY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| match std::env::var("NETNS_TEST_BINARY") {
        Ok(path) if !path.is_empty() => {
            let path = std::fs::canonicalize(&path).unwrap_or_else(|e| panic!("NETNS_TEST_BINARY={path}: {e}"));
            path.to_string_lossy().into_owned()
        }
        _ => env!("CARGO_BIN_EXE_netns").to_string(),
    })
}

/// Does the binary under test have the `fast-start` entry path? Built with
/// the feature, or `NETNS_TEST_FAST_START=1` with `NETNS_TEST_BINARY`.
pub fn fast_start() -> bool {
    match std::env::var("NETNS_TEST_FAST_START").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => cfg!(feature = "fast-start"),
    }
}
/// iproute2: the oracle of the differential tests, and the tool every test
/// checks netns's work with.
pub const IP: &str = "/usr/sbin/ip";
/// The command prefix that drops root: uid/gid 65534, no supplementary
/// groups, no capabilities.
pub const NOBODY: &str = "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all";

/// Quote a word for the shell.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b)) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}
