//! The factory: `Client::factory().city("Lyon").create(&pool)`.
//!
//! Given values are held by the runtime (`schema_core::factory`), by column
//! position; the rest is faked there too, and the inserts batched. What is
//! generated here is only what needs the struct's fields by name, and per
//! column one call: no per-column field, clone, drop or `match`, which cost
//! compile time in every crate of tables (docs/benchmarks.md). Thin methods
//! are `#[inline]`: compiled in the crates that call them, if they do.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::gen_value;
use super::model::{unraw, Column, Table};

pub fn gen_factory(table: &Table) -> TokenStream {
    let ident = table.ident;
    let factory = format_ident!("{}Factory", ident);
    let table_name = &table.name;
    let rt = quote!(::schema_core::factory);
    let sqlx = quote!(::schema_core::__private::sqlx);
    let n_columns = table.columns.len();
    let first = table.columns.first().map(|c| unraw(c.ident));

    let setters = table.columns.iter().enumerate().map(|(i, c)| {
        let field = c.ident;
        let ty = c.ty;
        let accepts = gen_value::bound(table, c);
        let value = gen_value::convert(table, c, quote!(value));
        let doc = format!(
            "Sets `{table_name}.{}` for every row built; given twice, the last value wins.",
            c.name
        );
        quote! {
            #[doc = #doc]
            pub fn #field<__V: #accepts>(mut self, value: __V) -> Self {
                self.__state.give::<#ty>(#i, #value);
                self
            }
        }
    });
    let parent_setters = table.columns.iter().enumerate().filter_map(|(i, c)| {
        let (parent, ref_field) = parent_of(c)?;
        let ty = c.ty;
        let setter = format_ident!("for_{}", stem(c));
        let doc = format!("Sets `{table_name}.{}` to this parent's key.", c.name);
        // Spanned at `references = ...`: if that is wrong, so is this, and
        // the error lands on the same token.
        let span = c.references.as_ref()?.path.span();
        Some(quote_spanned! {span=>
            #[doc = #doc]
            #[inline]
            pub fn #setter(mut self, parent: &#parent) -> Self {
                self.__state.give::<#ty>(#i, ::schema_core::IntoValue::<#ty>::into_value(
                    ::core::clone::Clone::clone(&parent.#ref_field),
                ));
                self
            }
        })
    });

    let built = table.construct(value_of);
    let accesses: Vec<_> = table.columns.iter().map(|c| c.access()).collect();
    let field_defs = table.columns.iter().enumerate().map(|(i, c)| {
        let hint = format_ident!("{}", super::hint::infer(table_name, &c.name));
        let unique = table.primary_key == [i] || table.unique.iter().any(|k| *k == [i]);
        let stream = stream(table_name, &c.name);
        quote!(#rt::Field::of(<#ident as ::schema_core::Table>::DEF, #i, #rt::Hint::#hint, #unique, #stream))
    });

    // A required self-reference cannot be satisfied by a new row: left out.
    let parents: Vec<_> = table
        .columns
        .iter()
        .filter(|c| !c.nullable && c.references.is_some() && !is_self_reference(c, ident))
        .filter_map(|c| {
            let (parent, ref_field) = parent_of(c)?;
            let (field, value_ty) = (c.access(), c.value_ty);
            let span = c.references.as_ref()?.path.span();
            Some(quote_spanned! {span=>
                #rt::Parent {
                    missing: |r| r.#field == <#value_ty as ::core::default::Default>::default(),
                    make: #rt::parent_keys::<#parent, #value_ty>,
                    key: #parent::#ref_field.name,
                    set: |r, key| r.#field = #rt::key(key),
                }
            })
        })
        .collect();
    let n_parents = parents.len();

    let draft = format_ident!("{}Draft", ident);
    let draft_setters = table.columns.iter().map(|c| {
        let (field, access) = (c.ident, c.access());
        let accepts = gen_value::bound(table, c);
        let value = gen_value::convert(table, c, quote!(value));
        let doc = format!("Sets `{table_name}.{}` of this row.", c.name);
        quote! {
            #[doc = #doc]
            pub fn #field<__V: #accepts>(&mut self, value: __V) -> &mut Self {
                self.__row.#access = #value;
                self
            }
        }
    });
    let draft_doc = format!(
        "A `{table_name}` row being built, as a factory hook sees it: its fields read \
         as the row's (`row.{0}`), values are given by setters (`row.{0}(...)`), which \
         accept what the factory's setters accept (a bare value for a nullable column).",
        first.unwrap_or_default()
    );

    let doc = format!(
        "Factory of `{table_name}`, from [`{ident}::factory`] or `Seed::factory::<{ident}>()`: \
         every column may be set, the others are faked."
    );
    let new_doc = format!(
        "A factory of `{table_name}` rows on the process-wide seed; for a reproducible data set use `Seed::factory`."
    );

    quote! {
        #[doc = #doc]
        #[derive(Clone)]
        pub struct #factory {
            __state: #rt::FactoryState,
        }

        #[doc = #draft_doc]
        pub struct #draft<'__r> {
            __row: &'__r mut #ident,
        }

        #[automatically_derived]
        impl ::core::ops::Deref for #draft<'_> {
            type Target = #ident;
            #[inline]
            fn deref(&self) -> &#ident {
                self.__row
            }
        }

        #[automatically_derived]
        #[allow(non_snake_case)]
        impl #draft<'_> {
            #(#draft_setters)*
        }

        #[automatically_derived]
        impl #rt::HasFactory for #ident {
            type Factory = #factory;
            #[inline]
            fn factory_with(seed: &#rt::Seed) -> #factory {
                #factory { __state: #rt::FactoryState::new(seed) }
            }
        }

        #[automatically_derived]
        impl #rt::Columns for #ident {
            fn visit(&self, f: &mut dyn ::core::ops::FnMut(&[&dyn #rt::ColumnValue])) {
                f(&[#(&self.#accesses),*])
            }
        }

        #[automatically_derived]
        impl #ident {
            #[doc = #new_doc]
            #[inline]
            pub fn factory() -> #factory {
                <Self as #rt::HasFactory>::factory_with(#rt::Seed::shared())
            }
        }

        #[automatically_derived]
        #[allow(non_snake_case)]
        impl #factory {
            #(#setters)*
            #(#parent_setters)*

            /// Run `hook` on every row built, after the given and faked values
            /// and before parents are made: per-row variations, picked parents.
            /// The hook gives values through the row's setters (`row.column(value)`).
            pub fn each(mut self, hook: impl Fn(&mut #draft<'_>, &mut #rt::Each) + Send + Sync + 'static) -> Self {
                self.__state.push_hook(move |row: &mut #ident, at: &mut #rt::Each| hook(&mut #draft { __row: row }, at));
                self
            }

            /// One row's values, without a database: the serial key and required
            /// foreign keys not given are left at their placeholder (`0`).
            #[inline]
            pub fn build(&self) -> #ident {
                #rt::build_one(self)
            }

            /// `n` rows' values, without a database.
            #[inline]
            pub fn build_many(&self, n: usize) -> ::std::vec::Vec<#ident> {
                #rt::build_many(self, n)
            }

            /// Insert one row, with a new parent for each required foreign key
            /// not given, and return it as stored.
            // Plain fns handing back the runtime's future: an `async fn`
            // here would compile a state machine of its own per table.
            pub fn create<'__s, '__c, __A>(
                &'__s self,
                db: __A,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<#ident, #sqlx::Error>> + use<'__s, '__c, __A>
            where
                __A: #sqlx::Acquire<'__c, Database = #sqlx::Postgres>,
            {
                #rt::create(self, db)
            }

            /// Insert `n` rows in batches (bounded memory); returns how many.
            pub fn create_many<'__s, '__c, __A>(
                &'__s self,
                db: __A,
                n: u64,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<u64, #sqlx::Error>> + use<'__s, '__c, __A>
            where
                __A: #sqlx::Acquire<'__c, Database = #sqlx::Postgres>,
            {
                #rt::create_many(self, db, n)
            }

            /// Insert `n` rows in batches, handing each stored batch to `keep`.
            pub fn create_many_with<'__s, '__c, __A, __K>(
                &'__s self,
                db: __A,
                n: u64,
                keep: __K,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<u64, #sqlx::Error>> + use<'__s, '__c, __A, __K>
            where
                __A: #sqlx::Acquire<'__c, Database = #sqlx::Postgres>,
                __K: ::core::ops::FnMut(::std::vec::Vec<#ident>) + ::core::marker::Send,
            {
                #rt::create_many_with(self, db, n, keep)
            }
        }

        #[automatically_derived]
        impl #rt::Factory for #factory {
            type Row = #ident;

            #[inline]
            fn state(&self) -> &#rt::FactoryState {
                &self.__state
            }

            #[inline]
            fn state_mut(&mut self) -> &mut #rt::FactoryState {
                &mut self.__state
            }

            fn build_row(&self, row: u64) -> #ident {
                static FIELDS: [#rt::Field; #n_columns] = [#(#field_defs),*];
                let state = &self.__state;
                #built
            }

            fn parents(&self) -> &'static [#rt::Parent<#ident>] {
                static PARENTS: [#rt::Parent<#ident>; #n_parents] = [#(#parents),*];
                &PARENTS
            }
        }
    }
}

