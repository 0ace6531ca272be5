//! The factory: `Client::factory().city("Lyon").create(&pool)`.
//!
//! One `Option` per column holds a given value; the rest is faked by the
//! runtime (`schema_core::factory`), which also batches the inserts. What is
//! generated here is only what needs the struct's fields by name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::model::{unraw, Column, Table};

pub fn gen_factory(table: &Table) -> TokenStream {
    let ident = table.ident;
    let factory = format_ident!("{}Factory", ident);
    let table_name = &table.name;
    let rt = quote!(::schema_core::factory);
    let sqlx = quote!(::schema_core::__private::sqlx);
    let n_columns = table.columns.len();
    let idents: Vec<&Ident> = table.columns.iter().map(|c| c.ident).collect();
    let tys: Vec<_> = table.columns.iter().map(|c| c.ty).collect();

    let setters = table.columns.iter().map(|c| {
        let (field, ty) = (c.ident, c.ty);
        let doc = format!("Sets `{table_name}.{}` for every row built; given twice, the last value wins.", c.name);
        quote! {
            #[doc = #doc]
            pub fn #field<__V: ::schema_core::IntoValue<#ty>>(mut self, value: __V) -> Self {
                self.#field = ::core::option::Option::Some(::schema_core::IntoValue::into_value(value));
                self
            }
        }
    });
    let parent_setters = table.columns.iter().filter_map(|c| {
        let (parent, ref_field) = parent_of(c)?;
        let (field, ty) = (c.ident, c.ty);
        let setter = format_ident!("for_{}", stem(c));
        let doc = format!("Sets `{table_name}.{}` to this parent's key.", c.name);
        // Spanned at `references = ...`: if that is wrong, so is this, and
        // the error lands on the same token.
        let span = c.references.as_ref()?.path.span();
        Some(quote_spanned! {span=>
            #[doc = #doc]
            pub fn #setter(mut self, parent: &#parent) -> Self {
                self.#field = ::core::option::Option::Some(::schema_core::IntoValue::<#ty>::into_value(
                    ::core::clone::Clone::clone(&parent.#ref_field),
                ));
                self
            }
        })
    });

    let values = table.columns.iter().enumerate().map(|(i, c)| {
        let field = c.ident;
        let fallback = fallback(c, i);
        quote! {
            #field: match &self.#field {
                ::core::option::Option::Some(v) => ::core::clone::Clone::clone(v),
                ::core::option::Option::None => #fallback,
            }
        }
    });
    let field_defs = table.columns.iter().enumerate().map(|(i, c)| {
        let hint = format_ident!("{}", super::hint::infer(table_name, &c.name));
        let unique = table.primary_key == [i] || table.unique.iter().any(|k| *k == [i]);
        quote!(#rt::Field::of(<#ident as ::schema_core::Table>::DEF, #i, #rt::Hint::#hint, #unique))
    });

    // A required self-reference cannot be satisfied by a new row: left out.
    let required_parents: Vec<_> = table
        .columns
        .iter()
        .filter(|c| !c.nullable)
        .filter_map(|c| Some((c, parent_of(c)?)))
        .filter(|(c, _)| !is_self_reference(c, ident))
        .collect();
    let placeholder_checks = required_parents.iter().map(|(c, _)| {
        let (field, value_ty) = (c.ident, c.value_ty);
        quote!(r.#field == <#value_ty as ::core::default::Default>::default())
    });
    let parents = required_parents.iter().map(|(c, (parent, ref_field))| {
        let (field, value_ty) = (c.ident, c.value_ty);
        let span = c.references.as_ref().expect("a foreign key").path.span();
        quote_spanned! {span=>
            let need: ::std::vec::Vec<usize> = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.#field == <#value_ty as ::core::default::Default>::default())
                .map(|(i, _)| i)
                .collect();
            if !need.is_empty() {
                let parents = <#parent as #rt::HasFactory>::factory_with(&self.__state.seed);
                let made = #rt::create_parents(&parents, &mut *conn, need.len()).await?;
                for (i, p) in need.into_iter().zip(made) {
                    rows[i].#field = p.#ref_field;
                }
            }
        }
    });

    let arrays: Vec<_> = idents
        .iter()
        .map(|f| format_ident!("__{}", unraw(f)))
        .collect();
    let pushes = table.columns.iter().zip(&arrays).map(|(c, array)| {
        let name = &c.name;
        let push = quote!(batch.push(#name, #array)?;);
        if c.serial {
            // Left to its sequence unless the factory was given a value.
            let field = c.ident;
            quote!(if self.#field.is_some() { #push })
        } else {
            push
        }
    });

    let given = table.columns.iter().map(|c| {
        if c.serial {
            let field = c.ident;
            quote!(self.#field.is_some())
        } else {
            quote!(true)
        }
    });
    let given: Vec<_> = given.collect();
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();

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
            __state: #rt::FactoryState<#ident>,
            #(#idents: ::core::option::Option<#tys>,)*
        }

        #[automatically_derived]
        impl #rt::HasFactory for #ident {
            type Factory = #factory;
            fn factory_with(seed: &#rt::Seed) -> #factory {
                #factory {
                    __state: #rt::FactoryState::new(seed),
                    #(#idents: ::core::option::Option::None,)*
                }
            }
        }

        #[automatically_derived]
        impl #ident {
            #[doc = #new_doc]
            pub fn factory() -> #factory {
                <Self as #rt::HasFactory>::factory_with(#rt::Seed::shared())
            }
        }

        #[automatically_derived]
        impl #factory {
            #(#setters)*
            #(#parent_setters)*

            /// Run `hook` on every row built, after the given and faked values
            /// and before parents are made: per-row variations, picked parents.
            pub fn each(mut self, hook: impl Fn(&mut #ident, &mut #rt::Each) + Send + Sync + 'static) -> Self {
                self.__state.push_hook(hook);
                self
            }

            /// One row's values, without a database: the serial key and required
            /// foreign keys not given are left at their placeholder (`0`).
            pub fn build(&self) -> #ident {
                #rt::build_many(self, 1).pop().expect("one row")
            }

            /// `n` rows' values, without a database.
            pub fn build_many(&self, n: usize) -> ::std::vec::Vec<#ident> {
                #rt::build_many(self, n)
            }

            /// Insert one row, with a new parent for each required foreign key
            /// not given, and return it as stored.
            pub async fn create<'__c, __A>(&self, db: __A) -> ::core::result::Result<#ident, #sqlx::Error>
            where
                __A: #sqlx::Acquire<'__c, Database = #sqlx::Postgres>,
            {
                #rt::create(self, db).await
            }

            /// Insert `n` rows in batches (bounded memory); returns how many.
            pub async fn create_many<'__c, __A>(&self, db: __A, n: u64) -> ::core::result::Result<u64, #sqlx::Error>
            where
                __A: #sqlx::Acquire<'__c, Database = #sqlx::Postgres>,
            {
                #rt::create_many(self, db, n).await
            }

            /// Insert `n` rows in batches, handing each stored batch to `keep`.
            pub async fn create_many_with<'__c, __A>(
                &self,
                db: __A,
                n: u64,
                keep: impl FnMut(::std::vec::Vec<#ident>) + Send,
            ) -> ::core::result::Result<u64, #sqlx::Error>
            where
                __A: #sqlx::Acquire<'__c, Database = #sqlx::Postgres>,
            {
                #rt::create_many_with(self, db, n, keep).await
            }
        }

        #[automatically_derived]
        impl #rt::Factory for #factory {
            type Row = #ident;

            fn state(&self) -> &#rt::FactoryState<#ident> {
                &self.__state
            }

            fn build_row(&self, row: u64) -> #ident {
                static FIELDS: [#rt::Field; #n_columns] = [#(#field_defs),*];
                let seed = &self.__state.seed;
                #ident { #(#values,)* }
            }

            #[allow(unused_variables)]
            fn needs_parents(&self, rows: &[#ident]) -> bool {
                rows.iter().any(|r| false #(|| #placeholder_checks)*)
            }

            #[allow(unused_variables, unused_mut)]
            fn resolve_parents<'__a>(
                &'__a self,
                conn: &'__a mut #sqlx::PgConnection,
                rows: &'__a mut [#ident],
            ) -> ::schema_core::__private::BoxFuture<'__a, ::core::result::Result<(), #sqlx::Error>> {
                ::std::boxed::Box::pin(async move {
                    #({ #parents })*
                    ::core::result::Result::Ok(())
                })
            }

            fn copy_columns(&self) -> ::std::vec::Vec<&'static str> {
                let mut columns = ::std::vec::Vec::new();
                #(if #given { columns.push(#names); })*
                columns
            }

            fn encode_copy(&self, rows: ::std::vec::Vec<#ident>, out: &mut #rt::CopyRows) -> ::core::result::Result<(), #sqlx::Error> {
                let fields = 0 #(+ usize::from(#given))*;
                for row in rows {
                    out.begin_row(fields);
                    #(if #given { out.field(&row.#idents)?; })*
                }
                ::core::result::Result::Ok(())
            }

            fn columns(&self, rows: ::std::vec::Vec<#ident>) -> ::core::result::Result<#rt::Batch, #sqlx::Error> {
                #(let mut #arrays: ::std::vec::Vec<#tys> = ::std::vec::Vec::with_capacity(rows.len());)*
                for row in rows {
                    #(#arrays.push(row.#idents);)*
                }
                let mut batch = #rt::Batch::new();
                #(#pushes)*
                ::core::result::Result::Ok(batch)
            }
        }
    }
}

/// The value of a column nobody set.
fn fallback(c: &Column, i: usize) -> TokenStream {
    let ty = c.ty;
    let value_ty = c.value_ty;
    if c.serial || (c.references.is_some() && !c.nullable) {
        return quote!(<#ty as ::core::default::Default>::default());
    }
    if c.references.is_some() {
        return quote!(::core::option::Option::None);
    }
    if let Some((_, expr)) = &c.fake {
        let value = quote! {
            ::schema_core::__private::fake::Fake::fake_with_rng::<#value_ty, _>(
                &(#expr),
                &mut seed.gen(&FIELDS[#i], row).rng,
            )
        };
        return if c.nullable {
            quote!(::core::option::Option::Some(#value))
        } else {
            value
        };
    }
    quote!(seed.fake::<#ty>(&FIELDS[#i], row))
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
