//! Rows decode into the table struct (`sqlx::FromRow`), by column name.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::Table;

pub fn gen_from_row(table: &Table) -> TokenStream {
    let ident = table.ident;
    let row = table.construct(|_, c| {
        let ty = c.ty;
        let name = &c.name;
        quote!(__row.try_get::<#ty, _>(#name)?)
    });
    quote! {
        #[automatically_derived]
        impl<'__r> ::schema_core::__private::sqlx::FromRow<'__r, ::schema_core::__private::sqlx::postgres::PgRow> for #ident {
            fn from_row(__row: &'__r ::schema_core::__private::sqlx::postgres::PgRow) -> ::core::result::Result<Self, ::schema_core::__private::sqlx::Error> {
                use ::schema_core::__private::sqlx::Row as _;
                ::core::result::Result::Ok(#row)
            }
        }
    }
}
