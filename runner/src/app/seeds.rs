//! The application's seed sets (the `seed` crate, behind the runner's
//! default feature `seeds`) and the master's reference rows.

use sqlx::PgConnection;

use crate::RunnerError;

/// Which seed set a tenant gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedSet {
    None,
    Base,
    Realistic,
}

impl SeedSet {
    pub fn as_str(self) -> &'static str {
        match self {
            SeedSet::None => "none",
            SeedSet::Base => "base",
            SeedSet::Realistic => "realistic",
        }
    }
}

/// The most `--scale` accepts (about 12.8 million rows of `realistic`).
pub const MAX_SCALE: u64 = 1_000;

/// Progress steps a seed set reports.
pub fn steps(set: SeedSet) -> usize {
    match set {
        SeedSet::None => 0,
        SeedSet::Base => 1,
        SeedSet::Realistic => schema_defs::tenant::Volumes::TABLES,
    }
}

/// Whether this build carries the seed sets (cargo feature `seeds`).
pub(crate) const SEEDS_BUILT: bool = cfg!(feature = "seeds");

/// Refused up front when `set` needs the seed sets and this build has none.
pub fn check_available(set: SeedSet) -> Result<(), RunnerError> {
    if set == SeedSet::None || SEEDS_BUILT {
        return Ok(());
    }
    Err(RunnerError::InvalidInput(format!(
        "seed set `{}`: this runner was built without seed sets (without its feature `seeds`); \
         build it with the default features, or use `--seed none`",
        set.as_str()
    )))
}

/// The rows `set` puts into a tenant at `scale`, when known before it runs
/// and loadable over several connections at once (`realistic`); `None` for
/// a set loaded in one transaction.
pub fn parallel_rows(set: SeedSet, scale: u64) -> Option<u64> {
    #[cfg(feature = "seeds")]
    if set == SeedSet::Realistic {
        let volumes = seed::realistic::VOLUME.scaled(scale);
        return Some(volumes.iter().map(|(_, n)| n).sum());
    }
    let _ = (set, scale);
    None
}

/// Insert `set` into an empty tenant over `conns`: one connection inside
/// the caller's transaction (atomic), or several at once into a database
/// being created (`realistic` loads its tables in parallel, keys after the
/// rows; the caller drops the database if this fails). A build without the
/// seed sets inserts nothing: [`check_available`] refuses such sets first.
pub async fn run(
    conns: &mut [PgConnection],
    set: SeedSet,
    scale: u64,
    value: u64,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<(), sqlx::Error> {
    #[cfg(feature = "seeds")]
    match set {
        SeedSet::None => {}
        SeedSet::Base => {
            seed::base::seed(&mut conns[0]).await?;
            step("base");
        }
        SeedSet::Realistic => {
            let mut table_done = |table: &'static str| step(table);
            let seed = schema_core::Seed::new(value);
            seed::realistic::load_into(conns, &seed, scale, &mut table_done).await?;
        }
    }
    #[cfg(not(feature = "seeds"))]
    let _ = (conns, set, scale, value, step);
    Ok(())
}

/// The master's reference rows (the subscription plans), inserted by
/// `master init`; `None` in a build without the seed sets.
pub(crate) async fn master_rows(conn: &mut PgConnection) -> Result<Option<u64>, sqlx::Error> {
    #[cfg(feature = "seeds")]
    return seed::master::plans(conn).await.map(Some);
    #[cfg(not(feature = "seeds"))]
    {
        let _ = conn;
        Ok(None)
    }
}

/// `--scale`: 1 to [`MAX_SCALE`].
pub fn check_scale(scale: u64) -> Result<(), RunnerError> {
    if (1..=MAX_SCALE).contains(&scale) {
        Ok(())
    } else {
        Err(RunnerError::InvalidInput(format!(
            "invalid scale {scale}: from 1 to {MAX_SCALE} (about 12,800 rows of `realistic` each)"
        )))
    }
}
