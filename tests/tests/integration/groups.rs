//! Column groups: columns declared once (`#[derive(ColumnGroup)]`) and
//! flattened into several tables, of both databases. Each table gets the
//! group's columns where the field stands, its keys and indexes named after
//! the table, builder, factory and hook setters, and `FromRow` into the
//! group's struct; the database built from the DDL compares equal to the
//! declaration. Misuse fails to build: `compile-fail/ui/attr/group_*`.

use schema_core::{ColumnGroup, DbKind, NaiveDateTime, SchemaDef, Seed, Table, Uuid};
use schema_model::model::Schema;
use schema_model::{compare, ddl, introspect};
use sqlx::Executor;
use tests::fresh_database;

/// Any database may use it.
#[derive(Debug, Clone, PartialEq, ColumnGroup)]
pub struct Synced {
    #[column(default = sql("gen_random_uuid()"), unique)]
    pub sync_uuid: Uuid,
    #[column(default = 1)]
    pub sync_version: i32,
}

/// Tenant tables only; a required column (no default) is required by every
/// table's builder.
#[derive(Debug, Clone, PartialEq, ColumnGroup)]
#[group(db = tenant)]
pub struct Audited {
    #[column(default = now, index)]
    pub created_at: NaiveDateTime,
    #[column(varchar(40))]
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "grouped_notes", db = tenant, index(body, sync_version))]
pub struct Note {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(flatten)]
    pub sync: Synced,
    pub body: String,
    #[column(flatten)]
    pub audit: Audited,
}

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "grouped_tags", db = tenant)]
pub struct Tag {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Note::id, on_delete = cascade)]
    pub note_id: i32,
    pub label: Option<String>,
    #[column(flatten)]
    pub sync: Synced,
}

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "grouped_plans", db = master)]
pub struct Plan {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(flatten)]
    pub sync: Synced,
}

/// A group declared in another module, after the table that uses it, and
/// named by path.
#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "grouped_rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(flatten)]
    pub stamp: shared::Stamped,
}

mod shared {
    use super::*;

    #[derive(Debug, Clone, PartialEq, ColumnGroup)]
    pub struct Stamped {
        #[column(name = "stamped_by", references = crate::groups::Note::id)]
        pub by_note: Option<i32>,
    }
}

static TENANT: SchemaDef = SchemaDef::new(DbKind::Tenant, &[Note::DEF, Tag::DEF, Room::DEF]);

#[test]
fn group_columns_stand_where_the_field_stands_with_keys_named_per_table() {
    let names: Vec<&str> = Note::DEF.columns.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "id",
            "sync_uuid",
            "sync_version",
            "body",
            "created_at",
            "created_by"
        ]
    );
    let tags: Vec<&str> = Tag::DEF.columns.iter().map(|c| c.name).collect();
    assert_eq!(
        tags,
        ["id", "note_id", "label", "sync_uuid", "sync_version"]
    );
    assert_eq!(Plan::DEF.columns.len(), 3);
    let room: Vec<&str> = Room::DEF.columns.iter().map(|c| c.name).collect();
    assert_eq!(room, ["id", "stamped_by"]);
    assert_eq!(Room::DEF.foreign_keys[0].ref_table, "grouped_notes");
    assert_eq!(Note::sync_version.table, "grouped_notes");
    assert_eq!(Tag::sync_uuid.name, "sync_uuid");

    let script = ddl::create_script(&Schema::from_def(&TENANT));
    for expected in [
        "CONSTRAINT grouped_notes_sync_uuid_unique UNIQUE (sync_uuid)",
        "CONSTRAINT grouped_tags_sync_uuid_unique UNIQUE (sync_uuid)",
        "sync_uuid uuid DEFAULT gen_random_uuid() NOT NULL",
        "sync_version integer DEFAULT 1 NOT NULL",
        "created_by character varying(40) NOT NULL",
        "CREATE INDEX grouped_notes_created_at_idx ON public.grouped_notes (created_at)",
        "CREATE INDEX grouped_notes_body_sync_version_idx",
    ] {
        assert!(script.contains(expected), "{expected}\nnot in\n{script}");
    }
}

#[tokio::test]
async fn builders_factories_hooks_and_rows_see_the_group_columns() {
    let test_db = fresh_database().await;
    let pool = &test_db.pool;
    let declared = Schema::from_def(&TENANT);
    pool.execute(ddl::create_script(&declared).as_str())
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let actual = introspect::introspect(&mut conn, "public").await.unwrap();
    let differences = compare::compare(&declared, &actual);
    assert!(differences.is_empty(), "{differences:?}");

    // The builder requires the group's required column and sets any other.
    let note = Note::insert()
        .body("first")
        .created_by("ana")
        .sync_version(7)
        .returning_row(pool)
        .await
        .unwrap();
    assert_eq!(note.sync.sync_version, 7);
    assert_eq!(note.audit.created_by, "ana");
    assert_ne!(note.sync.sync_uuid, Uuid::nil());
    // A group's column with its own SQL name and a foreign key.
    let room = Room::insert()
        .by_note(note.id)
        .returning_row(pool)
        .await
        .unwrap();
    assert_eq!(room.stamp.by_note, Some(note.id));

    // A factory keeps the version default, fakes the rest, makes the parent.
    let seed = Seed::new(11);
    let tags = seed.factory::<Tag>().create_many(pool, 5).await.unwrap();
    assert_eq!(tags, 5);
    let tag = seed
        .factory::<Tag>()
        .each(|x, at| {
            x.sync_version(at.index as i32 + 40);
            x.label("hooked");
        })
        .create(pool)
        .await
        .unwrap();
    assert_eq!(tag.sync.sync_version, 40);
    assert_eq!(tag.label.as_deref(), Some("hooked"));

    let rows: Vec<Tag> = sqlx::query_as("SELECT * FROM grouped_tags ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 6);
    assert!(rows[..5].iter().all(|t| t.sync.sync_version == 1));
    let uuids: std::collections::HashSet<Uuid> = rows.iter().map(|t| t.sync.sync_uuid).collect();
    assert_eq!(uuids.len(), 6, "unique column stays unique");
}
