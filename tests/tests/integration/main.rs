//! Tests against a real PostgreSQL server, in one binary so that the harness
//! starts one server for all of them.

mod builder;
mod factory;
mod fidelity;
mod groups;
mod plan_cases;
mod pull;
mod round_trip;
mod runner;
mod seed_sets;
mod widened;
