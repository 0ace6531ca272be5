//! Declarations read back as text, in the house style `pull` writes: the
//! struct under `#[table(name = "...")]`, its `#[table(...)]` keys, and each
//! field with its comments, `#[column(...)]` keys and type, kept verbatim so
//! that a merge can put back what it does not change.

pub(super) struct Field {
    /// The SQL name: `name = "..."`, else the field's.
    pub(super) column: String,
    /// Comment and doc lines before the field, as written.
    pub(super) comments: Vec<String>,
    /// `#[column(...)]` keys, split at top-level commas.
    pub(super) keys: Vec<String>,
    /// Other attribute lines, as written.
    pub(super) other_attrs: Vec<String>,
    pub(super) ident: String,
    /// What stands before the name: indentation and visibility (`    pub `).
    pub(super) lead: String,
    /// As written, `Option<...>` included.
    pub(super) ty: String,
    /// The field exactly as written (all its lines).
    pub(super) text: Vec<String>,
}

impl Field {
    pub(super) fn flattened(&self) -> bool {
        self.keys.iter().any(|k| k == "flatten")
    }

    pub(super) fn nullable(&self) -> bool {
        option_inner(&self.ty).is_some()
    }

    pub(super) fn value_type(&self) -> &str {
        option_inner(&self.ty).unwrap_or(&self.ty)
    }
}

pub(super) struct Struct {
    /// Line range of `#[table(...)]`.
    pub(super) table_attr: (usize, usize),
    pub(super) table_keys: Vec<String>,
    /// Lines of the body: from after `{` to before `}`.
    pub(super) body: (usize, usize),
    pub(super) fields: Vec<Field>,
    /// Lines after the last field, before `}`.
    pub(super) tail: Vec<String>,
}

/// The `name = "..."` of a key list, unescaped.
fn written_name(keys: &[String]) -> Option<String> {
    keys.iter().find_map(|k| {
        let v = k.strip_prefix("name")?.trim_start().strip_prefix('=')?;
        Some(unescape(v.trim().strip_prefix('"')?.strip_suffix('"')?))
    })
}

/// The table name of the first `#[table(...)]` in a file.
pub(super) fn table_name(text: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("#[table("))?;
    written_name(&attr_keys(line, "#[table("))
}

/// The struct under `#[table(... name = "<table>" ...)]`.
pub(super) fn parse_struct(lines: &[String], table: &str) -> Option<Struct> {
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with("#[table(") {
            let start = i;
            let mut text = lines[i].clone();
            while !balanced_attr(&text) && i + 1 < lines.len() {
                i += 1;
                text.push(' ');
                text.push_str(lines[i].trim());
            }
            let keys = attr_keys(&text, "#[table(");
            let name_matches = written_name(&keys).as_deref() == Some(table);
            if name_matches {
                let open = (i + 1..lines.len()).find(|&j| {
                    lines[j].contains("struct ") && lines[j].trim_end().ends_with('{')
                })?;
                let mut s = parse_body(lines, open)?;
                s.table_attr = (start, i);
                s.table_keys = keys;
                return Some(s);
            }
        }
        i += 1;
    }
    None
}

/// The fields of the struct whose `{` ends line `open`; `None` unless every
/// line of the body is a comment, an attribute or a whole field on its line
/// (as `pull` writes them), so that a merge never rewrites what it misread.
pub(super) fn parse_body(lines: &[String], open: usize) -> Option<Struct> {
    let close = (open + 1..lines.len()).find(|&j| lines[j].trim_end() == "}")?;
    let mut fields = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut j = open + 1;
    while j < close {
        let line = &lines[j];
        let t = line.trim();
        if t.starts_with("#[") {
            let mut text = line.clone();
            let mut attr = t.to_owned();
            while !balanced_attr(&attr) && j + 1 < close {
                j += 1;
                text.push('\n');
                text.push_str(&lines[j]);
                attr.push(' ');
                attr.push_str(lines[j].trim());
            }
            pending.push(text);
        } else if let Some((lead, ident, ty)) = field_line(line) {
            let last = (j + 1..close).all(|k| lines[k].trim().is_empty());
            let whole = ty.ends_with(',') || last;
            let ty = ty.trim_end_matches(',').trim().to_owned();
            if !whole || ty.matches('<').count() != ty.matches('>').count() {
                return None;
            }
            let mut keys = Vec::new();
            let mut comments = Vec::new();
            let mut other_attrs = Vec::new();
            let mut text = Vec::new();
            for p in pending.drain(..) {
                text.extend(p.lines().map(str::to_owned));
                let flat: String = p.lines().map(str::trim).collect::<Vec<_>>().join(" ");
                if flat.starts_with("#[column(") {
                    keys.extend(attr_keys(&flat, "#[column("));
                } else if flat.starts_with("#[") {
                    other_attrs.extend(p.lines().map(str::to_owned));
                } else {
                    comments.extend(p.lines().map(str::to_owned));
                }
            }
            text.push(line.clone());
            fields.push(Field {
                column: written_name(&keys)
                    .unwrap_or_else(|| ident.trim_start_matches("r#").to_owned()),
                comments,
                keys,
                other_attrs,
                ident,
                lead,
                ty,
                text,
            });
        } else if t.is_empty() || t.starts_with("//") {
            pending.push(line.clone());
        } else {
            return None;
        }
        j += 1;
    }
    Some(Struct {
        table_attr: (0, 0),
        table_keys: Vec::new(),
        body: (open + 1, close),
        fields,
        tail: pending,
    })
}

