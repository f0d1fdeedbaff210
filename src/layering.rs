//! The dependency rule of this crate, checked on its sources: every path a
//! file names with `crate::…` or `super::…` that leaves its own top-level
//! module must point down (or, from the command line, anywhere).
//!
//! | layer | modules | may use |
//! |---|---|---|
//! | command line | `cli`, `fuzzing` | everything |
//! | features | `lab`, `inspect`, `prune`, `find`, `top`, `capture`, `ipobj` | shared and core, never a sibling |
//! | shared | `shared` | core |
//! | core | `namespace`, `rundir`, `switch`, `procscan`, `monitor`, `netlink`, `sys`, `error`, `output` | core |
//!
//! The sources are read as text (comments and literals blanked out), so the
//! check sees `use` lines, paths in expressions and grouped imports alike.
//! A file added under a new top-level module fails here until the module
//! is placed in [`layer_of`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Core,
    Shared,
    Feature,
    CommandLine,
}

/// The layer of a top-level module, or of a name the crate root re-exports.
fn layer_of(top: &str) -> Option<(Layer, &'static str)> {
    Some(match top {
        "cli" | "fuzzing" => (Layer::CommandLine, "command line"),
        "lab" | "inspect" | "prune" | "find" | "top" | "capture" | "ipobj" => (Layer::Feature, "feature"),
        "shared" => (Layer::Shared, "shared"),
        "namespace" | "rundir" | "switch" | "procscan" | "monitor" | "netlink" | "xtables" | "sys" | "error" | "output"
        // A test-only macro that depends on nothing.
        | "require_root" => (Layer::Core, "core"),
        _ => return None,
    })
}

/// The module a name at the crate root comes from: re-exports and
/// `#[macro_export]` macros are named `crate::NAME` wherever they are
/// defined.
fn home_of(name: &str) -> &str {
    match name {
        "Error" => "error",
        "NetNs" => "namespace",
        "NsName" | "RunDir" => "rundir",
        "errln" | "msg" => "sys",
        other => other,
    }
}

/// Whether a file in module `from` may name module `to`.
fn allowed(from: &str, to: &str) -> Result<(), String> {
    if from == to {
        return Ok(());
    }
    let (Some((from_layer, from_name)), Some((to_layer, to_name))) = (layer_of(from), layer_of(to)) else {
        return Err(format!("`{from}` -> `{to}`: a module missing from the layer table in src/layering.rs"));
    };
    let ok = match from_layer {
        Layer::CommandLine => true,
        Layer::Feature | Layer::Shared => to_layer < from_layer,
        Layer::Core => to_layer == Layer::Core,
    };
    if ok {
        Ok(())
    } else if from_layer == to_layer {
        Err(format!("`{from}` -> `{to}`: {from_name} modules are siblings and do not name each other"))
    } else {
        Err(format!("`{from}` ({from_name} layer) -> `{to}` ({to_name} layer): a lower layer names a higher one"))
    }
}

/// Edges allowed against the rule: none. (The core modules live in the
/// netns-core crate, which cannot name this package at all.)
const KNOWN: &[(&str, &str)] = &[];

/// One path that leaves its file's top-level module.
#[derive(Debug)]
struct Edge {
    line: usize,
    to: String,
}

