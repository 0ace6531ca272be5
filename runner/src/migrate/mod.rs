//! Bringing existing databases to the declared schema: [`status`] (where
//! each database stands), [`diff`] (the plan for one database, or between two
//! live ones), [`assess`] (a plan checked against the data it would meet).

pub mod apply;
pub mod assess;
pub mod diff;
pub mod run;
pub mod status;

pub use assess::{assess, Assessed, AtStake, Blocked};
