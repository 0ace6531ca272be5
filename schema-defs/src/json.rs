//! Shapes of the typed JSON columns (`clients.phones`, `emails`, `websites`,
//! `custom_fields`), as the application writes them.

use serde::{Deserialize, Serialize};

/// `{ "type": "mobile", "number": "+33 6 12 34 56 78" }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
}

/// `{ "type": "work", "email": "ana@example.com" }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress {
    #[serde(rename = "type")]
    pub kind: String,
    pub email: String,
}

/// `{ "type": "website", "url": "https://example.com" }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Website {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

/// `{ "label": "Label", "type": "text", "value": ... }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomField {
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: serde_json::Value,
}

/// What factories put in these columns: the shapes the application writes,
/// with plausible content.
#[cfg(feature = "factories")]
mod fake {
    use super::*;
    use schema_core::factory::{Gen, Hint};
    use schema_core::FakeValue;

    impl FakeValue for Phone {
        fn fake(g: &mut Gen) -> Self {
            Phone {
                kind: g.rng.pick(&["mobile", "work", "home"]).to_string(),
                number: g.text(Hint::Phone),
            }
        }
    }

    impl FakeValue for EmailAddress {
        fn fake(g: &mut Gen) -> Self {
            EmailAddress {
                kind: g.rng.pick(&["work", "personal"]).to_string(),
                email: g.text(Hint::Email),
            }
        }
    }

    impl FakeValue for Website {
        fn fake(g: &mut Gen) -> Self {
            Website {
                kind: g
                    .rng
                    .pick(&["website", "instagram", "facebook"])
                    .to_string(),
                url: g.text(Hint::Url),
            }
        }
    }

    impl FakeValue for CustomField {
        fn fake(g: &mut Gen) -> Self {
            let (label, value) = match g.rng.below(3) {
                0 => (
                    "Preferred mic",
                    serde_json::Value::from(g.text(Hint::Title)),
                ),
                1 => (
                    "Sessions per year",
                    serde_json::Value::from(g.rng.between(1, 40)),
                ),
                _ => (
                    "Referred by",
                    serde_json::Value::from(g.text(Hint::PersonName)),
                ),
            };
            let kind = if value.is_number() { "number" } else { "text" };
            CustomField {
                label: label.to_owned(),
                kind: kind.to_owned(),
                value,
            }
        }
    }
}
