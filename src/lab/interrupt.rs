//! Ctrl-C and SIGTERM during `up`: noted, not obeyed at once.
//!
//! Dying in the middle of a step would leave a half-made lab for `down` to
//! find. Instead the signal sets a flag; `up` checks it between steps,
//! stops at the next safe point, and then rolls back (a first `up`) or
//! says the lab is partly up (a reconcile). A second signal only sets the
//! flag again: the rollback already under way goes on to its end.
//!
//! Until [`arm`] is called (just before the first change), a signal
//! ends the process as it would without the handlers: nothing has
//! changed yet, and a wait for another `up`'s lock stays easy to cancel.
//!
//! The handlers are installed without `SA_RESTART`, so a blocking call
//! returns early and the flag is seen at once.

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The signal received (0: none).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Changes have begun: a signal must not end the process any more.
static ARMED: AtomicBool = AtomicBool::new(false);

extern "C" fn note(sig: libc::c_int) {
    if !ARMED.load(Ordering::SeqCst) {
        // SAFETY: signal(2) and raise(3) are async-signal-safe. The signal
        // is blocked while its handler runs, so the raised one is taken,
        // with the default action, as soon as the handler returns.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
        return;
    }
    // Only atomic operations: async-signal-safe.
    SIGNAL.store(sig, Ordering::SeqCst);
}

/// From now on a caught signal sets the flag instead of ending the
/// process: call it before the first change.
pub fn arm() {
    ARMED.store(true, Ordering::SeqCst);
}

/// The handlers in place; the previous ones come back when it is dropped.
pub struct Catching {
    old: Vec<(Signal, SigAction)>,
}

/// From now until the returned value is dropped, SIGINT, SIGTERM and
/// SIGHUP set the flag [`requested`] reads instead of ending the process.
pub fn catch() -> Catching {
    let action = SigAction::new(SigHandler::Handler(note), SaFlags::empty(), SigSet::empty());
    let mut old = Vec::new();
    for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: the handler only stores into an atomic, which is
        // async-signal-safe; the previous action is kept and restored.
        if let Ok(prev) = unsafe { sigaction(sig, &action) } {
            // A signal the caller ignores (as a shell does for SIGINT in a
            // background job, or `nohup` for SIGHUP) stays ignored.
            if matches!(prev.handler(), SigHandler::SigIgn) {
                // SAFETY: puts back the action that was in place before.
                let _ = unsafe { sigaction(sig, &prev) };
                continue;
            }
            old.push((sig, prev));
        }
    }
    Catching { old }
}

impl Drop for Catching {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::SeqCst);
        for (sig, prev) in &self.old {
            // SAFETY: puts back the action that was in place before.
            let _ = unsafe { sigaction(*sig, prev) };
        }
    }
}

/// The signal that asked this process to stop, if one did.
pub fn requested() -> Option<Signal> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        n => Signal::try_from(n).ok(),
    }
}

/// A signal asked netns to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted ({0})")]
pub struct Interrupted(pub Signal);

/// `Err(Interrupted(SIGINT))` once a signal asked to stop: for the
/// checks between steps.
pub fn check() -> Result<(), Interrupted> {
    match requested() {
        None => Ok(()),
        Some(sig) => Err(Interrupted(sig)),
    }
}
