//! `realistic`: faker data in every tenant table, relations consistent (a
//! session's client exists, an invoice's items add up), volume times `scale`.
//! About 12,800 rows per unit of scale; the same seed gives the same data.

use std::collections::HashMap;
use std::sync::Arc;

use schema_core::__private::BoxFuture;
use schema_core::factory::load::TableLoad;
use schema_core::factory::{create_many_on, existing_parents, load, Each, Factory, HasFactory};
use schema_core::{Decimal, Duration, Seed};
use schema_defs::tenant::*;
use sqlx::{Acquire, PgConnection};

/// Rows per table at scale 1. One field per table of the tenant schema: a
/// table added to `schema-defs` does not compile here until it has a volume.
/// A table the code below does not fill is filled by its own factory, its
/// required parents picked among the rows already there
/// ([`fill_by_factories`]).
pub const VOLUME: Volumes = Volumes {
    clients: 400,
    company_members: 160,
    client_contacts: 200,
    client_notes: 400,
    rooms: 8,
    equipment: 80,
    projects: 200,
    sessions: 800,
    tracks: 800,
    musicians: 100,
    track_credits: 1_600,
    track_comments: 800,
    invoices: 400,
    invoice_items: 1_200,
    service_catalog: 20,
    quotes: 200,
    quote_items: 600,
    contracts: 100,
    expenses: 300,
    payments: 400,
    payment_transactions: 300,
    stripe_webhook_events: 300,
    task_types: 8,
    time_entries: 1_200,
    notifications: 500,
    ai_conversations: 50,
    ai_action_logs: 300,
    client_portal_accounts: 100,
    client_portal_sessions: 300,
    client_portal_magic_links: 200,
    client_portal_activity_logs: 800,
};

/// Keys of the rows of a table, known before they are loaded.
type Keys = Arc<Vec<i32>>;

fn pick(keys: &Keys, at: &mut Each) -> i32 {
    *at.rng.pick(keys)
}

/// A hook giving each row a parent picked among `keys`:
/// `picked!(clients => client_id)`, nullable or not.
macro_rules! picked {
    ($keys:ident => $field:ident) => {{
        let keys = $keys.clone();
        move |row, at| {
            row.$field(pick(&keys, at));
        }
    }};
}

/// Plans each table's load: its factory and volume, and for a table whose
/// keys its children pick, those keys drawn from its sequence beforehand.
/// Nothing is inserted until every table is planned.
struct Planner<'a> {
    conn: &'a mut PgConnection,
    seed: &'a Seed,
    volumes: Volumes,
    loads: Vec<TableLoad>,
    /// Rows of keyed parts planned per table so far: where the next part's
    /// row numbers start.
    planned: HashMap<&'static str, u64>,
}

impl Planner<'_> {
    fn volume<T: InSchema>(&self) -> u64 {
        self.volumes.of::<T>()
    }

    /// The volume of `T` from `factory`; returns the keys its rows get.
    async fn keyed<T: InSchema>(
        &mut self,
        factory: T::Factory,
        id: fn(&mut T) -> &mut i32,
    ) -> Result<Keys, sqlx::Error> {
        let n = self.volume::<T>();
        let (load, keys) = self.keyed_part(factory, n, id).await?;
        self.loads.push(load);
        Ok(keys)
    }

    /// `n` rows of `T` from `factory`, each given the next key of its
    /// sequence (the one an insert would have drawn), numbered after the
    /// rows of `T` already planned.
    async fn keyed_part<T: InSchema>(
        &mut self,
        mut factory: T::Factory,
        n: u64,
        id: fn(&mut T) -> &mut i32,
    ) -> Result<(TableLoad, Keys), sqlx::Error> {
        let drawn = load::reserve_keys(self.conn, T::NAME, "id", n).await?;
        let keys: Keys = Arc::new(
            drawn
                .into_iter()
                .map(|k| i32::try_from(k).expect("an int4 sequence stays within int4"))
                .collect(),
        );
        let planned = self.planned.entry(T::NAME).or_insert(0);
        let first = self.seed.reserve(T::NAME, 0) + *planned;
        *planned += n;
        let column = T::DEF
            .columns
            .iter()
            .position(|c| c.name == "id")
            .expect("a keyed table has an `id` column");
        let state = factory.state_mut();
        // Given, so that the key goes into the `COPY`: a placeholder the
        // hook below replaces with the row's drawn key.
        state.give(column, 0_i32);
        let given = keys.clone();
        state.push_hook(move |row: &mut T, at: &mut Each| {
            *id(row) = given[(at.row - first) as usize];
        });
        Ok((TableLoad::copy(factory, n), keys))
    }

    fn insert<T: InSchema>(&mut self, factory: T::Factory) {
        let n = self.volume::<T>();
        self.loads.push(TableLoad::copy(factory, n));
    }
}

