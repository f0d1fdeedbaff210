//! The walk over a binary's machine code: from `netns_entry`, every
//! function a direct call or jump reaches, and what breaks the entry path's
//! rules on the way. Reads `objdump -d --no-show-raw-insn -C` text (AT&T
//! syntax) and the words `readelf -r` lists as relocated.

use std::collections::{BTreeMap, BTreeSet};

/// Relocated words: address → the address start-up writes there (the
/// addend of a relative relocation), when readelf shows one.
pub type Relocations = BTreeMap<u64, Option<u64>>;

/// The entry point's symbol.
pub const ENTRY: &str = "netns_entry";
/// Where the entry point hands over to libc, and the only libc code it may
/// reach: by its own final jump.
const LIBC_START: &str = "_start";
/// The Rust path of the code the rules allow to run.
const ENTRY_MODULE: &str = "netns::entry::";

/// One function of the disassembly.
pub struct Function {
    pub name: String,
    /// (address, instruction text) in address order.
    pub code: Vec<(u64, String)>,
}

/// The disassembly, by start address.
pub struct Disassembly {
    pub functions: BTreeMap<u64, Function>,
}

impl Disassembly {
    /// Parse objdump's output: `ADDR <NAME>:` opens a function, `  ADDR:\tINSN`
    /// is one of its instructions.
    pub fn parse(objdump: &str) -> Disassembly {
        let mut functions = BTreeMap::new();
        let mut current: Option<(u64, Function)> = None;
        for line in objdump.lines() {
            if let Some((addr, name)) = function_header(line) {
                if let Some((start, f)) = current.take() {
                    functions.insert(start, f);
                }
                current = Some((addr, Function { name: name.to_string(), code: Vec::new() }));
            } else if let (Some((_, f)), Some((addr, insn))) = (current.as_mut(), instruction(line)) {
                f.code.push((addr, insn.to_string()));
            }
        }
        if let Some((start, f)) = current {
            functions.insert(start, f);
        }
        Disassembly { functions }
    }

    /// The start address of the function named `name`.
    pub fn address_of(&self, name: &str) -> Option<u64> {
        self.functions.iter().find(|(_, f)| f.name == name).map(|(&a, _)| a)
    }

    /// The function that holds `addr`.
    fn holding(&self, addr: u64) -> Option<u64> {
        self.functions.range(..=addr).next_back().map(|(&a, _)| a)
    }
}

/// What the walk from the entry point found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Names of the functions reached (the entry point included).
    pub reached: BTreeSet<String>,
    /// System call instructions on the way.
    pub syscalls: usize,
    /// Each broken rule: where, and what.
    pub violations: Vec<String>,
}

/// Follow every direct call and jump from the entry point. `relocated`:
/// the words libc's start-up rewrites (relocations), which the entry path
/// runs too early to read.
pub fn walk(dis: &Disassembly, relocated: &Relocations) -> Walk {
    let mut out = Walk::default();
    let Some(entry) = dis.address_of(ENTRY) else {
        out.violations.push(format!("no symbol {ENTRY}: is the binary stripped?"));
        return out;
    };
    let mut queue = vec![(entry, ENTRY.to_string())];
    let mut seen = BTreeSet::from([entry]);
    while let Some((start, via)) = queue.pop() {
        let f = &dis.functions[&start];
        out.reached.insert(f.name.clone());
        if f.name != ENTRY && !f.name.starts_with(ENTRY_MODULE) {
            out.violations.push(format!("{via} reaches {}: {}", f.name, kind_of(&f.name)));
            continue;
        }
        for (addr, insn) in &f.code {
            let at = || format!("{}+{:#x} `{insn}`", f.name, addr - start);
            let (mnemonic, operands) = split(insn);
            if mnemonic == "syscall" {
                out.syscalls += 1;
            }
            if operands.contains("%fs:") || operands.contains("%gs:") {
                out.violations.push(format!("{}: a thread-local access", at()));
            }
            let slot = rip_target(mnemonic, insn).and_then(|a| relocated.range(a.saturating_sub(7)..=a).next_back());
            if slot.is_some() {
                out.violations.push(format!("{}: reads a word that is only relocated after the entry path", at()));
            }
            if !(mnemonic.starts_with("call") || mnemonic.starts_with('j')) {
                continue;
            }
            if operands.starts_with('*') {
                // Through a relocated word, the callee is known: name it.
                let callee = slot.and_then(|(_, to)| dis.holding((*to)?)).map(|a| &dis.functions[&a].name);
                let to = callee.map(|name| format!(" to {name}: {}", kind_of(name))).unwrap_or_default();
                out.violations.push(format!("{}: an indirect call or jump{to}, which cannot be followed", at()));
                continue;
            }
            let Some(target) = operands.split_whitespace().next().and_then(|a| u64::from_str_radix(a, 16).ok()) else {
                out.violations.push(format!("{}: a branch whose target cannot be read", at()));
                continue;
            };
            let Some(callee) = dis.holding(target) else {
                out.violations.push(format!("{}: a branch outside the code", at()));
                continue;
            };
            if callee == start || (f.name == ENTRY && dis.functions[&callee].name == LIBC_START) {
                continue;
            }
            if seen.insert(callee) {
                queue.push((callee, f.name.clone()));
            }
        }
    }
    out
}

