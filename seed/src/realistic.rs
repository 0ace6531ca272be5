//! `realistic`: faker data in every tenant table, relations consistent (a
//! session's client exists, an invoice's items add up), volume times `scale`.
//! About 12,800 rows per unit of scale; the same seed gives the same data.

use std::sync::Arc;

use schema_core::__private::BoxFuture;
use schema_core::factory::{
    create_many_on, create_many_with_on, existing_parents, Each, HasFactory,
};
use schema_core::{Decimal, Duration, Seed, Table};
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

/// Keys of rows already inserted, shared with the hooks that pick parents.
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

/// Inserts each table's volume and says when a table is done.
struct Loader<'a> {
    conn: &'a mut PgConnection,
    volumes: Volumes,
    filled: Vec<&'static str>,
    done: &'a mut (dyn FnMut(&'static str) + Send),
}

impl Loader<'_> {
    fn volume<T: InSchema>(&self) -> u64 {
        self.volumes.of::<T>()
    }

    fn done<T: Table>(&mut self) {
        self.filled.push(T::NAME);
        (self.done)(T::NAME);
    }

    /// Insert the volume of `T` from `factory`, keeping the rows' ids.
    async fn keyed<T: InSchema>(
        &mut self,
        factory: T::Factory,
        id: fn(&T) -> i32,
    ) -> Result<Keys, sqlx::Error> {
        let mut keys = Vec::new();
        let n = self.volume::<T>();
        create_many_with_on(&factory, self.conn, n, |rows| {
            keys.extend(rows.iter().map(id))
        })
        .await?;
        self.done::<T>();
        Ok(Arc::new(keys))
    }

    async fn insert<T: InSchema>(&mut self, factory: T::Factory) -> Result<(), sqlx::Error> {
        create_many_on(&factory, self.conn, self.volume::<T>()).await?;
        self.done::<T>();
        Ok(())
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
    let mut load = Loader {
        conn: &mut tx,
        volumes: VOLUME.scaled(scale),
        filled: Vec::new(),
        done,
    };
    fill(&mut load, seed).await?;
    let filled = std::mem::take(&mut load.filled);
    fill_by_factories(load.conn, seed, load.volumes, &filled, load.done).await?;
    let rows = load.volumes.iter().map(|(_, n)| n).sum();
    tx.commit().await?;
    Ok(rows)
}

