//! How a job that undoes itself stopped, and the faults the tests inject
//! between its steps (cargo feature `testing`): one place for `tenant create`
//! and `tenant move`.

#[cfg(feature = "testing")]
use std::sync::Arc;

use crate::RunnerError;

/// How a job stopped: an error (what it made is removed, or its change
/// undone) or, injected by the tests, a crash (nothing is cleaned up, as
/// after a kill).
pub(super) enum Failure {
    Error(RunnerError),
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    Crash(RunnerError),
}

impl From<RunnerError> for Failure {
    fn from(e: RunnerError) -> Self {
        Failure::Error(e)
    }
}

/// What a fault injected after a step does.
#[cfg(feature = "testing")]
#[derive(Clone)]
pub enum FaultAction {
    /// Fail: the normal cleanup runs.
    Error,
    /// "Die": nothing is cleaned up; connections close, so locks are released.
    Crash,
    /// Call this (say, stop the server), then go on.
    Call(Arc<dyn Fn() + Send + Sync>),
}

#[cfg(feature = "testing")]
impl std::fmt::Debug for FaultAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FaultAction::Error => "error",
            FaultAction::Crash => "crash",
            FaultAction::Call(_) => "call",
        })
    }
}

/// Do what the tests asked for after `step` (`action`: theirs for this
/// step, if any).
#[cfg(feature = "testing")]
pub(super) fn inject(
    action: Option<&FaultAction>,
    step: &dyn std::fmt::Debug,
) -> Result<(), Failure> {
    let injected = || RunnerError::InvalidInput(format!("fault injected after {step:?}"));
    match action {
        None => Ok(()),
        Some(FaultAction::Error) => Err(Failure::Error(injected())),
        Some(FaultAction::Crash) => Err(Failure::Crash(injected())),
        Some(FaultAction::Call(f)) => {
            f();
            Ok(())
        }
    }
}
