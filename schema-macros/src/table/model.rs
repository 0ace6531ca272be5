//! The resolved table model: every attribute checked and turned into what code
//! generation needs, with the syn nodes kept for spans.

use proc_macro2::TokenStream;
use syn::{Ident, Type};

use super::attr::{parse_group_db, Action, ColumnAttrs, Db, DefaultValue, TableAttrs};
use crate::attr::{sql_name_problem, written_name_problem};
use crate::ctxt::Ctxt;
use crate::symbol::*;

pub struct Table<'a> {
    pub ident: &'a Ident,
    pub name: String,
    pub db: Db,
    pub columns: Vec<Column<'a>>,
    /// Indexes into `columns`.
    pub primary_key: Vec<usize>,
    pub unique: Vec<Vec<usize>>,
    pub indexes: Vec<(Vec<usize>, bool)>,
    /// `check(name, sql)`: (name, expression).
    pub checks: Vec<(String, String)>,
    pub renamed_from: Vec<String>,
    /// The struct's fields in order: a column, or a column group whose
    /// columns are `columns[range]`.
    pub fields: Vec<Field<'a>>,
}

pub enum Field<'a> {
    Column(usize),
    Group {
        ident: &'a Ident,
        ty: &'a Type,
        columns: std::ops::Range<usize>,
    },
}

/// A column group (`#[derive(ColumnGroup)]`) as the table's expansion gets
/// it: the group's struct, passed on by the group's macro.
pub struct Group {
    pub input: syn::DeriveInput,
}

impl Group {
    /// The database the group is declared for, if one.
    pub fn db(&self, cx: &Ctxt) -> Option<Db> {
        parse_group_db(cx, &self.input.attrs).get().copied()
    }

    pub fn fields(&self) -> impl Iterator<Item = &syn::Field> {
        named_fields(&self.input).into_iter().flatten()
    }
}

/// Where a column comes from, for messages and field access.
#[derive(Clone, Copy)]
pub struct InGroup<'a> {
    /// The table's field holding the group (`sync`).
    pub field: &'a Ident,
    /// The group's struct (`Synced`).
    pub group: &'a Ident,
}

pub struct Column<'a> {
    pub ident: &'a Ident,
    /// The field's type as written (`Option<i32>`).
    pub ty: &'a Type,
    /// The value type without `Option` (`i32`).
    pub value_ty: &'a Type,
    pub name: String,
    pub nullable: bool,
    pub sql_type: SqlTypeSpec,
    pub serial: bool,
    pub default: Option<DefaultValue>,
    pub references: Option<Reference>,
    pub renamed_from: Vec<String>,
    /// `backfill = sql("...")`: existing rows' value when a migration needs one.
    pub backfill: Option<String>,
    /// The `fake = "..."` generator, as an expression spanned at the annotation.
    pub fake: Option<(String, TokenStream)>,
    /// Where `primary_key` was written on this column, if it was.
    primary_key_at: Option<proc_macro2::TokenStream>,
    /// Set when the column comes from a column group.
    pub group: Option<InGroup<'a>>,
    unique: bool,
    index: bool,
}

pub enum SqlTypeSpec {
    /// The value type's own column type (`ColumnType`).
    Inferred,
    Serial,
    Varchar(u32),
    Numeric(u16, u16),
}

pub struct Reference {
    pub path: syn::Path,
    pub on_delete: Action,
    pub on_update: Action,
}

