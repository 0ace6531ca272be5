//! One insert into each of the 38 tables through its generated builder, every
//! column given a value other than its default; the returned row and the row
//! read back with a plain SELECT both equal what was given.
//!
//! (Scaffolded from the reference schema; maintained by hand since.)

use schema_core::{Decimal, Json, NaiveDate, NaiveDateTime, Table};
use schema_defs::json::{CustomField, EmailAddress, Phone, Website};
use schema_defs::{master::*, tenant::*};
use sqlx::PgConnection;
use std::str::FromStr;
use tests::fresh_database;

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, day)
        .unwrap()
        .and_hms_opt(hour, 15, 30)
        .unwrap()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

async fn read_back<T>(conn: &mut PgConnection, id: i32) -> T
where
    T: Table + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    sqlx::query_as(&format!("SELECT * FROM {} WHERE id = $1", T::NAME))
        .bind(id)
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_master_table_round_trips_through_its_builder() {
    let test_db = fresh_database().await;
    let mut conn = test_db.connect().await;
    conn_exec(
        &mut conn,
        &runner::schema::sql_script(schema_core::DbKind::Master),
    )
    .await;
    let expected = User {
        id: 0,
        email: "email 1".to_owned(),
        name: Some("name 2".to_owned()),
        password_hash: Some("password_hash 3".to_owned()),
        role: UserRole::Admin,
        is_active: false,
        created_at: at(7, 6),
        updated_at: at(8, 7),
    };
    let row_users = User::insert()
        .email(expected.email.clone())
        .name(expected.name.clone())
        .password_hash(expected.password_hash.clone())
        .role(expected.role)
        .is_active(expected.is_active)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_users,
        User {
            id: row_users.id,
            ..expected
        }
    );
    assert_eq!(read_back::<User>(&mut conn, row_users.id).await, row_users);
    let expected = Organization {
        id: 0,
        name: "name 8".to_owned(),
        slug: "slug 9".to_owned(),
        subdomain: "subdomain 10".to_owned(),
        owner_id: row_users.id,
        logo_url: Some("logo_url 12".to_owned()),
        phone: Some("phone 13".to_owned()),
        address: Some("address text 14\nwith a second line".to_owned()),
        city: Some("city 15".to_owned()),
        country: Some("country 16".to_owned()),
        timezone: "timezone 17".to_owned(),
        currency: "currenc18".to_owned(),
        language: "languag19".to_owned(),
        subscription_tier: OrganizationSubscriptionTier::Enterprise,
        trial_ends_at: Some(at(22, 21)),
        stripe_customer_id: Some("stripe_customer_id 22".to_owned()),
        stripe_subscription_id: Some("stripe_subscription_id 23".to_owned()),
        subscription_status: Some(OrganizationSubscriptionStatus::Suspended),
        current_period_end: Some(at(26, 1)),
        is_active: false,
        created_at: at(1, 3),
        updated_at: at(2, 4),
    };
    let row_organizations = Organization::insert()
        .name(expected.name.clone())
        .slug(expected.slug.clone())
        .subdomain(expected.subdomain.clone())
        .owner_id(expected.owner_id)
        .logo_url(expected.logo_url.clone())
        .phone(expected.phone.clone())
        .address(expected.address.clone())
        .city(expected.city.clone())
        .country(expected.country.clone())
        .timezone(expected.timezone.clone())
        .currency(expected.currency.clone())
        .language(expected.language.clone())
        .subscription_tier(expected.subscription_tier)
        .trial_ends_at(expected.trial_ends_at)
        .stripe_customer_id(expected.stripe_customer_id.clone())
        .stripe_subscription_id(expected.stripe_subscription_id.clone())
        .subscription_status(expected.subscription_status)
        .current_period_end(expected.current_period_end)
        .is_active(expected.is_active)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_organizations,
        Organization {
            id: row_organizations.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Organization>(&mut conn, row_organizations.id).await,
        row_organizations
    );
    let expected = OrganizationMember {
        id: 0,
        user_id: row_users.id,
        organization_id: row_organizations.id,
        role: OrganizationMemberRole::Admin,
        joined_at: at(6, 8),
    };
    let row_organization_members = OrganizationMember::insert()
        .user_id(expected.user_id)
        .organization_id(expected.organization_id)
        .role(expected.role)
        .joined_at(expected.joined_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_organization_members,
        OrganizationMember {
            id: row_organization_members.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<OrganizationMember>(&mut conn, row_organization_members.id).await,
        row_organization_members
    );
    let expected = Invitation {
        id: 0,
        email: "email 33".to_owned(),
        organization_id: row_organizations.id,
        invited_by: row_users.id,
        role: "role 36".to_owned(),
        token: "token 37".to_owned(),
        status: InvitationStatus::Expired,
        expires_at: at(13, 15),
        created_at: at(14, 16),
    };
    let row_invitations = Invitation::insert()
        .email(expected.email.clone())
        .organization_id(expected.organization_id)
        .invited_by(expected.invited_by)
        .role(expected.role.clone())
        .token(expected.token.clone())
        .status(expected.status)
        .expires_at(expected.expires_at)
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_invitations,
        Invitation {
            id: row_invitations.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Invitation>(&mut conn, row_invitations.id).await,
        row_invitations
    );
    let expected = TenantDatabase {
        id: 0,
        organization_id: row_organizations.id,
        database_name: "database_name 42".to_owned(),
        created_at: at(17, 19),
    };
    let row_tenant_databases = TenantDatabase::insert()
        .organization_id(expected.organization_id)
        .database_name(expected.database_name.clone())
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_tenant_databases,
        TenantDatabase {
            id: row_tenant_databases.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<TenantDatabase>(&mut conn, row_tenant_databases.id).await,
        row_tenant_databases
    );
    let expected = SubscriptionPlan {
        id: 0,
        name: "name 44".to_owned(),
        display_name: "display_name 45".to_owned(),
        description: Some("description text 46\nwith a second line".to_owned()),
        price_monthly: 147,
        price_yearly: 148,
        stripe_price_id_monthly: Some("stripe_price_id_monthly 49".to_owned()),
        stripe_price_id_yearly: Some("stripe_price_id_yearly 50".to_owned()),
        features: "features text 51\nwith a second line".to_owned(),
        max_users: Some(152),
        max_sessions: Some(153),
        max_storage: Some(154),
        is_active: false,
        created_at: at(3, 8),
    };
    let row_subscription_plans = SubscriptionPlan::insert()
        .name(expected.name.clone())
        .display_name(expected.display_name.clone())
        .description(expected.description.clone())
        .price_monthly(expected.price_monthly)
        .price_yearly(expected.price_yearly)
        .stripe_price_id_monthly(expected.stripe_price_id_monthly.clone())
        .stripe_price_id_yearly(expected.stripe_price_id_yearly.clone())
        .features(expected.features.clone())
        .max_users(expected.max_users)
        .max_sessions(expected.max_sessions)
        .max_storage(expected.max_storage)
        .is_active(expected.is_active)
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_subscription_plans,
        SubscriptionPlan {
            id: row_subscription_plans.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<SubscriptionPlan>(&mut conn, row_subscription_plans.id).await,
        row_subscription_plans
    );
    let expected = AiCredit {
        id: 0,
        organization_id: row_organizations.id,
        credits_remaining: 158,
        credits_used_this_month: 159,
        plan: AiCreditPlan::Enterprise,
        last_recharge_at: Some(at(8, 13)),
        next_recharge_at: Some(at(9, 14)),
        created_at: at(10, 15),
        updated_at: at(11, 16),
    };
    let row_ai_credits = AiCredit::insert()
        .organization_id(expected.organization_id)
        .credits_remaining(expected.credits_remaining)
        .credits_used_this_month(expected.credits_used_this_month)
        .plan(expected.plan)
        .last_recharge_at(expected.last_recharge_at)
        .next_recharge_at(expected.next_recharge_at)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_ai_credits,
        AiCredit {
            id: row_ai_credits.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<AiCredit>(&mut conn, row_ai_credits.id).await,
        row_ai_credits
    );
}

