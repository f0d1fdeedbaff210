//! Comparing the two outcomes of a case: iproute2's program name and the
//! setup's pids normalised, and a readable report of what differs.

use super::{Case, Check, Outcome};
use std::fmt::Write as _;

/// Rewrite iproute2's program name in its messages (see module docs).
pub fn normalise(s: &str) -> String {
    s.replace("ip [-all] netns", "netns [-all]")
        .replace("ip netns", "netns")
        .replace("\"ip -help\"", "\"netns -help\"")
        .replace("\"ip help\"", "\"netns help\"")
}

/// Replace every maximal run of digits equal to one of `pids` by `<PID>`.
pub fn mask_pids(s: &str, pids: &[&str]) -> String {
    if pids.is_empty() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if pids.contains(&digits.as_str()) {
            out.push_str("<PID>");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else {
            flush(&mut digits, &mut out);
            out.push(ch);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Minimal line diff (LCS) for messages: ` ` common, `-` iproute2, `+` tool.
pub fn line_diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.split_inclusive('\n').collect();
    let b: Vec<&str> = b.split_inclusive('\n').collect();
    let (n, m) = (a.len(), b.len());
    let mut l = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i][j] = if a[i] == b[j] { l[i + 1][j + 1] + 1 } else { l[i + 1][j].max(l[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            let _ = writeln!(out, "  {:?}", a[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || l[i][j + 1] >= l[i + 1][j]) {
            let _ = writeln!(out, "+ {:?}", b[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "- {:?}", a[i]);
            i += 1;
        }
    }
    out
}

fn one_nonempty_line(s: &str) -> bool {
    s.len() > 1 && s.ends_with('\n') && !s[..s.len() - 1].contains('\n')
}

/// Compare two outcomes; `None` when they agree.
pub fn compare(case: &Case, reference: &Outcome, tool: &Outcome) -> Option<String> {
    let mut msg = String::new();
    let field = |msg: &mut String, what: &str, a: &str, b: &str| {
        let _ = write!(
            msg,
            "\n[{what}] differs\n  iproute2: {a:?}\n  netns:    {b:?}\n  diff (- iproute2, + netns):\n{}",
            line_diff(a, b)
        );
    };
    match case.check {
        Check::Exact => {
            if reference.stdout != tool.stdout {
                field(&mut msg, "stdout", &reference.stdout, &tool.stdout);
            }
        }
        Check::OneLineStdout => {
            if !one_nonempty_line(&reference.stdout) || !one_nonempty_line(&tool.stdout) {
                field(&mut msg, "stdout (one non-empty line expected)", &reference.stdout, &tool.stdout);
            }
        }
    }
    if reference.stderr != tool.stderr {
        field(&mut msg, "stderr", &reference.stderr, &tool.stderr);
    }
    if reference.status != tool.status {
        let _ = write!(msg, "\n[exit status] differs\n  iproute2: {}\n  netns:    {}\n", reference.status, tool.status);
    }
    if reference.post != tool.post {
        field(&mut msg, &format!("post: {}", case.post.as_deref().unwrap_or("")), &reference.post, &tool.post);
    }
    if msg.is_empty() {
        None
    } else {
        Some(format!(
            "case `{}` mismatch\n  setup:    {:?}\n  iproute2: {}\n  netns:    {}\n{msg}",
            case.name, case.setup, reference.command, tool.command
        ))
    }
}