impl Column<'_> {
    /// An insert must give it: NOT NULL, no default, not serial.
    pub fn is_required(&self) -> bool {
        !self.nullable && self.default.is_none() && !self.serial
    }

    /// The field in the row struct: `name`, or `sync.sync_uuid` in a group.
    pub fn access(&self) -> TokenStream {
        let ident = self.ident;
        match self.group {
            Some(g) => {
                let field = g.field;
                quote::quote!(#field.#ident)
            }
            None => quote::quote!(#ident),
        }
    }

    /// Where it is declared, for messages.
    fn origin(&self) -> String {
        match self.group {
            Some(g) => format!("column group `{}` (field `{}`)", g.group, g.field),
            None => format!("field `{}`", unraw(self.ident)),
        }
    }

    /// The token an error about this column in this table points at: the
    /// table's own field, also for a column of a group.
    fn at(&self) -> &Ident {
        self.group.map_or(self.ident, |g| g.field)
    }

    pub fn marks_primary_key(&self) -> Option<&TokenStream> {
        self.primary_key_at.as_ref()
    }
}

impl Table<'_> {
    /// The row struct built from one expression per column (`value(i, c)`),
    /// a column group's columns into the group's struct.
    pub fn construct(&self, value: impl Fn(usize, &Column) -> TokenStream) -> TokenStream {
        let ident = self.ident;
        let field = |i: usize| {
            let c = &self.columns[i];
            let (field, v) = (c.ident, value(i, c));
            quote::quote!(#field: #v)
        };
        let fields = self.fields.iter().map(|f| match f {
            Field::Column(i) => field(*i),
            Field::Group { ident, ty, columns } => {
                let inner = columns.clone().map(field);
                quote::quote!(#ident: #ty { #(#inner),* })
            }
        });
        quote::quote!(#ident { #(#fields),* })
    }
}

/// The named fields of a struct, if it is one.
pub fn named_fields(
    input: &syn::DeriveInput,
) -> Option<&syn::punctuated::Punctuated<syn::Field, syn::Token![,]>> {
    match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) => Some(&named.named),
        _ => None,
    }
}

/// Whether a field is written `#[column(flatten)]`. A look at the
/// attribute's top-level words, not a parse: every table asks it of every
/// field before its one real parse of the attributes (which reports errors).
pub fn is_flattened(field: &syn::Field) -> bool {
    field.attrs.iter().any(|a| {
        let syn::Meta::List(list) = &a.meta else {
            return false;
        };
        list.path.is_ident(COLUMN)
            && list
                .tokens
                .clone()
                .into_iter()
                .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == FLATTEN))
    })
}

/// The last segment of a plain type path: `Synced` of `crate::common::Synced`.
pub fn type_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