/// Column `i` of a row being built: the value given, else its fallback,
/// each one call into the runtime (`FactoryState`).
fn value_of(i: usize, c: &Column) -> TokenStream {
    let ty = c.ty;
    let value_ty = c.value_ty;
    // The serial key and a required foreign key hold a placeholder until
    // inserted or given a parent; an optional foreign key stays empty.
    if c.serial || c.references.is_some() {
        return quote!(state.or_default::<#ty>(#i));
    }
    // A number or flag default means a state (a counter, a version): kept
    // unless the column asks to be faked.
    if let (Some(text), None) = (c.default.as_ref().and_then(|d| d.literal_text()), &c.fake) {
        return quote!(state.literal_or_fake::<#ty>(#i, #text, &FIELDS[#i], row));
    }
    if let Some((_, expr)) = &c.fake {
        let value = quote! {
            ::schema_core::__private::fake::Fake::fake_with_rng::<#value_ty, _>(
                &(#expr),
                &mut state.seed.gen(&FIELDS[#i], row).rng,
            )
        };
        let value = if c.nullable {
            quote!(::core::option::Option::Some(#value))
        } else {
            value
        };
        return quote! {
            match state.given::<#ty>(#i) {
                ::core::option::Option::Some(v) => v,
                ::core::option::Option::None => #value,
            }
        };
    }
    quote!(state.fake::<#ty>(#i, &FIELDS[#i], row))
}

/// The column's random stream, from its table's and its own name only:
/// computed here rather than by the compiler's constant evaluator, which took
/// 120 ms for the 572 columns of `schema-defs`. The seed digest test
/// (`seed_sets::realistic_gives_the_rows_it_always_gave`) pins every value.
fn stream(table: &str, column: &str) -> u64 {
    fnv1a(table) ^ fnv1a(column).rotate_left(17)
}

/// FNV-1a (64 bits), as `schema_core::hash::stream_id` computes it (a
/// proc-macro crate cannot share code with the crate it serves).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `references = Client::id` → (`Client`, `id`), the parent as tokens
/// (syn's `Clone` impls are not among the features we build it with).
fn parent_of<'a>(c: &'a Column) -> Option<(TokenStream, &'a Ident)> {
    let path = &c.references.as_ref()?.path;
    let n = path.segments.len();
    if n < 2 {
        return None;
    }
    let lead = &path.leading_colon;
    let segments = path.segments.iter().take(n - 1).map(|s| &s.ident);
    Some((quote!(#lead #(#segments)::*), &path.segments[n - 1].ident))
}

/// Whether `references = ...` names the table itself.
fn is_self_reference(c: &Column, table: &Ident) -> bool {
    let path = &c.references.as_ref().expect("a foreign key").path;
    let n = path.segments.len();
    n >= 2 && path.segments[n - 2].ident == *table
}

/// `client_id` → `client`, `invited_by` → `invited_by`: the `for_*` setter's name.
fn stem(c: &Column) -> String {
    let name = unraw(c.ident);
    match name.strip_suffix("_id") {
        Some(stem) if !stem.is_empty() => stem.to_owned(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    /// FNV-1a's published test vectors, which `schema_core::hash` is held to too.
    #[test]
    fn the_stream_hash_is_fnv1a() {
        assert_eq!(super::fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a("foobar"), 0x8594_4171_f739_67e8);
    }
}