/// Which rule a call into `name` breaks.
fn kind_of(name: &str) -> &'static str {
    let allocation = ["__rust_alloc", "__rust_dealloc", "__rust_realloc", "malloc", "calloc", "realloc"];
    if name.contains("@plt") {
        "a call into libc through the PLT"
    } else if allocation.iter().any(|a| name.contains(a)) || name == "free" || name.starts_with("alloc::") {
        "an allocation"
    } else if ["panic", "unwind", "Unwind"].iter().any(|p| name.contains(p)) {
        "a panic"
    } else {
        "code outside src/entry (libc, core or std), which the rules do not allow"
    }
}

/// `ADDR <NAME>:`
fn function_header(line: &str) -> Option<(u64, &str)> {
    let (addr, rest) = line.split_once(' ')?;
    let name = rest.strip_prefix('<')?.strip_suffix(">:")?;
    Some((u64::from_str_radix(addr, 16).ok()?, name))
}

/// `  ADDR:\tINSN`
fn instruction(line: &str) -> Option<(u64, &str)> {
    let (addr, insn) = line.trim_start().split_once(":\t")?;
    Some((u64::from_str_radix(addr, 16).ok()?, insn.trim()))
}

/// The mnemonic (after any prefix) and the operands.
fn split(insn: &str) -> (&str, &str) {
    const PREFIXES: [&str; 10] = ["notrack", "bnd", "lock", "rep", "repz", "repnz", "repe", "repne", "cs", "ds"];
    let mut rest = insn;
    loop {
        let (word, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if PREFIXES.contains(&word) && !tail.is_empty() {
            rest = tail.trim_start();
        } else {
            return (word, tail.trim());
        }
    }
}

/// The address a RIP-relative memory operand reads or writes (objdump's
/// `# ADDR` comment); `lea` only computes the address.
fn rip_target(mnemonic: &str, insn: &str) -> Option<u64> {
    if mnemonic.starts_with("lea") || mnemonic.starts_with("nop") || !insn.contains("(%rip)") {
        return None;
    }
    let comment = insn.rsplit_once('#')?.1;
    u64::from_str_radix(comment.split_whitespace().next()?, 16).ok()
}

/// The words `readelf -rW` lists as relocated: a line per relocation
/// (`OFFSET INFO TYPE …`), or, in a packed section (`.relr.dyn`, relative
/// relocations whose addend is the word itself), a bare offset per line.
pub fn relocated(readelf: &str) -> Relocations {
    let mut packed = false;
    let mut out = Relocations::new();
    for line in readelf.lines() {
        if let Some(section) = line.strip_prefix("Relocation section '") {
            packed = section.starts_with(".relr");
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(offset) = words.first().and_then(|w| u64::from_str_radix(w, 16).ok()) else { continue };
        if packed && words.len() == 1 {
            out.insert(offset, None);
        } else if !packed && words.len() >= 3 && words[2].starts_with("R_") {
            let relative = words[2].ends_with("RELATIVE") && words.len() == 4;
            out.insert(offset, if relative { u64::from_str_radix(words[3], 16).ok() } else { None });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small program: the entry point calls early_path, which calls
    /// raw::helper; `extra` is added to helper's code. Other functions
    /// stand for libc, alloc, core and a PLT stub.
    fn program(extra: &str) -> Disassembly {
        Disassembly::parse(&format!(
            "\nDisassembly of section .plt:\n\n\
             0000000000000f00 <*ABS*+0x4a0b20@plt>:\n     f00:\tjmp    *0x2000(%rip)        # 3000 <_GLOBAL_OFFSET_TABLE_+0x18>\n\n\
             Disassembly of section .text:\n\n\
             0000000000001000 <netns_entry>:\n    1000:\tmov    %rsp,%r12\n    1003:\tcall   1100 <netns::entry::early_path>\n    1008:\tjmp    1f00 <_start>\n\n\
             0000000000001100 <netns::entry::early_path>:\n    1100:\tsyscall\n    1102:\tjne    1108 <netns::entry::early_path+0x8>\n    1104:\tcall   1200 <netns::entry::raw::helper>\n    1108:\tret\n\n\
             0000000000001200 <netns::entry::raw::helper>:\n    1200:\tlea    0xe00(%rip),%rax        # 2000 <netns::entry::RUN_DIR>\n{extra}    1280:\tret\n\n\
             0000000000001300 <__rust_alloc>:\n    1300:\tret\n\n\
             0000000000001400 <core::panicking::panic_bounds_check>:\n    1400:\tud2\n\n\
             0000000000001500 <__libc_open64>:\n    1500:\tsyscall\n    1502:\tret\n\n\
             0000000000001f00 <_start>:\n    1f00:\tcall   1500 <__libc_open64>\n"
        ))
    }

    fn violations(extra: &str, relocated: &[u64]) -> Vec<String> {
        walk(&program(extra), &relocated.iter().map(|&a| (a, None)).collect()).violations
    }

    /// One violation, which says `what`.
    fn assert_one(extra: &str, relocated: &[u64], what: &str) {
        let v = violations(extra, relocated);
        assert!(v.len() == 1 && v[0].contains(what), "expected one violation about {what:?}, got {v:?}");
    }

    #[test]
    fn the_rules_hold_for_code_that_stays_in_the_entry_module() {
        let w = walk(&program(""), &Relocations::from([(0x3000, None)]));
        assert_eq!(w.violations, Vec::<String>::new());
        assert_eq!(w.syscalls, 1);
        let reached: Vec<_> = w.reached.iter().map(String::as_str).collect();
        assert_eq!(reached, ["netns::entry::early_path", "netns::entry::raw::helper", "netns_entry"]);
    }

    #[test]
    fn a_call_into_libc_breaks_the_rules() {
        assert_one("    1210:\tcall   f00 <*ABS*+0x4a0b20@plt>\n", &[], "libc through the PLT");
        assert_one("    1210:\tjmp    1500 <__libc_open64>\n", &[], "code outside src/entry");
        assert_one("    1210:\tje     1f00 <_start>\n", &[], "code outside src/entry");
    }

    #[test]
    fn an_allocation_or_a_panic_breaks_the_rules() {
        assert_one("    1210:\tcall   1300 <__rust_alloc>\n", &[], "an allocation");
        assert_one("    1210:\tcall   1400 <core::panicking::panic_bounds_check>\n", &[], "a panic");
    }

    #[test]
    fn thread_locals_indirect_branches_and_relocated_words_break_the_rules() {
        assert_one("    1210:\tmov    %fs:0x10,%rax\n", &[], "thread-local");
        assert_one("    1210:\tcall   *%rax\n", &[], "indirect");
        assert_one("    1210:\tnotrack jmp *%rdx\n", &[], "indirect");
        let read = "    1210:\tmov    0xdec(%rip),%rax        # 2004 <X>\n";
        assert_one(read, &[0x2000], "relocated");
        assert_eq!(violations(read, &[0x1ff0, 0x2008]), Vec::<String>::new());
        assert_eq!(violations("", &[0x2000]), Vec::<String>::new(), "lea only takes the address");
    }

    #[test]
    fn a_call_through_a_relocated_word_names_its_callee() {
        let call = "    1210:\tcall   *0x1dea(%rip)        # 3000 <_DYNAMIC+0x18>\n";
        let v = walk(&program(call), &Relocations::from([(0x3000, Some(0x1300))])).violations;
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].contains("relocated"), "{v:?}");
        assert!(v[1].contains("indirect call or jump to __rust_alloc: an allocation"), "{v:?}");
    }

    #[test]
    fn without_the_entry_symbol_nothing_passes() {
        let w = walk(&Disassembly::parse("0000000000001000 <main>:\n    1000:\tret\n"), &Relocations::new());
        assert!(w.violations[0].contains("no symbol netns_entry"), "{:?}", w.violations);
    }

    #[test]
    fn relocations_are_read_from_readelf() {
        let text = "Relocation section '.rela.dyn' at offset 0x328 contains 3 entries:\n    \
                    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend\n\
                    00000000004f2c28  0000000000000008 R_X86_64_RELATIVE                         507540\n\
                    00000000004f2c30  0000000000000025 R_X86_64_IRELATIVE                        41e2c0\n\
                    00000000004f2c38  0000000500000006 R_X86_64_GLOB_DAT  0000000000000000 __gmon_start__ + 0\n";
        let expected = Relocations::from([(0x4f2c28, Some(0x507540)), (0x4f2c30, Some(0x41e2c0)), (0x4f2c38, None)]);
        assert_eq!(relocated(text), expected);
        let packed = "Relocation section '.relr.dyn' at offset 0x6a0 contains 2 entries:\n  \
                      3 offsets\n\
                      00000000004d90a8\n\
                      00000000004d90b0\n\
                      00000000004d9100\n";
        let expected = Relocations::from([(0x4d90a8, None), (0x4d90b0, None), (0x4d9100, None)]);
        assert_eq!(relocated(packed), expected);
    }
}
