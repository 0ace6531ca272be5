use schema_core::{Decimal, Table};

#[derive(Table)]
#[table(name = "invoices", db = tenant)]
pub struct Invoice {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(numeric(10, 2), default = "abc")]
    pub total: Decimal,
}

fn main() {}
