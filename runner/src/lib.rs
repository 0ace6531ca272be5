//! Fleet operations over the compiled schema, as a library (tests call it) with
//! a thin CLI (`src/main.rs`) on top. One module per subcommand: each owns its
//! clap arguments and turns them into plain calls of the functions here.
//!
//! The runner acts only on what it can prove it made
//! ([`bookkeeping::ownership`]): every database and login role it creates is
//! recorded in its master first and marked with the master's identity;
//! nothing is dropped by name alone.
//!
//! # Layers
//!
//! From the top; a module uses its own layer and those below it, never one
//! above (the test at the end of this file holds it):
//!
//! | layer | modules | what |
//! |---|---|---|
//! | command line | [`cli`] | parse, print (text, JSON), exit codes |
//! | jobs | [`tenant`], [`migrate`], [`pull`], [`master`], [`template`], [`servers`], [`docs`] | what a command does |
//! | bookkeeping | [`bookkeeping`] | the runner's `rsm` schema: ownership, locks, stamps, journal, history, ledger |
//! | servers | [`server`], [`target`], [`cluster`], [`project`] | where databases live; [`server::Server`] is the only place a connection is made |
//! | declared | [`app`], [`declared`], [`schema`], [`scram`] | the application (its schemas, registry, seed sets, data migrations: one seam); what databases are brought to; pure helpers |
//!
//! [`error`] is everyone's (and names the local cluster's errors);
//! `testing` (feature `testing`) is test support over all of them.

pub mod app;
pub mod bookkeeping;
/// The command line: cargo feature `cli` (default).
#[cfg(feature = "cli")]
pub mod cli;
pub mod cluster;
pub mod declared;
pub mod docs;
pub mod error;
pub mod master;
pub mod migrate;
pub mod project;
pub mod pull;
pub mod schema;
pub mod scram;
pub mod server;
pub mod servers;
pub mod target;
pub mod template;
pub mod tenant;
/// Test support for suites built on the runner (fresh databases and
/// tenants, a throwaway cluster): cargo feature `testing`.
#[cfg(feature = "testing")]
pub mod testing;

pub use error::RunnerError;
/// `#[runner::test] async fn name(tenant: runner::testing::TestTenant)`: a
/// test given a tenant of its own (see [`testing`]).
#[cfg(feature = "testing")]
pub use schema_macros::tenant_test as test;

#[cfg(test)]
mod layers {
    /// The layer of each top-level module (higher is above); `None`: exempt.
    fn layer(module: &str) -> Option<u8> {
        Some(match module {
            "cli" | "main" => 4,
            "tenant" | "migrate" | "pull" | "master" | "template" | "docs" | "servers" => 3,
            "bookkeeping" => 2,
            "server" | "target" | "cluster" | "project" => 1,
            "app" | "declared" | "schema" | "scram" => 0,
            "error" | "testing" | "lib" => return None,
            other => panic!("module `{other}` has no layer: add it to lib.rs's table"),
        })
    }

    /// Every source file of the crate, with its path under `src/`.
    fn sources() -> Vec<(std::path::PathBuf, String)> {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![src.clone()];
        let mut found = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path.strip_prefix(&src).unwrap().to_owned(), text));
            }
        }
        found
    }

    /// A connection is made in `server.rs` alone (test support aside, which
    /// hands out throwaway servers of its own).
    #[test]
    fn connections_are_made_by_the_server_value_only() {
        let mut broken = Vec::new();
        for (path, text) in sources() {
            // lib.rs: this test's own list.
            if ["server.rs", "lib.rs"].contains(&path.to_str().unwrap())
                || path.starts_with("testing")
            {
                continue;
            }
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                if [
                    "::connect(",
                    "::connect_with(",
                    "PgConnectOptions::",
                    "PgPool",
                ]
                .iter()
                .any(|call| line.contains(call))
                {
                    broken.push(format!("{}: {}", path.display(), line.trim()));
                }
            }
        }
        assert!(
            broken.is_empty(),
            "a connection made outside server.rs:\n{}",
            broken.join("\n")
        );
    }

    /// The application (`schema-defs`, the `seed` crate) is named in `app/`
    /// alone: a runner for another application replaces that module only.
    #[test]
    fn the_application_is_named_in_app_only() {
        let mut broken = Vec::new();
        for (path, text) in sources() {
            // lib.rs: this test's own list.
            if path.starts_with("app") || path == std::path::Path::new("lib.rs") {
                continue;
            }
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                let crate_seed = ["base", "master", "realistic"]
                    .iter()
                    .any(|m| line.contains(&format!("seed::{m}::")));
                if line.contains("schema_defs") || crate_seed {
                    broken.push(format!("{}: {}", path.display(), line.trim()));
                }
            }
        }
        assert!(
            broken.is_empty(),
            "the application named outside app/:\n{}",
            broken.join("\n")
        );
    }

    /// Every `crate::x` a source file names outside comments, by the layer of
    /// the file's own top-level module: none is above it.
    #[test]
    fn no_module_uses_a_layer_above_its_own() {
        let mut broken = Vec::new();
        for (relative, text) in sources() {
            let top = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let module = top.trim_end_matches(".rs");
            let Some(own) = layer(module) else { continue };
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (at, _) in line.match_indices("crate::") {
                    let used: String = line[at + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    // `crate::RunnerError` and other items the root re-exports.
                    if used.starts_with(char::is_uppercase) {
                        continue;
                    }
                    if layer(&used).is_some_and(|l| l > own) {
                        broken.push(format!("{}: {}", relative.display(), line.trim()));
                    }
                }
            }
        }
        assert!(
            broken.is_empty(),
            "a layer above is used:\n{}",
            broken.join("\n")
        );
    }
}
