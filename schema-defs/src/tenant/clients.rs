//! The `clients` table.

use schema_core::{Json, NaiveDate, NaiveDateTime, Table, TextEnum};

use crate::json::{CustomField, EmailAddress, Phone, Website};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
    pub user_id: Option<i32>,
    #[column(varchar(255))]
    pub name: String,
    #[column(varchar(255))]
    pub artist_name: Option<String>,
    #[column(varchar(255))]
    pub email: Option<String>,
    #[column(varchar(50))]
    pub phone: Option<String>,
    #[column(name = "type", varchar(50), default = "individual")]
    pub kind: ClientType,
    pub address: Option<String>,
    #[column(varchar(100))]
    pub city: Option<String>,
    #[column(varchar(100))]
    pub country: Option<String>,
    pub notes: Option<String>,
    #[column(default = false)]
    pub is_vip: bool,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = false)]
    pub portal_access: bool,
    #[column(varchar(100))]
    pub first_name: Option<String>,
    #[column(varchar(100))]
    pub last_name: Option<String>,
    #[column(varchar(100))]
    pub middle_name: Option<String>,
    #[column(varchar(20))]
    pub prefix: Option<String>,
    #[column(varchar(20))]
    pub suffix: Option<String>,
    #[column(varchar(500))]
    pub avatar_url: Option<String>,
    #[column(varchar(500))]
    pub logo_url: Option<String>,
    #[column(default = "[]")]
    pub phones: Option<Json<Vec<Phone>>>,
    #[column(default = "[]")]
    pub emails: Option<Json<Vec<EmailAddress>>>,
    #[column(default = "[]")]
    pub websites: Option<Json<Vec<Website>>>,
    #[column(varchar(255))]
    pub street: Option<String>,
    #[column(varchar(20))]
    pub postal_code: Option<String>,
    #[column(varchar(100))]
    pub region: Option<String>,
    pub birthday: Option<NaiveDate>,
    #[column(varchar(20))]
    pub gender: Option<String>,
    #[column(default = "[]")]
    pub custom_fields: Option<Json<Vec<CustomField>>>,
    #[column(default = "[]")]
    pub genres: Option<Json<Vec<String>>>,
    #[column(default = "[]")]
    pub instruments: Option<Json<Vec<String>>>,
    #[column(varchar(500))]
    pub spotify_url: Option<String>,
    #[column(varchar(500))]
    pub apple_music_url: Option<String>,
    #[column(varchar(500))]
    pub youtube_url: Option<String>,
    #[column(varchar(500))]
    pub soundcloud_url: Option<String>,
    #[column(varchar(500))]
    pub bandcamp_url: Option<String>,
    #[column(varchar(500))]
    pub deezer_url: Option<String>,
    #[column(varchar(500))]
    pub tidal_url: Option<String>,
    #[column(varchar(500))]
    pub amazon_music_url: Option<String>,
    #[column(varchar(500))]
    pub audiomack_url: Option<String>,
    #[column(varchar(500))]
    pub beatport_url: Option<String>,
    pub other_platforms_url: Option<String>,
    #[column(varchar(255))]
    pub record_label: Option<String>,
    #[column(varchar(255))]
    pub distributor: Option<String>,
    #[column(varchar(255))]
    pub manager_contact: Option<String>,
    #[column(varchar(255))]
    pub publisher: Option<String>,
    #[column(varchar(100))]
    pub performance_rights_society: Option<String>,
    #[column(varchar(100))]
    pub years_active: Option<String>,
    pub notable_works: Option<String>,
    pub awards_recognition: Option<String>,
    pub biography: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Presets: plain methods over the generated factory.
#[cfg(feature = "factories")]
impl ClientFactory {
    /// A person: vCard name parts, the display name made of them.
    pub fn individual(self) -> Self {
        self.kind(ClientType::Individual).each(|c, _| {
            if let (Some(first), Some(last)) = (&c.first_name, &c.last_name) {
                let name = format!("{first} {last}");
                c.name(name);
            }
        })
    }

    /// A company: a company name, no personal fields.
    pub fn company(self) -> Self {
        self.kind(ClientType::Company)
            .first_name(None::<String>)
            .last_name(None::<String>)
            .middle_name(None::<String>)
            .prefix(None::<String>)
            .suffix(None::<String>)
            .birthday(None::<schema_core::NaiveDate>)
            .gender(None::<String>)
            .each(|c, at| {
                c.name(at.text(schema_core::factory::Hint::Company));
            })
    }
}

/// Values of `clients.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ClientType {
    Individual,
    Company,
}
