//! `#[table(...)]` and `#[column(...)]` parsed into typed structs.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Ident, LitInt, LitStr, Token};

use crate::attr::{parse_ident_list, parse_keys, unknown_key, Attr};
use crate::ctxt::Ctxt;
use crate::symbol::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Master,
    Tenant,
}

/// Named as in SQL (`NO ACTION`, `SET NULL`, ...).
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

/// A default as written in `#[column(default = ...)]`; literals keep their
/// tokens, so that the compiler checks them against the field's type there.
pub enum DefaultValue {
    Now(Ident),
    /// An integer literal: its digits (sign included) and the tokens written.
    Integer(String, proc_macro2::TokenStream),
    /// A decimal literal (`1.00`), likewise.
    Decimal(String, proc_macro2::TokenStream),
    Bool(syn::LitBool),
    Text(LitStr),
    Sql(String),
}

impl DefaultValue {
    /// The SQL literal of a number or boolean (`-1`, `1.00`, `true`).
    pub fn literal_text(&self) -> Option<String> {
        match self {
            DefaultValue::Integer(text, _) | DefaultValue::Decimal(text, _) => Some(text.clone()),
            DefaultValue::Bool(b) => Some(b.value.to_string()),
            _ => None,
        }
    }
}

pub struct TableAttrs {
    pub name: Attr<LitStr>,
    pub db: Attr<Db>,
    pub primary_key: Attr<Vec<Ident>>,
    pub unique: Vec<Vec<Ident>>,
    pub indexes: Vec<(Vec<Ident>, bool)>,
    /// `check(name = "...", sql = "...")`: (name, expression).
    pub checks: Vec<(LitStr, LitStr)>,
    pub renamed_from: Vec<LitStr>,
}

pub struct ColumnAttrs {
    pub name: Attr<LitStr>,
    pub primary_key: Attr<()>,
    pub serial: Attr<()>,
    pub unique: Attr<()>,
    pub index: Attr<()>,
    pub varchar: Attr<u32>,
    pub numeric: Attr<(u16, u16)>,
    pub default: Attr<DefaultValue>,
    pub references: Attr<syn::Path>,
    pub on_delete: Attr<Action>,
    pub on_update: Attr<Action>,
    pub renamed_from: Vec<LitStr>,
    pub fake: Attr<LitStr>,
    /// `backfill = sql("...")`: the value existing rows get when a migration
    /// needs one (a new NOT NULL column, NULLs before SET NOT NULL).
    pub backfill: Attr<LitStr>,
    /// `flatten`: the field is a column group, its columns are the table's.
    pub flatten: Attr<()>,
}

/// `#[group(db = tenant)]` on a column group: the one database it may be
/// used in (none: any).
pub fn parse_group_db(cx: &Ctxt, attrs: &[syn::Attribute]) -> Attr<Db> {
    let mut db = Attr::none(DB);
    for attr in attrs.iter().filter(|a| a.path().is_ident(GROUP)) {
        parse_keys(cx, attr, |meta| {
            if meta.path.is_ident(DB) {
                let value = parse_db(meta)?;
                db.set(cx, &meta.path, value);
            } else {
                unknown_key(cx, meta, GROUP, GROUP_KEYS);
                crate::attr::skip_value(meta)?;
            }
            Ok(())
        });
    }
    db
}

fn parse_db(meta: &ParseNestedMeta) -> syn::Result<Db> {
    let ident: Ident = meta.value()?.parse()?;
    match ident.to_string().as_str() {
        "master" => Ok(Db::Master),
        "tenant" => Ok(Db::Tenant),
        other => Err(syn::Error::new(
            ident.span(),
            format!("unknown database `{other}`; expected {}", one_of(DBS)),
        )),
    }
}

