//! Bringing existing databases to the declared schema: [`diff`] (the plan
//! for one database, or between two live ones), [`assess`] (a plan checked
//! against the data it would meet).

pub mod assess;
pub mod diff;

pub use assess::{assess, Assessed, AtStake, Blocked};
