//! Test tenants from a pool kept filled in the background: what
//! `#[runner::test]` and [`fresh_tenant`](super::fresh_tenant) hand out.
//!
//! One worker thread per test process keeps [`pool_size`] spares on the test
//! server: clones of the harness's template named
//! `rsm_test_spare_<schema>_<pid>_<n>`, shared with every other test process
//! on the server and left there for the next run. A test takes one by a
//! rename to `rsm_test_p<pid>_<n>` (one statement; of two processes renaming
//! the same spare one wins, the other takes the next), served by the worker
//! between clones; with none left, the worker clones one for it. After a
//! passing test the worker drops the database in the background; a failing
//! test's (a panic) is kept, renamed after the test, and its name printed.
//!
//! The worker holds an advisory lock named after its process while it lives:
//! a later worker drops the `rsm_test_p<pid>_*` databases of processes whose
//! lock is free (they died before their drops ran), and the spares of other
//! schemas.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

use schema_core::ident::quote;
use sqlx::{Connection, Executor, PgConnection};

use super::{drop_test_database, ensure_test_template, server, TEST_PREFIX};
use crate::bookkeeping::lock::{self, LockKey};

/// Spares the worker keeps: `RSM_TEST_POOL_SIZE`, else 8.
pub fn pool_size() -> usize {
    std::env::var("RSM_TEST_POOL_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8)
}

enum Request {
    /// A database for a test, by name.
    Take(mpsc::Sender<Result<String, String>>),
    /// A passing test's database: dropped when the worker gets to it.
    Drop(String),
    /// A failing test's database: renamed after the test (answered with the
    /// name it is kept under).
    Keep(String, String, mpsc::Sender<String>),
    /// Answered once the pool holds [`pool_size`] spares (benchmarks).
    Filled(mpsc::Sender<()>),
}

static WORKER: OnceLock<tokio::sync::mpsc::UnboundedSender<Request>> = OnceLock::new();

fn worker() -> &'static tokio::sync::mpsc::UnboundedSender<Request> {
    WORKER.get_or_init(|| {
        let (send, receive) = tokio::sync::mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("rsm-test-pool".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the test pool");
                runtime.block_on(work(receive));
            })
            .expect("the test pool's thread");
        send
    })
}

/// A database of the current tenant schema for one test, by name.
pub(super) fn take() -> String {
    let (answer, answered) = mpsc::channel();
    worker()
        .send(Request::Take(answer))
        .expect("the test pool's worker is gone");
    match answered.recv() {
        Ok(Ok(name)) => name,
        Ok(Err(e)) => panic!("no test tenant: {e}"),
        Err(_) => panic!("no test tenant: the test pool's worker stopped"),
    }
}

/// After the test: dropped in the background when it passed; kept, renamed
/// after `test`, with its name printed, when it panicked.
pub(super) fn give_back(name: &str, test: &str) {
    if !std::thread::panicking() {
        let _ = worker().send(Request::Drop(name.to_owned()));
        return;
    }
    let (answer, answered) = mpsc::channel();
    let _ = worker().send(Request::Keep(name.to_owned(), test.to_owned(), answer));
    if let Ok(kept) = answered.recv() {
        eprintln!(
            "test tenant kept for the failing test `{test}`: database {kept} ({})",
            super::with_database(&server().admin_url, &kept)
        );
    }
}

/// Wait until the pool holds [`pool_size`] spares: what a run finds when the
/// one before left the pool full (benchmarks).
pub fn wait_until_filled() {
    let (answer, answered) = mpsc::channel();
    worker()
        .send(Request::Filled(answer))
        .expect("the test pool's worker is gone");
    let _ = answered.recv();
}

