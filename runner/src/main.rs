use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use runner::error::{error_document, error_json, exit};

fn main() -> ExitCode {
    runner::cli::env_file::load();
    runner::cli::argv::hide_passwords_from_ps();
    // Known before parsing, so that usage errors are JSON too under `--json`
    // (read as OS strings: an argument that is not UTF-8 is clap's to refuse).
    let json = std::env::args_os().skip(1).any(|a| a == "--json");
    let cli = match runner::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // A value our own parser refused (a duration, a number out of
            // range) is invalid input; anything else is a usage error.
            let (kind, code) = match e.kind() {
                clap::error::ErrorKind::ValueValidation => ("invalid_input", exit::INVALID_INPUT),
                _ => ("usage", exit::USAGE),
            };
            if json {
                let message = e.kind().to_string();
                let detail = e.render().to_string();
                let shown = detail
                    .lines()
                    .next()
                    .unwrap_or(&message)
                    .trim_start_matches("error: ");
                say(
                    &mut std::io::stdout(),
                    &error_document(&error_json(kind, code, shown, None)),
                );
            } else {
                let _ = e.print();
            }
            return ExitCode::from(code);
        }
    };
    // One thread: a command waits on the server, in turn or over many
    // connections at once, and each reply wakes the one thread that waits
    // for it (a worker pool hands it across threads: 5-9 ms of a pooled
    // `tenant create`'s 30, nothing of `status` or a seed; docs/benchmarks.md).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let err = runner::RunnerError::System {
                what: "starting the async runtime".into(),
                source: e,
            };
            return report(&err, json);
        }
    };
    match runtime.block_on(runner::cli::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => report(&err, json),
    }
}

fn report(err: &runner::RunnerError, json: bool) -> ExitCode {
    if json {
        say(&mut std::io::stdout(), &error_document(&err.to_json()));
    } else {
        say(&mut std::io::stderr(), &format_args!("error: {err}"));
    }
    err.exit_code()
}

/// The last words: written if the stream is still there (a reader that went
/// away, `runner ... | head -1`, is no reason to panic).
fn say(stream: &mut dyn Write, what: &dyn std::fmt::Display) {
    let _ = writeln!(stream, "{what}");
}
