//! A PostgreSQL cluster of our own, run from the binaries installed on the
//! machine (`initdb`, `pg_ctl`): the runner's local default and the test
//! harness's throwaway server.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server binaries found (looked for `initdb` on PATH and in /usr/lib/postgresql/*/bin); \
         install them (`apt-get install postgresql`) or point DATABASE_URL at a server"
    )]
    BinariesNotFound,
    #[error(
        "initdb refuses to run as root and there is no `postgres` user to run it as; \
         run as an ordinary user or point DATABASE_URL at a server"
    )]
    RootWithoutPostgresUser,
    #[error("`{command}` failed for the cluster in {data_dir}: {detail}")]
    Command {
        command: String,
        data_dir: PathBuf,
        detail: String,
    },
    #[error("cannot prepare {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A cluster living in `data_dir`, closed by default: it listens on a unix
/// socket in `data_dir` only (no TCP), the socket is usable by its OS user
/// alone (mode 0700), `postgres` logs in by trust through it and every other
/// role (tenant logins) with a SCRAM password. PUBLIC may not connect to
/// `postgres` or `template1`. Durability is traded for speed: `fsync`,
/// `synchronous_commit` and `full_page_writes` are off, which suits
/// development and tests, never production data.
#[derive(Debug, Clone)]
pub struct LocalCluster {
    pub data_dir: PathBuf,
    pub port: u16,
    bin_dir: PathBuf,
    /// initdb and postgres refuse root: as root, run them as this user.
    run_as: Option<String>,
}

impl LocalCluster {
    /// A cluster handle for `data_dir` (not created or started yet).
    pub fn new(data_dir: impl Into<PathBuf>, port: u16) -> Result<LocalCluster, ClusterError> {
        let run_as = if is_root() {
            if !user_exists("postgres") {
                return Err(ClusterError::RootWithoutPostgresUser);
            }
            Some("postgres".to_owned())
        } else {
            None
        };
        Ok(LocalCluster {
            data_dir: data_dir.into(),
            port,
            bin_dir: find_bin_dir()?,
            run_as,
        })
    }

    pub(crate) fn is_initialized(&self) -> bool {
        self.data_dir.join("PG_VERSION").exists()
    }

