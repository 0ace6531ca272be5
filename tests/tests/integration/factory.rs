//! Factories against a real server: every table, parents, uniqueness at scale,
//! reproducibility, column independence, batching, annotations.

use schema_core::factory::{self, HasFactory, BATCH_ROWS};
use schema_core::{DbKind, Decimal, NaiveDate, Seed, TextEnum};
use schema_defs::{master::*, tenant::*};
use sqlx::PgConnection;
use tests::fresh_schema;

fn seed(value: u64) -> Seed {
    Seed::with_anchor(value, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
}

async fn count(conn: &mut PgConnection, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(conn)
        .await
        .unwrap()
}

/// Calls `$check::<T>` for each table of a database, by type.
macro_rules! each_table {
    (tenant, $f:ident $args:tt) => {
        each_table!(@ $f $args; Client ClientContact ClientNote CompanyMember Room Equipment
            Project Session Track TrackComment Musician TrackCredit Invoice InvoiceItem Quote
            QuoteItem ServiceCatalogItem Contract Expense Payment PaymentTransaction
            StripeWebhookEvent TaskType TimeEntry Notification AiConversation AiActionLog
            ClientPortalAccount ClientPortalSession ClientPortalMagicLink ClientPortalActivityLog)
    };
    (master, $f:ident $args:tt) => {
        each_table!(@ $f $args; User Organization OrganizationMember Invitation
            TenantDatabase SubscriptionPlan AiCredit)
    };
    (@ $f:ident $args:tt; $($t:ident)*) => { $( $f::<$t> $args .await; )* };
}

/// One row through the factory, parents made as needed, read back equal.
async fn create_one<T>(conn: &mut PgConnection, seed: &Seed)
where
    T: HasFactory
        + std::fmt::Debug
        + PartialEq
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let row = factory::create(&seed.factory::<T>(), &mut *conn)
        .await
        .unwrap_or_else(|e| panic!("factory of {}: {e}", T::NAME));
    let stored: Vec<T> = sqlx::query_as(&format!("SELECT * FROM {}", T::NAME))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(stored.contains(&row), "{} row read back differs", T::NAME);
}

#[tokio::test]
async fn every_table_has_a_factory_that_creates_a_valid_row() {
    let seed = seed(1);
    let master = fresh_schema(DbKind::Master).await;
    let mut conn = master.connect().await;
    each_table!(master, create_one(&mut conn, &seed));
    let tenant = fresh_schema(DbKind::Tenant).await;
    let mut conn = tenant.connect().await;
    each_table!(tenant, create_one(&mut conn, &seed));
}

