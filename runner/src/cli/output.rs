//! Human text by default, JSON with `--json`; a progress bar on stderr when
//! it is a terminal; questions before destructive steps.

use std::io::{IsTerminal, Write};

use crate::RunnerError;

pub struct Output<W: Write> {
    json: bool,
    out: W,
}

impl<W: Write> Output<W> {
    pub fn new(json: bool, out: W) -> Self {
        Output { json, out }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub fn raw(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    /// `value` as JSON, or the text `human` writes.
    pub fn emit<T: serde::Serialize>(
        &mut self,
        value: &T,
        human: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), RunnerError> {
        if self.json {
            let text =
                serde_json::to_string_pretty(value).map_err(|e| RunnerError::Output(e.into()))?;
            writeln!(self.out, "{text}")?;
        } else {
            human(&mut self.out)?;
        }
        Ok(())
    }
}

/// Rows as aligned columns under a header.
pub fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    writeln!(
        out,
        "{}",
        line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>())
    )?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// `[#####-----] 3/6 label` redrawn on stderr, only when it is a terminal.
pub struct Progress {
    total: usize,
    done: usize,
    shown: bool,
}

impl Progress {
    pub fn new(total: usize, quiet: bool) -> Progress {
        let progress = Progress {
            total,
            done: 0,
            shown: !quiet && std::io::stderr().is_terminal(),
        };
        progress.draw("");
        progress
    }

    /// The number of steps, once it is known.
    pub fn set_total(&mut self, total: usize) {
        self.total = total.max(self.done);
    }

    pub fn step(&mut self, label: &str) {
        self.done += 1;
        self.draw(label);
    }

    fn draw(&self, label: &str) {
        if !self.shown || self.total == 0 {
            return;
        }
        let filled = 30 * self.done / self.total;
        // Progress is a courtesy: a closed stderr never stops the work.
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r\x1b[2K[{}{}] {}/{} {label}",
            "#".repeat(filled),
            "-".repeat(30 - filled),
            self.done,
            self.total
        );
        if self.done == self.total {
            let _ = writeln!(err);
        }
    }
}

/// Ask before a destructive step; without a terminal to ask on, refuse.
pub fn confirm(question: &str, yes: bool) -> Result<(), RunnerError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(RunnerError::Declined(format!(
            "{question} needs confirmation; pass --yes to proceed without a prompt"
        )));
    }
    let _ = write!(std::io::stderr(), "{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    match answer.trim() {
        "y" | "Y" | "yes" => Ok(()),
        _ => Err(RunnerError::Declined("not confirmed".into())),
    }
}

/// Warnings of a command, on stderr (they are in the JSON under `--json`).
pub fn warn(warnings: &[String]) {
    let mut err = std::io::stderr();
    for w in warnings {
        let _ = writeln!(err, "warning: {w}");
    }
}

/// An age, as `tenant cleanup --older-than` takes it: `30m`, `12h`, `7d`, `2w`.
pub fn parse_age(text: &str) -> Result<chrono::Duration, String> {
    parse_duration(text, "30m, 12h, 7d or 2w")
}

/// A wait, as `migrate --lock-timeout` takes it: `5s`, `30s`, `2m`.
pub fn parse_timeout(text: &str) -> Result<chrono::Duration, String> {
    parse_duration(text, "5s, 30s or 2m")
}

/// A number and a unit (`s`, `m`, `h`, `d`, `w`); at most 100 years.
/// `examples` are the ones the error suggests, fit for the option.
fn parse_duration(text: &str, examples: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration: a number and a unit, like {examples}"))?;
    let seconds_per_unit: i64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => {
            return Err(format!(
                "{text:?}: {} (s, m, h, d or w); a number and a unit, like {examples}",
                if unit.is_empty() {
                    "no unit".to_owned()
                } else {
                    format!("unknown unit {unit:?}")
                }
            ))
        }
    };
    const MAX_SECONDS: i64 = 100 * 366 * 86_400;
    match n.checked_mul(seconds_per_unit) {
        Some(s) if s <= MAX_SECONDS => Ok(chrono::Duration::seconds(s)),
        _ => Err(format!("{text:?} is longer than 100 years")),
    }
}

/// `1 database`, `3 databases`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_age("7d").unwrap(), chrono::Duration::days(7));
        assert!(parse_timeout("abc").unwrap_err().contains("5s, 30s or 2m"));
        assert!(parse_age("1").unwrap_err().contains("7d"));
        assert_eq!(parse_age("90m").unwrap(), chrono::Duration::minutes(90));
        assert!(parse_age("7").is_err());
        assert!(parse_age("x1d").is_err());
        assert!(parse_age("-1d").is_err());
        assert!(parse_age("99999999999999999w").is_err());
        assert!(parse_age("999999999999999999999999w").is_err());
        assert!(parse_age("5000w").is_ok());
    }
}
