//! Attribute parsing shared by both derives: a once-only slot and resynchronising
//! after a bad key, so that one mistake does not hide the next.

use proc_macro2::TokenTree;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::Token;

use crate::ctxt::Ctxt;
use crate::symbol::one_of;

/// A key that may be given once; a second occurrence is reported at its own span.
pub struct Attr<T> {
    name: &'static str,
    value: Option<(proc_macro2::TokenStream, T)>,
}

impl<T> Attr<T> {
    pub fn none(name: &'static str) -> Self {
        Attr { name, value: None }
    }

    pub fn set<S: ToTokens>(&mut self, cx: &Ctxt, at: S, value: T) {
        let tokens = at.into_token_stream();
        if self.value.is_some() {
            cx.error_spanned_by(tokens, format!("duplicate `{}`", self.name));
        } else {
            self.value = Some((tokens, value));
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, v)| v)
    }

    /// The tokens where the value was given, for later errors.
    pub fn tokens(&self) -> Option<&proc_macro2::TokenStream> {
        self.value.as_ref().map(|(t, _)| t)
    }

    pub fn into_inner(self) -> Option<(proc_macro2::TokenStream, T)> {
        self.value
    }
}

/// Skip what is left of the current key's value, up to the next `,`.
pub fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        meta.input.parse::<TokenTree>()?;
    }
    Ok(())
}

/// The name of the key, or the whole path when it is not a single identifier.
pub fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| meta.path.to_token_stream().to_string().replace(' ', ""))
}

/// Report an unknown key, listing the valid ones.
pub fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta, attr: &str, valid: &[&str]) {
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown key `{}` in #[{attr}(...)]; expected {}",
            key_name(meta),
            one_of(valid)
        ),
    );
}

/// Parse the comma-separated keys of one attribute with `handle`, recording
/// every error in `cx` and going on with the next key.
pub fn parse_keys(
    cx: &Ctxt,
    attr: &syn::Attribute,
    mut handle: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
) {
    let result = attr.parse_nested_meta(|meta| {
        if let Err(err) = handle(&meta) {
            cx.syn_error(err);
            skip_value(&meta)?;
        }
        Ok(())
    });
    if let Err(err) = result {
        cx.syn_error(err);
    }
}

/// `key(a, b, c)`: a non-empty list of identifiers.
pub fn parse_ident_list(meta: &ParseNestedMeta, example: &str) -> syn::Result<Vec<syn::Ident>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!("expected a column list: `{example}`")));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let idents = content.parse_terminated(syn::Ident::parse_any_ident, Token![,])?;
    if idents.is_empty() {
        return Err(meta.error(format!("the column list is empty: `{example}`")));
    }
    Ok(idents.into_iter().collect())
}

trait ParseAnyIdent {
    fn parse_any_ident(input: syn::parse::ParseStream) -> syn::Result<syn::Ident>;
}

impl ParseAnyIdent for syn::Ident {
    /// Accepts keywords too, so that `primary_key(type)` names the `r#type` field.
    fn parse_any_ident(input: syn::parse::ParseStream) -> syn::Result<syn::Ident> {
        use syn::ext::IdentExt;
        syn::Ident::parse_any(input)
    }
}

/// Whether a name written out (`name = "..."`, a check's name, an earlier
/// name) is one PostgreSQL can hold: not empty, at most 63 bytes, no NUL.
/// Any other character is allowed, `"User"` and `"some id"` included (such
/// a name is quoted wherever SQL is written), so that a database made by
/// other tools can be declared as it is.
pub fn written_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".to_owned());
    }
    if name.len() > 63 {
        return Some(format!(
            "`{name}` is {} bytes long; PostgreSQL names hold at most 63",
            name.len()
        ));
    }
    name.contains('\0')
        .then(|| "the name contains a NUL character".to_owned())
}

/// Whether `name` is acceptable as a SQL name taken from a field's name:
/// lowercase ASCII letters, digits and `_`, starting with a letter or `_`, at
/// most 63 bytes (`userName` is more likely a slip than a wish for a quoted
/// mixed-case column).
pub fn sql_name_problem(name: &str) -> Option<String> {
    let Some(first) = name.chars().next() else {
        return Some("the name is empty".to_owned());
    };
    if name.len() > 63 {
        return Some(format!(
            "`{name}` is {} bytes long; PostgreSQL names hold at most 63",
            name.len()
        ));
    }
    if !(first.is_ascii_lowercase() || first == '_') {
        return Some(format!(
            "`{name}` must start with a lowercase letter or `_`"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Some(format!(
            "`{name}` contains {c:?}; use lowercase letters, digits and `_`"
        ));
    }
    None
}
