use schema_core::Table;

#[derive(Table)]
#[table(name = "notes", db = tenant)]
pub struct Note {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(fake = "lorem::Sonnet(3..5)")]
    pub body: String,
}

fn main() {}
