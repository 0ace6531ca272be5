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
    let checked = cx.check();
    let ident = &group.input.ident;
    let macro_ident = format_ident!("__schema_column_group_{}", ident);
    let input = &group.input;
    // A group with errors still has its macro, which hands on `failed`: the
    // tables using it expand to stand-ins, so that its errors are reported
    // once, here, and not echoed by every table.
    let handed = match &checked {
        Ok(()) => quote!(group { #input }),
        Err(_) => quote!(failed),
    };
    let errors = checked.err().map(|e| e.to_compile_error());
    Ok(quote! {
        #errors
        #[automatically_derived]
        impl ::schema_core::ColumnGroup for #ident {}
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! #macro_ident {
            ($($rest:tt)*) => {
                ::schema_core::__private::table_with_groups! { #handed $($rest)* }
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
    /// A group it uses failed to expand: the table expands to a stand-in.
    pub failed: bool,
    pub table: syn::DeriveInput,
}

impl Parse for WithGroups {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut groups = Vec::new();
        let mut failed = false;
        loop {
            if input.peek(syn::Ident) && input.fork().parse::<syn::Ident>()? == "failed" {
                input.parse::<syn::Ident>()?;
                failed = true;
                continue;
            }
            if !(input.peek(syn::Ident) && input.peek2(syn::token::Brace)) {
                break;
            }
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
            failed,
            table: input.parse()?,
        })
    }
}

/// For each flattened field, a check that its type is a column group, at
/// the type: without it, a plain struct there is only "cannot find macro".
pub fn group_checks(table: &syn::DeriveInput) -> TokenStream {
    let Some(fields) = model::named_fields(table) else {
        return TokenStream::new();
    };
    let checks = fields.iter().filter(|f| model::is_flattened(f)).map(|f| {
        let ty = &f.ty;
        quote::quote_spanned! {syn::spanned::Spanned::span(ty)=>
            const _: fn() = || {
                fn flattened<G: ::schema_core::ColumnGroup>() {}
                flattened::<#ty>();
            };
        }
    });
    quote!(#(#checks)*)
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