impl<'a> Table<'a> {
    /// A table's one expansion: its own fields and the groups they flatten
    /// (every group it uses must be in `groups`).
    pub fn from_ast(
        cx: &Ctxt,
        input: &'a syn::DeriveInput,
        groups: &'a [Group],
    ) -> Option<Table<'a>> {
        let attrs = TableAttrs::parse(cx, &input.attrs);
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(&input.generics, "a table struct cannot be generic");
        }
        let fields = match &input.data {
            syn::Data::Struct(syn::DataStruct {
                fields: syn::Fields::Named(named),
                ..
            }) => &named.named,
            _ => {
                cx.error_spanned_by(
                    &input.ident,
                    "#[derive(Table)] needs a struct with named fields, one per column",
                );
                return None;
            }
        };

        let name = match attrs.name.get() {
            Some(lit) => {
                let name = lit.value();
                if let Some(problem) = written_name_problem(&name) {
                    cx.error_spanned_by(lit, format!("invalid table name: {problem}"));
                }
                name
            }
            None => {
                cx.error_spanned_by(
                    &input.ident,
                    "missing table name: add `#[table(name = \"...\", db = master|tenant)]`",
                );
                String::new()
            }
        };
        let db = match attrs.db.get() {
            Some(db) => *db,
            None => {
                cx.error_spanned_by(
                    &input.ident,
                    format!(
                        "missing database: add `db = ...` to #[table(...)], one of {}",
                        one_of(DBS)
                    ),
                );
                Db::Tenant
            }
        };

        let mut columns: Vec<Column> = Vec::new();
        let mut struct_fields = Vec::new();
        for f in fields {
            let field_ident = f.ident.as_ref().expect("named field");
            if !is_flattened(f) {
                struct_fields.push(Field::Column(columns.len()));
                columns.push(Column::from_field(cx, f));
                continue;
            }
            let attrs = ColumnAttrs::parse(cx, &f.attrs);
            if let Some(other) = attrs.other_than_flatten() {
                cx.error_spanned_by(
                    other,
                    "a flattened column group takes no other key: its columns are declared in the group",
                );
            }
            let Some(group) =
                type_ident(&f.ty).and_then(|t| groups.iter().find(|g| g.input.ident == *t))
            else {
                cx.error_spanned_by(
                    &f.ty,
                    "expected a column group: a struct with #[derive(ColumnGroup)]",
                );
                continue;
            };
            if let Some(group_db) = group.db(cx) {
                if group_db != db {
                    cx.error_spanned_by(
                        &f.ty,
                        format!(
                            "column group `{}` is declared for the {} database; `{name}` is a {} table",
                            group.input.ident,
                            db_name(group_db),
                            db_name(db)
                        ),
                    );
                }
            }
            let start = columns.len();
            let in_group = InGroup {
                field: field_ident,
                group: &group.input.ident,
            };
            for gf in group.fields() {
                let mut c = Column::from_field(cx, gf);
                c.group = Some(in_group);
                columns.push(c);
            }
            struct_fields.push(Field::Group {
                ident: field_ident,
                ty: &f.ty,
                columns: start..columns.len(),
            });
        }
        for (i, c) in columns.iter().enumerate() {
            if let Some(o) = columns[..i].iter().find(|o| o.name == c.name) {
                cx.error_spanned_by(
                    c.at(),
                    format!(
                        "duplicate column name `{}` in `{name}`: declared by {} and by {}",
                        c.name,
                        o.origin(),
                        c.origin()
                    ),
                );
            } else if let Some(o) = columns[..i]
                .iter()
                .find(|o| unraw(o.ident) == unraw(c.ident))
            {
                cx.error_spanned_by(
                    c.at(),
                    format!(
                        "two columns of `{name}` have the field name `{}` (its setters would clash): {} and {}",
                        unraw(c.ident),
                        o.origin(),
                        c.origin()
                    ),
                );
            }
        }

        let named = |lit: &syn::LitStr, what: &str| {
            let name = lit.value();
            if let Some(problem) = written_name_problem(&name) {
                cx.error_spanned_by(lit, format!("invalid {what}: {problem}"));
            }
            name
        };
        let renamed_from = attrs
            .renamed_from
            .iter()
            .map(|l| named(l, "earlier table name"))
            .collect();
        let checks = attrs
            .checks
            .iter()
            .map(|(name, sql)| (named(name, "check name"), sql.value()))
            .collect();
        let mut table = Table {
            ident: &input.ident,
            name,
            db,
            columns,
            primary_key: Vec::new(),
            unique: Vec::new(),
            indexes: Vec::new(),
            checks,
            renamed_from,
            fields: struct_fields,
        };
        table.resolve_keys(cx, attrs);
        Some(table)
    }

    fn resolve_keys(&mut self, cx: &Ctxt, attrs: TableAttrs) {
        let lookup = |cols: &[Ident]| -> Vec<usize> {
            let mut out = Vec::new();
            for ident in cols {
                match self
                    .columns
                    .iter()
                    .position(|c| unraw(c.ident) == unraw(ident))
                {
                    Some(i) if out.contains(&i) => {
                        cx.error_spanned_by(ident, format!("column `{ident}` is listed twice"))
                    }
                    Some(i) => out.push(i),
                    None => cx.error_spanned_by(
                        ident,
                        format!("no field `{ident}` in this struct; list field names"),
                    ),
                }
            }
            out
        };

        let mut column_pk = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            if let Some(tokens) = &c.primary_key_at {
                column_pk.push((i, tokens.clone()));
            }
            if c.unique {
                self.unique.push(vec![i]);
            }
            if c.index {
                self.indexes.push((vec![i], false));
            }
        }
        let table_pk = attrs.primary_key.into_inner();
        match (&table_pk, column_pk.as_slice()) {
            (Some((_, cols)), []) => self.primary_key = lookup(cols),
            (Some((tokens, _)), [..]) => cx.error_spanned_by(
                tokens,
                "the primary key is declared both here and on a column; keep one",
            ),
            (None, [(i, _)]) => self.primary_key = vec![*i],
            (None, [_, (_, second), ..]) => cx.error_spanned_by(
                second,
                "two columns are marked `primary_key`; declare a composite key with #[table(primary_key(a, b))]",
            ),
            (None, []) => {}
        }
        for i in &self.primary_key {
            let c = &self.columns[*i];
            if c.nullable {
                cx.error_spanned_by(
                    c.ty,
                    format!("primary key column `{}` cannot be an `Option`", c.name),
                );
            }
        }
        for cols in &attrs.unique {
            let key = lookup(cols);
            if !key.is_empty() {
                self.unique.push(key);
            }
        }
        for (cols, unique) in &attrs.indexes {
            let key = lookup(cols);
            if !key.is_empty() {
                self.indexes.push((key, *unique));
            }
        }
        for (i, key) in self.unique.iter().enumerate() {
            if *key == self.primary_key || self.unique[..i].contains(key) {
                let c = &self.columns[key[0]];
                cx.error_spanned_by(
                    c.ident,
                    "this unique key repeats the primary key or another unique key",
                );
            }
        }
    }
}

