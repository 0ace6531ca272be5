//! Tenants created one after another over connections kept open: for a
//! service that creates them as its users sign up.
//!
//! [`super::create`] opens the fleet (a connection to the master and one to
//! its server, each a new backend with empty caches) and closes it again;
//! most of a create from the warm pool is that. A [`Creator`] keeps the
//! fleet between creates and reads the master again before each one, as
//! opening it does. Every create is the same all-or-nothing create, taking
//! and releasing the same locks: any number of creators, processes and
//! command-line runs may create on one master at once. After a failed
//! create the connections are closed (whatever they held goes with them) and
//! the next create opens new ones; so does a create after the server closed
//! them (a restart, an idle timeout).

use std::time::Instant;

use super::create::{check_options, create_on};
use super::{CreateOptions, Created};
use crate::bookkeeping::ownership::Fleet;
use crate::target::Target;
use crate::RunnerError;

/// Creates tenants on one master, keeping its connections between creates.
///
/// ```no_run
/// # async fn signup(target: runner::target::Target) -> Result<(), runner::RunnerError> {
/// use runner::tenant::{CreateOptions, Creator};
///
/// let mut creator = Creator::new(&target);
/// for name in ["Ana's Studio", "Bo's Studio"] {
///     let options = CreateOptions { name: Some(name.into()), ..CreateOptions::default() };
///     let created = creator.create(&options).await?;
///     println!("{} is {}", created.organization, created.tenant);
/// }
/// creator.close().await;
/// # Ok(())
/// # }
/// ```
pub struct Creator {
    target: Target,
    /// Open after a successful create; `None` before the first and after
    /// an error.
    fleet: Option<Fleet>,
}

impl Creator {
    /// A creator for `target`'s master; it connects on the first create.
    pub fn new(target: &Target) -> Creator {
        Creator {
            target: target.clone(),
            fleet: None,
        }
    }

    /// Create a tenant, as [`super::create`] does.
    pub async fn create(&mut self, options: &CreateOptions) -> Result<Created, RunnerError> {
        self.create_reporting(options, &mut |_| {}).await
    }

    /// [`Creator::create`], calling `step` as each step ends, as
    /// [`super::create_reporting`] does.
    pub async fn create_reporting(
        &mut self,
        options: &CreateOptions,
        step: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Created, RunnerError> {
        let started = Instant::now();
        check_options(options)?;
        let mut fleet = match self.fleet.take() {
            Some(mut kept) => match kept.refresh().await {
                Ok(true) => kept,
                // Closed by the server, or another master under the name
                // now: replaced.
                Ok(false) | Err(_) => Fleet::open(&self.target).await?,
            },
            None => Fleet::open(&self.target).await?,
        };
        let created = create_on(&mut fleet, options, step, started).await?;
        self.fleet = Some(fleet);
        Ok(created)
    }

    /// Close the connections kept (dropping the creator closes them too,
    /// without waiting for the server's goodbye).
    pub async fn close(mut self) {
        if let Some(fleet) = self.fleet.take() {
            fleet.close().await;
        }
    }
}
