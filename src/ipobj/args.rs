//! An argument cursor with iproute2's error conventions (`NEXT_ARG`,
//! `invarg`, `duparg`, `incomplete_command`), shared by the object commands.

use crate::ipobj::Exit;
use std::ffi::{OsStr, OsString};

/// Words still to be read.
pub struct Args<'a> {
    words: &'a [OsString],
    pos: usize,
}

impl<'a> Args<'a> {
    /// A cursor over `words`.
    pub fn new(words: &'a [OsString]) -> Args<'a> {
        Args { words, pos: 0 }
    }

    /// Words left.
    pub fn len(&self) -> usize {
        self.words.len() - self.pos
    }

    /// No words left.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next word without consuming it.
    pub fn peek(&self) -> Option<&'a OsStr> {
        self.words.get(self.pos).map(|w| w.as_os_str())
    }

    /// Consume the next word.
    pub fn next_word(&mut self) -> Option<&'a OsStr> {
        let w = self.peek()?;
        self.pos += 1;
        Some(w)
    }

    /// iproute2's `NEXT_ARG()`: the value after a keyword, or
    /// `Command line is not complete. Try option "help"` (exit 255).
    pub fn value(&mut self) -> Result<&'a OsStr, Exit> {
        self.next_word().ok_or_else(incomplete)
    }

    /// The rest, unconsumed.
    pub fn rest(&self) -> &'a [OsString] {
        &self.words[self.pos..]
    }
}

/// `Command line is not complete. Try option "help"`, exit 255.
pub fn incomplete() -> Exit {
    eprintln!("Command line is not complete. Try option \"help\"");
    Exit::FAILURE
}

/// `Error: argument "ARG" is wrong: MSG`, exit 255.
pub fn invarg(msg: &str, arg: &OsStr) -> Exit {
    eprintln!("Error: argument \"{}\" is wrong: {msg}", arg.to_string_lossy());
    Exit::FAILURE
}

/// `Error: duplicate "KEY": "ARG" is the second value.`, exit 255.
pub fn duparg(key: &str, arg: &OsStr) -> Exit {
    eprintln!("Error: duplicate \"{key}\": \"{}\" is the second value.", arg.to_string_lossy());
    Exit::FAILURE
}

/// `Error: either "KEY" is duplicate, or "ARG" is a garbage.`, exit 255.
pub fn duparg2(key: &str, arg: &OsStr) -> Exit {
    eprintln!("Error: either \"{key}\" is duplicate, or \"{}\" is a garbage.", arg.to_string_lossy());
    Exit::FAILURE
}
