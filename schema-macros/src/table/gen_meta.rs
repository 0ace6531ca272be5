//! The `Table` impl: `'static` metadata, typed column constants and the
//! compile-time checks of foreign keys.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::attr::{Action, Db, DefaultValue};
use super::model::{Column, SqlTypeSpec, Table};

pub fn gen_meta(table: &Table) -> TokenStream {
    let ident = table.ident;
    let name = &table.name;
    let rust_name = ident.to_string();
    let db_ty = db_type(table.db);
    let names = |idx: &[usize]| -> Vec<&str> {
        idx.iter()
            .map(|&i| table.columns[i].name.as_str())
            .collect()
    };

    let columns = table.columns.iter().map(|c| column_def(c));
    let primary_key = names(&table.primary_key);
    let unique = table.unique.iter().map(|k| {
        let cols = names(k);
        quote!(&[#(#cols),*])
    });
    let indexes = table.indexes.iter().map(|(k, unique)| {
        let cols = names(k);
        quote!(::schema_core::IndexDef { columns: &[#(#cols),*], unique: #unique })
    });
    let checks = table
        .checks
        .iter()
        .map(|(name, sql)| quote!(::schema_core::CheckDef { name: #name, sql: #sql }));
    let renamed_from = &table.renamed_from;
    let foreign_keys = table.columns.iter().filter_map(|c| {
        let r = c.references.as_ref()?;
        let col = &c.name;
        let target = fk_target(table, c);
        let (on_delete, on_update) = (action(r.on_delete), action(r.on_update));
        Some(quote! {
            ::schema_core::ForeignKeyDef {
                columns: &[#col],
                ref_table: #target.table,
                ref_columns: &[#target.name],
                on_delete: #on_delete,
                on_update: #on_update,
            }
        })
    });
    let consts = table.columns.iter().map(|c| {
        let field = c.ident;
        let value_ty = c.value_ty;
        let col = &c.name;
        let doc = format!("The `{col}` column of `{name}`.");
        quote! {
            #[doc = #doc]
            pub const #field: ::schema_core::Column<#ident, #value_ty> = ::schema_core::Column::new(#name, #col);
        }
    });

    quote! {
        #[automatically_derived]
        impl ::schema_core::Table for #ident {
            type Db = #db_ty;
            const NAME: &'static str = #name;
            const DEF: &'static ::schema_core::TableDef = &::schema_core::TableDef {
                name: #name,
                db: <#db_ty as ::schema_core::Database>::KIND,
                rust_name: #rust_name,
                columns: &[#(#columns),*],
                primary_key: &[#(#primary_key),*],
                unique: &[#(#unique),*],
                indexes: &[#(#indexes),*],
                foreign_keys: &[#(#foreign_keys),*],
                checks: &[#(#checks),*],
                renamed_from: &[#(#renamed_from),*],
            };
        }

        #[automatically_derived]
        #[allow(non_upper_case_globals)]
        impl #ident {
            #(#consts)*
        }
    }
}

fn column_def(c: &Column) -> TokenStream {
    let name = &c.name;
    let value_ty = c.value_ty;
    let span = value_ty.span();
    let sql_type = match &c.sql_type {
        SqlTypeSpec::Inferred => {
            quote_spanned!(span=> <#value_ty as ::schema_core::ColumnType>::SQL_TYPE)
        }
        SqlTypeSpec::Serial => {
            quote_spanned!(span=> <#value_ty as ::schema_core::SerialType>::SQL_TYPE)
        }
        SqlTypeSpec::Varchar(len) => {
            quote_spanned!(span=> ::schema_core::__private::varchar::<#value_ty>(#len))
        }
        SqlTypeSpec::Numeric(p, s) => {
            quote_spanned!(span=> ::schema_core::__private::numeric::<#value_ty>(#p, #s))
        }
    };
    let nullable = c.nullable;
    let serial = c.serial;
    let default = match &c.default {
        None => quote!(::core::option::Option::None),
        Some(d) => {
            let d = match d {
                DefaultValue::Now => quote!(::schema_core::DefaultDef::Now),
                DefaultValue::Literal(l) => quote!(::schema_core::DefaultDef::Literal(#l)),
                DefaultValue::Text(t) => quote!(::schema_core::DefaultDef::Text(#t)),
                DefaultValue::Sql(s) => quote!(::schema_core::DefaultDef::Sql(#s)),
            };
            quote!(::core::option::Option::Some(#d))
        }
    };
    let renamed_from = &c.renamed_from;
    let backfill = match &c.backfill {
        Some(sql) => quote!(::core::option::Option::Some(#sql)),
        None => quote!(::core::option::Option::None),
    };
    let fake = match &c.fake {
        Some((lit, _)) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        ::schema_core::ColumnDef {
            name: #name,
            sql_type: #sql_type,
            nullable: #nullable,
            serial: #serial,
            default: #default,
            renamed_from: &[#(#renamed_from),*],
            backfill: #backfill,
            fake: #fake,
        }
    }
}

/// `references = Client::id`, checked by the compiler (a table, of the same
/// database, with a column of the same type) and evaluating to that column.
pub fn fk_target(table: &Table, c: &Column) -> TokenStream {
    let r = c.references.as_ref().expect("a foreign key column");
    let ident = table.ident;
    let value_ty = c.value_ty;
    let path = &r.path;
    quote_spanned! {path.span()=>
        ::schema_core::__private::foreign_key::<#ident, #value_ty, _>(#path)
    }
}

pub fn db_type(db: Db) -> TokenStream {
    match db {
        Db::Master => quote!(::schema_core::Master),
        Db::Tenant => quote!(::schema_core::Tenant),
    }
}

fn action(a: Action) -> TokenStream {
    match a {
        Action::NoAction => quote!(::schema_core::FkAction::NoAction),
        Action::Restrict => quote!(::schema_core::FkAction::Restrict),
        Action::Cascade => quote!(::schema_core::FkAction::Cascade),
        Action::SetNull => quote!(::schema_core::FkAction::SetNull),
        Action::SetDefault => quote!(::schema_core::FkAction::SetDefault),
    }
}
