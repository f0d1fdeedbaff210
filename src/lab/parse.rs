//! TOML → [`Lab`]. (Stub: being written.)

use super::diag::{Diag, Source};
use super::model::Lab;

/// Parse and resolve a lab file, reporting every problem found.
pub fn parse(src: &Source) -> Result<Lab, Vec<Diag>> {
    let _ = src;
    Err(vec![Diag::file("lab files are not supported yet")])
}
