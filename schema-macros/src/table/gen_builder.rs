//! The typed insert builder: `Client::insert().name("Ana").returning_row(&pool)`.
//!
//! Only *required* columns (NOT NULL, no default, not serial) get a typestate
//! parameter, so the generic cost grows with them, not with the column count:
//! `clients` has 54 columns and one required. Finishing an insert demands one
//! generated marker trait per required column, whose message names the table
//! and the column. Values go into a runtime `Values`, by column position.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::gen_value;
use super::model::{unraw, Table};

pub fn gen_builder(table: &Table) -> TokenStream {
    let ident = table.ident;
    let builder = format_ident!("{}Insert", ident);
    let table_name = &table.name;
    let n_columns = table.columns.len();
    let required: Vec<usize> = (0..n_columns)
        .filter(|&i| table.columns[i].is_required())
        .collect();
    let states: Vec<_> = required
        .iter()
        .map(|&i| format_ident!("__{}", unraw(table.columns[i].ident)))
        .collect();
    let unset = quote!(::schema_core::Unset);
    let set = quote!(::schema_core::Set);
    let private = quote!(::schema_core::__private);

    let markers: Vec<_> = required
        .iter()
        .map(|&i| format_ident!("__{}Requires_{}", ident, unraw(table.columns[i].ident)))
        .collect();
    let marker_traits = required.iter().zip(&markers).map(|(&i, marker)| {
        let c = &table.columns[i];
        let setter = c.ident;
        let message = format!("missing required column `{table_name}.{}`", c.name);
        let label = format!(
            "`{}` is NOT NULL without a default: call `.{setter}(...)` before this",
            c.name
        );
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #[diagnostic::on_unimplemented(message = #message, label = #label)]
            pub trait #marker {}
            // Not listed under the error ("the trait is implemented for
            // `Set`"): the message and label already say what to call.
            #[automatically_derived]
            #[diagnostic::do_not_recommend]
            impl #marker for #set {}
        }
    });

    let setter_doc = |i: usize, required: bool| {
        let c = &table.columns[i];
        format!(
            "Sets `{table_name}.{}`{}.",
            c.name,
            if required {
                " (required)"
            } else {
                "; given twice, the last value wins"
            }
        )
    };
    let set_value = |i: usize| {
        let value = gen_value::convert(table, &table.columns[i], quote!(value));
        quote!(self.__values.set(#i, #value))
    };

    let required_setters = required.iter().enumerate().map(|(pos, &i)| {
        let c = &table.columns[i];
        let setter = c.ident;
        let accepts = gen_value::bound(table, c);
        let doc = setter_doc(i, true);
        let free: Vec<_> = states
            .iter()
            .enumerate()
            .filter(|(p, _)| *p != pos)
            .map(|(_, s)| s)
            .collect();
        let before =
            states
                .iter()
                .enumerate()
                .map(|(p, s)| if p == pos { unset.clone() } else { quote!(#s) });
        let after = states
            .iter()
            .enumerate()
            .map(|(p, s)| if p == pos { set.clone() } else { quote!(#s) });
        let value = set_value(i);
        quote! {
            #[automatically_derived]
            #[allow(non_camel_case_types, non_snake_case)]
            impl<#(#free),*> #builder<#(#before),*> {
                #[doc = #doc]
                pub fn #setter<__V: #accepts>(self, value: __V) -> #builder<#(#after),*> {
                    #builder { __values: #value, __state: ::core::marker::PhantomData }
                }
            }
        }
    });

    let optional_setters = (0..n_columns).filter(|i| !required.contains(i)).map(|i| {
        let c = &table.columns[i];
        let setter = c.ident;
        let accepts = gen_value::bound(table, c);
        let doc = setter_doc(i, false);
        let value = set_value(i);
        quote! {
            #[doc = #doc]
            pub fn #setter<__V: #accepts>(self, value: __V) -> Self {
                #builder { __values: #value, __state: ::core::marker::PhantomData }
            }
        }
    });

    let returning_key = match table.primary_key.as_slice() {
        [pk] => {
            let key_ty = table.columns[*pk].ty;
            quote! {
                /// Insert the row and return its primary key.
                pub fn returning_key<'__e, __E>(
                    self,
                    executor: __E,
                ) -> #private::BoxFuture<'__e, ::core::result::Result<#key_ty, #private::sqlx::Error>>
                where
                    __E: #private::sqlx::PgExecutor<'__e> + '__e,
                    #(#states: #markers,)*
                {
                    #private::insert_returning_key::<#ident, #key_ty, __E>(executor, self.__values)
                }
            }
        }
        _ => quote!(),
    };

    let doc = format!(
        "Insert builder of `{table_name}`, from [`{ident}::insert`]. Required columns: {}.",
        if required.is_empty() {
            "none".to_owned()
        } else {
            required
                .iter()
                .map(|&i| format!("`{}`", table.columns[i].name))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let new_doc = format!("Start an insert into `{table_name}`.");
    let defaults = states.iter().map(|s| quote!(#s = #unset));
    let all_unset = states.iter().map(|_| unset.clone());

    quote! {
        #(#marker_traits)*

        #[doc = #doc]
        #[must_use = "an insert builder does nothing until `.returning_row(executor)` or `.returning_key(executor)`"]
        #[allow(non_camel_case_types)]
        pub struct #builder<#(#defaults),*> {
            __values: #private::Values,
            __state: ::core::marker::PhantomData<fn() -> (#(#states,)*)>,
        }

        #[automatically_derived]
        impl #ident {
            #[doc = #new_doc]
            pub fn insert() -> #builder<#(#all_unset),*> {
                #builder { __values: #private::Values::new(#n_columns), __state: ::core::marker::PhantomData }
            }
        }

        #(#required_setters)*

        #[automatically_derived]
        #[allow(non_camel_case_types, non_snake_case)]
        impl<#(#states),*> #builder<#(#states),*> {
            #(#optional_setters)*

            /// Insert the row and return it as stored, defaults applied.
            // A plain fn returning a boxed future, not an `async fn` or `impl Future`:
            // those capture the typestate, so a missing column would be reported
            // again at `.await`; this way it is reported once, at this call.
            pub fn returning_row<'__e, __E>(
                self,
                executor: __E,
            ) -> #private::BoxFuture<'__e, ::core::result::Result<#ident, #private::sqlx::Error>>
            where
                __E: #private::sqlx::PgExecutor<'__e> + '__e,
                #(#states: #markers,)*
            {
                #private::insert_returning_row::<#ident, __E>(executor, self.__values)
            }

            #returning_key
        }
    }
}