/// `    pub(crate) name: Type,` → (`    pub(crate) `, `name`, `Type,`).
fn field_line(line: &str) -> Option<(String, String, &str)> {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    let mut rest = trimmed;
    let mut vis = String::new();
    if let Some(after) = rest.strip_prefix("pub") {
        let after_vis = match after.strip_prefix('(') {
            Some(inner) => &inner[inner.find(')')? + 1..],
            None => after,
        };
        if !after_vis.starts_with(' ') {
            return None;
        }
        vis = rest[..rest.len() - after_vis.len()].to_owned() + " ";
        rest = after_vis.trim_start();
    }
    let (ident, ty) = rest.split_once(':')?;
    let ident = ident.trim();
    let plain = ident
        .trim_start_matches("r#")
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_');
    if ident.is_empty() || !plain || ty.starts_with(':') {
        return None;
    }
    Some((format!("{indent}{vis}"), ident.to_owned(), ty.trim()))
}

pub(super) fn balanced_attr(text: &str) -> bool {
    walk(text, |_, _| {}) == 0
}

/// Walks Rust attribute text, calling `f(c, top_level)` for each character
/// (`top_level`: outside strings and brackets); the bracket depth at the end.
pub(super) fn walk(text: &str, mut f: impl FnMut(char, bool)) -> i32 {
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' | '[' if !in_string => depth += 1,
            ')' | ']' if !in_string => depth -= 1,
            _ => {}
        }
        f(c, !in_string && depth == 0);
    }
    depth
}

/// `#[column(a, b = "x, y", c(1, 2))]` → `a`, `b = "x, y"`, `c(1, 2)`.
pub(super) fn attr_keys(text: &str, open: &str) -> Vec<String> {
    let Some(inner) = text
        .trim()
        .strip_prefix(open)
        .and_then(|r| r.strip_suffix(")]"))
    else {
        return Vec::new();
    };
    let (mut keys, mut current) = (Vec::new(), String::new());
    walk(inner, |c, top_level| {
        if c == ',' && top_level {
            keys.push(current.trim().to_owned());
            current.clear();
        } else {
            current.push(c);
        }
    });
    if !current.trim().is_empty() {
        keys.push(current.trim().to_owned());
    }
    keys
}

/// `default = 1` → `default`; `varchar(50)` → `varchar`.
pub(super) fn key_name(key: &str) -> &str {
    key.split(['=', '(', ' ']).next().unwrap_or(key).trim()
}

pub(super) fn option_inner(ty: &str) -> Option<&str> {
    ty.strip_prefix("Option<")?.strip_suffix('>').map(str::trim)
}

/// The text of a Rust string literal's inside (`\"` → `"`, `\\` → `\`,
/// `\n`, `\t`): what `{:?}` wrote.
fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let hex: String = chars
                    .by_ref()
                    .skip_while(|c| *c == '{')
                    .take_while(|c| *c != '}')
                    .collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_reads_back_what_debug_wrote() {
        for name in [
            "plain",
            "it's \"quoted\"",
            "back\\slash",
            "line\nbreak",
            "bell\u{7}",
            "é ü",
        ] {
            let written = format!("{name:?}");
            assert_eq!(unescape(&written[1..written.len() - 1]), name);
        }
    }
}
