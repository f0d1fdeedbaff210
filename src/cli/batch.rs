//! Batch files (`-batch FILE`, `-` for standard input), read with
//! iproute2's rules: `#` starts a comment anywhere, a trailing backslash
//! joins the next line, words split on blanks, a word opening with `'` or
//! `"` runs to the matching quote. A line may start with the object word
//! `netns` or leave it out.
//!
//! Runs of consecutive `add` lines are sped up: helper threads create the
//! new namespaces ahead of time (the kernel's part of an add, which two
//! cores can do in parallel) while the main thread names them strictly in
//! file order, so messages, line numbers and stop-at-first-failure stay
//! exactly those of a sequential run.

use super::{Code, Ctx, Exit, Status, dispatch, netns_cmd};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

/// iproute2's MAX_ARGS.
const MAX_ARGS: usize = 512;
/// Below this many consecutive adds, helper threads are not worth starting.
const PREFETCH_MIN_RUN: usize = 4;
/// Threads that create namespaces ahead of the main thread.
const PREFETCH_THREADS: usize = 2;

/// One logical line: its last physical line number and its words, or the
/// reason it cannot be split.
#[derive(Clone)]
enum Line {
    Words(usize, Vec<OsString>),
    /// `makeargs` errors end the run with status 1.
    Fatal(&'static str),
    /// A trailing backslash on the last line.
    MissingContinuation,
}

/// Reads physical lines and joins them into logical lines.
struct Reader<R> {
    input: R,
    lineno: usize,
}

impl<R: BufRead> Reader<R> {
    fn physical(&mut self) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        match self.input.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                self.lineno += 1;
                Some(buf)
            }
        }
    }

    fn next_line(&mut self) -> Option<Line> {
        let mut line = self.physical()?;
        cut_comment(&mut line);
        while let Some(pos) = find_continuation(&line) {
            let Some(mut next) = self.physical() else {
                return Some(Line::MissingContinuation);
            };
            cut_comment(&mut next);
            line.truncate(pos);
            line.extend_from_slice(&next);
        }
        Some(match split_words(&line) {
            Ok(words) => Line::Words(self.lineno, words),
            Err(e) => Line::Fatal(e),
        })
    }
}

/// Every logical line of a batch file as the reader splits it: its last
/// physical line number and words, or why it cannot be split. What `run`
/// reads, without running anything (for the fuzz targets).
pub(crate) fn split_lines(input: impl BufRead) -> Vec<Result<(usize, Vec<OsString>), &'static str>> {
    let mut reader = Reader { input, lineno: 0 };
    std::iter::from_fn(|| reader.next_line())
        .map(|line| match line {
            Line::Words(n, words) => Ok((n, words)),
            Line::Fatal(e) => Err(e),
            Line::MissingContinuation => Err("missing continuation line"),
        })
        .collect()
}

/// C strings end at NUL and at the first `#`.
fn cut_comment(line: &mut Vec<u8>) {
    if let Some(p) = line.iter().position(|&c| c == b'#' || c == 0) {
        line.truncate(p);
    }
}

fn find_continuation(line: &[u8]) -> Option<usize> {
    line.windows(2).position(|w| w == b"\\\n")
}

/// iproute2's `makeargs`.
fn split_words(line: &[u8]) -> Result<Vec<OsString>, &'static str> {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut words = Vec::new();
    let mut i = 0;
    while i < line.len() {
        while i < line.len() && ws(line[i]) {
            i += 1;
        }
        if i >= line.len() {
            break;
        }
        if words.len() >= MAX_ARGS - 1 {
            return Err("Too many arguments to command");
        }
        if line[i] == b'\'' || line[i] == b'"' {
            let quote = line[i];
            let start = i + 1;
            let Some(len) = line[start..].iter().position(|&c| c == quote) else {
                return Err("Unterminated quoted string");
            };
            words.push(OsString::from_vec(line[start..start + len].to_vec()));
            i = start + len + 1;
        } else {
            let start = i;
            while i < line.len() && !ws(line[i]) {
                i += 1;
            }
            words.push(OsString::from_vec(line[start..i].to_vec()));
            i += 1;
        }
    }
    Ok(words)
}

