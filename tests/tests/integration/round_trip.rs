//! One insert into each of the 38 tables through its generated builder, every
//! column given a value other than its default; the returned row and the row
//! read back with a plain SELECT both equal what was given. One test per
//! table, so that a failing table hides no other; its parents are made by
//! their factories.

// The macro clones every expected value, `Copy` enums included.
#![allow(clippy::clone_on_copy)]

use schema_core::{Decimal, Json, NaiveDate, NaiveDateTime, Seed, Table};
use schema_defs::json::{CustomField, EmailAddress, Phone, Website};
use schema_defs::{master::*, tenant::*};
use sqlx::PgConnection;
use std::str::FromStr;
use tests::{fresh_schema, TestDb};

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

/// A row made by its table's factory: a parent the test needs, not the
/// subject of the test. One seed per test, so that parents never collide.
async fn parent<T: schema_core::HasFactory>(seed: &Seed, conn: &mut PgConnection) -> T {
    let factory = seed.factory::<T>();
    schema_core::factory::create(&factory, &mut *conn)
        .await
        .unwrap()
}

/// A database holding the schema of `db`, and a connection to it.
async fn database(db: schema_core::DbKind) -> (TestDb, PgConnection) {
    let test_db = fresh_schema(db).await;
    let conn = test_db.connect().await;
    (test_db, conn)
}

/// Insert `Type { field: value, .. }` (every column but `id`) through its
/// builder; the row returned and the row read back both equal it.
macro_rules! round_trip {
    ($conn:expr, $ty:ident { $($field:ident: $value:expr),* $(,)? }) => {{
        let expected = $ty { id: 0, $($field: $value),* };
        let row = $ty::insert()
            $(.$field(expected.$field.clone()))*
            .returning_row(&mut $conn)
            .await
            .unwrap();
        assert_eq!(row, $ty { id: row.id, ..expected });
        assert_eq!(read_back::<$ty>(&mut $conn, row.id).await, row);
    }};
}

#[tokio::test]
async fn users() {
    let (_db, mut conn) = database(schema_core::DbKind::Master).await;
    round_trip!(
        conn,
        User {
            email: "email 1".to_owned(),
            name: Some("name 2".to_owned()),
            password_hash: Some("password_hash 3".to_owned()),
            role: UserRole::Admin,
            is_active: false,
            created_at: at(7, 6),
            updated_at: at(8, 7),
        }
    );
}

#[tokio::test]
async fn organizations() {
    let (_db, mut conn) = database(schema_core::DbKind::Master).await;
    let seed = Seed::new(1);
    let row_users = parent::<User>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Organization {
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
        }
    );
}

#[tokio::test]
async fn organization_members() {
    let (_db, mut conn) = database(schema_core::DbKind::Master).await;
    let seed = Seed::new(1);
    let row_organizations = parent::<Organization>(&seed, &mut conn).await;
    let row_users = parent::<User>(&seed, &mut conn).await;
    round_trip!(
        conn,
        OrganizationMember {
            user_id: row_users.id,
            organization_id: row_organizations.id,
            role: OrganizationMemberRole::Admin,
            joined_at: at(6, 8),
        }
    );
}

#[tokio::test]
async fn invitations() {
    let (_db, mut conn) = database(schema_core::DbKind::Master).await;
    let seed = Seed::new(1);
    let row_organizations = parent::<Organization>(&seed, &mut conn).await;
    let row_users = parent::<User>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Invitation {
            email: "email 33".to_owned(),
            organization_id: row_organizations.id,
            invited_by: row_users.id,
            role: "role 36".to_owned(),
            token: "token 37".to_owned(),
            status: InvitationStatus::Expired,
            expires_at: at(13, 15),
            created_at: at(14, 16),
        }
    );
}

#[tokio::test]
async fn tenant_databases() {
    let (_db, mut conn) = database(schema_core::DbKind::Master).await;
    let seed = Seed::new(1);
    let row_organizations = parent::<Organization>(&seed, &mut conn).await;
    round_trip!(
        conn,
        TenantDatabase {
            organization_id: row_organizations.id,
            database_name: "database_name 42".to_owned(),
            created_at: at(17, 19),
        }
    );
}

#[tokio::test]
async fn subscription_plans() {
    let (_db, mut conn) = database(schema_core::DbKind::Master).await;
    round_trip!(
        conn,
        SubscriptionPlan {
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
        }
    );
}