    /// `initdb` into `data_dir` unless a cluster is already there.
    pub fn init(&self) -> Result<(), ClusterError> {
        if self.is_initialized() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|source| ClusterError::Io {
            path: self.data_dir.clone(),
            source,
        })?;
        if let Some(user) = &self.run_as {
            self.run(
                "chown",
                Command::new("chown")
                    .arg(format!("{user}:"))
                    .arg(&self.data_dir),
            )?;
        }
        let mut initdb = self.pg_command("initdb");
        initdb.arg("-D").arg(&self.data_dir).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        self.run("initdb", &mut initdb)?;
        self.close_doors()
    }

    /// After `initdb`: only `postgres` logs in without a password, and only
    /// through the socket; PUBLIC loses CONNECT on the maintenance databases
    /// (single-user mode, so no server listens while this is done).
    fn close_doors(&self) -> Result<(), ClusterError> {
        let hba = "# rsm local cluster: unix socket only, socket mode 0700.\n\
                   local all postgres trust\n\
                   local all all scram-sha-256\n";
        let path = self.data_dir.join("pg_hba.conf");
        std::fs::write(&path, hba).map_err(|source| ClusterError::Io { path, source })?;
        let mut single = self.pg_command("postgres");
        single
            .arg("--single")
            .arg("-D")
            .arg(&self.data_dir)
            .arg("postgres")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = single.spawn().map_err(|e| ClusterError::Command {
            command: "postgres --single".into(),
            data_dir: self.data_dir.clone(),
            detail: e.to_string(),
        })?;
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(
                b"REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC\n\
                  REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC\n",
            );
        }
        let output = child
            .wait_with_output()
            .map_err(|e| ClusterError::Command {
                command: "postgres --single".into(),
                data_dir: self.data_dir.clone(),
                detail: e.to_string(),
            })?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() || stderr.contains("ERROR") {
            return Err(ClusterError::Command {
                command: "postgres --single (revoking PUBLIC's CONNECT)".into(),
                data_dir: self.data_dir.clone(),
                detail: stderr.trim().to_owned(),
            });
        }
        Ok(())
    }

    /// Start the server unless it already runs; waits until it accepts connections.
    pub fn start(&self) -> Result<(), ClusterError> {
        if self.is_running() {
            return Ok(());
        }
        // The socket's path must fit in sockaddr_un (107 bytes).
        let socket = self.data_dir.join(format!(".s.PGSQL.{}", self.port));
        if socket.as_os_str().len() > 107 {
            return Err(ClusterError::Command {
                command: "pg_ctl start".into(),
                data_dir: self.data_dir.clone(),
                detail: format!(
                    "the socket path {} is longer than 107 bytes; use a project folder with a shorter path (--project-dir)",
                    socket.display()
                ),
            });
        }
        let options = format!(
            "-c listen_addresses='' -p {} -c unix_socket_directories='{}' -c unix_socket_permissions=0700 \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            self.port,
            self.data_dir.display()
        );
        let mut pg_ctl = self.pg_command("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(&self.data_dir)
            .arg("-l")
            .arg(self.data_dir.join("server.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"]);
        self.run("pg_ctl start", &mut pg_ctl)
    }

    pub fn stop(&self) -> Result<(), ClusterError> {
        if !self.is_running() {
            return Ok(());
        }
        let mut pg_ctl = self.pg_command("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(&self.data_dir)
            .args(["-m", "fast", "-w", "stop"]);
        self.run("pg_ctl stop", &mut pg_ctl)
    }

    pub(crate) fn is_running(&self) -> bool {
        self.is_initialized()
            && self
                .pg_command("pg_ctl")
                .arg("-D")
                .arg(&self.data_dir)
                .arg("status")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
    }

    /// URL of database `db` on this cluster, through its socket.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres@localhost:{}/{db}?host={}",
            self.port,
            self.data_dir.display()
        )
    }

    /// A shell command that stops the cluster at once and removes its folder,
    /// for a reaper that outlives the process that started it.
    pub fn teardown_command(&self) -> String {
        let pg_ctl = self.bin_dir.join("pg_ctl");
        let stop = format!(
            "{} -D '{}' -m immediate -w stop",
            pg_ctl.display(),
            self.data_dir.display()
        );
        let stop = match &self.run_as {
            Some(user) => format!("runuser -u {user} -- {stop}"),
            None => stop,
        };
        format!(
            "{stop} >/dev/null 2>&1; rm -rf '{}'",
            self.data_dir.display()
        )
    }

    fn pg_command(&self, program: &str) -> Command {
        let path = self.bin_dir.join(program);
        match &self.run_as {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(path);
                cmd
            }
            None => Command::new(path),
        }
    }

    fn run(&self, what: &str, cmd: &mut Command) -> Result<(), ClusterError> {
        let output = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|e| ClusterError::Command {
                command: what.to_owned(),
                data_dir: self.data_dir.clone(),
                detail: e.to_string(),
            })?;
        if output.status.success() {
            return Ok(());
        }
        let mut detail = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if detail.is_empty() {
            detail = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        }
        if let Ok(log) = std::fs::read_to_string(self.data_dir.join("server.log")) {
            let tail: Vec<&str> = log.lines().rev().take(5).collect();
            detail.push_str("\nserver log:\n");
            detail.push_str(&tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        Err(ClusterError::Command {
            command: what.to_owned(),
            data_dir: self.data_dir.clone(),
            detail,
        })
    }
}

/// The folder holding `initdb` and `pg_ctl`: PATH first, then the newest
/// `/usr/lib/postgresql/<version>/bin`.
pub(crate) fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                // Follow a symlinked initdb to its real folder, where pg_ctl finds postgres.
                let real = std::fs::canonicalize(dir.join("initdb")).ok();
                return Ok(real
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .unwrap_or(dir));
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or(ClusterError::BinariesNotFound)
}

/// A PostgreSQL client program (`pg_dump`, `pg_restore`): from the folder
/// [`find_bin_dir`] finds (the newest, which reads older servers), else as
/// PATH finds it.
pub fn program(name: &str) -> PathBuf {
    find_bin_dir()
        .ok()
        .map(|dir| dir.join(name))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn user_exists(user: &str) -> bool {
    Command::new("id")
        .arg("-u")
        .arg(user)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
