//! The owned schema model, shared by compiled and introspected schemas, and
//! the pure functions over it:
//!
//! * [`model`]: tables, columns, keys, indexes, checks, as owned values;
//!   [`model::Schema::from_def`] builds one from a compiled `SchemaDef`;
//! * [`ddl`]: the PostgreSQL `CREATE TABLE` script of a schema;
//! * [`introspect`]: reading a live database back into the model;
//! * [`compare`]: the differences between two models (fidelity, status);
//! * [`fingerprint`]: a hash of a canonical, versioned form of a model;
//! * [`diff`]: the typed changes from a database to a schema;
//! * [`plan`]: those changes ordered into steps, each with its SQL, its class
//!   (safe, data-dependent, destructive) and a reason.
//!
//! It depends on `schema-core` (the compiled metadata), never the reverse:
//! changing the engine rebuilds neither `schema-core` nor `schema-defs`.

pub mod compare;
pub mod ddl;
pub mod diff;
pub mod fingerprint;
pub mod introspect;
pub mod model;
pub mod plan;