#[tokio::test]
async fn ai_credits() {
    let (_db, mut conn) = database(schema_core::DbKind::Master).await;
    let seed = Seed::new(1);
    let row_organizations = parent::<Organization>(&seed, &mut conn).await;
    round_trip!(
        conn,
        AiCredit {
            organization_id: row_organizations.id,
            credits_remaining: 158,
            credits_used_this_month: 159,
            plan: AiCreditPlan::Enterprise,
            last_recharge_at: Some(at(8, 13)),
            next_recharge_at: Some(at(9, 14)),
            created_at: at(10, 15),
            updated_at: at(11, 16),
        }
    );
}

#[tokio::test]
async fn clients() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    round_trip!(
        conn,
        Client {
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
            other_platforms_url: Some(
                "other_platforms_url text 106\nwith a second line".to_owned()
            ),
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
        }
    );
}

#[tokio::test]
async fn client_contacts() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        ClientContact {
            client_id: row_clients.id,
            first_name: "first_name 119".to_owned(),
            last_name: "last_name 120".to_owned(),
            title: Some("title 121".to_owned()),
            email: Some("email 122".to_owned()),
            phone: Some("phone 123".to_owned()),
            is_primary: true,
            created_at: at(18, 5),
            updated_at: at(19, 6),
        }
    );
}

#[tokio::test]
async fn client_notes() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        ClientNote {
            client_id: row_clients.id,
            note: "note text 128\nwith a second line".to_owned(),
            created_at: at(22, 9),
            created_by: Some(230),
        }
    );
}

#[tokio::test]
async fn company_members() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        CompanyMember {
            company_client_id: row_clients.id,
            member_client_id: row_clients.id,
            role: Some("role 133".to_owned()),
            is_primary: true,
            created_at: at(1, 15),
            updated_at: at(2, 16),
        }
    );
}

#[tokio::test]
async fn rooms() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    round_trip!(
        conn,
        Room {
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
        }
    );
}

#[tokio::test]
async fn equipment() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_rooms = parent::<Room>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Equipment {
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
        }
    );
}

#[tokio::test]
async fn projects() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Project {
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
        }
    );
}

#[tokio::test]
async fn sessions() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    let row_projects = parent::<Project>(&seed, &mut conn).await;
    let row_rooms = parent::<Room>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Session {
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
        }
    );
}

#[tokio::test]
async fn tracks() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_projects = parent::<Project>(&seed, &mut conn).await;
    let row_rooms = parent::<Room>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Track {
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
        }
    );
}

#[tokio::test]
async fn track_comments() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_tracks = parent::<Track>(&seed, &mut conn).await;
    round_trip!(
        conn,
        TrackComment {
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
        }
    );
}

#[tokio::test]
async fn musicians() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    round_trip!(
        conn,
        Musician {
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
        }
    );
}

#[tokio::test]
async fn track_credits() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_musicians = parent::<Musician>(&seed, &mut conn).await;
    let row_tracks = parent::<Track>(&seed, &mut conn).await;
    round_trip!(
        conn,
        TrackCredit {
            track_id: row_tracks.id,
            musician_id: Some(row_musicians.id),
            role: TrackCreditRole::Bass,
            credit_name: "credit_name 288".to_owned(),
            is_primary: true,
            description: Some("description text 290\nwith a second line".to_owned()),
            created_at: at(22, 3),
        }
    );
}

#[tokio::test]
async fn invoices() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Invoice {
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
            stripe_deposit_payment_intent_id: Some(
                "stripe_deposit_payment_intent_id 303".to_owned()
            ),
            remaining_balance: Some(dec("1304.77")),
            paid_at: Some(at(9, 17)),
            notes: Some("notes text 306\nwith a second line".to_owned()),
            pdf_s3_key: Some("pdf_s3_key text 307\nwith a second line".to_owned()),
            sent_at: Some(at(12, 20)),
            created_at: at(13, 21),
            updated_at: at(14, 22),
        }
    );
}

#[tokio::test]
async fn invoice_items() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_invoices = parent::<Invoice>(&seed, &mut conn).await;
    round_trip!(
        conn,
        InvoiceItem {
            invoice_id: row_invoices.id,
            description: "description 312".to_owned(),
            quantity: dec("1313.77"),
            unit_price: dec("1314.77"),
            amount: dec("1315.77"),
            created_at: at(20, 4),
        }
    );
}

#[tokio::test]
async fn quotes() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    let row_projects = parent::<Project>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Quote {
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
        }
    );
}

#[tokio::test]
async fn quote_items() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_quotes = parent::<Quote>(&seed, &mut conn).await;
    round_trip!(
        conn,
        QuoteItem {
            quote_id: row_quotes.id,
            description: "description 336".to_owned(),
            quantity: dec("1337.77"),
            unit_price: dec("1338.77"),
            amount: dec("1339.77"),
            service_template_id: Some(440),
            display_order: 441,
            created_at: at(19, 6),
        }
    );
}