impl TableAttrs {
    pub fn parse(cx: &Ctxt, attrs: &[syn::Attribute]) -> TableAttrs {
        let mut out = TableAttrs {
            name: Attr::none(NAME),
            db: Attr::none(DB),
            primary_key: Attr::none(PRIMARY_KEY),
            unique: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            renamed_from: Vec::new(),
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident(TABLE)) {
            parse_keys(cx, attr, |meta| {
                let path = &meta.path;
                if path.is_ident(NAME) {
                    out.name.set(cx, path, meta.value()?.parse()?);
                } else if path.is_ident(DB) {
                    let db = parse_db(meta)?;
                    out.db.set(cx, path, db);
                } else if path.is_ident(PRIMARY_KEY) {
                    let cols = parse_ident_list(meta, "primary_key(a, b)")?;
                    out.primary_key.set(cx, path, cols);
                } else if path.is_ident(UNIQUE) {
                    out.unique.push(parse_ident_list(meta, "unique(a, b)")?);
                } else if path.is_ident(INDEX) {
                    out.indexes
                        .push((parse_ident_list(meta, "index(a, b)")?, false));
                } else if path.is_ident(UNIQUE_INDEX) {
                    out.indexes
                        .push((parse_ident_list(meta, "unique_index(a, b)")?, true));
                } else if path.is_ident(CHECK) {
                    out.checks.push(parse_check(cx, meta)?);
                } else if path.is_ident(RENAMED_FROM) {
                    out.renamed_from.push(meta.value()?.parse()?);
                } else {
                    unknown_key(cx, meta, TABLE, TABLE_KEYS);
                    crate::attr::skip_value(meta)?;
                }
                Ok(())
            });
        }
        out
    }
}

impl ColumnAttrs {
    /// The first key given besides `flatten`, if any.
    pub fn other_than_flatten(&self) -> Option<&proc_macro2::TokenStream> {
        [
            self.name.tokens(),
            self.primary_key.tokens(),
            self.serial.tokens(),
            self.unique.tokens(),
            self.index.tokens(),
            self.varchar.tokens(),
            self.numeric.tokens(),
            self.default.tokens(),
            self.references.tokens(),
            self.on_delete.tokens(),
            self.on_update.tokens(),
            self.fake.tokens(),
            self.backfill.tokens(),
        ]
        .into_iter()
        .flatten()
        .next()
    }

