//! Rows decode into the table struct (`sqlx::FromRow`), by column name.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::Table;

pub fn gen_from_row(table: &Table) -> TokenStream {
    let ident = table.ident;
    // One binding per column, then the struct: on an error, only the columns
    // decoded so far are dropped, in one shared ladder (a struct literal with
    // `?` inside gave each column its own cleanup: 25,000 lines of IR for the
    // 54 columns of `clients`).
    let locals: Vec<_> = (0..table.columns.len())
        .map(|i| quote::format_ident!("__c{}", i))
        .collect();
    let decode = table.columns.iter().zip(&locals).map(|(c, local)| {
        let ty = c.ty;
        let name = &c.name;
        quote!(let #local = __row.try_get::<#ty, _>(#name)?;)
    });
    let row = table.construct(|i, _| {
        let local = &locals[i];
        quote!(#local)
    });
    quote! {
        #[automatically_derived]
        impl<'__r> ::schema_core::__private::sqlx::FromRow<'__r, ::schema_core::__private::sqlx::postgres::PgRow> for #ident {
            fn from_row(__row: &'__r ::schema_core::__private::sqlx::postgres::PgRow) -> ::core::result::Result<Self, ::schema_core::__private::sqlx::Error> {
                use ::schema_core::__private::sqlx::Row as _;
                #(#decode)*
                ::core::result::Result::Ok(#row)
            }
        }
    }
}
