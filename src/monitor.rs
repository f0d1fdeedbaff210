//! Watching the run directory for names being added and removed
//! (`ip netns monitor`), with inotify.

use crate::rundir::{RunDir, RunDirError};
use crate::sys::Errno;
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};
use std::ffi::OsString;
use std::fmt;

/// A change in the run directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An entry appeared (IN_CREATE).
    Add(OsString),
    /// An entry was removed (IN_DELETE).
    Delete(OsString),
}

/// Why the monitor stopped. `Display` gives iproute2's message.
#[derive(Debug)]
pub enum MonitorError {
    /// `inotify_init` failed.
    Init(Errno),
    /// The run directory could not be created.
    Dir(RunDirError),
    /// `inotify_add_watch` failed.
    Watch(Errno),
    /// Reading events failed.
    Read(Errno),
}

impl fmt::Display for MonitorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MonitorError::Init(e) => write!(f, "inotify_init failed: {e}"),
            MonitorError::Dir(e) => write!(f, "{e}"),
            MonitorError::Watch(e) => write!(f, "inotify_add_watch failed: {e}"),
            MonitorError::Read(e) => write!(f, "read failed: {e}"),
        }
    }
}

impl std::error::Error for MonitorError {}

/// Watch `run` until `on_event` returns `false` or reading fails. The run
/// directory is created if missing (no mount setup, as iproute2).
///
/// ```no_run
/// use netns::{RunDir, monitor::{watch, Event}};
/// // Wait for the first new name, then stop.
/// watch(&RunDir::from_env(), |ev| !matches!(ev, Event::Add(_)))?;
/// # Ok::<(), netns::Error>(())
/// ```
pub fn watch(run: &RunDir, mut on_event: impl FnMut(Event) -> bool) -> Result<(), MonitorError> {
    let inotify = Inotify::init(InitFlags::IN_CLOEXEC).map_err(|e| MonitorError::Init(e.into()))?;
    run.create_dir().map_err(MonitorError::Dir)?;
    inotify
        .add_watch(run.path(), AddWatchFlags::IN_CREATE | AddWatchFlags::IN_DELETE)
        .map_err(|e| MonitorError::Watch(e.into()))?;
    loop {
        let events = match inotify.read_events() {
            Ok(ev) => ev,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(MonitorError::Read(e.into())),
        };
        for ev in events {
            let Some(name) = ev.name else { continue };
            if ev.mask.contains(AddWatchFlags::IN_CREATE) && !on_event(Event::Add(name.clone())) {
                return Ok(());
            }
            if ev.mask.contains(AddWatchFlags::IN_DELETE) && !on_event(Event::Delete(name)) {
                return Ok(());
            }
        }
    }
}