impl<'a> Column<'a> {
    pub fn from_field(cx: &Ctxt, field: &'a syn::Field) -> Column<'a> {
        let ident = field.ident.as_ref().expect("named field");
        let attrs = ColumnAttrs::parse(cx, &field.attrs);
        let (nullable, value_ty) = match option_inner(&field.ty) {
            Some(inner) => (true, inner),
            None => (false, &field.ty),
        };

        let name = match attrs.name.get() {
            Some(lit) => {
                let name = lit.value();
                if let Some(problem) = written_name_problem(&name) {
                    cx.error_spanned_by(lit, format!("invalid column name: {problem}"));
                }
                name
            }
            None => {
                let name = unraw(ident);
                if let Some(problem) = sql_name_problem(&name) {
                    cx.error_spanned_by(
                        ident,
                        format!(
                            "invalid column name: {problem}; or set `#[column(name = \"...\")]`"
                        ),
                    );
                }
                name
            }
        };

        let serial = attrs.serial.get().is_some();
        let sql_type = match (
            attrs.serial.tokens(),
            attrs.varchar.get(),
            attrs.numeric.get(),
        ) {
            (Some(_), None, None) => SqlTypeSpec::Serial,
            (None, Some(len), None) => SqlTypeSpec::Varchar(*len),
            (None, None, Some((p, s))) => SqlTypeSpec::Numeric(*p, *s),
            (None, None, None) => SqlTypeSpec::Inferred,
            _ => {
                let second = attrs.numeric.tokens().or(attrs.varchar.tokens()).unwrap();
                cx.error_spanned_by(
                    second,
                    "a column has one type: `serial`, `varchar(n)` and `numeric(p, s)` exclude each other",
                );
                SqlTypeSpec::Inferred
            }
        };
        if let Some(default) = attrs.default.get() {
            default_fits(cx, &sql_type, default);
        }
        if serial && nullable {
            cx.error_spanned_by(&field.ty, "a `serial` column cannot be an `Option`");
        }
        if let (true, Some(tokens)) = (serial, attrs.default.tokens()) {
            cx.error_spanned_by(
                tokens,
                "a `serial` column takes its default from its sequence",
            );
        }

        let references = match attrs.references.into_inner() {
            Some((_, path)) => Some(Reference {
                path,
                on_delete: attrs.on_delete.get().copied().unwrap_or(Action::NoAction),
                on_update: attrs.on_update.get().copied().unwrap_or(Action::NoAction),
            }),
            None => {
                for tokens in [attrs.on_delete.tokens(), attrs.on_update.tokens()]
                    .into_iter()
                    .flatten()
                {
                    cx.error_spanned_by(
                        tokens,
                        "an action needs a foreign key: add `references = Table::column`",
                    );
                }
                None
            }
        };
        if let Some(r) = &references {
            for (action, tokens) in [
                (r.on_delete, attrs.on_delete.tokens()),
                (r.on_update, attrs.on_update.tokens()),
            ] {
                if action == Action::SetNull && !nullable {
                    cx.error_spanned_by(
                        tokens,
                        format!("`set_null` needs a nullable column: make `{ident}` an `Option`"),
                    );
                }
            }
        }

        Column {
            ident,
            ty: &field.ty,
            value_ty,
            name,
            nullable,
            sql_type,
            serial,
            default: attrs.default.into_inner().map(|(_, d)| d),
            references,
            renamed_from: attrs.renamed_from.iter().map(|l| l.value()).collect(),
            backfill: attrs.backfill.get().map(|l| l.value()),
            fake: attrs.fake.get().and_then(|l| fake_expr(cx, l)),
            primary_key_at: attrs.primary_key.tokens().cloned(),
            group: None,
            unique: attrs.unique.get().is_some(),
            index: attrs.index.get().is_some(),
        }
    }
}

fn db_name(db: Db) -> &'static str {
    match db {
        Db::Master => "master",
        Db::Tenant => "tenant",
    }
}

