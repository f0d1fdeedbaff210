//! Watching the run directory for names being added and removed
//! (`ip netns monitor`), with inotify.
//!
//! ```no_run
//! use netns_core::{RunDir, monitor::{Event, watch}};
//! // Report names as they come and go, until one called `stop` appears.
//! watch(&RunDir::from_env(), |event| match event {
//!     Event::Add(name) => {
//!         println!("add {}", name.to_string_lossy());
//!         name != "stop"
//!     }
//!     Event::Delete(name) => {
//!         println!("delete {}", name.to_string_lossy());
//!         true
//!     }
//! })?;
//! # Ok::<(), netns_core::monitor::MonitorError>(())
//! ```

use crate::rundir::{RunDir, RunDirError};
use crate::sys::Errno;
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify, WatchDescriptor};
use std::ffi::OsString;
use std::fmt;
use std::path::Path;

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
/// When the directory is removed or renamed, the watch moves to the
/// directory made next under the same path: the parent is watched until it
/// appears, and every name already in it then is reported as added (it
/// was, since the last event).
///
/// ```no_run
/// use netns_core::{RunDir, monitor::{watch, Event}};
/// // Wait for the first new name, then stop.
/// watch(&RunDir::from_env(), |ev| !matches!(ev, Event::Add(_)))?;
/// # Ok::<(), netns_core::Error>(())
/// ```
pub fn watch(run: &RunDir, mut on_event: impl FnMut(Event) -> bool) -> Result<(), MonitorError> {
    let inotify = Inotify::init(InitFlags::IN_CLOEXEC).map_err(|e| MonitorError::Init(Errno::nix(e)))?;
    run.create_dir().map_err(MonitorError::Dir)?;
    // A run directory that is no directory (`/dev/null`) would be watched
    // as a file, silently, forever.
    if let Some(errno) = run.dir_problem() {
        return Err(MonitorError::Dir(RunDirError::OpenDir { dir: run.path().to_path_buf(), errno }));
    }
    let dir_flags = AddWatchFlags::IN_CREATE
        | AddWatchFlags::IN_DELETE
        | AddWatchFlags::IN_DELETE_SELF
        | AddWatchFlags::IN_MOVE_SELF
        | AddWatchFlags::IN_ONLYDIR;
    let mut dir = Some(inotify.add_watch(run.path(), dir_flags).map_err(|e| MonitorError::Watch(Errno::nix(e)))?);
    // While the directory is gone: the watch on its parent.
    let mut parent: Option<WatchDescriptor> = None;
    let parent_path = run.path().parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    loop {
        let events = match inotify.read_events() {
            Ok(ev) => ev,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(MonitorError::Read(Errno::nix(e))),
        };
        for ev in events {
            if Some(ev.wd) == dir {
                if ev
                    .mask
                    .intersects(AddWatchFlags::IN_DELETE_SELF | AddWatchFlags::IN_MOVE_SELF | AddWatchFlags::IN_IGNORED)
                {
                    // A moved directory keeps its watch: drop it, the path
                    // is what is watched.
                    if ev.mask.contains(AddWatchFlags::IN_MOVE_SELF) {
                        let _ = inotify.rm_watch(ev.wd);
                    }
                    dir = None;
                    parent = Some(
                        inotify
                            .add_watch(parent_path, AddWatchFlags::IN_CREATE | AddWatchFlags::IN_MOVED_TO)
                            .map_err(|e| MonitorError::Watch(Errno::nix(e)))?,
                    );
                } else if let Some(name) = ev.name {
                    let event = if ev.mask.contains(AddWatchFlags::IN_CREATE) {
                        Event::Add(name)
                    } else if ev.mask.contains(AddWatchFlags::IN_DELETE) {
                        Event::Delete(name)
                    } else {
                        continue;
                    };
                    if !on_event(event) {
                        return Ok(());
                    }
                }
            }
            // Events of the parent only wake the loop up (below).
        }
        // Waiting for the directory: it may also have come back before the
        // parent was watched, so try after every batch of events.
        if dir.is_none()
            && let Ok(wd) = inotify.add_watch(run.path(), dir_flags)
        {
            dir = Some(wd);
            if let Some(p) = parent.take() {
                let _ = inotify.rm_watch(p);
            }
            for name in run.names().unwrap_or_default() {
                if !on_event(Event::Add(name)) {
                    return Ok(());
                }
            }
        }
    }
}
