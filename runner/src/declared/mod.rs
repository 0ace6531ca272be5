//! The schemas the runner brings databases to, as a value: by default the
//! application's ([`crate::app::declared`]); tests give others (say, two
//! compiled test schemas to migrate between). Every command reads them from
//! its [`Target`].
//!
//! [`Target`]: crate::target::Target

pub mod data;

use schema_core::DbKind;
use schema_model::fingerprint::fingerprint;
use schema_model::model::Schema;

use data::DataMigration;

/// A master schema and a tenant schema, with their fingerprints, and the
/// data migrations registered with them.
#[derive(Debug)]
pub struct Declared {
    master: Schema,
    tenant: Schema,
    master_fingerprint: String,
    tenant_fingerprint: String,
    data_migrations: Vec<DataMigration>,
}

impl Declared {
    pub fn new(master: Schema, tenant: Schema) -> Declared {
        Declared {
            master_fingerprint: fingerprint(&master),
            tenant_fingerprint: fingerprint(&tenant),
            master,
            tenant,
            data_migrations: Vec::new(),
        }
    }

    /// The same schemas with these data migrations (names must be unique).
    pub fn with_data_migrations(mut self, migrations: Vec<DataMigration>) -> Declared {
        self.data_migrations = migrations;
        self
    }

    /// The data migrations of one kind of database, in registration order.
    pub fn data_migrations(&self, db: DbKind) -> impl Iterator<Item = &DataMigration> {
        self.data_migrations.iter().filter(move |m| m.db == db)
    }

    pub fn schema(&self, db: DbKind) -> &Schema {
        match db {
            DbKind::Master => &self.master,
            DbKind::Tenant => &self.tenant,
        }
    }

    pub fn fingerprint(&self, db: DbKind) -> &str {
        match db {
            DbKind::Master => &self.master_fingerprint,
            DbKind::Tenant => &self.tenant_fingerprint,
        }
    }

    pub fn tenant(&self) -> &Schema {
        &self.tenant
    }

    pub fn tenant_fingerprint(&self) -> &str {
        &self.tenant_fingerprint
    }
}