/// Fill, in schema order, every table of the tenant schema not in `skip`
/// with `volumes` rows made by its own factory, required parents picked
/// among the rows already there (made only while a parent table is empty);
/// `done` is called after each table. What `realistic` does for the tables
/// its code leaves unfilled, so that a table new to the schema is seeded
/// and reported rather than silently left empty.
pub async fn fill_by_factories(
    conn: &mut PgConnection,
    seed: &Seed,
    volumes: Volumes,
    skip: &[&'static str],
    done: &mut (dyn FnMut(&'static str) + Send),
) -> Result<(), sqlx::Error> {
    type Fill =
        for<'a> fn(&'a Seed, &'a mut PgConnection, u64) -> BoxFuture<'a, Result<u64, sqlx::Error>>;

    fn fill<'a, T: HasFactory + Send + Sync>(
        seed: &'a Seed,
        conn: &'a mut PgConnection,
        n: u64,
    ) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        Box::pin(
            async move { create_many_on(&existing_parents(seed.factory::<T>()), conn, n).await },
        )
    }

    struct Rest<'l> {
        skip: &'l [&'static str],
        volumes: Volumes,
        todo: Vec<(&'static str, u64, Fill)>,
    }
    impl Visit for Rest<'_> {
        fn table<T: InSchema + Send + Sync>(&mut self) {
            if !self.skip.contains(&T::NAME) {
                self.todo.push((T::NAME, self.volumes.of::<T>(), fill::<T>));
            }
        }
    }

    let mut rest = Rest {
        skip,
        volumes,
        todo: Vec::new(),
    };
    for_each_table(&mut rest);
    for (table, n, fill) in rest.todo {
        fill(seed, &mut *conn, n).await?;
        done(table);
    }
    Ok(())
}

/// Fill an empty tenant database in one transaction; returns the rows inserted.
pub async fn seed(conn: &mut PgConnection, seed: &Seed, scale: u64) -> Result<u64, sqlx::Error> {
    seed_reporting(conn, seed, scale, &mut |_| {}).await
}