    pub fn parse(cx: &Ctxt, attrs: &[syn::Attribute]) -> ColumnAttrs {
        let mut out = ColumnAttrs {
            name: Attr::none(NAME),
            primary_key: Attr::none(PRIMARY_KEY),
            serial: Attr::none(SERIAL),
            unique: Attr::none(UNIQUE),
            index: Attr::none(INDEX),
            varchar: Attr::none(VARCHAR),
            numeric: Attr::none(NUMERIC),
            default: Attr::none(DEFAULT),
            references: Attr::none(REFERENCES),
            on_delete: Attr::none(ON_DELETE),
            on_update: Attr::none(ON_UPDATE),
            renamed_from: Vec::new(),
            fake: Attr::none(FAKE),
            backfill: Attr::none(BACKFILL),
            flatten: Attr::none(FLATTEN),
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident(COLUMN)) {
            parse_keys(cx, attr, |meta| {
                let path = &meta.path;
                let flag = |meta: &ParseNestedMeta, key: &str| -> syn::Result<()> {
                    if meta.input.is_empty() || meta.input.peek(Token![,]) {
                        Ok(())
                    } else {
                        Err(meta.error(format!("`{key}` takes no value: write `{key}`")))
                    }
                };
                if path.is_ident(NAME) {
                    out.name.set(cx, path, meta.value()?.parse()?);
                } else if path.is_ident(PRIMARY_KEY) {
                    flag(meta, PRIMARY_KEY)?;
                    out.primary_key.set(cx, path, ());
                } else if path.is_ident(SERIAL) {
                    flag(meta, SERIAL)?;
                    out.serial.set(cx, path, ());
                } else if path.is_ident(UNIQUE) {
                    flag(meta, UNIQUE)?;
                    out.unique.set(cx, path, ());
                } else if path.is_ident(INDEX) {
                    flag(meta, INDEX)?;
                    out.index.set(cx, path, ());
                } else if path.is_ident(VARCHAR) {
                    out.varchar.set(cx, path, parse_varchar(meta)?);
                } else if path.is_ident(NUMERIC) {
                    out.numeric.set(cx, path, parse_numeric(meta)?);
                } else if path.is_ident(DEFAULT) {
                    out.default.set(cx, path, parse_default(meta)?);
                } else if path.is_ident(REFERENCES) {
                    let target: syn::Path = meta.value()?.parse()?;
                    if target.segments.len() < 2 {
                        return Err(syn::Error::new_spanned(
                            &target,
                            "expected a column path: `references = Table::column`",
                        ));
                    }
                    out.references.set(cx, path, target);
                } else if path.is_ident(ON_DELETE) {
                    out.on_delete.set(cx, path, parse_action(meta)?);
                } else if path.is_ident(ON_UPDATE) {
                    out.on_update.set(cx, path, parse_action(meta)?);
                } else if path.is_ident(RENAMED_FROM) {
                    out.renamed_from.push(meta.value()?.parse()?);
                } else if path.is_ident(FAKE) {
                    out.fake.set(cx, path, meta.value()?.parse()?);
                } else if path.is_ident(BACKFILL) {
                    out.backfill.set(cx, path, parse_sql_value(meta, BACKFILL)?);
                } else if path.is_ident(FLATTEN) {
                    flag(meta, FLATTEN)?;
                    out.flatten.set(cx, path, ());
                } else {
                    unknown_key(cx, meta, COLUMN, COLUMN_KEYS);
                    crate::attr::skip_value(meta)?;
                }
                Ok(())
            });
        }
        out
    }
}

/// `check(name = "invoices_total_positive", sql = "total >= 0")`.
fn parse_check(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<(LitStr, LitStr)> {
    const FORM: &str = "expected `check(name = \"...\", sql = \"...\")`";
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(FORM));
    }
    let (mut name, mut sql) = (Attr::none(NAME), Attr::none(SQL_KEY));
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident(NAME) {
            name.set(cx, &inner.path, inner.value()?.parse::<LitStr>()?);
        } else if inner.path.is_ident(SQL_KEY) {
            sql.set(cx, &inner.path, inner.value()?.parse::<LitStr>()?);
        } else {
            unknown_key(cx, &inner, CHECK, CHECK_KEYS);
            crate::attr::skip_value(&inner)?;
        }
        Ok(())
    })?;
    match (name.into_inner(), sql.into_inner()) {
        (Some((_, name)), Some((_, sql))) => Ok((name, sql)),
        _ => Err(meta.error(FORM)),
    }
}

/// `key = sql("expression")`.
fn parse_sql_value(meta: &ParseNestedMeta, key: &str) -> syn::Result<LitStr> {
    let form = format!("expected `{key} = sql(\"expression\")`");
    let input = meta.value()?;
    let ident: Ident = input
        .parse()
        .map_err(|e| syn::Error::new(e.span(), &form))?;
    if ident != SQL || !input.peek(syn::token::Paren) {
        return Err(syn::Error::new(ident.span(), form));
    }
    let content;
    syn::parenthesized!(content in input);
    content.parse()
}

fn parse_varchar(meta: &ParseNestedMeta) -> syn::Result<u32> {
    const FORM: &str = "expected a length: `varchar(255)`";
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(FORM));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let lit: LitInt = content
        .parse()
        .map_err(|e| syn::Error::new(e.span(), FORM))?;
    if !content.is_empty() {
        return Err(content.error(FORM));
    }
    let len: u32 = lit.base10_parse()?;
    if !(1..=10_485_760).contains(&len) {
        return Err(syn::Error::new(
            lit.span(),
            "a varchar length must be between 1 and 10485760",
        ));
    }
    Ok(len)
}

