//! What the generated `events` module builds on: the [`EventContent`] trait every content
//! type implements, and [`Raw`], an event kept as the exact JSON received and parsed on
//! demand (a `/sync` answer holds thousands of events a client may never look at).

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// The content of an event type the spec describes.
pub trait EventContent {
    /// The event's `type` (`m.room.message`).
    const EVENT_TYPE: &'static str;
    /// The kind its schema declares: the title of its core event schema, as a Rust name
    /// (`RoomEvent`, `StateEvent`, `Event`).
    const KIND: &'static str;

    /// The event's `type`.
    fn event_type(&self) -> &'static str {
        Self::EVENT_TYPE
    }

    /// Whether this content is a variant the spec does not describe (kept as JSON).
    fn is_unknown(&self) -> bool {
        false
    }
}

/// JSON of type `T`, kept as the bytes received: [`Raw::deserialize`] parses it when asked,
/// and serializing writes the same bytes back.
pub struct Raw<T> {
    json: Box<RawValue>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Raw<T> {
    /// Wraps JSON text already checked to be JSON.
    pub fn from_json(json: Box<RawValue>) -> Self {
        Raw {
            json,
            _type: PhantomData,
        }
    }

    /// The JSON text as received.
    pub fn json(&self) -> &RawValue {
        &self.json
    }

    /// Reads the JSON as another type (an event as its kind's enum, or as one event type).
    pub fn cast<U>(self) -> Raw<U> {
        Raw::from_json(self.json)
    }

    /// One key of the JSON object, parsed (`raw.get_field::<String>("type")`), without
    /// parsing the rest; `Ok(None)` when absent.
    pub fn get_field<'a, U: Deserialize<'a>>(&'a self, key: &str) -> serde_json::Result<Option<U>> {
        #[derive(Deserialize)]
        struct Any<'b>(#[serde(borrow)] std::collections::HashMap<std::borrow::Cow<'b, str>, &'b RawValue>);
        let Any(map) = serde_json::from_str(self.json.get())?;
        map.get(key)
            .map(|value| serde_json::from_str(value.get()))
            .transpose()
    }
}

impl<T: Serialize> Raw<T> {
    /// The JSON of `value`.
    pub fn new(value: &T) -> serde_json::Result<Self> {
        serde_json::value::to_raw_value(value).map(Raw::from_json)
    }
}

impl<T: DeserializeOwned> Raw<T> {
    /// Parses the JSON into `T`.
    pub fn deserialize(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.json.get())
    }
}

impl<T> Clone for Raw<T> {
    fn clone(&self) -> Self {
        Raw::from_json(self.json.clone())
    }
}

impl<T> fmt::Debug for Raw<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Raw").field(&self.json.get()).finish()
    }
}

/// Equal when the JSON text is the same.
impl<T> PartialEq for Raw<T> {
    fn eq(&self, other: &Self) -> bool {
        self.json.get() == other.json.get()
    }
}

impl<T> Serialize for Raw<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

impl<'de, T> Deserialize<'de> for Raw<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Raw::from_json)
    }
}
