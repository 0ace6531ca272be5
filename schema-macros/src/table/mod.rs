//! `#[derive(Table)]`: parse → model → check → generate.

mod attr;
mod gen_builder;
mod gen_factory;
mod gen_meta;
mod gen_row;
mod gen_value;
mod hint;
pub mod model;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;

/// `#[derive(Table)]`: a table without column groups expands here; one with
/// groups starts the chain through its groups' macros (see `group.rs`).
pub fn expand_table(input: TokenStream) -> syn::Result<TokenStream> {
    let input: syn::DeriveInput = syn::parse2(input)?;
    match crate::group::next_group(&input, &[]) {
        Some(next) => {
            let checks = crate::group::group_checks(&input);
            Ok(quote!(#checks #next))
        }
        None => expand_with(&input, &[]),
    }
}

/// `__table_with_groups!`: one more group handed on; expand when all are.
pub fn expand_table_with_groups(input: TokenStream) -> syn::Result<TokenStream> {
    let crate::group::WithGroups {
        groups,
        failed,
        table,
    } = syn::parse2(input)?;
    if failed {
        return Ok(dummy(quote!(#table)));
    }
    match crate::group::next_group(&table, &groups) {
        Some(next) => Ok(next),
        None => expand_with(&table, &groups),
    }
}

fn expand_with(input: &syn::DeriveInput, groups: &[model::Group]) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let table = model::Table::from_ast(&cx, input, groups);
    cx.check()?;
    let table = table.expect("no model without an error");
    let meta = gen_meta::gen_meta(&table);
    let row = gen_row::gen_from_row(&table);
    let builder = gen_builder::gen_builder(&table);
    let factory = if cfg!(feature = "factories") {
        gen_factory::gen_factory(&table)
    } else {
        TokenStream::new()
    };
    let values = gen_value::gen_value_traits(&table);

    Ok(quote! {
        #meta
        #values
        #row
        #builder
        #factory
    })
}

/// What stands in for the real expansion when it failed, so that the user sees
/// the real errors and not their echoes: the struct is still a `Table` and its
/// column constants exist, so that other tables referencing it compile.
pub fn dummy(input: TokenStream) -> TokenStream {
    let Ok(input) = syn::parse2::<syn::DeriveInput>(input) else {
        return TokenStream::new();
    };
    let ident = &input.ident;
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(fields),
        ..
    }) = &input.data
    else {
        return TokenStream::new();
    };
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    // The declared database, so that foreign keys to this table still check.
    let cx = Ctxt::new();
    let db = attr::TableAttrs::parse(&cx, &input.attrs).db.get().copied();
    let _ = cx.check();
    let db_ty = gen_meta::db_type(db.unwrap_or(attr::Db::Tenant));
    let consts = fields.named.iter().filter(|f| !model::is_flattened(f)).map(|f| {
        let field = f.ident.as_ref().expect("named field");
        let value_ty = model::option_inner(&f.ty).unwrap_or(&f.ty);
        quote! {
            pub const #field: ::schema_core::Column<#ident, #value_ty> = ::schema_core::Column::new("", "");
        }
    });
    quote! {
        #[automatically_derived]
        impl ::schema_core::Table for #ident {
            type Db = #db_ty;
            const NAME: &'static str = "";
            const DEF: &'static ::schema_core::TableDef = &::schema_core::__private::ERROR_TABLE;
        }
        #[automatically_derived]
        #[allow(non_upper_case_globals, dead_code)]
        impl #ident {
            #(#consts)*
        }
    }
}