/// Blank out comments, string and character literals, keeping line breaks
/// so that line numbers stay right.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
                out.push(' ');
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if !prev_ident && (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) && {
            let start = if c[i] == 'b' { i + 2 } else { i + 1 };
            let hashes = c[start..].iter().take_while(|&&h| h == '#').count();
            c.get(start + hashes) == Some(&'"')
        } {
            // A raw string: r"…", r#"…"#, br"…".
            let start = if c[i] == 'b' { i + 2 } else { i + 1 };
            let hashes = c[start..].iter().take_while(|&&h| h == '#').count();
            let body = start + hashes + 1;
            let mut j = body;
            while j < c.len()
                && !(c[j] == '"' && c[j + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes)
            {
                j += 1;
            }
            let end = (j + 1 + hashes).min(c.len());
            for &ch in &c[i..end] {
                blank(&mut out, ch);
            }
            i = end;
        } else if c[i] == '"' {
            blank(&mut out, c[i]);
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            if i < c.len() {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '\'' && (c.get(i + 1) == Some(&'\\') || c.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\''); a lifetime has no
            // closing quote and is left alone.
            out.push(' ');
            i += 1;
            if c[i] == '\\' {
                out.push(' ');
                i += 1;
            }
            while i < c.len() && c[i] != '\'' {
                blank(&mut out, c[i]);
                i += 1;
            }
            if i < c.len() {
                out.push(' ');
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Identifiers and punctuation, with the line each is on.
fn tokens(code: &str) -> Vec<(usize, String)> {
    let mut toks = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let c: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < c.len() {
            if c[i].is_alphanumeric() || c[i] == '_' {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                toks.push((n + 1, c[start..i].iter().collect()));
            } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
                toks.push((n + 1, "::".into()));
                i += 2;
            } else if !c[i].is_whitespace() {
                toks.push((n + 1, c[i].to_string()));
                i += 1;
            } else {
                i += 1;
            }
        }
    }
    toks
}

/// The first name of each item of a `{…}` group starting at `toks[i]`.
fn group_heads(toks: &[(usize, String)], mut i: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    while i < toks.len() {
        let t = toks[i].1.as_str();
        match t {
            "{" => {
                depth += 1;
                expect_head = depth == 1;
            }
            "}" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            "," if depth == 1 => expect_head = true,
            _ if expect_head && depth == 1 => {
                heads.push(t.to_string());
                expect_head = false;
            }
            _ => {}
        }
        i += 1;
    }
    heads
}

/// The paths in one file that leave `module` (its path below the crate
/// root, e.g. `["ipobj", "route", "names"]`).
fn edges(src: &str, module: &[String]) -> Vec<Edge> {
    let toks = tokens(&code_only(src));
    let mut found = Vec::new();
    // Inline `mod NAME { … }` blocks: their name and the brace depth
    // outside them, so that `super::` is resolved from the right place.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let targets = |line: usize, i: usize, found: &mut Vec<Edge>| match toks.get(i).map(|t| t.1.as_str()) {
        Some("{") => {
            for to in group_heads(&toks, i) {
                found.push(Edge { line, to });
            }
        }
        Some(name) => found.push(Edge { line, to: name.to_string() }),
        None => {}
    };
    let mut i = 0;
    while i < toks.len() {
        let (line, t) = (toks[i].0, toks[i].1.as_str());
        let prev = if i > 0 { toks[i - 1].1.as_str() } else { "" };
        let next_is_path = toks.get(i + 1).is_some_and(|n| n.1 == "::");
        match t {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if inline.last().is_some_and(|&(_, d)| d == depth) {
                    inline.pop();
                }
            }
            "mod" if toks.get(i + 2).is_some_and(|n| n.1 == "{") => {
                inline.push((toks[i + 1].1.clone(), depth));
            }
            "crate" if next_is_path && prev != "$" && prev != "::" => targets(line, i + 2, &mut found),
            "super" if next_is_path && prev != "::" => {
                let mut ups = 0;
                let mut j = i;
                while toks.get(j).is_some_and(|n| n.1 == "super") && toks.get(j + 1).is_some_and(|n| n.1 == "::") {
                    ups += 1;
                    j += 2;
                }
                let here = module.len() + inline.len();
                if ups >= here {
                    // Up to the crate root: what follows is a top-level name.
                    targets(line, j, &mut found);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("read src/").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file below `src/`: `ipobj/route/names.rs` is
/// `ipobj::route::names`, `ipobj/mod.rs` is `ipobj`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches(".rs").to_string();
    }
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts
}

/// Every violation in the library's sources, one line each:
/// `FILE:LINE: edge: why`.
fn violations(src_dir: &Path, known: &[(&str, &str)]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src_dir, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for path in files {
        let rel = path.strip_prefix(src_dir).expect("below src/");
        let shown = Path::new("src").join(rel);
        let module = module_of(rel);
        // The crate root declares the modules; the binary (main.rs and its
        // entry module) is a crate of its own, on top of the library; this
        // file holds the paths it looks for.
        match module.first().map(String::as_str) {
            None | Some("lib" | "main" | "entry" | "layering") => continue,
            Some(_) => {}
        }
        let from = module[0].as_str();
        let text = std::fs::read_to_string(&path).expect("read a source file");
        for e in edges(&text, &module) {
            let to = home_of(&e.to);
            if known.iter().any(|&(f, t)| Path::new(f) == shown && t == to) {
                continue;
            }
            if let Err(why) = allowed(from, to) {
                let source = text.lines().nth(e.line - 1).unwrap_or("").trim();
                bad.push(format!("{}:{}: {why}\n    {source}", shown.display(), e.line));
            }
        }
    }
    bad
}

#[test]
fn lower_layers_do_not_name_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src, KNOWN);
    let mut report = String::new();
    for b in &bad {
        let _ = writeln!(report, "{b}");
    }
    assert!(bad.is_empty(), "dependencies must point down (see src/layering.rs):\n{report}");
}

#[test]
fn finds_each_way_of_naming_a_module() {
    let module = |m: &str| m.split("::").map(String::from).collect::<Vec<_>>();
    let found = |src: &str, m: &str| edges(src, &module(m)).into_iter().map(|e| (e.line, e.to)).collect::<Vec<_>>();
    let src = "use crate::cli::Exit;\n\
               use crate::{netlink::Netlink, ipobj::{Ctx, Status}};\n\
               fn f() { crate::inspect::collect(); }\n\
               use super::super::lab::model;\n\
               use super::grammar;\n\
               pub(crate) fn g() {}\n\
               pub(super) fn h() {}\n";
    assert_eq!(
        found(src, "ipobj::route"),
        [(1, "cli".into()), (2, "netlink".into()), (2, "ipobj".into()), (3, "inspect".into()), (4, "lab".into())]
    );
    // Comments, strings and `$crate` in macros name nothing.
    let quiet = "// use crate::cli::Exit;\n/* crate::lab */ let s = \"crate::cli\"; let c = '\"';\n\
                 macro_rules! m { () => { $crate::cli::x() } }\nlet r = r#\"crate::lab\"#;\n";
    assert_eq!(found(quiet, "ipobj"), []);
    // `super::` from an inline test module counts that module too.
    let tests = "mod tests {\n    use super::super::cli::Exit;\n    use super::*;\n}\nuse super::cli::Exit;\n";
    assert_eq!(found(tests, "ipobj::args"), []);
    assert_eq!(found(tests, "ipobj"), [(2, "cli".into()), (5, "cli".into())]);
}

#[test]
fn the_rule_itself() {
    assert!(allowed("cli", "lab").is_ok());
    assert!(allowed("ipobj", "netlink").is_ok());
    assert!(allowed("lab", "shared").is_ok());
    assert!(allowed("shared", "sys").is_ok());
    assert!(allowed("netlink", "sys").is_ok());
    assert!(allowed("ipobj", "cli").unwrap_err().contains("lower layer names a higher one"));
    assert!(allowed("lab", "inspect").unwrap_err().contains("siblings"));
    assert!(allowed("find", "inspect").unwrap_err().contains("siblings"));
    assert!(allowed("find", "shared").is_ok());
    assert!(allowed("netlink", "ipobj").is_err());
    assert!(allowed("shared", "lab").is_err());
    assert!(allowed("newthing", "sys").unwrap_err().contains("layer table"));
}
