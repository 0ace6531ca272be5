//! A password given on the command line stays readable in `ps` for the whole
//! run. Where the platform allows, the runner moves such a URL into the
//! environment variable its option reads (readable by the same user only,
//! `/proc/<pid>/environ` being mode 0400) and executes itself again without
//! it, so that the password leaves the process title at once.

use std::ffi::OsString;

/// Options that take a URL, and the environment variable each also reads.
const URL_OPTIONS: &[(&str, &str)] = &[
    ("--database-url", "DATABASE_URL"),
    ("--from", "RSM_DIFF_FROM"),
    ("--to", "RSM_DIFF_TO"),
];

/// Set in the re-executed process, so that it never tries again.
const MOVED: &str = "RSM_PASSWORDS_MOVED";

/// (environment variable, URL) pairs moved out of the arguments.
type Moved = Vec<(&'static str, OsString)>;

/// `args` without the URL options that carry a password, and the
/// environment variables those URLs go to; `None` when there is none.
pub fn without_passwords(args: &[OsString]) -> Option<(Vec<OsString>, Moved)> {
    let mut kept = Vec::with_capacity(args.len());
    let mut moved = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].to_str().unwrap_or_default();
        let option = URL_OPTIONS.iter().find_map(|(flag, env)| {
            if arg == *flag {
                args.get(i + 1).map(|v| (*env, v.clone(), 2))
            } else {
                arg.strip_prefix(flag)
                    .and_then(|rest| rest.strip_prefix('='))
                    .map(|v| (*env, OsString::from(v), 1))
            }
        });
        match option {
            Some((env, url, taken)) if has_password(&url) => {
                moved.push((env, url));
                i += taken;
            }
            _ => {
                kept.push(args[i].clone());
                i += 1;
            }
        }
    }
    (!moved.is_empty()).then_some((kept, moved))
}

/// `scheme://user:password@...`.
fn has_password(url: &OsString) -> bool {
    crate::server::url_parts(url.to_str().unwrap_or_default())
        .userinfo
        .is_some_and(|userinfo| userinfo.contains(':'))
}

/// Execute the runner again with the passwords moved out of its arguments;
/// returns only when it cannot (then the run goes on as it is).
pub fn hide_passwords_from_ps() {
    if std::env::var_os(MOVED).is_some() {
        return;
    }
    let args: Vec<OsString> = std::env::args_os().collect();
    let Some((kept, moved)) = without_passwords(&args) else {
        return;
    };
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::new(exe);
    command.args(&kept[1..]).env(MOVED, "1");
    for (env, url) in moved {
        command.env(env, url);
    }
    let _ = command.exec(); // returns only on failure
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn urls_with_a_password_move_to_the_environment() {
        let (kept, moved) = without_passwords(&os(&[
            "runner",
            "status",
            "--database-url",
            "postgres://ana:secret@h/db",
            "--deep",
        ]))
        .unwrap();
        assert_eq!(kept, os(&["runner", "status", "--deep"]));
        assert_eq!(
            moved,
            [("DATABASE_URL", OsString::from("postgres://ana:secret@h/db"))]
        );

        let (kept, moved) = without_passwords(&os(&[
            "runner",
            "diff",
            "--from=postgres://a:x@h/one",
            "--to",
            "postgres://b@h/two",
        ]))
        .unwrap();
        assert_eq!(kept, os(&["runner", "diff", "--to", "postgres://b@h/two"]));
        assert_eq!(
            moved,
            [("RSM_DIFF_FROM", OsString::from("postgres://a:x@h/one"))]
        );

        // Without a password, nothing to move.
        assert!(without_passwords(&os(&[
            "runner",
            "status",
            "--database-url",
            "postgres://ana@h/db"
        ]))
        .is_none());
        assert!(without_passwords(&os(&["runner", "status", "--database-url"])).is_none());
    }
}