/// What the compiler cannot see of a literal default: whether it fits the
/// declared `numeric(p, s)` or `varchar(n)` (PostgreSQL would reject it only
/// at the first insert that uses it).
fn default_fits(cx: &Ctxt, sql_type: &SqlTypeSpec, default: &DefaultValue) {
    match (sql_type, default) {
        (
            SqlTypeSpec::Numeric(precision, scale),
            DefaultValue::Integer(text, written) | DefaultValue::Decimal(text, written),
        ) => {
            let digits = text.trim_start_matches('-');
            if digits.contains(['e', 'E']) {
                return;
            }
            let whole = digits
                .split('.')
                .next()
                .unwrap_or_default()
                .trim_start_matches('0');
            let room = precision - scale;
            if whole.len() > usize::from(room) {
                cx.error_spanned_by(
                    written,
                    format!(
                        "default {text} does not fit `numeric({precision}, {scale})`: at most {room} digit(s) before the point"
                    ),
                );
            }
        }
        (SqlTypeSpec::Varchar(len), DefaultValue::Text(lit)) => {
            let chars = lit.value().chars().count();
            if chars > *len as usize {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "default is {chars} characters long; `varchar({len})` holds at most {len}"
                    ),
                );
            }
        }
        _ => {}
    }
}

/// `fake = "lorem::Sentence(3..8)"` names a `fake` faker: `module::Faker(args)`
/// (English locale) or `module::locale::Faker(args)`. Anything without `::`
/// is a plain `fake` expression (`"1..100"`).
fn fake_expr(cx: &Ctxt, lit: &syn::LitStr) -> Option<(String, TokenStream)> {
    let text = lit.value();
    let head = text.split('(').next().unwrap_or_default();
    let expanded = match head.split("::").count() {
        1 => text.clone(),
        2 => format!(
            "::schema_core::__private::fake::faker::{}",
            text.replacen("::", "::en::", 1)
        ),
        _ => format!("::schema_core::__private::fake::faker::{text}"),
    };
    match syn::LitStr::new(&expanded, lit.span()).parse::<TokenStream>() {
        Ok(tokens) if !tokens.is_empty() => Some((text, tokens)),
        _ => {
            cx.error_spanned_by(
                lit,
                "expected a `fake` generator such as \"lorem::Sentence(3..8)\" or \"1..100\"",
            );
            None
        }
    }
}

/// `T` of a field written `Option<T>` (also `std::option::Option<T>`).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// The identifier without its `r#` prefix.
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}