/// [`seed`], calling `done` with each table's name once it is filled (31 calls).
pub async fn seed_reporting(
    conn: &mut PgConnection,
    seed: &Seed,
    scale: u64,
    done: &mut (dyn FnMut(&'static str) + Send),
) -> Result<u64, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let rows = load_into(std::slice::from_mut(&mut *tx), seed, scale, done).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Fill an empty tenant database over every connection of `conns` at once,
/// the way `pg_restore` loads: the foreign keys dropped, the rows sent by
/// binary `COPY` (each connection taking the next table), the keys added
/// back and validated by PostgreSQL, set based. Gives the rows [`seed`]
/// gives, and a catalog as it was. `done` is called as each table is filled.
///
/// Atomic only with one connection inside a transaction (what
/// [`seed_reporting`] does). With several, each statement commits on its
/// own: for a database nobody uses yet, which the caller drops if this fails.
pub async fn load_into(
    conns: &mut [PgConnection],
    seed: &Seed,
    scale: u64,
    done: &mut (dyn FnMut(&'static str) + Send),
) -> Result<u64, sqlx::Error> {
    let volumes = VOLUME.scaled(scale);
    let first = conns.first_mut().expect("at least one connection");
    let keys = load::DeferredKeys::drop(first, "public").await?;
    let mut planner = Planner {
        conn: first,
        seed,
        volumes,
        loads: Vec::new(),
        planned: HashMap::new(),
    };
    plan(&mut planner, seed).await?;
    let loads = planner.loads;
    let filled: Vec<&'static str> = loads.iter().map(|l| l.table()).collect();
    load::load_tables(conns, loads, done).await?;
    // Picks its parents among the rows loaded: after them, on one connection.
    fill_by_factories(&mut conns[0], seed, volumes, &filled, done).await?;
    keys.restore(conns).await?;
    Ok(volumes.iter().map(|(_, n)| n).sum())
}

async fn plan(load: &mut Planner<'_>, seed: &Seed) -> Result<(), sqlx::Error> {
    // Four in five clients are people; the rest, companies: one load, in
    // that order (their row numbers and keys follow each other).
    let all = load.volume::<Client>();
    let individuals = seed.factory::<Client>().individual();
    let (first, people) = load
        .keyed_part::<Client>(individuals, all * 4 / 5, |c| &mut c.id)
        .await?;
    let firms = seed.factory::<Client>().company();
    let (then, companies) = load
        .keyed_part::<Client>(firms, all - all * 4 / 5, |c| &mut c.id)
        .await?;
    load.loads.push(first.then(then));
    let clients: Keys = Arc::new(people.iter().chain(companies.iter()).copied().collect());

    let (c, p) = (companies.clone(), people.clone());
    let members = seed.factory::<CompanyMember>().each(move |m, at| {
        m.company_client_id(pick(&c, at));
        m.member_client_id(pick(&p, at));
    });
    load.insert::<CompanyMember>(members);
    let contacts = seed
        .factory::<ClientContact>()
        .each(picked!(clients => client_id));
    load.insert::<ClientContact>(contacts);
    let notes = seed
        .factory::<ClientNote>()
        .each(picked!(clients => client_id));
    load.insert::<ClientNote>(notes);

    let rooms = load
        .keyed::<Room>(seed.factory::<Room>(), |r| &mut r.id)
        .await?;
    let equipment = seed.factory::<Equipment>().each(picked!(rooms => room_id));
    let equipment = load.keyed::<Equipment>(equipment, |e| &mut e.id).await?;

    let c = clients.clone();
    let projects = seed.factory::<Project>().each(move |p, at| {
        p.client_id(pick(&c, at));
        let delivery = p
            .start_date
            .map(|d| d + Duration::days(at.rng.between(30, 180)));
        p.target_delivery_date(delivery);
    });
    let projects = load.keyed::<Project>(projects, |p| &mut p.id).await?;
    let (c, r, p) = (clients.clone(), rooms.clone(), projects.clone());
    let sessions = seed.factory::<Session>().each(move |x, at| {
        x.client_id(pick(&c, at));
        x.room_id(pick(&r, at));
        x.project_id(at.rng.chance(70).then(|| pick(&p, at)));
        x.end_time(x.start_time + Duration::hours(at.rng.between(2, 8)));
        if let (Some(total), Some(deposit)) = (x.total_amount, x.deposit_amount) {
            x.deposit_amount(deposit.min(total));
        }
    });
    let sessions = load.keyed::<Session>(sessions, |x| &mut x.id).await?;

    let r = rooms.clone();
    let tracks = seed
        .factory::<Track>()
        .each(picked!(projects => project_id))
        .each(move |t, at| {
            t.recorded_in_room_id(pick(&r, at));
        });
    let tracks = load.keyed::<Track>(tracks, |t| &mut t.id).await?;
    let musicians = load
        .keyed::<Musician>(seed.factory::<Musician>(), |m| &mut m.id)
        .await?;
    let credits = seed
        .factory::<TrackCredit>()
        .each(picked!(tracks => track_id))
        .each(picked!(musicians => musician_id));
    load.insert::<TrackCredit>(credits);
    let comments = seed
        .factory::<TrackComment>()
        .each(picked!(tracks => track_id));
    load.insert::<TrackComment>(comments);

    let invoices = seed
        .factory::<Invoice>()
        .each(picked!(clients => client_id))
        .consistent();
    let invoices = load.keyed::<Invoice>(invoices, |i| &mut i.id).await?;
    let items = seed
        .factory::<InvoiceItem>()
        .each(picked!(invoices => invoice_id))
        .each(|x, at| {
            x.quantity(Decimal::from(at.rng.between(1, 10)));
            x.amount(x.quantity * x.unit_price);
        });
    load.insert::<InvoiceItem>(items);

    let services = seed.factory::<ServiceCatalogItem>();
    let services = load
        .keyed::<ServiceCatalogItem>(services, |x| &mut x.id)
        .await?;
    let quotes = seed
        .factory::<Quote>()
        .each(picked!(clients => client_id))
        .each(|q, at| {
            q.status(*at.rng.pick(&["draft", "sent", "accepted", "rejected"]));
            q.tax_amount((q.subtotal * q.tax_rate / Decimal::ONE_HUNDRED).round_dp(2));
            q.total(q.subtotal + q.tax_amount);
        });
    let quotes = load.keyed::<Quote>(quotes, |q| &mut q.id).await?;
    let quote_items = seed
        .factory::<QuoteItem>()
        .each(picked!(quotes => quote_id))
        .each(picked!(services => service_template_id))
        .each(|x, at| {
            x.quantity(Decimal::from(at.rng.between(1, 10)));
            x.amount(x.quantity * x.unit_price);
        });
    load.insert::<QuoteItem>(quote_items);

    let contracts = seed
        .factory::<Contract>()
        .each(picked!(clients => client_id))
        .each(picked!(projects => project_id));
    load.insert::<Contract>(contracts);
    let (p, e) = (projects.clone(), equipment.clone());
    let expenses = seed.factory::<Expense>().each(move |x, at| {
        x.project_id(at.rng.chance(50).then(|| pick(&p, at)));
        x.equipment_id(at.rng.chance(30).then(|| pick(&e, at)));
    });
    load.insert::<Expense>(expenses);
    let payments = seed
        .factory::<Payment>()
        .each(picked!(clients => client_id))
        .each(picked!(invoices => invoice_id));
    load.insert::<Payment>(payments);
    let transactions = seed
        .factory::<PaymentTransaction>()
        .each(picked!(clients => client_id))
        .each(picked!(sessions => session_id));
    load.insert::<PaymentTransaction>(transactions);
    let events = seed
        .factory::<StripeWebhookEvent>()
        .each(picked!(invoices => invoice_id));
    load.insert::<StripeWebhookEvent>(events);

    let task_types = load
        .keyed::<TaskType>(seed.factory::<TaskType>(), |x| &mut x.id)
        .await?;
    let entries = seed
        .factory::<TimeEntry>()
        .each(picked!(task_types => task_type_id))
        .each(picked!(sessions => session_id))
        .each(picked!(projects => project_id))
        .each(|x, at| {
            let minutes = at.rng.between(15, 480);
            x.duration_minutes(minutes as i32);
            x.end_time(x.start_time + Duration::minutes(minutes));
        });
    load.insert::<TimeEntry>(entries);
    let notifications = seed
        .factory::<Notification>()
        .each(picked!(clients => client_id));
    load.insert::<Notification>(notifications);
    load.insert::<AiConversation>(seed.factory::<AiConversation>());
    load.insert::<AiActionLog>(seed.factory::<AiActionLog>());

    let accounts = seed
        .factory::<ClientPortalAccount>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalAccount>(accounts);
    let portal_sessions = seed
        .factory::<ClientPortalSession>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalSession>(portal_sessions);
    let links = seed
        .factory::<ClientPortalMagicLink>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalMagicLink>(links);
    let activity = seed
        .factory::<ClientPortalActivityLog>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalActivityLog>(activity);

    Ok(())
}
