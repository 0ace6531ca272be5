//! The binary: exit codes and messages for input refused before any server is
//! touched, and for a server nobody answers on.

use std::process::Command;

fn runner(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_runner"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run the runner binary");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn hostile_names_exit_65_before_connecting() {
    // The URL points nowhere: a name check that came after connecting would say 69.
    let url = format!("postgres://u@127.0.0.1:{}/x", closed_port());
    for args in [
        vec!["master", "init", "--master-db", "m'; DROP DATABASE x; --"],
        vec!["master", "init", "--master-db", "select"],
        vec!["tenant", "list", "--tenant-prefix", "Tenant-"],
        vec!["tenant", "drop", "tenant_1;", "--yes"],
    ] {
        let mut args = args.clone();
        args.extend(["--database-url", &url]);
        let (code, _, stderr) = runner(&args);
        assert_eq!(code, 65, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: invalid"), "{stderr}");
    }
    let long = "m".repeat(64);
    let (code, _, stderr) = runner(&[
        "master",
        "init",
        "--master-db",
        &long,
        "--database-url",
        &url,
    ]);
    assert_eq!(code, 65);
    assert!(stderr.contains("64 bytes"), "{stderr}");
}

#[test]
fn an_unreachable_server_exits_69_without_printing_the_password() {
    let url = format!("postgres://ana:hunter2@127.0.0.1:{}/x", closed_port());
    let (code, _, stderr) = runner(&["tenant", "list", "--database-url", &url]);
    assert_eq!(code, 69, "{stderr}");
    assert!(
        stderr.contains("cannot reach the PostgreSQL server at 127.0.0.1"),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn schema_sql_needs_no_server() {
    let (code, stdout, _) = runner(&["schema", "sql", "--db", "master"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("CREATE TABLE users"));
}

/// Stops the project's cluster and removes the folder, also on panic.
struct Project(std::path::PathBuf);

impl Drop for Project {
    fn drop(&mut self) {
        let dir = self.0.to_string_lossy().into_owned();
        runner(&["dev", "down", "--project-dir", &dir]);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn with_no_url_the_runner_manages_a_local_cluster() {
    let project = Project(std::env::temp_dir().join(format!("rsm-cli-{}", std::process::id())));
    std::fs::create_dir_all(&project.0).unwrap();
    let dir = project.0.to_string_lossy().into_owned();
    let at = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--project-dir", &dir]);
        runner(&all)
    };

    let (code, stdout, stderr) = at(&["dev", "status"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("not created"), "{stdout}");

    // Started on demand by the first command that needs it.
    let (code, stdout, stderr) = at(&["master", "init"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("created the database"), "{stdout}");
    let (code, stdout, stderr) = at(&[
        "tenant",
        "create",
        "--name",
        "Studio Test",
        "--seed",
        "base",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let created: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(created["tenant"], "tenant_1");
    assert_eq!(created["rows"], 46);
    assert!(
        created.get("credentials").is_none(),
        "credentials only when asked"
    );

    let (code, stdout, _) = at(&["dev", "status", "--json"]);
    assert_eq!(code, 0);
    let status: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(status["running"], true);

    // Dropping asks; without a terminal and without --yes, nothing changes.
    let (code, _, stderr) = at(&["tenant", "drop", "tenant_1"]);
    assert_eq!(code, 75, "{stderr}");
    let (code, stdout, _) = at(&["tenant", "list"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("tenant_1"), "{stdout}");

    let (code, stdout, stderr) = at(&["dev", "down"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("stopped"), "{stdout}");
}