#[tokio::test]
async fn required_parents_are_made_unless_given_and_nullable_ones_stay_null() {
    let db = fresh_schema(DbKind::Tenant).await;
    let mut conn = db.connect().await;
    let seed = seed(2);

    let session = seed.factory::<Session>().create(&mut conn).await.unwrap();
    assert_eq!(
        count(&mut conn, "clients").await,
        1,
        "a client was made for the session"
    );
    assert_eq!(
        count(&mut conn, "rooms").await,
        1,
        "a room was made for the session"
    );
    assert_eq!(
        session.project_id, None,
        "a nullable foreign key stays null"
    );

    let client = seed
        .factory::<Client>()
        .name("Ana Costa")
        .create(&mut conn)
        .await
        .unwrap();
    let sessions = seed
        .factory::<Session>()
        .for_client(&client)
        .room_id(session.room_id);
    assert_eq!(sessions.create_many(&mut conn, 10).await.unwrap(), 10);
    assert_eq!(
        count(&mut conn, "clients").await,
        2,
        "the given client is used"
    );
    assert_eq!(
        count(&mut conn, "rooms").await,
        1,
        "the given room id is used"
    );
    let linked: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE client_id = $1")
        .bind(client.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(linked, 10);

    // Asked for: a nullable foreign key from a parent row.
    let project = seed
        .factory::<Project>()
        .for_client(&client)
        .create(&mut conn)
        .await
        .unwrap();
    let booked = seed
        .factory::<Session>()
        .for_project(&project)
        .create(&mut conn)
        .await
        .unwrap();
    assert_eq!(booked.project_id, Some(project.id));
}

#[tokio::test]
async fn existing_parents_are_picked_and_made_only_when_there_are_none() {
    let db = fresh_schema(DbKind::Tenant).await;
    let mut conn = db.connect().await;
    let seed = seed(4);
    // No rooms nor clients yet: the first session makes one of each.
    let sessions = factory::existing_parents(seed.factory::<Session>());
    sessions.create(&mut conn).await.unwrap();
    assert_eq!(count(&mut conn, "clients").await, 1);
    seed.factory::<Client>()
        .create_many(&mut conn, 4)
        .await
        .unwrap();
    // From now on every session picks among the 5 clients and the one room.
    sessions.create_many(&mut conn, 200).await.unwrap();
    assert_eq!(count(&mut conn, "clients").await, 5);
    assert_eq!(count(&mut conn, "rooms").await, 1);
    let used: i64 = sqlx::query_scalar("SELECT count(DISTINCT client_id) FROM sessions")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(used, 5, "picks spread over the existing clients");
}

#[tokio::test]
async fn unique_columns_hold_where_naive_faking_collides() {
    let db = fresh_schema(DbKind::Master).await;
    let mut conn = db.connect().await;
    // ~3,000 first names × 500 last names: 20,000 naive emails would collide
    // (birthday bound); so would organization slugs from two words.
    let n = 20_000;
    let seed = seed(3);
    seed.factory::<User>()
        .create_many(&mut conn, n)
        .await
        .unwrap();
    seed.factory::<Organization>()
        .create_many(&mut conn, 5_000)
        .await
        .unwrap();
    assert_eq!(count(&mut conn, "organizations").await, 5_000);
    assert_eq!(
        count(&mut conn, "users").await,
        n as i64 + 5_000,
        "one owner per organization"
    );
    // Without the row number they carry, the faked emails would collide.
    let (distinct, naive): (i64, i64) = sqlx::query_as(
        r"SELECT count(DISTINCT email), count(DISTINCT regexp_replace(email, '\.\d+@', '@')) FROM users",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(distinct, n as i64 + 5_000);
    assert!(
        naive < distinct,
        "the test is at a scale where naive faking collides"
    );
}

#[tokio::test]
async fn create_many_inserts_in_batches_below_the_parameter_limit() {
    let db = fresh_schema(DbKind::Tenant).await;
    let mut conn = db.connect().await;
    // clients has 54 columns: a multi-row VALUES of this many rows would need
    // 54 × 5,001 = 270,054 parameters; UNNEST binds 54 per batch.
    let n = 2 * BATCH_ROWS as u64 + 1_001;
    let made = Client::factory().create_many(&mut conn, n).await.unwrap();
    assert_eq!(made, n);
    assert_eq!(count(&mut conn, "clients").await, n as i64);

    let mut ids = Vec::new();
    seed(4)
        .factory::<Room>()
        .create_many_with(&mut conn, 3, |rows| ids.extend(rows.iter().map(|r| r.id)))
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
}

#[test]
fn one_seed_gives_the_same_rows_and_another_seed_other_rows() {
    let a = seed(7).factory::<Client>().build_many(50);
    let b = seed(7).factory::<Client>().build_many(50);
    let c = seed(8).factory::<Client>().build_many(50);
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Rows continue the seed's sequence: a second call gives new rows.
    let seed = seed(7);
    let first = seed.factory::<Client>().build_many(10);
    let next = seed.factory::<Client>().build_many(10);
    assert_eq!(first, a[..10]);
    assert_eq!(next, a[10..20]);
}

#[test]
fn faked_values_follow_names_types_and_value_sets() {
    let seed = seed(9);
    for client in seed.factory::<Client>().build_many(200) {
        let email = client.email.expect("nullable text is filled");
        assert!(email.contains('@') && email.len() <= 255, "{email}");
        assert!(client.spotify_url.unwrap().starts_with("https://"));
        assert!(ClientType::VALUES.contains(&client.kind.as_str()));
        assert!(
            client.name.contains(' '),
            "a person's name: {}",
            client.name
        );
    }
    for room in seed.factory::<Room>().build_many(200) {
        assert!(room.hourly_rate > Decimal::ZERO && room.hourly_rate <= Decimal::new(5_000, 0));
        assert_eq!(room.hourly_rate.scale(), 2);
    }
    for invoice in seed.factory::<Invoice>().build_many(200) {
        assert!(
            invoice.invoice_number.starts_with("INV-"),
            "{}",
            invoice.invoice_number
        );
        assert!(invoice.tax_rate <= Decimal::new(25, 0));
        assert!(invoice.due_date.date() >= NaiveDate::from_ymd_opt(2026, 5, 31).unwrap());
    }
}

#[test]
fn number_and_flag_defaults_are_kept_unless_set_or_annotated() {
    let seed = seed(5);
    for quote in seed.factory::<Quote>().build_many(50) {
        assert_eq!(quote.validity_days, 30);
        assert_eq!(quote.tax_rate, Decimal::new(2000, 2));
    }
    for account in seed.factory::<ClientPortalAccount>().build_many(50) {
        assert_eq!(account.login_count, 0);
    }
    let quote = seed.factory::<Quote>().validity_days(7).build();
    assert_eq!(quote.validity_days, 7);
    // `fake = ...` asks for faked values: 10..20, never the default 1.
    for gadget in seed.factory::<gadgets::Counted>().build_many(50) {
        assert!((10..20).contains(&gadget.uses), "{}", gadget.uses);
        assert_eq!(gadget.version, 1);
    }
}

mod gadgets {
    //! The same test-only table before and after a column is added.
    use schema_core::Table;

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "gadgets", db = tenant)]
    pub struct Gadget {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(varchar(100))]
        pub name: String,
        pub email: Option<String>,
        #[column(fake = "lorem::Sentence(3..6)")]
        pub note: String,
        #[column(fake = "10..20")]
        pub size: i32,
    }

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "counted", db = tenant)]
    pub struct Counted {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(default = 1)]
        pub version: i32,
        #[column(default = 1, fake = "10..20")]
        pub uses: i64,
    }

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "gadgets", db = tenant)]
    pub struct GadgetWithColour {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(varchar(100))]
        pub name: String,
        #[column(varchar(7))]
        pub color: Option<String>,
        pub email: Option<String>,
        #[column(fake = "lorem::Sentence(3..6)")]
        pub note: String,
        #[column(fake = "10..20")]
        pub size: i32,
    }
}

