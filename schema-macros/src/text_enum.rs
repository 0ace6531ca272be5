//! `#[derive(TextEnum)]`: a fieldless enum stored in a text or varchar column.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::{parse_keys, unknown_key, Attr};
use crate::ctxt::Ctxt;
use crate::symbol::{RENAME, TEXT_ENUM, TEXT_ENUM_KEYS};

pub fn expand_text_enum(input: TokenStream) -> syn::Result<TokenStream> {
    let input: syn::DeriveInput = syn::parse2(input)?;
    let cx = Ctxt::new();
    let mut variants: Vec<(&syn::Ident, String)> = Vec::new();
    match &input.data {
        syn::Data::Enum(data) if !data.variants.is_empty() => {
            for v in &data.variants {
                if !matches!(v.fields, syn::Fields::Unit) {
                    cx.error_spanned_by(v, "a text enum variant cannot hold data");
                }
                let mut rename = Attr::none(RENAME);
                for attr in v.attrs.iter().filter(|a| a.path().is_ident(TEXT_ENUM)) {
                    parse_keys(&cx, attr, |meta| {
                        if meta.path.is_ident(RENAME) {
                            let lit: syn::LitStr = meta.value()?.parse()?;
                            rename.set(&cx, &meta.path, lit.value());
                        } else {
                            unknown_key(&cx, meta, TEXT_ENUM, TEXT_ENUM_KEYS);
                            crate::attr::skip_value(meta)?;
                        }
                        Ok(())
                    });
                }
                let value = rename
                    .get()
                    .cloned()
                    .unwrap_or_else(|| snake_case(&v.ident.to_string()));
                if variants.iter().any(|(_, other)| *other == value) {
                    cx.error_spanned_by(v, format!("two variants are stored as \"{value}\""));
                }
                variants.push((&v.ident, value));
            }
        }
        _ => cx.error_spanned_by(
            &input.ident,
            "#[derive(TextEnum)] needs an enum with at least one fieldless variant",
        ),
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(&input.generics, "a text enum cannot be generic");
    }
    cx.check()?;

    let ident = &input.ident;
    let idents: Vec<_> = variants.iter().map(|(i, _)| *i).collect();
    let values: Vec<_> = variants.iter().map(|(_, v)| v.as_str()).collect();
    let sqlx = quote!(::schema_core::__private::sqlx);
    let fake = cfg!(feature = "factories").then(|| {
        quote! {
            #[automatically_derived]
            impl ::schema_core::FakeValue for #ident {
                fn fake(g: &mut ::schema_core::factory::Gen) -> Self {
                    let text = *g.rng.pick(<Self as ::schema_core::TextEnum>::VALUES);
                    <Self as ::schema_core::TextEnum>::from_text(text).expect("a value of the set")
                }
            }
        }
    });
    Ok(quote! {
        #[automatically_derived]
        impl ::schema_core::TextEnum for #ident {
            const VALUES: &'static [&'static str] = &[#(#values),*];
            const ALL: &'static [Self] = &[#(#ident::#idents),*];
            fn as_str(&self) -> &'static str {
                match self { #(#ident::#idents => #values,)* }
            }
            fn from_text(text: &str) -> ::core::option::Option<Self> {
                match text {
                    #(#values => ::core::option::Option::Some(#ident::#idents),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
        #[automatically_derived]
        impl ::schema_core::ColumnType for #ident {
            const SQL_TYPE: ::schema_core::SqlType = ::schema_core::SqlType::Text;
        }
        #[automatically_derived]
        impl ::schema_core::TextType for #ident {}

        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(::schema_core::TextEnum::as_str(self))
            }
        }
        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = ::schema_core::UnknownValue;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                ::schema_core::__private::parse_text_enum(text)
            }
        }
        #[automatically_derived]
        impl #sqlx::Type<#sqlx::Postgres> for #ident {
            fn type_info() -> #sqlx::postgres::PgTypeInfo {
                <&str as #sqlx::Type<#sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &#sqlx::postgres::PgTypeInfo) -> bool {
                <&str as #sqlx::Type<#sqlx::Postgres>>::compatible(ty)
            }
        }
        #[automatically_derived]
        impl<'__q> #sqlx::Encode<'__q, #sqlx::Postgres> for #ident {
            fn encode_by_ref(
                &self,
                buf: &mut #sqlx::postgres::PgArgumentBuffer,
            ) -> ::core::result::Result<#sqlx::encode::IsNull, #sqlx::error::BoxDynError> {
                <&str as #sqlx::Encode<'__q, #sqlx::Postgres>>::encode(::schema_core::TextEnum::as_str(self), buf)
            }
        }
        #[automatically_derived]
        impl #sqlx::postgres::PgHasArrayType for #ident {
            fn array_type_info() -> #sqlx::postgres::PgTypeInfo {
                <&str as #sqlx::postgres::PgHasArrayType>::array_type_info()
            }
            fn array_compatible(ty: &#sqlx::postgres::PgTypeInfo) -> bool {
                <&str as #sqlx::postgres::PgHasArrayType>::array_compatible(ty)
            }
        }
        #fake
        #[automatically_derived]
        impl<'__r> #sqlx::Decode<'__r, #sqlx::Postgres> for #ident {
            fn decode(
                value: #sqlx::postgres::PgValueRef<'__r>,
            ) -> ::core::result::Result<Self, #sqlx::error::BoxDynError> {
                let text = <&str as #sqlx::Decode<'__r, #sqlx::Postgres>>::decode(value)?;
                ::core::result::Result::Ok(::schema_core::__private::parse_text_enum::<Self>(text)?)
            }
        }
    })
}

/// `PreProduction` → `pre_production`.
fn snake_case(ident: &str) -> String {
    let mut out = String::new();
    for (i, ch) in ident.char_indices() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}
