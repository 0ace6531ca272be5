//! `#[derive(ColumnGroup)]`: columns declared once, included in any table by
//! a field `#[column(flatten)] pub sync: Synced`.
//!
//! A derive sees only its own struct, so a table cannot read a group's
//! columns directly. The group's derive therefore emits a `macro_rules!`
//! macro of the group's name (macros and types live in different
//! namespaces) that hands the group's struct on; a table that flattens
//! groups expands in steps, each group's macro adding its struct, until
//! `__table_with_groups!` has them all and expands the table as if their
//! columns were written in it. Everything then is checked at once: name
//! clashes, the database, keys, setters, FromRow.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};

use crate::ctxt::Ctxt;
use crate::table::model::{self, Column, Group};

pub fn expand_group(input: TokenStream) -> syn::Result<TokenStream> {
    let input: syn::DeriveInput = syn::parse2(input.clone())?;
    let cx = Ctxt::new();
    let group = Group { input };
    check_group(&cx, &group);
    cx.check()?;
    let ident = &group.input.ident;
    let macro_ident = format_ident!("__schema_column_group_{}", ident);
    let input = &group.input;
    Ok(quote! {
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! #macro_ident {
            ($($rest:tt)*) => {
                ::schema_core::__private::table_with_groups! { group { #input } $($rest)* }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use #macro_ident as #ident;
    })
}

fn check_group(cx: &Ctxt, group: &Group) {
    let input = &group.input;
    group.db(cx);
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(&input.generics, "a column group cannot be generic");
    }
    let Some(fields) = model::named_fields(input) else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(ColumnGroup)] needs a struct with named fields, one per column",
        );
        return;
    };
    if fields.is_empty() {
        cx.error_spanned_by(&input.ident, "a column group needs at least one column");
    }
    let mut names: Vec<String> = Vec::new();
    for f in fields {
        if model::is_flattened(f) {
            cx.error_spanned_by(f, "a column group cannot include another group");
            continue;
        }
        let c = Column::from_field(cx, f);
        if let Some(at) = c.marks_primary_key() {
            cx.error_spanned_by(
                at,
                "a column group cannot hold the primary key: declare it in each table",
            );
        }
        if names.contains(&c.name) {
            cx.error_spanned_by(f, format!("duplicate column name `{}`", c.name));
        }
        names.push(c.name);
    }
}

/// The input of `__table_with_groups!`: the groups handed on so far, then
/// the table's struct.
pub struct WithGroups {
    pub groups: Vec<Group>,
    pub table: syn::DeriveInput,
}

impl Parse for WithGroups {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut groups = Vec::new();
        while input.peek(syn::Ident) && input.peek2(syn::token::Brace) {
            let kw: syn::Ident = input.parse()?;
            if kw != "group" {
                return Err(syn::Error::new(kw.span(), "expected `group { ... }`"));
            }
            let content;
            syn::braced!(content in input);
            groups.push(Group {
                input: content.parse()?,
            });
        }
        Ok(WithGroups {
            groups,
            table: input.parse()?,
        })
    }
}

/// The next step of a table's expansion: the macro of the first group it
/// flattens that is not handed on yet, or `None` when all are.
pub fn next_group(table: &syn::DeriveInput, groups: &[Group]) -> Option<TokenStream> {
    let fields = model::named_fields(table)?;
    let pending = fields.iter().filter(|f| model::is_flattened(f)).find(|f| {
        model::type_ident(&f.ty).is_some_and(|t| !groups.iter().any(|g| g.input.ident == *t))
    })?;
    let syn::Type::Path(path) = &pending.ty else {
        return None;
    };
    let path = &path.path;
    let handed = groups.iter().map(|g| {
        let input = &g.input;
        quote!(group { #input })
    });
    Some(quote! {
        #path! { #(#handed)* #table }
    })
}
