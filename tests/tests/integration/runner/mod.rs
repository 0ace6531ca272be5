//! The runner's library against a real server. Each test works in a fleet of
//! its own (its own master and tenant prefix), removed afterwards.

mod concurrency;
mod creator;
mod faults;
mod fleet;
mod journal;
mod json_shapes;
mod legacy;
mod lifecycle;
mod migrate;
mod moving;
mod pool;
mod rsm;
mod safety;
mod servers;
mod test_attribute;
mod truth;