/// The name a failing test's database is kept under: `rsm_test_failed_`
/// and the test's path, cut to PostgreSQL's 63 bytes.
fn kept_name(test: &str) -> String {
    let mut name = format!("{TEST_PREFIX}failed_");
    for c in test.chars() {
        if name.len() >= 63 {
            break;
        }
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    name
}

/// What the worker's two halves share (one thread: cells, no locks).
struct Shared {
    template: String,
    /// `rsm_test_spare_<schema>_`.
    stem: String,
    /// Spares believed free, oldest first (another process may take one).
    spares: RefCell<VecDeque<String>>,
    /// Passing tests' databases, to drop.
    drops: RefCell<Vec<String>>,
    waiting: RefCell<Vec<mpsc::Sender<()>>>,
    /// Wakes the filler: a spare taken, a drop asked for.
    wake: tokio::sync::Notify,
}

/// Two halves on one thread, each with a connection of its own, so that a
/// test never waits behind a clone or a drop: one answers tests (a rename,
/// about a millisecond), the other makes spares and drops what tests gave
/// back.
async fn work(mut requests: tokio::sync::mpsc::UnboundedReceiver<Request>) {
    let started = start().await;
    let (shared, mut taking, mut filling) = match started {
        Ok(started) => started,
        Err(e) => {
            // Every request is answered with the reason.
            while let Some(request) = requests.recv().await {
                if let Request::Take(answer) = request {
                    let _ = answer.send(Err(e.clone()));
                }
            }
            return;
        }
    };
    let answering = async {
        let mut taken = 0;
        while let Some(request) = requests.recv().await {
            match request {
                Request::Take(answer) => {
                    taken += 1;
                    let name = format!("{TEST_PREFIX}p{}_{taken}", std::process::id());
                    let got = take_into(&mut taking, &shared, &name).await;
                    let _ = answer.send(got.map(|()| name).map_err(|e| e.to_string()));
                    shared.wake.notify_one();
                }
                Request::Drop(name) => {
                    shared.drops.borrow_mut().push(name);
                    shared.wake.notify_one();
                }
                Request::Keep(name, test, answer) => {
                    let _ = answer.send(keep(&mut taking, &name, &test).await);
                }
                Request::Filled(answer) => {
                    shared.waiting.borrow_mut().push(answer);
                    shared.wake.notify_one();
                }
            }
        }
    };
    let filling = async {
        let mut made = 0;
        loop {
            let drop = shared.drops.borrow_mut().pop();
            if let Some(name) = drop {
                let _ = drop_test_database(&mut filling, &name).await;
                continue;
            }
            if shared.spares.borrow().len() < pool_size() {
                made += 1;
                let name = format!("{}{}_{made}", shared.stem, std::process::id());
                match clone_into(&mut filling, &shared.template, &name).await {
                    Ok(()) => shared.spares.borrow_mut().push_back(name),
                    Err(e) => {
                        eprintln!("warning: the test pool could not make a spare: {e}");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                continue;
            }
            for waiting in shared.waiting.borrow_mut().drain(..) {
                let _ = waiting.send(());
            }
            // Full: until a test takes one, or half a second (another
            // process may have taken some).
            let _ = tokio::time::timeout(Duration::from_millis(500), shared.wake.notified()).await;
            if let Ok(found) = list_spares(&mut filling, &shared.stem).await {
                *shared.spares.borrow_mut() = found;
            }
        }
    };
    // The answering half ends with the process's last request; the filler
    // with the process.
    tokio::select! {
        () = answering => {}
        () = filling => {}
    }
}

/// The worker's connections (one answers tests, one fills), the harness's
/// template, and what earlier runs left cleared.
async fn start() -> Result<(Shared, PgConnection, PgConnection), String> {
    let server = server();
    let connect = || async {
        PgConnection::connect(&server.admin_url)
            .await
            .map_err(|e| format!("connecting to the test server: {e}"))
    };
    let (mut taking, mut filling) = (connect().await?, connect().await?);
    let template = ensure_test_template(&mut taking)
        .await
        .map_err(|e| format!("building the test template: {e}"))?;
    // While this process lives: its databases are not a dead one's.
    lock::try_acquire(&mut taking, process_lock(std::process::id()))
        .await
        .map_err(|e| e.to_string())?;
    let fingerprint = &template[template.len() - 12..];
    let stem = format!("{TEST_PREFIX}spare_{fingerprint}_");
    clear_leftovers(&mut filling, &stem)
        .await
        .map_err(|e| format!("clearing what earlier test runs left: {e}"))?;
    let spares = list_spares(&mut filling, &stem)
        .await
        .map_err(|e| e.to_string())?;
    let shared = Shared {
        template,
        stem,
        spares: RefCell::new(spares),
        drops: RefCell::new(Vec::new()),
        waiting: RefCell::new(Vec::new()),
        wake: tokio::sync::Notify::new(),
    };
    Ok((shared, taking, filling))
}

/// Spares of other schemas, and the taken databases of processes gone.
async fn clear_leftovers(admin: &mut PgConnection, stem: &str) -> Result<(), sqlx::Error> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database
          WHERE datname LIKE 'rsm\\_test\\_spare\\_%' OR datname ~ '^rsm_test_p[0-9]+_[0-9]+$'",
    )
    .fetch_all(&mut *admin)
    .await?;
    let own = std::process::id();
    for name in names {
        let gone = if name.starts_with(&format!("{TEST_PREFIX}spare_")) {
            !name.starts_with(stem)
        } else {
            let pid: u32 = name["rsm_test_p".len()..]
                .split('_')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let key = process_lock(pid);
            // Free: its process is gone (this connection takes it, then lets go).
            let free = pid != own && lock::try_acquire(admin, key).await?;
            if free {
                lock::release(admin, key).await;
            }
            free
        };
        if gone {
            drop_test_database(admin, &name).await?;
        }
    }
    Ok(())
}

async fn list_spares(
    admin: &mut PgConnection,
    stem: &str,
) -> Result<VecDeque<String>, sqlx::Error> {
    let found: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1) ORDER BY oid",
    )
    .bind(stem)
    .fetch_all(admin)
    .await?;
    Ok(found.into())
}

