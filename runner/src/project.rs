//! The project a local cluster belongs to: found by walking up from the
//! current folder, as cargo and git do, so that a command run in a subfolder
//! uses the project's cluster instead of making a new one there.

use std::path::{Path, PathBuf};

use crate::cluster::{free_port, LocalCluster};
use crate::RunnerError;

/// The folder, inside a project, that holds the runner's local state.
pub const STATE_DIR: &str = ".rsm";

/// The project folder for `start`: the nearest folder at or above it that
/// holds `.rsm/`; failing that, the nearest that holds `.git`; failing that,
/// `start` itself.
pub fn find_project_dir(start: &Path) -> PathBuf {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for marker in [STATE_DIR, ".git"] {
        if let Some(dir) = start.ancestors().find(|d| d.join(marker).exists()) {
            return dir.to_path_buf();
        }
    }
    start
}

/// Where the project is: the folder given (taken as is), else the one found
/// from the current folder.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, RunnerError> {
    match explicit {
        Some(dir) => Ok(dir.to_path_buf()),
        None => Ok(find_project_dir(
            &std::env::current_dir().map_err(RunnerError::system("reading the current folder"))?,
        )),
    }
}

/// The local cluster of a project: `.rsm/cluster`, its port kept in `.rsm/port`.
pub fn local_cluster(project_dir: &Path) -> Result<LocalCluster, RunnerError> {
    let home = project_dir.join(STATE_DIR);
    let in_home = |what: &str| RunnerError::system(format!("{what} {}", home.display()));
    std::fs::create_dir_all(&home).map_err(in_home("creating"))?;
    let home = std::fs::canonicalize(&home).map_err(in_home("resolving"))?;
    let port_file = home.join("port");
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
        std::fs::create_dir_all(root.join(".git")).unwrap();
        let root = std::fs::canonicalize(&root).unwrap();
        assert_eq!(find_project_dir(&deep), root);
        // `.rsm` wins over `.git`: a cluster already made in a subproject is kept.
        std::fs::create_dir_all(root.join("a/.rsm")).unwrap();
        assert_eq!(find_project_dir(&deep), root.join("a"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
