//! One error type for the runner: what failed, where, and what to do next,
//! each kind with its own exit code.

use std::process::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl RunnerError {
    /// Distinct exit codes, so that scripts can tell failures apart.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            RunnerError::Output(_) => ExitCode::from(74), // EX_IOERR
        }
    }
}