#[tokio::test]
async fn service_catalog() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    round_trip!(
        conn,
        ServiceCatalogItem {
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
        }
    );
}

#[tokio::test]
async fn contracts() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    let row_projects = parent::<Project>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Contract {
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
        }
    );
}

#[tokio::test]
async fn expenses() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_equipment = parent::<Equipment>(&seed, &mut conn).await;
    let row_projects = parent::<Project>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Expense {
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
        }
    );
}

#[tokio::test]
async fn payments() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    let row_invoices = parent::<Invoice>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Payment {
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
        }
    );
}

#[tokio::test]
async fn payment_transactions() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    let row_sessions = parent::<Session>(&seed, &mut conn).await;
    round_trip!(
        conn,
        PaymentTransaction {
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
        }
    );
}

#[tokio::test]
async fn stripe_webhook_events() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_invoices = parent::<Invoice>(&seed, &mut conn).await;
    round_trip!(
        conn,
        StripeWebhookEvent {
            event_id: "event_id 431".to_owned(),
            event_type: "event_type 432".to_owned(),
            processed_at: at(2, 1),
            invoice_id: Some(row_invoices.id),
            created_at: at(4, 3),
        }
    );
}

#[tokio::test]
async fn task_types() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    round_trip!(
        conn,
        TaskType {
            name: "name 436".to_owned(),
            description: Some("description text 437\nwith a second line".to_owned()),
            hourly_rate: dec("1438.77"),
            category: TaskTypeCategory::NonBillable,
            color: Some("#a00440".to_owned()),
            sort_order: 541,
            is_active: false,
            created_at: at(12, 11),
            updated_at: at(13, 12),
        }
    );
}

#[tokio::test]
async fn time_entries() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_invoices = parent::<Invoice>(&seed, &mut conn).await;
    let row_projects = parent::<Project>(&seed, &mut conn).await;
    let row_sessions = parent::<Session>(&seed, &mut conn).await;
    let row_task_types = parent::<TaskType>(&seed, &mut conn).await;
    let row_tracks = parent::<Track>(&seed, &mut conn).await;
    round_trip!(
        conn,
        TimeEntry {
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
        }
    );
}

#[tokio::test]
async fn notifications() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    let row_invoices = parent::<Invoice>(&seed, &mut conn).await;
    let row_projects = parent::<Project>(&seed, &mut conn).await;
    let row_sessions = parent::<Session>(&seed, &mut conn).await;
    round_trip!(
        conn,
        Notification {
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
        }
    );
}

#[tokio::test]
async fn ai_conversations() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    round_trip!(
        conn,
        AiConversation {
            session_id: "session_id 474".to_owned(),
            user_id: Some(575),
            page_context: Some("page_context text 476\nwith a second line".to_owned()),
            messages: "messages text 477\nwith a second line".to_owned(),
            total_messages: 578,
            actions_called: Some("actions_called text 479\nwith a second line".to_owned()),
            created_at: at(22, 0),
            updated_at: at(23, 1),
        }
    );
}

#[tokio::test]
async fn ai_action_logs() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    round_trip!(
        conn,
        AiActionLog {
            session_id: "session_id 482".to_owned(),
            action_name: "action_name 483".to_owned(),
            params: Some("params text 484\nwith a second line".to_owned()),
            result: Some("result text 485\nwith a second line".to_owned()),
            status: AiActionLogStatus::Error,
            error: Some("error text 487\nwith a second line".to_owned()),
            execution_time_ms: Some(588),
            created_at: at(4, 9),
        }
    );
}

#[tokio::test]
async fn client_portal_accounts() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        ClientPortalAccount {
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
        }
    );
}

#[tokio::test]
async fn client_portal_sessions() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        ClientPortalSession {
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
        }
    );
}

#[tokio::test]
async fn client_portal_magic_links() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        ClientPortalMagicLink {
            client_id: row_clients.id,
            token: "token 517".to_owned(),
            expires_at: at(6, 14),
            used_at: Some(at(7, 15)),
            ip_address: Some("ip_address 520".to_owned()),
            user_agent: Some("user_agent text 521\nwith a second line".to_owned()),
            purpose: ClientPortalMagicLinkPurpose::PasswordReset,
            created_at: at(11, 19),
        }
    );
}

#[tokio::test]
async fn client_portal_activity_logs() {
    let (_db, mut conn) = database(schema_core::DbKind::Tenant).await;
    let seed = Seed::new(1);
    let row_clients = parent::<Client>(&seed, &mut conn).await;
    round_trip!(
        conn,
        ClientPortalActivityLog {
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
        }
    );
}
