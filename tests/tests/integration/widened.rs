//! Widening is not breaking: the same seed code, written once, compiles
//! against a table before and after two of its columns were made nullable
//! (builder, factory and factory-hook setters all take a bare value for a
//! nullable column), and it runs. The opposite change, nullable → NOT NULL,
//! fails to build naming the column: `compile-fail/ui/stale/j_*`, `e_*`.

use schema_core::{DbKind, NaiveDate, SchemaDef, Seed, Table};
use schema_model::ddl;
use schema_model::model::Schema;
use sqlx::Executor;
use tests::fresh_database;

/// The seed code under test, expanded once per shape of the table.
macro_rules! seed_code {
    ($shape:ident) => {
        pub async fn seed(pool: &sqlx::PgPool, seed: &Seed) -> Vec<$shape::Session> {
            use $shape::{Room, Session};
            let room = Room::insert().name("A").returning_key(pool).await.unwrap();
            let start = NaiveDate::from_ymd_opt(2026, 6, 1)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap();
            Session::insert()
                .client_id(7)
                .room_id(room)
                .start_time(start)
                .returning_key(pool)
                .await
                .unwrap();
            seed.factory::<Session>()
                .client_id(8)
                .room_id(room)
                .create(pool)
                .await
                .unwrap();
            let rooms = vec![room];
            seed.factory::<Session>()
                .each(move |x, at| {
                    x.client_id(at.index as i32 + 100);
                    x.room_id(rooms[0]);
                })
                .create_many(pool, 3)
                .await
                .unwrap();
            sqlx::query_as::<_, Session>("SELECT * FROM widened_sessions ORDER BY id")
                .fetch_all(pool)
                .await
                .unwrap()
        }
    };
}

mod before {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "widened_rooms", db = tenant)]
    pub struct Room {
        #[column(primary_key, serial)]
        pub id: i32,
        pub name: String,
    }

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "widened_sessions", db = tenant)]
    pub struct Session {
        #[column(primary_key, serial)]
        pub id: i32,
        pub client_id: i32,
        #[column(references = Room::id)]
        pub room_id: i32,
        pub start_time: schema_core::NaiveDateTime,
    }

    pub static SCHEMA: SchemaDef = SchemaDef::new(DbKind::Tenant, &[Room::DEF, Session::DEF]);
}

mod after {
    use super::*;

    pub use super::before::Room;

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "widened_sessions", db = tenant)]
    pub struct Session {
        #[column(primary_key, serial)]
        pub id: i32,
        pub client_id: Option<i32>,
        #[column(references = Room::id)]
        pub room_id: Option<i32>,
        pub start_time: schema_core::NaiveDateTime,
    }

    pub static SCHEMA: SchemaDef = SchemaDef::new(DbKind::Tenant, &[Room::DEF, Session::DEF]);
}

mod seed_before {
    use super::*;
    seed_code!(before);
}

mod seed_after {
    use super::*;
    seed_code!(after);
}

#[tokio::test]
async fn seed_code_builds_and_runs_against_both_shapes() {
    for (schema, widened) in [(&before::SCHEMA, false), (&after::SCHEMA, true)] {
        let test_db = fresh_database().await;
        let script = ddl::create_script(&Schema::from_def(schema));
        test_db.pool.execute(script.as_str()).await.unwrap();
        let seed = Seed::new(3);
        let clients: Vec<Option<i32>> = if widened {
            let rows = seed_after::seed(&test_db.pool, &seed).await;
            assert!(rows.iter().all(|r| r.room_id.is_some()));
            rows.iter().map(|r| r.client_id).collect()
        } else {
            let rows = seed_before::seed(&test_db.pool, &seed).await;
            rows.iter().map(|r| Some(r.client_id)).collect()
        };
        assert_eq!(
            clients,
            [Some(7), Some(8), Some(100), Some(101), Some(102)],
            "widened: {widened}"
        );
    }
}
