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
    let default_checks = table.columns.iter().filter_map(|c| default_check(table, c));
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

        #(#default_checks)*
    }
}

/// A literal default checked against the field's type by the compiler, at
/// the literal: the kind of literal (`schema_core::__private::*Default`),
/// an integer's range (`overflowing_literals`), an enum's values.
fn default_check(table: &Table, c: &Column) -> Option<TokenStream> {
    let value_ty = c.value_ty;
    let private = quote!(::schema_core::__private);
    let (span, check) = match c.default.as_ref()? {
        DefaultValue::Integer(_, written) => {
            let span = first_span(written);
            let ty = respan(
                quote!(<#value_ty as #private::IntegerDefault>::Literal),
                span,
            );
            (span, quote!(const _: #ty = #written;))
        }
        DefaultValue::Decimal(_, written) => {
            let span = first_span(written);
            let ty = respan(
                quote!(<#value_ty as #private::DecimalDefault>::Literal),
                span,
            );
            (span, quote!(const _: #ty = #written;))
        }
        DefaultValue::Bool(lit) => {
            let ty = respan(
                quote!(<#value_ty as #private::BoolDefault>::Literal),
                lit.span(),
            );
            (lit.span(), quote!(const _: #ty = #lit;))
        }
        DefaultValue::Text(lit) => {
            let problem = format!(
                "default {:?} of `{}.{}` is not one of the values of `{}`",
                lit.value(),
                table.name,
                c.name,
                quote!(#value_ty).to_string().replace(' ', "")
            );
            let check = quote!(const _: () = #private::text_default::<#value_ty>(#lit, #problem););
            (lit.span(), respan(check, lit.span()))
        }
        DefaultValue::Now(ident) => {
            let f = respan(quote!(#private::now_default::<#value_ty>), ident.span());
            (ident.span(), quote!(const _: fn() = #f;))
        }
        DefaultValue::Sql(_) => return None,
    };
    Some(quote_spanned!(span=> #check))
}

fn first_span(tokens: &TokenStream) -> proc_macro2::Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span())
}

/// `tokens` with every span set to `span`, so that an error about them points
/// at the attribute that caused it rather than at the field's type.
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
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
                DefaultValue::Now(_) => quote!(::schema_core::DefaultDef::Now),
                DefaultValue::Integer(..) | DefaultValue::Decimal(..) | DefaultValue::Bool(_) => {
                    let l = d.literal_text();
                    quote!(::schema_core::DefaultDef::Literal(#l))
                }
                DefaultValue::Text(t) => {
                    let t = t.value();
                    quote!(::schema_core::DefaultDef::Text(#t))
                }
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
