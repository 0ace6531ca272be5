//! `base`: a small, fixed, readable studio, written with the typed insert
//! builders. Every value is spelled out, so a renamed or retyped column stops
//! this file compiling instead of failing a demo.

use schema_core::{Decimal, Json, NaiveDate, NaiveDateTime};
use schema_defs::json::{EmailAddress, Phone};
use schema_defs::tenant::*;
use sqlx::{Acquire, PgConnection};

fn day(month: u32, day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("a valid date")
}

fn eur(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn phone(kind: &str, number: &str) -> Phone {
    Phone {
        kind: kind.into(),
        number: number.into(),
    }
}

fn email(kind: &str, address: &str) -> EmailAddress {
    EmailAddress {
        kind: kind.into(),
        email: address.into(),
    }
}

/// Insert the `base` data set into an empty tenant database, in one transaction.
pub async fn seed(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let mut tx = conn.begin().await?;
    fill(&mut tx).await?;
    tx.commit().await
}

async fn fill(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    // Individuals, with vCard fields.
    let people = [
        (
            "Camille",
            "Durand",
            "Mlle",
            "camille.durand@example.com",
            "+33 6 12 34 56 78",
            "Lyon",
            "Cami D",
        ),
        (
            "Hugo",
            "Martin",
            "M.",
            "hugo.martin@example.com",
            "+33 6 98 76 54 32",
            "Paris",
            "Hugo M",
        ),
        (
            "Léa",
            "Bernard",
            "Mme",
            "lea.bernard@example.com",
            "+33 7 11 22 33 44",
            "Nantes",
            "Léa B",
        ),
        (
            "Malik",
            "Diallo",
            "M.",
            "malik.diallo@example.com",
            "+33 6 55 44 33 22",
            "Marseille",
            "MK Diallo",
        ),
    ];
    let mut individuals = Vec::new();
    for (first, last, prefix, mail, tel, city, artist) in people {
        let client = Client::insert()
            .name(format!("{first} {last}"))
            .kind(ClientType::Individual)
            .first_name(first)
            .last_name(last)
            .prefix(prefix)
            .artist_name(artist)
            .email(mail)
            .phone(tel)
            .phones(Json(vec![phone("mobile", tel)]))
            .emails(Json(vec![email("personal", mail)]))
            .city(city)
            .country("France")
            .genres(Json(vec!["Pop".to_owned(), "Soul".to_owned()]))
            .returning_row(&mut *conn)
            .await?;
        individuals.push(client);
    }

    // Companies, linked to their members.
    let label = Client::insert()
        .name("Nuit Blanche Records")
        .kind(ClientType::Company)
        .email("contact@nuitblanche.example")
        .phones(Json(vec![phone("work", "+33 4 72 00 00 00")]))
        .emails(Json(vec![email("work", "contact@nuitblanche.example")]))
        .city("Lyon")
        .country("France")
        .is_vip(true)
        .returning_row(&mut *conn)
        .await?;
    let agency = Client::insert()
        .name("Studio Pub Factory")
        .kind(ClientType::Company)
        .email("hello@pubfactory.example")
        .city("Paris")
        .country("France")
        .returning_row(&mut *conn)
        .await?;
    for (company, member, role, primary) in [
        (&label, &individuals[0], "Artist", true),
        (&label, &individuals[1], "A&R", false),
        (&agency, &individuals[2], "Producer", true),
    ] {
        CompanyMember::insert()
            .company_client_id(company.id)
            .member_client_id(member.id)
            .role(role)
            .is_primary(primary)
            .returning_key(&mut *conn)
            .await?;
    }

    // Rooms and their equipment.
    let studio_a = Room::insert()
        .name("Studio A")
        .kind(RoomType::Recording)
        .hourly_rate(eur(6_500))
        .half_day_rate(eur(24_000))
        .full_day_rate(eur(45_000))
        .capacity(8)
        .has_live_room(true)
        .has_control_room(true)
        .returning_row(&mut *conn)
        .await?;
    let mix_room = Room::insert()
        .name("Mix Room")
        .kind(RoomType::Mixing)
        .hourly_rate(eur(5_000))
        .capacity(3)
        .has_control_room(true)
        .returning_row(&mut *conn)
        .await?;
    for (name, brand, category, room) in [
        (
            "U 87 Ai",
            "Neumann",
            EquipmentCategory::Microphone,
            &studio_a,
        ),
        ("1073", "Neve", EquipmentCategory::Preamp, &studio_a),
        (
            "Apollo x8",
            "Universal Audio",
            EquipmentCategory::Interface,
            &mix_room,
        ),
        ("NS-10M", "Yamaha", EquipmentCategory::Monitoring, &mix_room),
    ] {
        Equipment::insert()
            .name(name)
            .brand(brand)
            .category(category)
            .room_id(room.id)
            .returning_key(&mut *conn)
            .await?;
    }

    // A project with its tracks, musicians and credits.
    let album = Project::insert()
        .client_id(individuals[0].id)
        .name("Lumières")
        .artist_name("Cami D")
        .kind(ProjectType::Album)
        .status(ProjectStatus::Recording)
        .genre("Pop")
        .budget(eur(800_000))
        .start_date(day(3, 2, 10))
        .returning_row(&mut *conn)
        .await?;
    let guitarist = Musician::insert()
        .name("Paul Girard")
        .primary_instrument("Guitar")
        .hourly_rate(eur(4_000))
        .returning_row(&mut *conn)
        .await?;
    let drummer = Musician::insert()
        .name("Inès Roux")
        .primary_instrument("Drums")
        .returning_row(&mut *conn)
        .await?;
    for (n, title) in [(1, "Aube"), (2, "Lumières"), (3, "Nuit claire")] {
        let track = Track::insert()
            .project_id(album.id)
            .title(title)
            .track_number(n)
            .duration(200 + n * 17)
            .bpm(96 + n * 4)
            .recorded_in_room_id(studio_a.id)
            .returning_row(&mut *conn)
            .await?;
        for (musician, role) in [
            (&guitarist, TrackCreditRole::Guitar),
            (&drummer, TrackCreditRole::Drums),
        ] {
            TrackCredit::insert()
                .track_id(track.id)
                .musician_id(musician.id)
                .role(role)
                .credit_name(musician.name.as_str())
                .returning_key(&mut *conn)
                .await?;
        }
    }

    // Sessions: deposits and payment status.
    let sessions = [
        (
            individuals[0].id,
            &studio_a,
            "Lumières — drums",
            3,
            SessionStatus::Completed,
            SessionPaymentStatus::Paid,
            true,
        ),
        (
            individuals[0].id,
            &studio_a,
            "Lumières — vocals",
            10,
            SessionStatus::Completed,
            SessionPaymentStatus::Partial,
            true,
        ),
        (
            individuals[1].id,
            &mix_room,
            "Single mix",
            17,
            SessionStatus::Scheduled,
            SessionPaymentStatus::Unpaid,
            false,
        ),
        (
            label.id,
            &studio_a,
            "Label showcase",
            24,
            SessionStatus::Scheduled,
            SessionPaymentStatus::Unpaid,
            false,
        ),
    ];
    let mut session_ids = Vec::new();
    for (client_id, room, title, d, status, payment, deposit_paid) in sessions {
        let total = room.hourly_rate * Decimal::from(6);
        let id = Session::insert()
            .client_id(client_id)
            .room_id(room.id)
            .project_id(album.id)
            .title(title)
            .start_time(day(4, d, 10))
            .end_time(day(4, d, 16))
            .status(status)
            .total_amount(total)
            .deposit_amount((total * Decimal::new(30, 2)).round_dp(2))
            .deposit_paid(deposit_paid)
            .payment_status(payment)
            .returning_key(&mut *conn)
            .await?;
        session_ids.push(id);
    }

    // Invoices with deposit fields and items.
    let lines = [
        ("Recording, 6 h, Studio A", 6, 6_500),
        ("Mix, per track", 3, 25_000),
    ];
    let subtotal: Decimal = lines
        .iter()
        .map(|(_, q, p)| Decimal::from(*q) * eur(*p))
        .sum();
    let tax = (subtotal * Decimal::new(20, 2)).round_dp(2);
    let deposit = eur(30_000);
    let invoice = Invoice::insert()
        .invoice_number("INV-2026-0001")
        .client_id(individuals[0].id)
        .issue_date(day(4, 11, 9))
        .due_date(day(5, 11, 9))
        .status(InvoiceStatus::Sent)
        .subtotal(subtotal)
        .tax_rate(eur(2_000))
        .tax_amount(tax)
        .total(subtotal + tax)
        .deposit_amount(deposit)
        .deposit_paid_at(day(4, 12, 14))
        .remaining_balance(subtotal + tax - deposit)
        .returning_row(&mut *conn)
        .await?;
    for (description, quantity, price) in lines {
        InvoiceItem::insert()
            .invoice_id(invoice.id)
            .description(description)
            .quantity(Decimal::from(quantity))
            .unit_price(eur(price))
            .amount(Decimal::from(quantity) * eur(price))
            .returning_key(&mut *conn)
            .await?;
    }

    // The service catalog, and a quote built from it.
    let catalog = [
        ("Recording hour", ServiceCatalogItemCategory::Studio, 6_500),
        (
            "Mixing, per track",
            ServiceCatalogItemCategory::PostProduction,
            25_000,
        ),
        (
            "Mastering, per track",
            ServiceCatalogItemCategory::PostProduction,
            8_000,
        ),
        (
            "Backline rental, per day",
            ServiceCatalogItemCategory::LocationMateriel,
            15_000,
        ),
    ];
    let mut services = Vec::new();
    for (order, (name, category, price)) in catalog.into_iter().enumerate() {
        services.push(
            ServiceCatalogItem::insert()
                .name(name)
                .category(category)
                .unit_price(eur(price))
                .display_order(order as i32)
                .returning_row(&mut *conn)
                .await?,
        );
    }
    let quote_lines = [(&services[1], 5), (&services[2], 5)];
    let quote_subtotal: Decimal = quote_lines
        .iter()
        .map(|(s, q)| s.unit_price * Decimal::from(*q))
        .sum();
    let quote_tax = (quote_subtotal * Decimal::new(20, 2)).round_dp(2);
    let quote = Quote::insert()
        .quote_number("QUO-2026-0001")
        .client_id(label.id)
        .status("sent")
        .sent_at(day(4, 20, 11))
        .subtotal(quote_subtotal)
        .tax_amount(quote_tax)
        .total(quote_subtotal + quote_tax)
        .returning_row(&mut *conn)
        .await?;
    for (order, (service, quantity)) in quote_lines.into_iter().enumerate() {
        QuoteItem::insert()
            .quote_id(quote.id)
            .description(service.name.as_str())
            .quantity(Decimal::from(quantity))
            .unit_price(service.unit_price)
            .amount(service.unit_price * Decimal::from(quantity))
            .service_template_id(service.id)
            .display_order(order as i32)
            .returning_key(&mut *conn)
            .await?;
    }

    // Task types and time entries on the sessions.
    let recording = TaskType::insert()
        .name("Recording")
        .hourly_rate(eur(6_500))
        .color("#e74c3c")
        .returning_row(&mut *conn)
        .await?;
    let admin = TaskType::insert()
        .name("Admin")
        .hourly_rate(eur(0))
        .category(TaskTypeCategory::NonBillable)
        .color("#95a5a6")
        .sort_order(1)
        .returning_row(&mut *conn)
        .await?;
    for (i, session_id) in session_ids.iter().take(2).enumerate() {
        let start = day(4, 3 + 7 * i as u32, 10);
        TimeEntry::insert()
            .task_type_id(recording.id)
            .session_id(*session_id)
            .project_id(album.id)
            .start_time(start)
            .end_time(start + schema_core::Duration::hours(6))
            .duration_minutes(360)
            .hourly_rate_snapshot(recording.hourly_rate)
            .invoice_id(invoice.id)
            .returning_key(&mut *conn)
            .await?;
    }
    TimeEntry::insert()
        .task_type_id(admin.id)
        .start_time(day(4, 11, 8))
        .duration_minutes(30)
        .hourly_rate_snapshot(admin.hourly_rate)
        .notes("Invoice and booking follow-up")
        .returning_key(&mut *conn)
        .await?;
    Ok(())
}