fn parse_numeric(meta: &ParseNestedMeta) -> syn::Result<(u16, u16)> {
    const FORM: &str = "expected precision and scale: `numeric(10, 2)`";
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(FORM));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let args = content
        .parse_terminated(|input| input.parse::<LitInt>(), Token![,])
        .map_err(|e| syn::Error::new(e.span(), FORM))?;
    let args: Vec<LitInt> = args.into_iter().collect();
    let [precision, scale] = args.as_slice() else {
        return Err(syn::Error::new(
            args.first().map_or(Span::call_site(), |a| a.span()),
            FORM,
        ));
    };
    let p: u16 = precision.base10_parse()?;
    let s: u16 = scale.base10_parse()?;
    if !(1..=1000).contains(&p) {
        return Err(syn::Error::new(
            precision.span(),
            "numeric precision must be between 1 and 1000",
        ));
    }
    if s > p {
        return Err(syn::Error::new(
            scale.span(),
            "numeric scale cannot exceed its precision",
        ));
    }
    Ok((p, s))
}

fn parse_default(meta: &ParseNestedMeta) -> syn::Result<DefaultValue> {
    const FORM: &str = "expected a default: a literal (`0`, `1.00`, `true`, `\"text\"`), `now` or `sql(\"expression\")`";
    let input = meta.value()?;
    let lookahead = input.lookahead1();
    if lookahead.peek(LitStr) {
        return Ok(DefaultValue::Text(input.parse()?));
    }
    if lookahead.peek(syn::LitBool) {
        return Ok(DefaultValue::Bool(input.parse()?));
    }
    if lookahead.peek(syn::LitInt) || lookahead.peek(syn::LitFloat) || lookahead.peek(Token![-]) {
        let minus: Option<Token![-]> = input.parse()?;
        let lit: syn::Lit = input.parse().map_err(|e| syn::Error::new(e.span(), FORM))?;
        let sign = if minus.is_some() { "-" } else { "" };
        let text = format!("{sign}{}", number_text(&lit)?);
        let written = quote::quote!(#minus #lit);
        return Ok(match lit {
            syn::Lit::Float(_) => DefaultValue::Decimal(text, written),
            _ => DefaultValue::Integer(text, written),
        });
    }
    if lookahead.peek(Ident) {
        let ident: Ident = input.parse()?;
        if ident == NOW {
            return Ok(DefaultValue::Now(ident));
        }
        if ident == SQL && input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            let expr: LitStr = content.parse()?;
            return Ok(DefaultValue::Sql(expr.value()));
        }
        return Err(syn::Error::new(ident.span(), FORM));
    }
    Err(syn::Error::new(input.span(), FORM))
}

/// The digits of a numeric literal, without a Rust suffix (`1_000i32` → `1000`).
fn number_text(lit: &syn::Lit) -> syn::Result<String> {
    match lit {
        syn::Lit::Int(i) if i.suffix().is_empty() => Ok(i.base10_digits().to_owned()),
        syn::Lit::Float(f) if f.suffix().is_empty() => Ok(f.base10_digits().to_owned()),
        _ => Err(syn::Error::new(
            lit.span(),
            "expected a number without suffix: `0` or `1.00`",
        )),
    }
}

fn parse_action(meta: &ParseNestedMeta) -> syn::Result<Action> {
    let ident: Ident = meta.value()?.parse()?;
    Ok(match ident.to_string().as_str() {
        "no_action" => Action::NoAction,
        "restrict" => Action::Restrict,
        "cascade" => Action::Cascade,
        "set_null" => Action::SetNull,
        "set_default" => Action::SetDefault,
        other => {
            return Err(syn::Error::new(
                ident.span(),
                format!("unknown action `{other}`; expected {}", one_of(ACTIONS)),
            ))
        }
    })
}
