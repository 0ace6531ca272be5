use schema_core::{ColumnGroup, Table};

#[derive(ColumnGroup)]
#[group(db = master)]
pub struct Billing {
    pub billing_email: Option<String>,
}

#[derive(Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(flatten)]
    pub billing: Billing,
}

fn main() {}
