//! Safety as root: netns removes or overwrites only what it recorded
//! making, never follows a symlink it did not make, bounds every input and
//! every wait, and leaves an interrupted command for the next one to
//! finish. Each test is named after the behaviour a user would see; each
//! runs inside private namespaces (`support/sandbox.rs`), so the host is never
//! touched.

mod hermetic;
mod lab_files;
mod lab_input;
mod lab_lifecycle;
mod limits;
mod run_dir;