/// A spare renamed `name`; with none left, a clone made for it.
async fn take_into(
    admin: &mut PgConnection,
    shared: &Shared,
    name: &str,
) -> Result<(), sqlx::Error> {
    loop {
        let spare = shared.spares.borrow_mut().pop_front();
        let Some(spare) = spare else { break };
        let rename = format!("ALTER DATABASE {} RENAME TO {}", quote(&spare), quote(name));
        match admin.execute(rename.as_str()).await {
            Ok(_) => return Ok(()),
            // Taken by another process meanwhile: the next.
            Err(e) if crate::error::sqlstate(&e).as_deref() == Some("3D000") => {}
            Err(e) => return Err(e),
        }
    }
    clone_into(admin, &shared.template, name).await
}

async fn clone_into(
    admin: &mut PgConnection,
    template: &str,
    name: &str,
) -> Result<(), sqlx::Error> {
    let clone = format!(
        "CREATE DATABASE {} TEMPLATE {}",
        quote(name),
        quote(template)
    );
    admin.execute(clone.as_str()).await.map(|_| ())
}

/// Renamed after the test (an older one kept for it dropped first).
async fn keep(admin: &mut PgConnection, name: &str, test: &str) -> String {
    let kept = kept_name(test);
    let _ = drop_test_database(admin, &kept).await;
    let rename = format!("ALTER DATABASE {} RENAME TO {}", quote(name), quote(&kept));
    // The failed test's sessions are still open (it is unwinding, its pool
    // not yet dropped): ended, since the test is over, then the rename.
    // Still in use after a second, it is kept under its own name.
    for _ in 0..50 {
        let _ = sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(name)
        .execute(&mut *admin)
        .await;
        match admin.execute(rename.as_str()).await {
            Ok(_) => return kept,
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    name.to_owned()
}

/// The lock a test process's worker holds while it lives.
fn process_lock(pid: u32) -> LockKey {
    LockKey::database(&format!("rsm-test-process:{pid}"))
}

/// A stable seed from a test's path (FNV-1a): the same data every run, on
/// every machine, whatever the Rust version.
pub fn seed_of(test: &str) -> u64 {
    test.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_names_fit_and_seeds_are_stable() {
        let long = "a::very::long::module::path::with::a::test::named::after::what::it::checks";
        assert_eq!(kept_name(long).len(), 63);
        assert_eq!(kept_name("m::T-1"), "rsm_test_failed_m__t_1");
        assert_eq!(seed_of("m::t"), seed_of("m::t"));
        assert_ne!(seed_of("m::t"), seed_of("m::u"));
        // FNV-1a of the empty string is its offset basis.
        assert_eq!(seed_of(""), 0xcbf2_9ce4_8422_2325);
    }
}
