use std::process::ExitCode;

use clap::Parser;
use runner::error::{error_json, exit};

fn main() -> ExitCode {
    // Known before parsing, so that usage errors are JSON too under `--json`.
    let json = std::env::args().skip(1).any(|a| a == "--json");
    let cli = match runner::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if json => {
            let message = e.kind().to_string();
            let detail = e.render().to_string();
            let shown = detail
                .lines()
                .next()
                .unwrap_or(&message)
                .trim_start_matches("error: ");
            println!("{}", error_json("usage", exit::USAGE, shown, None));
            return ExitCode::from(exit::USAGE);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(exit::USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
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
        println!("{}", err.to_json());
    } else {
        eprintln!("error: {err}");
    }
    err.exit_code()
}
