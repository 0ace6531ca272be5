//! What the runner keeps for itself, in the `rsm` schema of the databases it
//! manages (its shape and versions: [`rsm`]), and the proofs built on it: the master's identity and records of
//! what it made ([`ownership`]), advisory locks ([`lock`]), each database's
//! stamp ([`stamp`]) and DDL journal ([`journal`]), the history of what was
//! applied to it ([`history`]) and the master's run ledger ([`ledger`]).
//! Below the jobs (tenant, migrate, pull), above the servers (`target`).

pub mod history;
pub mod journal;
pub mod ledger;
pub mod lock;
pub mod ownership;
pub mod rsm;
pub mod servers;
pub mod stamp;
