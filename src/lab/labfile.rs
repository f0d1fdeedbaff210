//! Reading a lab file: the one reader every lab command goes through.
//!
//! A lab file must be a regular file of at most [`MAX_LAB_FILE`] bytes.
//! Anything else is refused before a byte is read: a FIFO would block the
//! command forever, `/dev/zero` would fill memory, and a device may act on
//! being opened. The file is opened without blocking and checked on the
//! descriptor itself, so what is read is what was checked.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};

/// The largest lab file read: 4 MiB. A lab of ten thousand nodes written
/// out one by one stays well under it; `for` makes big labs from small
/// files.
pub const MAX_LAB_FILE: u64 = 4 << 20;

/// A lab file's text, and the absolute path of the file it came from.
#[derive(Debug, Clone)]
pub struct LabFile {
    /// The whole file.
    pub text: String,
    /// The file's canonical absolute path (symlinks resolved, as
    /// `/proc/self/fd` names the opened file), when it has one: a file
    /// reached through `/dev/stdin` is named by its real path, and a pipe
    /// or a deleted file has none.
    pub canonical: Option<String>,
}

/// What a file that is not regular is, for the message.
fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

fn not_regular(t: std::fs::FileType) -> io::Error {
    io::Error::other(format!("it is {}, not a regular file (a lab file must be a regular file)", kind_of(t)))
}

fn too_big() -> io::Error {
    io::Error::other(format!("it is larger than {} MiB, the limit for a lab file", MAX_LAB_FILE >> 20))
}

/// Read the lab file at `path`: a regular file of at most
/// [`MAX_LAB_FILE`] bytes, in UTF-8. Never blocks on a FIFO and never
/// opens a device.
pub fn read(path: &str) -> io::Result<LabFile> {
    // A FIFO or a device is refused before it is opened (opening a FIFO
    // for reading waits for a writer; opening a device may act).
    let before = std::fs::metadata(path)?;
    if !before.is_file() {
        return Err(not_regular(before.file_type()));
    }
    // O_NONBLOCK: should the name be swapped for a FIFO between the check
    // and the open, the open still returns at once, and the check on the
    // descriptor below refuses it.
    let file =
        File::options().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    if meta.len() > MAX_LAB_FILE {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The size may grow while it is read: never more than the limit.
    (&file).take(MAX_LAB_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_LAB_FILE {
        return Err(too_big());
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text (a lab file is TOML)"))?;
    Ok(LabFile { text, canonical: canonical(&file, &meta) })
}

/// The absolute path of the opened file, checked to still name it.
fn canonical(file: &File, meta: &std::fs::Metadata) -> Option<String> {
    use std::os::fd::AsRawFd;
    let link = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()?;
    let text = link.to_str()?;
    if !text.starts_with('/') {
        return None;
    }
    let now = std::fs::metadata(&link).ok()?;
    (now.dev() == meta.dev() && now.ino() == meta.ino()).then(|| text.to_string())
}

/// The lab name a file gives, read leniently: the top-level
/// `name = "…"` line, whatever else the file holds (syntax errors
/// included). Only a valid lab name is returned. For `down` of a file
/// that no longer validates: the name is all it needs.
pub fn lenient_name(text: &str) -> Option<String> {
    for line in text.lines() {
        let line = line.trim();
        // The first table header ends the top level.
        if line.starts_with('[') {
            return None;
        }
        let Some(rest) = line.strip_prefix("name") else { continue };
        let Some(value) = rest.trim_start().strip_prefix('=') else { continue };
        let value = value.trim();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let inner = &value[1..];
        let end = inner.find(quote)?;
        let name = &inner[..end];
        let after = inner[end + 1..].trim_start();
        if !(after.is_empty() || after.starts_with('#')) {
            return None;
        }
        let valid = !name.is_empty()
            && name.len() <= 12
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        return valid.then(|| name.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_name_reads_the_top_level_name_only() {
        assert_eq!(lenient_name("schema = 1\nname = \"lab1\"  # x\n[nodes.a]\n"), Some("lab1".into()));
        assert_eq!(lenient_name("name='ab-9'\nthis is = not toml ][\n"), Some("ab-9".into()));
        assert_eq!(lenient_name("[nodes.a]\nname = \"x\"\n"), None);
        assert_eq!(lenient_name("name = \"Bad_Lab\"\n"), None);
        assert_eq!(lenient_name("names = 1\nname = \"ok\"\n"), Some("ok".into()));
        assert_eq!(lenient_name("name = \"a\" junk\n"), None);
        assert_eq!(lenient_name(""), None);
    }

    #[test]
    fn a_fifo_is_refused_without_waiting() {
        let dir = std::env::temp_dir().join(format!("netns-labfile-{}", std::process::id()));
        let _ = std::fs::create_dir(&dir);
        let fifo = dir.join("lab.toml");
        let _ = std::fs::remove_file(&fifo);
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let err = read(fifo.to_str().unwrap()).unwrap_err();
        assert!(err.to_string().contains("a FIFO, not a regular file"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