/// Run the batch file `name`.
pub fn run(ctx: &mut Ctx, name: &OsStr) -> Status {
    let shown = name;
    let input: Box<dyn Read> = if name.as_bytes() == b"-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(name) {
            Ok(f) => Box::new(f),
            Err(e) => {
                crate::errln!("Cannot open file \"", name, "\" for reading: ", crate::sys::Errno::of(&e));
                return Ok(Code::FAILED);
            }
        }
    };
    let stream = name.as_bytes() == b"-" && !stdin_is_regular_file();
    let mut reader = Reader { input: BufReader::with_capacity(64 * 1024, input), lineno: 0 };
    ctx.batch = true;
    let force = ctx.opts.force;
    let mut ret = Code::SUCCESS;
    if stream {
        // A pipe or terminal: lines are run as they arrive.
        while let Some(line) = reader.next_line() {
            if !run_line(ctx, line, shown, &mut ret, force, None)? {
                break;
            }
        }
        return Ok(ret);
    }
    let lines: Vec<Line> = std::iter::from_fn(|| reader.next_line()).collect();
    let mut i = 0;
    while i < lines.len() {
        let run_len = lines[i..].iter().take_while(|l| is_add_line(ctx, l)).count();
        if run_len >= PREFETCH_MIN_RUN {
            // These lines bypass the dispatcher: finish a pending `-n NAME`
            // switch as it would have.
            ctx.need_mounts(false)?;
            let keep_going = run_add_lines(ctx, &lines[i..i + run_len], shown, &mut ret, force)?;
            i += run_len;
            if !keep_going {
                break;
            }
            continue;
        }
        i += 1;
        if !run_line(ctx, lines[i - 1].clone(), shown, &mut ret, force, None)? {
            break;
        }
    }
    Ok(ret)
}

fn stdin_is_regular_file() -> bool {
    nix::sys::stat::fstat(std::io::stdin()).map(|st| st.st_mode & libc::S_IFMT == libc::S_IFREG).unwrap_or(false)
}

/// Run one line. Returns whether to continue with the next one.
fn run_line(
    ctx: &mut Ctx,
    line: Line,
    file: &OsStr,
    ret: &mut i32,
    force: bool,
    prefetched: Option<OwnedFd>,
) -> Result<bool, Exit> {
    let (lineno, words) = match line {
        Line::Words(n, w) => (n, w),
        Line::Fatal(msg) => {
            ctx.flush();
            eprintln!("{msg}");
            return Err(Exit::ERROR);
        }
        Line::MissingContinuation => {
            eprintln!("Missing continuation line");
            return Ok(false);
        }
    };
    if words.is_empty() {
        return Ok(true);
    }
    let status = match prefetched {
        Some(fd) => netns_cmd::add_prefetched(ctx, strip_object(&words), fd),
        None => dispatch(ctx, &words, true)?,
    };
    if status != Code::SUCCESS {
        ctx.flush();
        crate::errln!("Command failed ", file, ":", lineno.to_string());
        *ret = Code::FAILED;
        if !force {
            return Ok(false);
        }
    }
    Ok(true)
}

fn strip_object(words: &[OsString]) -> &[OsString] {
    match words.first() {
        Some(w) if super::is_netns_object(w.as_bytes()) => &words[1..],
        _ => words,
    }
}

fn is_add_line(ctx: &Ctx, line: &Line) -> bool {
    match line {
        Line::Words(_, words) => netns_cmd::is_plain_add(ctx, strip_object(words)),
        _ => false,
    }
}

/// Run a run of `add` lines with namespaces created ahead by helper threads.
/// Returns whether to continue after the run.
fn run_add_lines(ctx: &mut Ctx, lines: &[Line], file: &OsStr, ret: &mut i32, force: bool) -> Result<bool, Exit> {
    let stop = AtomicBool::new(false);
    let wanted = lines.len();
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<OwnedFd>(PREFETCH_THREADS * 4);
        let per_thread = wanted.div_ceil(PREFETCH_THREADS);
        for t in 0..PREFETCH_THREADS {
            let tx = tx.clone();
            let stop = &stop;
            let count = per_thread.min(wanted.saturating_sub(t * per_thread));
            s.spawn(move || {
                for _ in 0..count {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    // A failure here is not fatal: the main thread then
                    // creates that namespace itself and reports any error.
                    let Ok(fd) = crate::rundir::fresh_namespace_on_this_thread() else { break };
                    if tx.send(fd).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut result = Ok(true);
        for line in lines {
            let fd = rx.recv().ok();
            result = run_line(ctx, line.clone(), file, ret, force, fd);
            if result != Ok(true) {
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
        // Unused namespaces die with their last descriptor.
        while rx.recv().is_ok() {}
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        split_words(s.as_bytes()).unwrap().into_iter().map(|w| w.into_string().unwrap()).collect()
    }

    #[test]
    fn splits_like_makeargs() {
        assert_eq!(words("netns add  a\t b\n"), ["netns", "add", "a", "b"]);
        assert_eq!(words("add 'x y' \"z\"w"), ["add", "x y", "z", "w"]);
        assert_eq!(words(""), Vec::<String>::new());
        assert!(split_words(b"add 'x").is_err());
    }

    #[test]
    fn comments_and_continuations() {
        let text = b"add a # comment\nadd \\\nb\n#only\n\ndel c\\\n";
        let mut r = Reader { input: &text[..], lineno: 0 };
        let mut got = Vec::new();
        while let Some(l) = r.next_line() {
            got.push(match l {
                Line::Words(n, w) => {
                    format!("{n}:{}", w.iter().map(|x| x.to_string_lossy()).collect::<Vec<_>>().join(" "))
                }
                Line::Fatal(e) => e.to_string(),
                Line::MissingContinuation => "missing".into(),
            });
        }
        assert_eq!(got, ["1:add a", "3:add b", "4:", "5:", "missing"]);
    }
}
