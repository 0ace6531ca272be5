//! `.env`, read as sqlx-cli and most twelve-factor tools do: the nearest
//! `.env` at or above the current folder sets the variables that are not
//! set already. Precedence: a command-line option, then the environment,
//! then `.env`. The walk up stops where project discovery does (at a folder
//! the user does not own or everyone may write), and only a regular file of
//! the user's own is read.

use std::path::{Path, PathBuf};

/// The `.env` file that applies to `start`, if any.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .take_while(|d| crate::project::trusted(d))
        .map(|d| d.join(".env"))
        .find(|f| {
            std::fs::symlink_metadata(f)
                .is_ok_and(|m| m.is_file() && crate::project::owned_by_me(&m))
        })
}

/// Load the `.env` that applies to the current folder; a file that does not
/// parse is reported on stderr and left out (nothing of it is set).
pub fn load() {
    let Some(path) = std::env::current_dir().ok().and_then(|d| find(&d)) else {
        return;
    };
    let entries =
        match dotenvy::from_path_iter(&path).and_then(|i| i.collect::<Result<Vec<_>, _>>()) {
            Ok(entries) => entries,
            Err(e) => {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: {} was not read: {e}",
                    path.display()
                );
                return;
            }
        };
    for (key, value) in entries {
        if std::env::var_os(&key).is_none() {
            // Single-threaded still: called first thing in `main`.
            std::env::set_var(key, value);
        }
    }
}
