//! Derives of the schema compiler. Use them through `schema_core`, which
//! re-exports them and holds everything the generated code refers to.
//!
//! # `#[derive(Table)]`
//!
//! ```ignore
//! #[derive(Table)]
//! #[table(name = "client_notes", db = tenant)]
//! pub struct ClientNote {
//!     #[column(primary_key, serial)]
//!     pub id: i32,
//!     #[column(references = Client::id, on_delete = cascade)]
//!     pub client_id: i32,
//!     pub note: String,
//!     #[column(default = now)]
//!     pub created_at: NaiveDateTime,
//!     pub created_by: Option<i32>,
//! }
//! ```
//!
//! `#[table(...)]` keys:
//! * `name = "sql_name"` (required): any PostgreSQL name, `"LineItem"` and
//!   `"line items"` included (quoted wherever SQL is written);
//!   `db = master | tenant` (required);
//! * `primary_key(a, b)`: a composite primary key (field names);
//! * `unique(a, b)`, `index(a, b)`, `unique_index(a, b)`: may repeat;
//! * `check(name = "invoices_total_positive", sql = "total >= 0")`: a CHECK
//!   constraint (may repeat);
//! * `renamed_from = "old_name"`: an earlier name of the table (may repeat), so
//!   that a migration renames it and keeps its rows.
//!
//! `#[column(...)]` keys:
//! * `name = "sql_name"`: the column name, when not the field name (any
//!   PostgreSQL name; a name taken from the field must be snake case);
//! * `primary_key`, `serial`, `unique`, `index`;
//! * `varchar(n)` on a `String` (or text enum) field, `numeric(p, s)` on a `Decimal`;
//!   other types map by themselves (`i32` → integer, `NaiveDateTime` → timestamp,
//!   `Json<T>` → jsonb, ...), `Option<T>` is nullable;
//! * `default = now | 0 | 1.00 | -1 | true | "text" | sql("expression")`;
//! * `references = Table::column`, `on_delete = ...`, `on_update = ...` with
//!   `no_action`, `restrict`, `cascade`, `set_null`, `set_default`;
//! * `renamed_from = "old_name"` (may repeat): a migration renames the column
//!   and keeps its data;
//! * `backfill = sql("expression")`: the value existing rows get when a
//!   migration needs one (a new NOT NULL column without default, NULLs before
//!   SET NOT NULL), in the migrating transaction;
//! * `fake = "..."` (factories);
//! * `flatten`: the field's type is a column group; its columns are the
//!   table's, where the field stands.
//!
//! # `#[derive(ColumnGroup)]`
//!
//! ```ignore
//! #[derive(ColumnGroup)]
//! pub struct Synced {
//!     #[column(default = sql("gen_random_uuid()"), unique)]
//!     pub sync_uuid: Uuid,
//!     #[column(default = 1)]
//!     pub sync_version: i32,
//! }
//! ```
//!
//! Columns declared once, with the same `#[column(...)]` keys (no primary
//! key), and flattened into any table of the same crate:
//! `#[column(flatten)] pub sync: Synced`. Keys and indexes are named per table
//! (`clients_sync_uuid_unique`); builders, factories and hooks get a setter
//! per column; rows read back into the group's struct. `#[group(db = tenant)]`
//! restricts a group to one database. `references = ...` inside a group
//! resolves where the table is declared: write `crate::` paths.
//!
//! # `#[derive(TextEnum)]`
//!
//! A fieldless enum stored as text: each variant as its snake_case name, or as
//! `#[text_enum(rename = "...")]`.

mod attr;
mod ctxt;
mod group;
mod symbol;
mod table;
mod tenant_test;
mod text_enum;

use proc_macro::TokenStream;
use quote::quote;

#[proc_macro_derive(Table, attributes(table, column))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    match table::expand_table(input.clone()) {
        Ok(tokens) => tokens.into(),
        Err(err) => {
            let dummy = table::dummy(input);
            let errors = err.to_compile_error();
            quote!(#dummy #errors).into()
        }
    }
}

#[proc_macro_derive(ColumnGroup, attributes(group, column))]
pub fn derive_column_group(input: TokenStream) -> TokenStream {
    group::expand_group(input.into())
        .unwrap_or_else(|err| err.to_compile_error())
        .into()
}

/// A step of a table's expansion through its column groups; not for direct use.
#[doc(hidden)]
#[proc_macro]
pub fn __table_with_groups(input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    match table::expand_table_with_groups(input.clone()) {
        Ok(tokens) => tokens.into(),
        Err(err) => {
            let dummy = syn::parse2::<group::WithGroups>(input)
                .map(|w| {
                    let table = &w.table;
                    table::dummy(quote!(#table))
                })
                .unwrap_or_default();
            let errors = err.to_compile_error();
            quote!(#dummy #errors).into()
        }
    }
}

#[proc_macro_derive(TextEnum, attributes(text_enum))]
pub fn derive_text_enum(input: TokenStream) -> TokenStream {
    text_enum::expand_text_enum(input.into())
        .unwrap_or_else(|err| err.to_compile_error())
        .into()
}

/// `#[runner::test]`: use it through the runner (feature `testing`), which
/// re-exports it and holds what it expands to (`runner::testing::run_test`).
#[proc_macro_attribute]
pub fn tenant_test(args: TokenStream, item: TokenStream) -> TokenStream {
    tenant_test::expand(args.into(), item.into()).into()
}