async fn fill(load: &mut Loader<'_>, seed: &Seed) -> Result<(), sqlx::Error> {
    // Four in five clients are people; the rest, companies.
    let all = load.volume::<Client>();
    let (mut people, mut companies) = (Vec::new(), Vec::new());
    let individuals = seed.factory::<Client>().individual();
    create_many_with_on(&individuals, load.conn, all * 4 / 5, |rows| {
        people.extend(rows.iter().map(|c| c.id))
    })
    .await?;
    let firms = seed.factory::<Client>().company();
    create_many_with_on(&firms, load.conn, all - all * 4 / 5, |rows| {
        companies.extend(rows.iter().map(|c| c.id))
    })
    .await?;
    load.done::<Client>();
    let (people, companies): (Keys, Keys) = (Arc::new(people), Arc::new(companies));
    let clients: Keys = Arc::new(people.iter().chain(companies.iter()).copied().collect());

    let (c, p) = (companies.clone(), people.clone());
    let members = seed.factory::<CompanyMember>().each(move |m, at| {
        m.company_client_id(pick(&c, at));
        m.member_client_id(pick(&p, at));
    });
    load.insert::<CompanyMember>(members).await?;
    let contacts = seed
        .factory::<ClientContact>()
        .each(picked!(clients => client_id));
    load.insert::<ClientContact>(contacts).await?;
    let notes = seed
        .factory::<ClientNote>()
        .each(picked!(clients => client_id));
    load.insert::<ClientNote>(notes).await?;

    let rooms = load.keyed::<Room>(seed.factory::<Room>(), |r| r.id).await?;
    let equipment = seed.factory::<Equipment>().each(picked!(rooms => room_id));
    let equipment = load.keyed::<Equipment>(equipment, |e| e.id).await?;

    let c = clients.clone();
    let projects = seed.factory::<Project>().each(move |p, at| {
        p.client_id(pick(&c, at));
        let delivery = p
            .start_date
            .map(|d| d + Duration::days(at.rng.between(30, 180)));
        p.target_delivery_date(delivery);
    });
    let projects = load.keyed::<Project>(projects, |p| p.id).await?;
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
    let sessions = load.keyed::<Session>(sessions, |x| x.id).await?;

    let r = rooms.clone();
    let tracks = seed
        .factory::<Track>()
        .each(picked!(projects => project_id))
        .each(move |t, at| {
            t.recorded_in_room_id(pick(&r, at));
        });
    let tracks = load.keyed::<Track>(tracks, |t| t.id).await?;
    let musicians = load
        .keyed::<Musician>(seed.factory::<Musician>(), |m| m.id)
        .await?;
    let credits = seed
        .factory::<TrackCredit>()
        .each(picked!(tracks => track_id))
        .each(picked!(musicians => musician_id));
    load.insert::<TrackCredit>(credits).await?;
    let comments = seed
        .factory::<TrackComment>()
        .each(picked!(tracks => track_id));
    load.insert::<TrackComment>(comments).await?;

    let invoices = seed
        .factory::<Invoice>()
        .each(picked!(clients => client_id))
        .consistent();
    let invoices = load.keyed::<Invoice>(invoices, |i| i.id).await?;
    let items = seed
        .factory::<InvoiceItem>()
        .each(picked!(invoices => invoice_id))
        .each(|x, at| {
            x.quantity(Decimal::from(at.rng.between(1, 10)));
            x.amount(x.quantity * x.unit_price);
        });
    load.insert::<InvoiceItem>(items).await?;

    let services = seed.factory::<ServiceCatalogItem>();
    let services = load.keyed::<ServiceCatalogItem>(services, |x| x.id).await?;
    let quotes = seed
        .factory::<Quote>()
        .each(picked!(clients => client_id))
        .each(|q, at| {
            q.status(*at.rng.pick(&["draft", "sent", "accepted", "rejected"]));
            q.tax_amount((q.subtotal * q.tax_rate / Decimal::ONE_HUNDRED).round_dp(2));
            q.total(q.subtotal + q.tax_amount);
        });
    let quotes = load.keyed::<Quote>(quotes, |q| q.id).await?;
    let quote_items = seed
        .factory::<QuoteItem>()
        .each(picked!(quotes => quote_id))
        .each(picked!(services => service_template_id))
        .each(|x, at| {
            x.quantity(Decimal::from(at.rng.between(1, 10)));
            x.amount(x.quantity * x.unit_price);
        });
    load.insert::<QuoteItem>(quote_items).await?;

    let contracts = seed
        .factory::<Contract>()
        .each(picked!(clients => client_id))
        .each(picked!(projects => project_id));
    load.insert::<Contract>(contracts).await?;
    let (p, e) = (projects.clone(), equipment.clone());
    let expenses = seed.factory::<Expense>().each(move |x, at| {
        x.project_id(at.rng.chance(50).then(|| pick(&p, at)));
        x.equipment_id(at.rng.chance(30).then(|| pick(&e, at)));
    });
    load.insert::<Expense>(expenses).await?;
    let payments = seed
        .factory::<Payment>()
        .each(picked!(clients => client_id))
        .each(picked!(invoices => invoice_id));
    load.insert::<Payment>(payments).await?;
    let transactions = seed
        .factory::<PaymentTransaction>()
        .each(picked!(clients => client_id))
        .each(picked!(sessions => session_id));
    load.insert::<PaymentTransaction>(transactions).await?;
    let events = seed
        .factory::<StripeWebhookEvent>()
        .each(picked!(invoices => invoice_id));
    load.insert::<StripeWebhookEvent>(events).await?;

    let task_types = load
        .keyed::<TaskType>(seed.factory::<TaskType>(), |x| x.id)
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
    load.insert::<TimeEntry>(entries).await?;
    let notifications = seed
        .factory::<Notification>()
        .each(picked!(clients => client_id));
    load.insert::<Notification>(notifications).await?;
    load.insert::<AiConversation>(seed.factory::<AiConversation>())
        .await?;
    load.insert::<AiActionLog>(seed.factory::<AiActionLog>())
        .await?;

    let accounts = seed
        .factory::<ClientPortalAccount>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalAccount>(accounts).await?;
    let portal_sessions = seed
        .factory::<ClientPortalSession>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalSession>(portal_sessions).await?;
    let links = seed
        .factory::<ClientPortalMagicLink>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalMagicLink>(links).await?;
    let activity = seed
        .factory::<ClientPortalActivityLog>()
        .each(picked!(clients => client_id));
    load.insert::<ClientPortalActivityLog>(activity).await?;

    Ok(())
}
