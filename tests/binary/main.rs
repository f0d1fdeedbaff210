//! The built binary itself: position-independent (ASLR for a tool run as
//! root), in every build; and in a binary built with the `fast-start`
//! feature (it has the symbol `netns_entry`), the rules of
//! the code that runs before libc starts (src/entry/): no calls into libc,
//! no allocation, no panics, no thread-locals, and, as it runs before
//! libc's start-up relocates the binary, no read of a word that start-up
//! rewrites. Those are checked on the machine code: every function that a
//! call or jump reachable from `netns_entry` lands in must belong to
//! `netns::entry`, and no reachable instruction may break the other rules
//! ([`machine_code::walk`]). The walk itself is tested on small programs.
//!
//! The binary is the one cargo built for these tests, or the file named by
//! `NETNS_CHECK_BINARY` (scripts/release.sh checks the one it ships, and
//! sets `NETNS_CHECK_FAST_START=1`: then a binary without the entry point
//! fails instead of skipping the rules). The rules need its symbol table,
//! which .cargo/fast-start.toml keeps. Needs binutils (objdump, readelf).

mod machine_code;

use std::process::Command;

fn binary() -> String {
    std::env::var("NETNS_CHECK_BINARY").unwrap_or_else(|_| env!("CARGO_BIN_EXE_netns").to_string())
}

/// The standard output of a binutils command that must succeed.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("binutils print text")
}

/// The value of `FIELD:` in `readelf -h`.
fn elf_header(bin: &str, field: &str) -> String {
    let header = run("readelf", &["-hW", bin]);
    let value = header.lines().find_map(|l| l.trim().strip_prefix(field)?.strip_prefix(':'));
    value.unwrap_or_else(|| panic!("readelf shows no {field}")).trim().to_string()
}

#[test]
fn the_binary_is_position_independent() {
    let bin = binary();
    let kind = elf_header(&bin, "Type");
    assert!(kind.starts_with("DYN "), "{bin}: {kind}: not position-independent, so not placed at random");
}

#[test]
fn code_reachable_from_the_entry_point_keeps_the_rules() {
    use machine_code::{Disassembly, ENTRY, relocated, walk};
    let bin = binary();
    let dis = Disassembly::parse(&run("objdump", &["-d", "--no-show-raw-insn", "-C", &bin]));
    if dis.address_of(ENTRY).is_none() {
        // A plain build starts the ordinary way: there are no rules to keep.
        let required = std::env::var_os("NETNS_CHECK_FAST_START").is_some_and(|v| v == "1");
        assert!(!required, "{bin}: no symbol {ENTRY}: not a fast-start build, or stripped");
        eprintln!("{bin}: no {ENTRY} (not a fast-start build): the entry path's rules do not apply");
        return;
    }
    let walk = walk(&dis, &relocated(&run("readelf", &["-rW", &bin])));
    assert_eq!(walk.violations, Vec::<String>::new(), "{bin}: the entry path breaks its rules");
    let entry = elf_header(&bin, "Entry point address");
    let entry = u64::from_str_radix(entry.trim_start_matches("0x"), 16).expect("a hex address");
    assert_eq!(dis.address_of(ENTRY), Some(entry), "{bin}: {ENTRY} is not the entry point");
    // The walk did follow the code: into the commands, to their system calls.
    assert!(walk.reached.contains("netns::entry::early_path"), "{:?}", walk.reached);
    assert!(walk.syscalls >= 20, "only {} system calls reached", walk.syscalls);
}