#[test]
fn adding_a_column_leaves_the_other_columns_values_unchanged() {
    use gadgets::{Gadget, GadgetWithColour};
    let before = seed(11).factory::<Gadget>().build_many(100);
    let after = seed(11).factory::<GadgetWithColour>().build_many(100);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(
            (&b.name, &b.email, &b.note, b.size),
            (&a.name, &a.email, &a.note, a.size)
        );
        assert!(a.color.as_deref().is_some_and(|c| c.starts_with('#')));
    }
    // The annotations were used: a sentence, an integer in the given range.
    assert!(before
        .iter()
        .all(|g| g.note.ends_with('.') && (10..20).contains(&g.size)));
}

#[tokio::test]
async fn hooks_vary_each_row() {
    let db = fresh_schema(DbKind::Tenant).await;
    let mut conn = db.connect().await;
    let seed = seed(12);
    let rooms: Vec<Room> = seed.factory::<Room>().build_many(3);
    let room_ids = [1, 2, 3];
    for room in rooms {
        seed.factory::<Room>()
            .name(room.name)
            .create(&mut conn)
            .await
            .unwrap();
    }
    seed.factory::<Session>()
        .each(move |s, at| {
            s.room_id(*at.rng.pick(&room_ids));
        })
        .create_many(&mut conn, 30)
        .await
        .unwrap();
    assert_eq!(
        count(&mut conn, "rooms").await,
        3,
        "hooks gave every session a room"
    );
}

#[test]
fn presets_are_plain_methods_on_the_factory() {
    let seed = seed(13);
    for company in seed.factory::<Client>().company().build_many(20) {
        assert_eq!(company.kind, ClientType::Company);
        assert_eq!((company.first_name, company.birthday), (None, None));
    }
    for person in seed.factory::<Client>().individual().build_many(20) {
        assert_eq!(person.kind, ClientType::Individual);
        let expected = format!(
            "{} {}",
            person.first_name.unwrap(),
            person.last_name.unwrap()
        );
        assert_eq!(person.name, expected);
    }
    for invoice in seed.factory::<Invoice>().paid().build_many(20) {
        assert_eq!(invoice.status, InvoiceStatus::Paid);
        assert_eq!(invoice.total, invoice.subtotal + invoice.tax_amount);
        assert_eq!(invoice.remaining_balance, Some(Decimal::ZERO));
        assert!(invoice.paid_at.unwrap() > invoice.issue_date);
    }
}
