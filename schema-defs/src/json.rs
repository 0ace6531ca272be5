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