#[tokio::test]
async fn every_tenant_table_round_trips_through_its_builder() {
    let test_db = fresh_database().await;
    let mut conn = test_db.connect().await;
    conn_exec(
        &mut conn,
        &runner::schema::sql_script(schema_core::DbKind::Tenant),
    )
    .await;
    let expected = Client {
        id: 0,
        user_id: Some(165),
        name: "name 66".to_owned(),
        artist_name: Some("artist_name 67".to_owned()),
        email: Some("email 68".to_owned()),
        phone: Some("phone 69".to_owned()),
        kind: ClientType::Company,
        address: Some("address text 71\nwith a second line".to_owned()),
        city: Some("city 72".to_owned()),
        country: Some("country 73".to_owned()),
        notes: Some("notes text 74\nwith a second line".to_owned()),
        is_vip: true,
        is_active: false,
        portal_access: true,
        first_name: Some("first_name 78".to_owned()),
        last_name: Some("last_name 79".to_owned()),
        middle_name: Some("middle_name 80".to_owned()),
        prefix: Some("prefix 81".to_owned()),
        suffix: Some("suffix 82".to_owned()),
        avatar_url: Some("avatar_url 83".to_owned()),
        logo_url: Some("logo_url 84".to_owned()),
        phones: Some(Json(vec![Phone {
            kind: "mobile".into(),
            number: "+33 6 12 34 56 78".into(),
        }])),
        emails: Some(Json(vec![EmailAddress {
            kind: "work".into(),
            email: "ana@example.com".into(),
        }])),
        websites: Some(Json(vec![Website {
            kind: "site".into(),
            url: "https://example.com".into(),
        }])),
        street: Some("street 88".to_owned()),
        postal_code: Some("postal_code 89".to_owned()),
        region: Some("region 90".to_owned()),
        birthday: Some(NaiveDate::from_ymd_opt(1990, 7, 14).unwrap()),
        gender: Some("gender 92".to_owned()),
        custom_fields: Some(Json(vec![CustomField {
            label: "Label".into(),
            kind: "number".into(),
            value: serde_json::json!({"n": 1.5, "tags": ["a"]}),
        }])),
        genres: Some(Json(vec!["jazz".to_owned(), "soul".to_owned()])),
        instruments: Some(Json(vec!["piano".to_owned()])),
        spotify_url: Some("spotify_url 96".to_owned()),
        apple_music_url: Some("apple_music_url 97".to_owned()),
        youtube_url: Some("youtube_url 98".to_owned()),
        soundcloud_url: Some("soundcloud_url 99".to_owned()),
        bandcamp_url: Some("bandcamp_url 100".to_owned()),
        deezer_url: Some("deezer_url 101".to_owned()),
        tidal_url: Some("tidal_url 102".to_owned()),
        amazon_music_url: Some("amazon_music_url 103".to_owned()),
        audiomack_url: Some("audiomack_url 104".to_owned()),
        beatport_url: Some("beatport_url 105".to_owned()),
        other_platforms_url: Some("other_platforms_url text 106\nwith a second line".to_owned()),
        record_label: Some("record_label 107".to_owned()),
        distributor: Some("distributor 108".to_owned()),
        manager_contact: Some("manager_contact 109".to_owned()),
        publisher: Some("publisher 110".to_owned()),
        performance_rights_society: Some("performance_rights_society 111".to_owned()),
        years_active: Some("years_active 112".to_owned()),
        notable_works: Some("notable_works text 113\nwith a second line".to_owned()),
        awards_recognition: Some("awards_recognition text 114\nwith a second line".to_owned()),
        biography: Some("biography text 115\nwith a second line".to_owned()),
        created_at: at(9, 20),
        updated_at: at(10, 21),
    };
    let row_clients = Client::insert()
        .user_id(expected.user_id)
        .name(expected.name.clone())
        .artist_name(expected.artist_name.clone())
        .email(expected.email.clone())
        .phone(expected.phone.clone())
        .kind(expected.kind)
        .address(expected.address.clone())
        .city(expected.city.clone())
        .country(expected.country.clone())
        .notes(expected.notes.clone())
        .is_vip(expected.is_vip)
        .is_active(expected.is_active)
        .portal_access(expected.portal_access)
        .first_name(expected.first_name.clone())
        .last_name(expected.last_name.clone())
        .middle_name(expected.middle_name.clone())
        .prefix(expected.prefix.clone())
        .suffix(expected.suffix.clone())
        .avatar_url(expected.avatar_url.clone())
        .logo_url(expected.logo_url.clone())
        .phones(expected.phones.clone())
        .emails(expected.emails.clone())
        .websites(expected.websites.clone())
        .street(expected.street.clone())
        .postal_code(expected.postal_code.clone())
        .region(expected.region.clone())
        .birthday(expected.birthday)
        .gender(expected.gender.clone())
        .custom_fields(expected.custom_fields.clone())
        .genres(expected.genres.clone())
        .instruments(expected.instruments.clone())
        .spotify_url(expected.spotify_url.clone())
        .apple_music_url(expected.apple_music_url.clone())
        .youtube_url(expected.youtube_url.clone())
        .soundcloud_url(expected.soundcloud_url.clone())
        .bandcamp_url(expected.bandcamp_url.clone())
        .deezer_url(expected.deezer_url.clone())
        .tidal_url(expected.tidal_url.clone())
        .amazon_music_url(expected.amazon_music_url.clone())
        .audiomack_url(expected.audiomack_url.clone())
        .beatport_url(expected.beatport_url.clone())
        .other_platforms_url(expected.other_platforms_url.clone())
        .record_label(expected.record_label.clone())
        .distributor(expected.distributor.clone())
        .manager_contact(expected.manager_contact.clone())
        .publisher(expected.publisher.clone())
        .performance_rights_society(expected.performance_rights_society.clone())
        .years_active(expected.years_active.clone())
        .notable_works(expected.notable_works.clone())
        .awards_recognition(expected.awards_recognition.clone())
        .biography(expected.biography.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_clients,
        Client {
            id: row_clients.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Client>(&mut conn, row_clients.id).await,
        row_clients
    );
    let expected = ClientContact {
        id: 0,
        client_id: row_clients.id,
        first_name: "first_name 119".to_owned(),
        last_name: "last_name 120".to_owned(),
        title: Some("title 121".to_owned()),
        email: Some("email 122".to_owned()),
        phone: Some("phone 123".to_owned()),
        is_primary: true,
        created_at: at(18, 5),
        updated_at: at(19, 6),
    };
    let row_client_contacts = ClientContact::insert()
        .client_id(expected.client_id)
        .first_name(expected.first_name.clone())
        .last_name(expected.last_name.clone())
        .title(expected.title.clone())
        .email(expected.email.clone())
        .phone(expected.phone.clone())
        .is_primary(expected.is_primary)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_client_contacts,
        ClientContact {
            id: row_client_contacts.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<ClientContact>(&mut conn, row_client_contacts.id).await,
        row_client_contacts
    );
    let expected = ClientNote {
        id: 0,
        client_id: row_clients.id,
        note: "note text 128\nwith a second line".to_owned(),
        created_at: at(22, 9),
        created_by: Some(230),
    };
    let row_client_notes = ClientNote::insert()
        .client_id(expected.client_id)
        .note(expected.note.clone())
        .created_at(expected.created_at)
        .created_by(expected.created_by)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_client_notes,
        ClientNote {
            id: row_client_notes.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<ClientNote>(&mut conn, row_client_notes.id).await,
        row_client_notes
    );
    let expected = CompanyMember {
        id: 0,
        company_client_id: row_clients.id,
        member_client_id: row_clients.id,
        role: Some("role 133".to_owned()),
        is_primary: true,
        created_at: at(1, 15),
        updated_at: at(2, 16),
    };
    let row_company_members = CompanyMember::insert()
        .company_client_id(expected.company_client_id)
        .member_client_id(expected.member_client_id)
        .role(expected.role.clone())
        .is_primary(expected.is_primary)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_company_members,
        CompanyMember {
            id: row_company_members.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<CompanyMember>(&mut conn, row_company_members.id).await,
        row_company_members
    );
    let expected = Room {
        id: 0,
        name: "name 137".to_owned(),
        description: Some("description text 138\nwith a second line".to_owned()),
        kind: RoomType::Live,
        hourly_rate: dec("1140.77"),
        half_day_rate: Some(dec("1141.77")),
        full_day_rate: Some(dec("1142.77")),
        capacity: 243,
        size: Some(244),
        has_isolation_booth: true,
        has_live_room: true,
        has_control_room: true,
        equipment_list: Some("equipment_list text 148\nwith a second line".to_owned()),
        is_active: false,
        is_available_for_booking: false,
        color: Some("#a00151".to_owned()),
        image_url: Some("image_url 152".to_owned()),
        created_at: at(19, 9),
        updated_at: at(20, 10),
    };
    let row_rooms = Room::insert()
        .name(expected.name.clone())
        .description(expected.description.clone())
        .kind(expected.kind)
        .hourly_rate(expected.hourly_rate)
        .half_day_rate(expected.half_day_rate)
        .full_day_rate(expected.full_day_rate)
        .capacity(expected.capacity)
        .size(expected.size)
        .has_isolation_booth(expected.has_isolation_booth)
        .has_live_room(expected.has_live_room)
        .has_control_room(expected.has_control_room)
        .equipment_list(expected.equipment_list.clone())
        .is_active(expected.is_active)
        .is_available_for_booking(expected.is_available_for_booking)
        .color(expected.color.clone())
        .image_url(expected.image_url.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_rooms,
        Room {
            id: row_rooms.id,
            ..expected
        }
    );
    assert_eq!(read_back::<Room>(&mut conn, row_rooms.id).await, row_rooms);
    let expected = Equipment {
        id: 0,
        room_id: Some(row_rooms.id),
        name: "name 156".to_owned(),
        brand: Some("brand 157".to_owned()),
        model: Some("model 158".to_owned()),
        serial_number: Some("serial_number 159".to_owned()),
        category: EquipmentCategory::Other,
        description: Some("description text 161\nwith a second line".to_owned()),
        specifications: Some("specifications text 162\nwith a second line".to_owned()),
        purchase_date: Some(at(2, 19)),
        purchase_price: Some(dec("1164.77")),
        warranty_until: Some(at(4, 21)),
        status: EquipmentStatus::Rented,
        condition: EquipmentCondition::Poor,
        last_maintenance_at: Some(at(7, 0)),
        next_maintenance_at: Some(at(8, 1)),
        maintenance_notes: Some("maintenance_notes text 170\nwith a second line".to_owned()),
        location: Some("location 171".to_owned()),
        is_available: false,
        image_url: Some("image_url 173".to_owned()),
        notes: Some("notes text 174\nwith a second line".to_owned()),
        created_at: at(14, 7),
        updated_at: at(15, 8),
    };
    let row_equipment = Equipment::insert()
        .room_id(expected.room_id)
        .name(expected.name.clone())
        .brand(expected.brand.clone())
        .model(expected.model.clone())
        .serial_number(expected.serial_number.clone())
        .category(expected.category)
        .description(expected.description.clone())
        .specifications(expected.specifications.clone())
        .purchase_date(expected.purchase_date)
        .purchase_price(expected.purchase_price)
        .warranty_until(expected.warranty_until)
        .status(expected.status)
        .condition(expected.condition)
        .last_maintenance_at(expected.last_maintenance_at)
        .next_maintenance_at(expected.next_maintenance_at)
        .maintenance_notes(expected.maintenance_notes.clone())
        .location(expected.location.clone())
        .is_available(expected.is_available)
        .image_url(expected.image_url.clone())
        .notes(expected.notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_equipment,
        Equipment {
            id: row_equipment.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Equipment>(&mut conn, row_equipment.id).await,
        row_equipment
    );
    let expected = Project {
        id: 0,
        client_id: row_clients.id,
        name: "name 178".to_owned(),
        artist_name: Some("artist_name 179".to_owned()),
        description: Some("description text 180\nwith a second line".to_owned()),
        genre: Some("genre 181".to_owned()),
        kind: ProjectType::Podcast,
        status: ProjectStatus::Archived,
        start_date: Some(at(23, 16)),
        target_delivery_date: Some(at(24, 17)),
        actual_delivery_date: Some(at(25, 18)),
        end_date: Some(at(26, 19)),
        budget: Some(dec("1188.77")),
        total_cost: Some(dec("1189.77")),
        track_count: Some(290),
        label: Some("label 191".to_owned()),
        catalog_number: Some("catalog_number 192".to_owned()),
        cover_art_url: Some("cover_art_url 193".to_owned()),
        spotify_url: Some("spotify_url 194".to_owned()),
        apple_music_url: Some("apple_music_url 195".to_owned()),
        storage_location: Some("storage_location 196".to_owned()),
        storage_size: Some(297),
        notes: Some("notes text 198\nwith a second line".to_owned()),
        technical_notes: Some("technical_notes text 199\nwith a second line".to_owned()),
        created_at: at(12, 8),
        updated_at: at(13, 9),
    };
    let row_projects = Project::insert()
        .client_id(expected.client_id)
        .name(expected.name.clone())
        .artist_name(expected.artist_name.clone())
        .description(expected.description.clone())
        .genre(expected.genre.clone())
        .kind(expected.kind)
        .status(expected.status)
        .start_date(expected.start_date)
        .target_delivery_date(expected.target_delivery_date)
        .actual_delivery_date(expected.actual_delivery_date)
        .end_date(expected.end_date)
        .budget(expected.budget)
        .total_cost(expected.total_cost)
        .track_count(expected.track_count)
        .label(expected.label.clone())
        .catalog_number(expected.catalog_number.clone())
        .cover_art_url(expected.cover_art_url.clone())
        .spotify_url(expected.spotify_url.clone())
        .apple_music_url(expected.apple_music_url.clone())
        .storage_location(expected.storage_location.clone())
        .storage_size(expected.storage_size)
        .notes(expected.notes.clone())
        .technical_notes(expected.technical_notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_projects,
        Project {
            id: row_projects.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Project>(&mut conn, row_projects.id).await,
        row_projects
    );
    let expected = Session {
        id: 0,
        client_id: row_clients.id,
        room_id: row_rooms.id,
        project_id: Some(row_projects.id),
        title: "title 205".to_owned(),
        description: Some("description text 206\nwith a second line".to_owned()),
        start_time: at(19, 15),
        end_time: at(20, 16),
        status: SessionStatus::Cancelled,
        total_amount: Some(dec("1210.77")),
        deposit_amount: Some(dec("1211.77")),
        deposit_paid: true,
        payment_status: SessionPaymentStatus::Refunded,
        stripe_checkout_session_id: Some("stripe_checkout_session_id 214".to_owned()),
        stripe_payment_intent_id: Some("stripe_payment_intent_id 215".to_owned()),
        notes: Some("notes text 216\nwith a second line".to_owned()),
        created_at: at(2, 1),
        updated_at: at(3, 2),
    };
    let row_sessions = Session::insert()
        .client_id(expected.client_id)
        .room_id(expected.room_id)
        .project_id(expected.project_id)
        .title(expected.title.clone())
        .description(expected.description.clone())
        .start_time(expected.start_time)
        .end_time(expected.end_time)
        .status(expected.status)
        .total_amount(expected.total_amount)
        .deposit_amount(expected.deposit_amount)
        .deposit_paid(expected.deposit_paid)
        .payment_status(expected.payment_status)
        .stripe_checkout_session_id(expected.stripe_checkout_session_id.clone())
        .stripe_payment_intent_id(expected.stripe_payment_intent_id.clone())
        .notes(expected.notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_sessions,
        Session {
            id: row_sessions.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Session>(&mut conn, row_sessions.id).await,
        row_sessions
    );
    let expected = Track {
        id: 0,
        project_id: row_projects.id,
        title: "title 220".to_owned(),
        track_number: Some(321),
        duration: Some(322),
        isrc: Some("isrc 223".to_owned()),
        status: TrackStatus::Completed,
        bpm: Some(325),
        key: Some("key 226".to_owned()),
        lyrics: Some("lyrics text 227\nwith a second line".to_owned()),
        file_url: Some("file_url 228".to_owned()),
        waveform_url: Some("waveform_url 229".to_owned()),
        demo_url: Some("demo_url 230".to_owned()),
        rough_mix_url: Some("rough_mix_url 231".to_owned()),
        final_mix_url: Some("final_mix_url 232".to_owned()),
        master_url: Some("master_url 233".to_owned()),
        composer: Some("composer 234".to_owned()),
        lyricist: Some("lyricist 235".to_owned()),
        copyright_holder: Some("copyright_holder 236".to_owned()),
        copyright_year: Some(337),
        genre_tags: Some("genre_tags text 238\nwith a second line".to_owned()),
        mood: Some("mood 239".to_owned()),
        language: Some("language 240".to_owned()),
        explicit_content: Some(true),
        patch_preset: Some("patch_preset text 242\nwith a second line".to_owned()),
        instruments_used: Some("instruments_used text 243\nwith a second line".to_owned()),
        microphones_used: Some("microphones_used text 244\nwith a second line".to_owned()),
        effects_chain: Some("effects_chain text 245\nwith a second line".to_owned()),
        daw_session_path: Some("daw_session_path 246".to_owned()),
        recorded_in_room_id: Some(row_rooms.id),
        notes: Some("notes text 248\nwith a second line".to_owned()),
        technical_notes: Some("technical_notes text 249\nwith a second line".to_owned()),
        created_at: at(8, 10),
        updated_at: at(9, 11),
    };
    let row_tracks = Track::insert()
        .project_id(expected.project_id)
        .title(expected.title.clone())
        .track_number(expected.track_number)
        .duration(expected.duration)
        .isrc(expected.isrc.clone())
        .status(expected.status)
        .bpm(expected.bpm)
        .key(expected.key.clone())
        .lyrics(expected.lyrics.clone())
        .file_url(expected.file_url.clone())
        .waveform_url(expected.waveform_url.clone())
        .demo_url(expected.demo_url.clone())
        .rough_mix_url(expected.rough_mix_url.clone())
        .final_mix_url(expected.final_mix_url.clone())
        .master_url(expected.master_url.clone())
        .composer(expected.composer.clone())
        .lyricist(expected.lyricist.clone())
        .copyright_holder(expected.copyright_holder.clone())
        .copyright_year(expected.copyright_year)
        .genre_tags(expected.genre_tags.clone())
        .mood(expected.mood.clone())
        .language(expected.language.clone())
        .explicit_content(expected.explicit_content)
        .patch_preset(expected.patch_preset.clone())
        .instruments_used(expected.instruments_used.clone())
        .microphones_used(expected.microphones_used.clone())
        .effects_chain(expected.effects_chain.clone())
        .daw_session_path(expected.daw_session_path.clone())
        .recorded_in_room_id(expected.recorded_in_room_id)
        .notes(expected.notes.clone())
        .technical_notes(expected.technical_notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_tracks,
        Track {
            id: row_tracks.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Track>(&mut conn, row_tracks.id).await,
        row_tracks
    );
    let expected = TrackComment {
        id: 0,
        track_id: row_tracks.id,
        version_type: TrackCommentVersionType::Master,
        author_id: 354,
        author_name: "author_name 255".to_owned(),
        author_type: TrackCommentAuthorType::Admin,
        content: "content text 257\nwith a second line".to_owned(),
        timestamp: dec("1258.777"),
        parent_id: None,
        status: TrackCommentStatus::Archived,
        is_edited: true,
        edited_at: Some(at(20, 22)),
        resolved_by: Some(363),
        resolved_at: Some(at(22, 0)),
        created_at: at(23, 1),
        updated_at: at(24, 2),
    };
    let row_track_comments = TrackComment::insert()
        .track_id(expected.track_id)
        .version_type(expected.version_type)
        .author_id(expected.author_id)
        .author_name(expected.author_name.clone())
        .author_type(expected.author_type)
        .content(expected.content.clone())
        .timestamp(expected.timestamp)
        .status(expected.status)
        .is_edited(expected.is_edited)
        .edited_at(expected.edited_at)
        .resolved_by(expected.resolved_by)
        .resolved_at(expected.resolved_at)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_track_comments,
        TrackComment {
            id: row_track_comments.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<TrackComment>(&mut conn, row_track_comments.id).await,
        row_track_comments
    );
    let expected = Musician {
        id: 0,
        name: "name 267".to_owned(),
        stage_name: Some("stage_name 268".to_owned()),
        email: Some("email 269".to_owned()),
        phone: Some("phone 270".to_owned()),
        bio: Some("bio text 271\nwith a second line".to_owned()),
        talent_type: MusicianTalentType::Actor,
        primary_instrument: Some("primary_instrument 273".to_owned()),
        website: Some("website 274".to_owned()),
        spotify_url: Some("spotify_url 275".to_owned()),
        hourly_rate: Some(dec("1276.77")),
        instruments: Some("instruments text 277\nwith a second line".to_owned()),
        genres: Some("genres text 278\nwith a second line".to_owned()),
        photo_url: Some("photo_url 279".to_owned()),
        image_url: Some("image_url 280".to_owned()),
        is_active: false,
        notes: Some("notes text 282\nwith a second line".to_owned()),
        created_at: at(14, 19),
        updated_at: at(15, 20),
    };
    let row_musicians = Musician::insert()
        .name(expected.name.clone())
        .stage_name(expected.stage_name.clone())
        .email(expected.email.clone())
        .phone(expected.phone.clone())
        .bio(expected.bio.clone())
        .talent_type(expected.talent_type)
        .primary_instrument(expected.primary_instrument.clone())
        .website(expected.website.clone())
        .spotify_url(expected.spotify_url.clone())
        .hourly_rate(expected.hourly_rate)
        .instruments(expected.instruments.clone())
        .genres(expected.genres.clone())
        .photo_url(expected.photo_url.clone())
        .image_url(expected.image_url.clone())
        .is_active(expected.is_active)
        .notes(expected.notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_musicians,
        Musician {
            id: row_musicians.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Musician>(&mut conn, row_musicians.id).await,
        row_musicians
    );
    let expected = TrackCredit {
        id: 0,
        track_id: row_tracks.id,
        musician_id: Some(row_musicians.id),
        role: TrackCreditRole::Bass,
        credit_name: "credit_name 288".to_owned(),
        is_primary: true,
        description: Some("description text 290\nwith a second line".to_owned()),
        created_at: at(22, 3),
    };
    let row_track_credits = TrackCredit::insert()
        .track_id(expected.track_id)
        .musician_id(expected.musician_id)
        .role(expected.role)
        .credit_name(expected.credit_name.clone())
        .is_primary(expected.is_primary)
        .description(expected.description.clone())
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_track_credits,
        TrackCredit {
            id: row_track_credits.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<TrackCredit>(&mut conn, row_track_credits.id).await,
        row_track_credits
    );
    let expected = Invoice {
        id: 0,
        invoice_number: "invoice_number 292".to_owned(),
        client_id: row_clients.id,
        issue_date: at(25, 6),
        due_date: at(26, 7),
        status: InvoiceStatus::Cancelled,
        subtotal: dec("1297.77"),
        tax_rate: dec("129.77"),
        tax_amount: dec("1299.77"),
        total: dec("1300.77"),
        deposit_amount: Some(dec("1301.77")),
        deposit_paid_at: Some(at(6, 14)),
        stripe_deposit_payment_intent_id: Some("stripe_deposit_payment_intent_id 303".to_owned()),
        remaining_balance: Some(dec("1304.77")),
        paid_at: Some(at(9, 17)),
        notes: Some("notes text 306\nwith a second line".to_owned()),
        pdf_s3_key: Some("pdf_s3_key text 307\nwith a second line".to_owned()),
        sent_at: Some(at(12, 20)),
        created_at: at(13, 21),
        updated_at: at(14, 22),
    };
    let row_invoices = Invoice::insert()
        .invoice_number(expected.invoice_number.clone())
        .client_id(expected.client_id)
        .issue_date(expected.issue_date)
        .due_date(expected.due_date)
        .status(expected.status)
        .subtotal(expected.subtotal)
        .tax_rate(expected.tax_rate)
        .tax_amount(expected.tax_amount)
        .total(expected.total)
        .deposit_amount(expected.deposit_amount)
        .deposit_paid_at(expected.deposit_paid_at)
        .stripe_deposit_payment_intent_id(expected.stripe_deposit_payment_intent_id.clone())
        .remaining_balance(expected.remaining_balance)
        .paid_at(expected.paid_at)
        .notes(expected.notes.clone())
        .pdf_s3_key(expected.pdf_s3_key.clone())
        .sent_at(expected.sent_at)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_invoices,
        Invoice {
            id: row_invoices.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Invoice>(&mut conn, row_invoices.id).await,
        row_invoices
    );
    let expected = InvoiceItem {
        id: 0,
        invoice_id: row_invoices.id,
        description: "description 312".to_owned(),
        quantity: dec("1313.77"),
        unit_price: dec("1314.77"),
        amount: dec("1315.77"),
        created_at: at(20, 4),
    };
    let row_invoice_items = InvoiceItem::insert()
        .invoice_id(expected.invoice_id)
        .description(expected.description.clone())
        .quantity(expected.quantity)
        .unit_price(expected.unit_price)
        .amount(expected.amount)
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_invoice_items,
        InvoiceItem {
            id: row_invoice_items.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<InvoiceItem>(&mut conn, row_invoice_items.id).await,
        row_invoice_items
    );
    let expected = Quote {
        id: 0,
        quote_number: "quote_number 317".to_owned(),
        client_id: row_clients.id,
        status: "status 319".to_owned(),
        created_at: at(24, 8),
        updated_at: at(25, 9),
        sent_at: Some(at(26, 10)),
        responded_at: Some(at(27, 11)),
        expires_at: Some(at(1, 12)),
        subtotal: dec("1325.77"),
        tax_rate: dec("132.77"),
        tax_amount: dec("1327.77"),
        total: dec("1328.77"),
        validity_days: 429,
        terms: Some("terms text 330\nwith a second line".to_owned()),
        notes: Some("notes text 331\nwith a second line".to_owned()),
        internal_notes: Some("internal_notes text 332\nwith a second line".to_owned()),
        converted_to_project_id: Some(row_projects.id),
        converted_at: Some(at(11, 22)),
    };
    let row_quotes = Quote::insert()
        .quote_number(expected.quote_number.clone())
        .client_id(expected.client_id)
        .status(expected.status.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .sent_at(expected.sent_at)
        .responded_at(expected.responded_at)
        .expires_at(expected.expires_at)
        .subtotal(expected.subtotal)
        .tax_rate(expected.tax_rate)
        .tax_amount(expected.tax_amount)
        .total(expected.total)
        .validity_days(expected.validity_days)
        .terms(expected.terms.clone())
        .notes(expected.notes.clone())
        .internal_notes(expected.internal_notes.clone())
        .converted_to_project_id(expected.converted_to_project_id)
        .converted_at(expected.converted_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_quotes,
        Quote {
            id: row_quotes.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Quote>(&mut conn, row_quotes.id).await,
        row_quotes
    );
    let expected = QuoteItem {
        id: 0,
        quote_id: row_quotes.id,
        description: "description 336".to_owned(),
        quantity: dec("1337.77"),
        unit_price: dec("1338.77"),
        amount: dec("1339.77"),
        service_template_id: Some(440),
        display_order: 441,
        created_at: at(19, 6),
    };
    let row_quote_items = QuoteItem::insert()
        .quote_id(expected.quote_id)
        .description(expected.description.clone())
        .quantity(expected.quantity)
        .unit_price(expected.unit_price)
        .amount(expected.amount)
        .service_template_id(expected.service_template_id)
        .display_order(expected.display_order)
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_quote_items,
        QuoteItem {
            id: row_quote_items.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<QuoteItem>(&mut conn, row_quote_items.id).await,
        row_quote_items
    );
    let expected = ServiceCatalogItem {
        id: 0,
        name: "name 343".to_owned(),
        description: Some("description text 344\nwith a second line".to_owned()),
        category: ServiceCatalogItemCategory::Autre,
        unit_price: dec("1346.77"),
        tax_rate: dec("134.77"),
        default_quantity: dec("1348.77"),
        is_active: false,
        display_order: 450,
        created_at: at(1, 15),
        updated_at: at(2, 16),
    };
    let row_service_catalog = ServiceCatalogItem::insert()
        .name(expected.name.clone())
        .description(expected.description.clone())
        .category(expected.category)
        .unit_price(expected.unit_price)
        .tax_rate(expected.tax_rate)
        .default_quantity(expected.default_quantity)
        .is_active(expected.is_active)
        .display_order(expected.display_order)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_service_catalog,
        ServiceCatalogItem {
            id: row_service_catalog.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<ServiceCatalogItem>(&mut conn, row_service_catalog.id).await,
        row_service_catalog
    );
    let expected = Contract {
        id: 0,
        contract_number: "contract_number 353".to_owned(),
        client_id: row_clients.id,
        project_id: Some(row_projects.id),
        kind: ContractType::Other,
        status: ContractStatus::Cancelled,
        title: "title 358".to_owned(),
        description: Some("description text 359\nwith a second line".to_owned()),
        terms: "terms text 360\nwith a second line".to_owned(),
        start_date: Some(at(11, 1)),
        end_date: Some(at(12, 2)),
        signed_at: Some(at(13, 3)),
        value: Some(dec("1364.77")),
        document_url: Some("document_url 365".to_owned()),
        signed_document_url: Some("signed_document_url 366".to_owned()),
        signature_request_id: Some("signature_request_id 367".to_owned()),
        signed_by: Some("signed_by 368".to_owned()),
        notes: Some("notes text 369\nwith a second line".to_owned()),
        created_at: at(20, 10),
        updated_at: at(21, 11),
    };
    let row_contracts = Contract::insert()
        .contract_number(expected.contract_number.clone())
        .client_id(expected.client_id)
        .project_id(expected.project_id)
        .kind(expected.kind)
        .status(expected.status)
        .title(expected.title.clone())
        .description(expected.description.clone())
        .terms(expected.terms.clone())
        .start_date(expected.start_date)
        .end_date(expected.end_date)
        .signed_at(expected.signed_at)
        .value(expected.value)
        .document_url(expected.document_url.clone())
        .signed_document_url(expected.signed_document_url.clone())
        .signature_request_id(expected.signature_request_id.clone())
        .signed_by(expected.signed_by.clone())
        .notes(expected.notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_contracts,
        Contract {
            id: row_contracts.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Contract>(&mut conn, row_contracts.id).await,
        row_contracts
    );
    let expected = Expense {
        id: 0,
        category: ExpenseCategory::Other,
        description: "description 373".to_owned(),
        vendor: Some("vendor 374".to_owned()),
        amount: dec("1375.77"),
        currency: "376".to_owned(),
        tax_amount: Some(dec("1377.77")),
        expense_date: at(1, 18),
        paid_at: Some(at(2, 19)),
        payment_method: Some(ExpensePaymentMethod::Other),
        reference_number: Some("reference_number 381".to_owned()),
        status: ExpenseStatus::Cancelled,
        is_recurring: true,
        project_id: Some(row_projects.id),
        equipment_id: Some(row_equipment.id),
        receipt_url: Some("receipt_url 386".to_owned()),
        notes: Some("notes text 387\nwith a second line".to_owned()),
        created_at: at(11, 4),
        updated_at: at(12, 5),
    };
    let row_expenses = Expense::insert()
        .category(expected.category)
        .description(expected.description.clone())
        .vendor(expected.vendor.clone())
        .amount(expected.amount)
        .currency(expected.currency.clone())
        .tax_amount(expected.tax_amount)
        .expense_date(expected.expense_date)
        .paid_at(expected.paid_at)
        .payment_method(expected.payment_method)
        .reference_number(expected.reference_number.clone())
        .status(expected.status)
        .is_recurring(expected.is_recurring)
        .project_id(expected.project_id)
        .equipment_id(expected.equipment_id)
        .receipt_url(expected.receipt_url.clone())
        .notes(expected.notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_expenses,
        Expense {
            id: row_expenses.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Expense>(&mut conn, row_expenses.id).await,
        row_expenses
    );
    let expected = Payment {
        id: 0,
        client_id: row_clients.id,
        invoice_id: Some(row_invoices.id),
        amount: dec("1392.77"),
        currency: "393".to_owned(),
        payment_date: at(17, 10),
        payment_method: PaymentPaymentMethod::Other,
        reference_number: Some("reference_number 396".to_owned()),
        stripe_payment_intent_id: Some("stripe_payment_intent_id 397".to_owned()),
        stripe_charge_id: Some("stripe_charge_id 398".to_owned()),
        status: PaymentStatus::Refunded,
        refunded_amount: Some(dec("1400.77")),
        refunded_at: Some(at(24, 17)),
        refund_reason: Some("refund_reason text 402\nwith a second line".to_owned()),
        notes: Some("notes text 403\nwith a second line".to_owned()),
        created_at: at(27, 20),
        updated_at: at(1, 21),
    };
    let row_payments = Payment::insert()
        .client_id(expected.client_id)
        .invoice_id(expected.invoice_id)
        .amount(expected.amount)
        .currency(expected.currency.clone())
        .payment_date(expected.payment_date)
        .payment_method(expected.payment_method)
        .reference_number(expected.reference_number.clone())
        .stripe_payment_intent_id(expected.stripe_payment_intent_id.clone())
        .stripe_charge_id(expected.stripe_charge_id.clone())
        .status(expected.status)
        .refunded_amount(expected.refunded_amount)
        .refunded_at(expected.refunded_at)
        .refund_reason(expected.refund_reason.clone())
        .notes(expected.notes.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_payments,
        Payment {
            id: row_payments.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Payment>(&mut conn, row_payments.id).await,
        row_payments
    );
    let expected = PaymentTransaction {
        id: 0,
        client_id: row_clients.id,
        session_id: Some(row_sessions.id),
        stripe_payment_intent_id: Some("stripe_payment_intent_id 408".to_owned()),
        stripe_checkout_session_id: Some("stripe_checkout_session_id 409".to_owned()),
        stripe_customer_id: Some("stripe_customer_id 410".to_owned()),
        amount: dec("1411.77"),
        currency: "412".to_owned(),
        payment_type: PaymentTransactionPaymentType::Refund,
        status: PaymentTransactionStatus::Refunded,
        stripe_status: Some("stripe_status 415".to_owned()),
        payment_method: Some(PaymentTransactionPaymentMethod::BankTransfer),
        last4: Some("l417".to_owned()),
        brand: Some(PaymentTransactionBrand::Mastercard),
        stripe_fee: Some(dec("1419.77")),
        net_amount: Some(dec("1420.77")),
        refunded_amount: Some(dec("1421.77")),
        refunded_at: Some(at(18, 14)),
        refund_reason: Some("refund_reason text 423\nwith a second line".to_owned()),
        metadata: Some("metadata text 424\nwith a second line".to_owned()),
        description: Some("description text 425\nwith a second line".to_owned()),
        error_code: Some("error_code 426".to_owned()),
        error_message: Some("error_message text 427\nwith a second line".to_owned()),
        paid_at: Some(at(24, 20)),
        created_at: at(25, 21),
        updated_at: at(26, 22),
    };
    let row_payment_transactions = PaymentTransaction::insert()
        .client_id(expected.client_id)
        .session_id(expected.session_id)
        .stripe_payment_intent_id(expected.stripe_payment_intent_id.clone())
        .stripe_checkout_session_id(expected.stripe_checkout_session_id.clone())
        .stripe_customer_id(expected.stripe_customer_id.clone())
        .amount(expected.amount)
        .currency(expected.currency.clone())
        .payment_type(expected.payment_type)
        .status(expected.status)
        .stripe_status(expected.stripe_status.clone())
        .payment_method(expected.payment_method)
        .last4(expected.last4.clone())
        .brand(expected.brand)
        .stripe_fee(expected.stripe_fee)
        .net_amount(expected.net_amount)
        .refunded_amount(expected.refunded_amount)
        .refunded_at(expected.refunded_at)
        .refund_reason(expected.refund_reason.clone())
        .metadata(expected.metadata.clone())
        .description(expected.description.clone())
        .error_code(expected.error_code.clone())
        .error_message(expected.error_message.clone())
        .paid_at(expected.paid_at)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_payment_transactions,
        PaymentTransaction {
            id: row_payment_transactions.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<PaymentTransaction>(&mut conn, row_payment_transactions.id).await,
        row_payment_transactions
    );
    let expected = StripeWebhookEvent {
        id: 0,
        event_id: "event_id 431".to_owned(),
        event_type: "event_type 432".to_owned(),
        processed_at: at(2, 1),
        invoice_id: Some(row_invoices.id),
        created_at: at(4, 3),
    };
    let row_stripe_webhook_events = StripeWebhookEvent::insert()
        .event_id(expected.event_id.clone())
        .event_type(expected.event_type.clone())
        .processed_at(expected.processed_at)
        .invoice_id(expected.invoice_id)
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_stripe_webhook_events,
        StripeWebhookEvent {
            id: row_stripe_webhook_events.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<StripeWebhookEvent>(&mut conn, row_stripe_webhook_events.id).await,
        row_stripe_webhook_events
    );
    let expected = TaskType {
        id: 0,
        name: "name 436".to_owned(),
        description: Some("description text 437\nwith a second line".to_owned()),
        hourly_rate: dec("1438.77"),
        category: TaskTypeCategory::NonBillable,
        color: Some("#a00440".to_owned()),
        sort_order: 541,
        is_active: false,
        created_at: at(12, 11),
        updated_at: at(13, 12),
    };
    let row_task_types = TaskType::insert()
        .name(expected.name.clone())
        .description(expected.description.clone())
        .hourly_rate(expected.hourly_rate)
        .category(expected.category)
        .color(expected.color.clone())
        .sort_order(expected.sort_order)
        .is_active(expected.is_active)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_task_types,
        TaskType {
            id: row_task_types.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<TaskType>(&mut conn, row_task_types.id).await,
        row_task_types
    );
    let expected = TimeEntry {
        id: 0,
        task_type_id: row_task_types.id,
        session_id: Some(row_sessions.id),
        project_id: Some(row_projects.id),
        track_id: Some(row_tracks.id),
        start_time: at(18, 17),
        end_time: Some(at(19, 18)),
        duration_minutes: Some(551),
        hourly_rate_snapshot: dec("1452.77"),
        manually_adjusted: true,
        invoice_id: Some(row_invoices.id),
        notes: Some("notes text 455\nwith a second line".to_owned()),
        created_by: Some(556),
        created_at: at(26, 1),
        updated_at: at(27, 2),
    };
    let row_time_entries = TimeEntry::insert()
        .task_type_id(expected.task_type_id)
        .session_id(expected.session_id)
        .project_id(expected.project_id)
        .track_id(expected.track_id)
        .start_time(expected.start_time)
        .end_time(expected.end_time)
        .duration_minutes(expected.duration_minutes)
        .hourly_rate_snapshot(expected.hourly_rate_snapshot)
        .manually_adjusted(expected.manually_adjusted)
        .invoice_id(expected.invoice_id)
        .notes(expected.notes.clone())
        .created_by(expected.created_by)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_time_entries,
        TimeEntry {
            id: row_time_entries.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<TimeEntry>(&mut conn, row_time_entries.id).await,
        row_time_entries
    );
    let expected = Notification {
        id: 0,
        kind: NotificationType::System,
        priority: NotificationPriority::Urgent,
        title: "title 461".to_owned(),
        message: "message text 462\nwith a second line".to_owned(),
        action_url: Some("action_url 463".to_owned()),
        action_label: Some("action_label 464".to_owned()),
        metadata: Some("metadata text 465\nwith a second line".to_owned()),
        is_read: true,
        read_at: Some(at(9, 11)),
        client_id: Some(row_clients.id),
        project_id: Some(row_projects.id),
        session_id: Some(row_sessions.id),
        invoice_id: Some(row_invoices.id),
        created_at: at(14, 16),
        updated_at: at(15, 17),
    };
    let row_notifications = Notification::insert()
        .kind(expected.kind)
        .priority(expected.priority)
        .title(expected.title.clone())
        .message(expected.message.clone())
        .action_url(expected.action_url.clone())
        .action_label(expected.action_label.clone())
        .metadata(expected.metadata.clone())
        .is_read(expected.is_read)
        .read_at(expected.read_at)
        .client_id(expected.client_id)
        .project_id(expected.project_id)
        .session_id(expected.session_id)
        .invoice_id(expected.invoice_id)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_notifications,
        Notification {
            id: row_notifications.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<Notification>(&mut conn, row_notifications.id).await,
        row_notifications
    );
    let expected = AiConversation {
        id: 0,
        session_id: "session_id 474".to_owned(),
        user_id: Some(575),
        page_context: Some("page_context text 476\nwith a second line".to_owned()),
        messages: "messages text 477\nwith a second line".to_owned(),
        total_messages: 578,
        actions_called: Some("actions_called text 479\nwith a second line".to_owned()),
        created_at: at(22, 0),
        updated_at: at(23, 1),
    };
    let row_ai_conversations = AiConversation::insert()
        .session_id(expected.session_id.clone())
        .user_id(expected.user_id)
        .page_context(expected.page_context.clone())
        .messages(expected.messages.clone())
        .total_messages(expected.total_messages)
        .actions_called(expected.actions_called.clone())
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_ai_conversations,
        AiConversation {
            id: row_ai_conversations.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<AiConversation>(&mut conn, row_ai_conversations.id).await,
        row_ai_conversations
    );
    let expected = AiActionLog {
        id: 0,
        session_id: "session_id 482".to_owned(),
        action_name: "action_name 483".to_owned(),
        params: Some("params text 484\nwith a second line".to_owned()),
        result: Some("result text 485\nwith a second line".to_owned()),
        status: AiActionLogStatus::Error,
        error: Some("error text 487\nwith a second line".to_owned()),
        execution_time_ms: Some(588),
        created_at: at(4, 9),
    };
    let row_ai_action_logs = AiActionLog::insert()
        .session_id(expected.session_id.clone())
        .action_name(expected.action_name.clone())
        .params(expected.params.clone())
        .result(expected.result.clone())
        .status(expected.status)
        .error(expected.error.clone())
        .execution_time_ms(expected.execution_time_ms)
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_ai_action_logs,
        AiActionLog {
            id: row_ai_action_logs.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<AiActionLog>(&mut conn, row_ai_action_logs.id).await,
        row_ai_action_logs
    );
    let expected = ClientPortalAccount {
        id: 0,
        client_id: row_clients.id,
        email: "email 491".to_owned(),
        password_hash: Some("password_hash 492".to_owned()),
        email_verified: true,
        email_verified_at: Some(at(9, 14)),
        last_login_at: Some(at(10, 15)),
        login_count: 596,
        is_active: false,
        is_locked: true,
        locked_at: Some(at(14, 19)),
        locked_reason: Some("locked_reason text 500\nwith a second line".to_owned()),
        reset_token: Some("reset_token 501".to_owned()),
        reset_token_expires_at: Some(at(17, 22)),
        created_at: at(18, 23),
        updated_at: at(19, 0),
    };
    let row_client_portal_accounts = ClientPortalAccount::insert()
        .client_id(expected.client_id)
        .email(expected.email.clone())
        .password_hash(expected.password_hash.clone())
        .email_verified(expected.email_verified)
        .email_verified_at(expected.email_verified_at)
        .last_login_at(expected.last_login_at)
        .login_count(expected.login_count)
        .is_active(expected.is_active)
        .is_locked(expected.is_locked)
        .locked_at(expected.locked_at)
        .locked_reason(expected.locked_reason.clone())
        .reset_token(expected.reset_token.clone())
        .reset_token_expires_at(expected.reset_token_expires_at)
        .created_at(expected.created_at)
        .updated_at(expected.updated_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_client_portal_accounts,
        ClientPortalAccount {
            id: row_client_portal_accounts.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<ClientPortalAccount>(&mut conn, row_client_portal_accounts.id).await,
        row_client_portal_accounts
    );
    let expected = ClientPortalSession {
        id: 0,
        client_id: row_clients.id,
        token: "token 506".to_owned(),
        expires_at: at(22, 3),
        ip_address: Some("ip_address 508".to_owned()),
        user_agent: Some("user_agent text 509\nwith a second line".to_owned()),
        last_activity_at: at(25, 6),
        device_type: Some(ClientPortalSessionDeviceType::Tablet),
        device_name: Some("device_name 512".to_owned()),
        browser: Some("browser 513".to_owned()),
        os: Some("os 514".to_owned()),
        created_at: at(3, 11),
    };
    let row_client_portal_sessions = ClientPortalSession::insert()
        .client_id(expected.client_id)
        .token(expected.token.clone())
        .expires_at(expected.expires_at)
        .ip_address(expected.ip_address.clone())
        .user_agent(expected.user_agent.clone())
        .last_activity_at(expected.last_activity_at)
        .device_type(expected.device_type)
        .device_name(expected.device_name.clone())
        .browser(expected.browser.clone())
        .os(expected.os.clone())
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_client_portal_sessions,
        ClientPortalSession {
            id: row_client_portal_sessions.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<ClientPortalSession>(&mut conn, row_client_portal_sessions.id).await,
        row_client_portal_sessions
    );
    let expected = ClientPortalMagicLink {
        id: 0,
        client_id: row_clients.id,
        token: "token 517".to_owned(),
        expires_at: at(6, 14),
        used_at: Some(at(7, 15)),
        ip_address: Some("ip_address 520".to_owned()),
        user_agent: Some("user_agent text 521\nwith a second line".to_owned()),
        purpose: ClientPortalMagicLinkPurpose::PasswordReset,
        created_at: at(11, 19),
    };
    let row_client_portal_magic_links = ClientPortalMagicLink::insert()
        .client_id(expected.client_id)
        .token(expected.token.clone())
        .expires_at(expected.expires_at)
        .used_at(expected.used_at)
        .ip_address(expected.ip_address.clone())
        .user_agent(expected.user_agent.clone())
        .purpose(expected.purpose)
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_client_portal_magic_links,
        ClientPortalMagicLink {
            id: row_client_portal_magic_links.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<ClientPortalMagicLink>(&mut conn, row_client_portal_magic_links.id).await,
        row_client_portal_magic_links
    );
    let expected = ClientPortalActivityLog {
        id: 0,
        client_id: row_clients.id,
        action: ClientPortalActivityLogAction::DownloadFile,
        description: Some("description text 526\nwith a second line".to_owned()),
        resource_type: Some(ClientPortalActivityLogResourceType::Payment),
        resource_id: Some(628),
        metadata: Some("metadata text 529\nwith a second line".to_owned()),
        ip_address: Some("ip_address 530".to_owned()),
        user_agent: Some("user_agent text 531\nwith a second line".to_owned()),
        status: ClientPortalActivityLogStatus::Pending,
        error_message: Some("error_message text 533\nwith a second line".to_owned()),
        created_at: at(22, 6),
    };
    let row_client_portal_activity_logs = ClientPortalActivityLog::insert()
        .client_id(expected.client_id)
        .action(expected.action)
        .description(expected.description.clone())
        .resource_type(expected.resource_type)
        .resource_id(expected.resource_id)
        .metadata(expected.metadata.clone())
        .ip_address(expected.ip_address.clone())
        .user_agent(expected.user_agent.clone())
        .status(expected.status)
        .error_message(expected.error_message.clone())
        .created_at(expected.created_at)
        .returning_row(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row_client_portal_activity_logs,
        ClientPortalActivityLog {
            id: row_client_portal_activity_logs.id,
            ..expected
        }
    );
    assert_eq!(
        read_back::<ClientPortalActivityLog>(&mut conn, row_client_portal_activity_logs.id).await,
        row_client_portal_activity_logs
    );
}

async fn conn_exec(conn: &mut PgConnection, sql: &str) {
    use sqlx::Executor;
    conn.execute(sql).await.unwrap();
}
