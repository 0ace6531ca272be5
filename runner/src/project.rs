//! The project a local cluster belongs to: found by walking up from the
//! current folder, as cargo and git do, so that a command run in a subfolder
//! uses the project's cluster instead of making a new one there.

use std::path::{Path, PathBuf};

use crate::cluster::{free_port, LocalCluster};
use crate::RunnerError;

/// The folder, inside a project, that holds the runner's local state.
pub(crate) const STATE_DIR: &str = ".rsm";

/// The project folder for `start`: the nearest folder at or above it that
/// holds `.rsm/`; failing that, the nearest cargo workspace that declares
/// `schema-defs` (its `Cargo.toml` names it); failing that, none. The walk up
/// stops at the first folder the current user may not trust ([`trusted`]):
/// another user could plant a `.rsm/` there.
pub fn find_project_dir(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let ours: Vec<&Path> = start.ancestors().take_while(|d| trusted(d)).collect();
    let holds_state = |d: &&Path| {
        std::fs::symlink_metadata(d.join(STATE_DIR)).is_ok_and(|m| m.is_dir() && owned_by_me(&m))
    };
    if let Some(dir) = ours.iter().copied().find(holds_state) {
        return Some(dir.to_path_buf());
    }
    ours.iter()
        .copied()
        .find(|d| is_schema_workspace(d))
        .map(Path::to_path_buf)
}

/// A cargo workspace that declares the schema: its `Cargo.toml` has a
/// `[workspace]` table and names `schema-defs`.
fn is_schema_workspace(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|toml| toml.contains("[workspace]") && toml.contains("schema-defs"))
}

/// A folder the current user may take as a project's: owned by them (or by
/// root) and not writable by every user.
pub fn trusted(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(dir)
        .is_ok_and(|m| (owned_by_me(&m) || m.uid() == 0) && m.mode() & 0o002 == 0)
}

/// Whether the current user owns what `meta` describes.
pub(crate) fn owned_by_me(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

/// Refuse `path` when it is a symbolic link (the runner never follows one it
/// did not make) or, with `mine`, someone else's. (The cluster's own folder
/// belongs to `postgres` when the runner runs as root.)
fn check_own(path: &Path, mine: bool) -> Result<(), RunnerError> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(()); // not there yet: the runner makes it
    };
    let why = if meta.file_type().is_symlink() {
        "is a symbolic link"
    } else if mine && !owned_by_me(&meta) {
        "belongs to another user"
    } else {
        return Ok(());
    };
    Err(RunnerError::system(format!("using {}", path.display()))(
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{} {why}; the runner keeps its cluster only in folders of its own user",
                path.display()
            ),
        ),
    ))
}

/// Where the project is: the folder given (taken as is), else the one found
/// from the current folder; without either, [`RunnerError::NoServer`]: the
/// runner never makes a cluster in a folder that is not a project unasked.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, RunnerError> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    let here = current_dir()?;
    find_project_dir(&here).ok_or_else(|| RunnerError::NoServer {
        folder: here.display().to_string(),
    })
}

/// Where `runner dev up` makes a cluster: the project found, else the
/// current folder (asked for, so made there).
pub fn resolve_or_here(explicit: Option<&Path>) -> Result<PathBuf, RunnerError> {
    match explicit {
        Some(dir) => Ok(dir.to_path_buf()),
        None => {
            let here = current_dir()?;
            Ok(find_project_dir(&here).unwrap_or(here))
        }
    }
}

fn current_dir() -> Result<PathBuf, RunnerError> {
    std::env::current_dir().map_err(RunnerError::system("reading the current folder"))
}

/// The local cluster of a project: `.rsm/cluster`, its port kept in `.rsm/port`.
pub(crate) fn local_cluster(project_dir: &Path) -> Result<LocalCluster, RunnerError> {
    let home = project_dir.join(STATE_DIR);
    let in_home = |what: &str| RunnerError::system(format!("{what} {}", home.display()));
    check_own(&home, true)?;
    std::fs::create_dir_all(&home).map_err(in_home("creating"))?;
    let home = std::fs::canonicalize(&home).map_err(in_home("resolving"))?;
    let port_file = home.join("port");
    check_own(&port_file, true)?;
    check_own(&home.join("cluster"), false)?;
    let port = match std::fs::read_to_string(&port_file)
        .ok()
        .and_then(|p| p.trim().parse().ok())
    {
        Some(port) => port,
        None => {
            let port = free_port().map_err(RunnerError::system("choosing a port"))?;
            std::fs::write(&port_file, port.to_string()).map_err(RunnerError::system(format!(
                "writing {}",
                port_file.display()
            )))?;
            port
        }
    };
    Ok(LocalCluster::new(home.join("cluster"), port)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subfolder_finds_the_project_above_it() {
        let root = std::env::temp_dir().join(format!("rsm-project-{}", std::process::id()));
        let deep = root.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        let root = std::fs::canonicalize(&root).unwrap();
        // A repository alone is not a project: no cluster is made there unasked.
        std::fs::create_dir_all(root.join(".git")).unwrap();
        assert_eq!(find_project_dir(&deep), None);
        // A cargo workspace that declares the schema is.
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"schema-defs\", \"runner\"]\n",
        )
        .unwrap();
        assert_eq!(find_project_dir(&deep), Some(root.clone()));
        // `.rsm` wins: a cluster already made in a subproject is kept.
        std::fs::create_dir_all(root.join("a/.rsm")).unwrap();
        assert_eq!(find_project_dir(&deep), Some(root.join("a")));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_walk_up_stops_at_a_folder_every_user_may_write() {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("rsm-shared-{}", std::process::id()));
        let shared = root.join("shared");
        let mine = shared.join("mine/deep");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::create_dir_all(shared.join(STATE_DIR)).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(find_project_dir(&mine), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_planted_symbolic_link_is_never_followed() {
        let root = std::env::temp_dir().join(format!("rsm-planted-{}", std::process::id()));
        std::fs::create_dir_all(root.join(STATE_DIR)).unwrap();
        std::os::unix::fs::symlink("/etc", root.join(STATE_DIR).join("cluster")).unwrap();
        let Err(err) = local_cluster(&root) else {
            panic!("a symbolic link was followed")
        };
        assert!(err.to_string().contains("symbolic link"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
