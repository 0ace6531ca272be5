//! What a setter accepts for a column, the same for the insert builder, the
//! factory and a factory hook's row: `T` or anything `IntoValue<T>`; for a
//! nullable column also a bare value. A NOT NULL column gets a trait of its
//! own, so that a value that does not fit it (an `Option` after the column
//! became NOT NULL, a retyped column) is reported naming `table.column`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{unraw, Column, Table};

fn trait_ident(table: &Table, c: &Column) -> syn::Ident {
    format_ident!("__{}Value_{}", table.ident, unraw(c.ident))
}

/// The bound of a setter's value parameter.
pub fn bound(table: &Table, c: &Column) -> TokenStream {
    let ty = c.ty;
    if c.nullable {
        quote!(::schema_core::IntoValue<#ty>)
    } else {
        let t = trait_ident(table, c);
        quote!(#t)
    }
}

/// `value` converted to the field's type.
pub fn convert(table: &Table, c: &Column, value: TokenStream) -> TokenStream {
    let ty = c.ty;
    if c.nullable {
        quote!(::schema_core::IntoValue::<#ty>::into_value(#value))
    } else {
        let t = trait_ident(table, c);
        quote!(#t::into_column(#value))
    }
}

/// The traits of the table's NOT NULL columns.
pub fn gen_value_traits(table: &Table) -> TokenStream {
    let traits = table.columns.iter().filter(|c| !c.nullable).map(|c| {
        let t = trait_ident(table, c);
        let ty = c.ty;
        let shown = quote!(#ty).to_string().replace(' ', "");
        let column = format!("{}.{}", table.name, c.name);
        let message = format!("`{{Self}}` cannot be stored in `{column}`, which holds `{shown}`");
        let label = format!("expected a value convertible to `{shown}`");
        let note = format!("`{column}` is NOT NULL (an `Option` fits only a nullable column)");
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait #t {
                fn into_column(self) -> #ty;
            }
            // The error is told in this trait's words (the column and its
            // type), not through the conversion traits behind it.
            #[automatically_derived]
            #[diagnostic::do_not_recommend]
            impl<__V: ::schema_core::IntoValue<#ty>> #t for __V {
                fn into_column(self) -> #ty {
                    ::schema_core::IntoValue::<#ty>::into_value(self)
                }
            }
        }
    });
    quote!(#(#traits)*)
}
