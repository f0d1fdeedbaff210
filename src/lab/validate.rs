//! Semantic checks of a resolved lab. (Stub: being written.)

use super::diag::Diag;
use super::model::Lab;

/// Every semantic problem of `lab` (empty when it is fine).
pub fn check(lab: &Lab) -> Vec<Diag> {
    let _ = lab;
    Vec::new()
}
