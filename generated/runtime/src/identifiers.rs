//! Typed values for the string formats the Matrix spec names (`format` and `x-pattern-format`
//! in its API descriptions): user, room and event IDs, room aliases, server names, `mxc://`
//! URIs, unpadded Base64, URIs and email addresses.
//!
//! Each format has a borrowed, unsized type ([`UserId`], like `str`) and an owned one
//! ([`OwnedUserId`], like `String`, holding a `Box<str>`). Both can only hold a value that
//! passed the format's check, so code that receives one need not check again. The checks
//! follow the grammars of the spec's appendices, but accept what real servers send where the
//! spec's history or practice is looser than today's grammar; each type's documentation says
//! exactly what it accepts.
//!
//! ```
//! use matrix_api_runtime::identifiers::{OwnedUserId, RoomId, UserId};
//!
//! let user: OwnedUserId = "@alice:example.org".parse()?;
//! assert_eq!(user.localpart(), "alice");
//! assert_eq!(user.server_name(), "example.org");
//!
//! // Room IDs of room version 12 have no server name.
//! let room = RoomId::parse("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM")?;
//! assert_eq!(room.server_name(), None);
//!
//! let error = UserId::parse("alice").unwrap_err();
//! assert_eq!(error.to_string(), "invalid mx-user-id: does not start with `@`");
//! # Ok::<(), matrix_api_runtime::identifiers::IdParseError>(())
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// What the generator maps each string format of the spec to: the spec's format name and the
/// name of the owned type of this module that holds a value of it (`("mx-user-id",
/// "OwnedUserId")`). Formats not listed stay `String`.
pub const FORMATS: &[(&str, &str)] = &[
    ("mx-user-id", "OwnedUserId"),
    ("mx-room-id", "OwnedRoomId"),
    ("mx-event-id", "OwnedEventId"),
    ("mx-room-alias", "OwnedRoomAliasId"),
    ("mx-server-name", "OwnedServerName"),
    ("mx-mxc-uri", "OwnedMxcUri"),
    ("mx-unpadded-base64", "OwnedBase64"),
    ("mx-urlsafe-unpadded-base64", "OwnedUrlSafeBase64"),
    ("uri", "OwnedUri"),
    ("email", "OwnedEmail"),
];

/// The longest user ID, room ID, event ID, room alias or server name the spec allows, in bytes.
pub const MAX_ID_LEN: usize = 255;

/// A value that is not of the format it was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdParseError {
    /// The spec's name of the format (`mx-user-id`, `email`, ...).
    pub format: &'static str,
    /// What is wrong with the value.
    pub kind: IdParseErrorKind,
}

/// What is wrong with a value that is not of its format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdParseErrorKind {
    /// The value is empty.
    Empty,
    /// The value is longer than [`MAX_ID_LEN`] bytes.
    TooLong,
    /// The value does not start with its sigil or prefix (`@`, `!`, `$`, `#`, `mxc://`).
    MissingPrefix(&'static str),
    /// A user ID's or room alias's localpart, or an email address's local part, is empty.
    EmptyLocalpart,
    /// A room ID or event ID has nothing after its sigil.
    EmptyOpaqueId,
    /// A user ID or room alias has no `:server_name` part.
    MissingServerName,
    /// A character that is not allowed where it appears.
    InvalidCharacter(char),
    /// A server name's host is not a DNS name, an IPv4 address or a bracketed IPv6 address.
    InvalidHost,
    /// A server name's port is not a number from 1 to 65535.
    InvalidPort,
    /// An `mxc://` URI has no media ID after its server name.
    EmptyMediaId,
    /// The length of a Base64 value is not that of any Base64 encoding.
    InvalidLength,
    /// A URI does not start with a scheme (`https:`).
    MissingScheme,
    /// An email address does not contain exactly one `@`.
    NotOneAtSign,
    /// An email address has nothing after its `@`.
    EmptyDomain,
}

impl fmt::Display for IdParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdParseErrorKind::Empty => f.write_str("the value is empty"),
            IdParseErrorKind::TooLong => write!(f, "longer than {MAX_ID_LEN} bytes"),
            IdParseErrorKind::MissingPrefix(prefix) => write!(f, "does not start with `{prefix}`"),
            IdParseErrorKind::EmptyLocalpart => f.write_str("the localpart is empty"),
            IdParseErrorKind::EmptyOpaqueId => f.write_str("nothing after the sigil"),
            IdParseErrorKind::MissingServerName => f.write_str("no `:server_name` part"),
            IdParseErrorKind::InvalidCharacter(c) => write!(f, "character {c:?} is not allowed"),
            IdParseErrorKind::InvalidHost => f.write_str(
                "the host is not a DNS name, an IPv4 address or a bracketed IPv6 address",
            ),
            IdParseErrorKind::InvalidPort => {
                f.write_str("the port is not a number from 1 to 65535")
            }
            IdParseErrorKind::EmptyMediaId => f.write_str("no media ID after the server name"),
            IdParseErrorKind::InvalidLength => {
                f.write_str("the length is not that of any Base64 encoding")
            }
            IdParseErrorKind::MissingScheme => f.write_str("no `scheme:` at the start"),
            IdParseErrorKind::NotOneAtSign => f.write_str("does not contain exactly one `@`"),
            IdParseErrorKind::EmptyDomain => f.write_str("nothing after the `@`"),
        }
    }
}

impl fmt::Display for IdParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.format, self.kind)
    }
}

impl std::error::Error for IdParseError {}

type Validate = fn(&str) -> Result<(), IdParseErrorKind>;

/// The one place a check's failure becomes an [`IdParseError`]; not generic, so each type
/// adds only a call.
fn check(value: &str, format: &'static str, validate: Validate) -> Result<(), IdParseError> {
    validate(value).map_err(|kind| IdParseError { format, kind })
}

/// Defines a borrowed identifier type, its owned form and their shared trait impls.
macro_rules! identifier {
    (
        $(#[$doc:meta])*
        $borrowed:ident, $owned:ident, $format:literal, $validate:path
    ) => {
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $borrowed(str);

        #[doc = concat!(
            "An owned [`", stringify!($borrowed), "`] (`", $format,
            "`), as `String` is to `str`. It dereferences to [`", stringify!($borrowed),
            "`] for the accessors."
        )]
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $owned(Box<str>);

        impl $borrowed {
            #[doc = concat!("The spec's name of the format: `", $format, "`.")]
            pub const FORMAT: &'static str = $format;

            /// Checks `value` against the format and borrows it as this type.
            pub fn parse(value: &str) -> Result<&Self, IdParseError> {
                check(value, $format, $validate)?;
                Ok(Self::from_valid(value))
            }

            /// The value as text, exactly as it was given.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Borrows a value that has passed the format's check.
            #[allow(unsafe_code)]
            fn from_valid(value: &str) -> &Self {
                // SAFETY: `Self` is `#[repr(transparent)]` over `str`, so `&str` and `&Self`
                // have the same layout and pointer metadata (the length); the cast keeps the
                // lifetime of `value`.
                unsafe { &*(value as *const str as *const Self) }
            }
        }

        impl Deref for $owned {
            type Target = $borrowed;
            fn deref(&self) -> &$borrowed {
                $borrowed::from_valid(&self.0)
            }
        }

        impl Borrow<$borrowed> for $owned {
            fn borrow(&self) -> &$borrowed {
                self
            }
        }

        impl ToOwned for $borrowed {
            type Owned = $owned;
            fn to_owned(&self) -> $owned {
                $owned(Box::from(&self.0))
            }
        }

        impl From<&$borrowed> for $owned {
            fn from(value: &$borrowed) -> $owned {
                value.to_owned()
            }
        }

        impl From<$owned> for String {
            fn from(value: $owned) -> String {
                value.0.into()
            }
        }

        impl AsRef<str> for $borrowed {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $owned {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<$borrowed> for $owned {
            fn as_ref(&self) -> &$borrowed {
                self
            }
        }

        impl fmt::Display for $borrowed {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $owned {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&*self.0, f)
            }
        }

        impl fmt::Debug for $borrowed {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $owned {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&*self.0, f)
            }
        }

        impl FromStr for $owned {
            type Err = IdParseError;
            fn from_str(value: &str) -> Result<Self, IdParseError> {
                $borrowed::parse(value).map(ToOwned::to_owned)
            }
        }

        impl TryFrom<&str> for $owned {
            type Error = IdParseError;
            fn try_from(value: &str) -> Result<Self, IdParseError> {
                value.parse()
            }
        }

        impl TryFrom<String> for $owned {
            type Error = IdParseError;
            fn try_from(value: String) -> Result<Self, IdParseError> {
                check(&value, $format, $validate)?;
                Ok($owned(value.into_boxed_str()))
            }
        }

        impl<'a> TryFrom<&'a str> for &'a $borrowed {
            type Error = IdParseError;
            fn try_from(value: &'a str) -> Result<Self, IdParseError> {
                $borrowed::parse(value)
            }
        }

        str_eq!($borrowed, str);
        str_eq!($borrowed, &str);
        str_eq!($borrowed, String);
        str_eq!(str, $borrowed);
        str_eq!(&str, $borrowed);
        str_eq!(String, $borrowed);
        str_eq!($owned, str);
        str_eq!($owned, &str);
        str_eq!($owned, String);
        str_eq!(str, $owned);
        str_eq!(&str, $owned);
        str_eq!(String, $owned);
        str_eq!($owned, $borrowed);
        str_eq!($owned, &$borrowed);
        str_eq!($borrowed, $owned);
        str_eq!(&$borrowed, $owned);

        impl serde::Serialize for $borrowed {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl serde::Serialize for $owned {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $owned {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                $owned::try_from(value).map_err(serde::de::Error::custom)
            }
        }

        /// Borrows from the input, so it only reads strings without escapes (as `&str` does).
        impl<'de: 'a, 'a> serde::Deserialize<'de> for &'a $borrowed {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <&'a str>::deserialize(deserializer)?;
                $borrowed::parse(value).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// `PartialEq` between two types that are both `AsRef<str>`, comparing their text.
macro_rules! str_eq {
    ($lhs:ty, $rhs:ty) => {
        impl PartialEq<$rhs> for $lhs {
            fn eq(&self, other: &$rhs) -> bool {
                <$lhs as AsRef<str>>::as_ref(self) == <$rhs as AsRef<str>>::as_ref(other)
            }
        }
    };
}

identifier! {
    /// A user ID (`mx-user-id`): `@localpart:server_name`.
    ///
    /// Accepted: at most 255 bytes; a non-empty localpart of the characters U+0021 to U+007E
    /// except `:` (today's grammar plus the historical one), and of non-ASCII characters that
    /// are neither control characters nor whitespace (some old servers registered them); a
    /// [`ServerName`] after the first `:`. [`UserId::is_historical`] tells whether the localpart
    /// is outside today's grammar.
    ///
    /// ```
    /// # use matrix_api_runtime::identifiers::UserId;
    /// let user = UserId::parse("@Alice:example.org:8448")?;
    /// assert_eq!(user.localpart(), "Alice");
    /// assert_eq!(user.server_name().port(), Some(8448));
    /// assert!(user.is_historical());
    /// # Ok::<(), matrix_api_runtime::identifiers::IdParseError>(())
    /// ```
    UserId, OwnedUserId, "mx-user-id", validate_user_id
}

identifier! {
    /// A room ID (`mx-room-id`).
    ///
    /// Accepted, in at most 255 bytes: `!opaque_id:server_name` (room versions 1 to 11) with a
    /// non-empty opaque ID of any characters but `:` and a [`ServerName`]; or, from room
    /// version 12, `!` and the create event's hash with no server name: a non-empty run of
    /// URL-safe Base64 characters (`A-Z a-z 0-9 - _`), of any length.
    ///
    /// ```
    /// # use matrix_api_runtime::identifiers::RoomId;
    /// let room = RoomId::parse("!abc:example.org")?;
    /// assert_eq!(room.server_name().map(|s| s.as_str()), Some("example.org"));
    /// # Ok::<(), matrix_api_runtime::identifiers::IdParseError>(())
    /// ```
    RoomId, OwnedRoomId, "mx-room-id", validate_room_id
}

identifier! {
    /// An event ID (`mx-event-id`).
    ///
    /// Accepted: `$` and anything non-empty, in at most 255 bytes. Room versions 1 and 2 use
    /// `$opaque_id:server_name`; later ones a Base64 hash with no server name (standard
    /// alphabet in version 3, URL-safe from version 4), so the rest is not checked further.
    ///
    /// ```
    /// # use matrix_api_runtime::identifiers::EventId;
    /// let event = EventId::parse("$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk")?;
    /// assert_eq!(event.server_name(), None);
    /// # Ok::<(), matrix_api_runtime::identifiers::IdParseError>(())
    /// ```
    EventId, OwnedEventId, "mx-event-id", validate_event_id
}

identifier! {
    /// A room alias (`mx-room-alias`): `#alias:server_name`.
    ///
    /// Accepted: at most 255 bytes; a non-empty alias of any characters but `:` and NUL; a
    /// [`ServerName`] after the first `:`.
    ///
    /// ```
    /// # use matrix_api_runtime::identifiers::RoomAliasId;
    /// let alias = RoomAliasId::parse("#rust:example.org")?;
    /// assert_eq!((alias.alias(), alias.server_name().as_str()), ("rust", "example.org"));
    /// # Ok::<(), matrix_api_runtime::identifiers::IdParseError>(())
    /// ```
    RoomAliasId, OwnedRoomAliasId, "mx-room-alias", validate_room_alias
}

identifier! {
    /// A server name (`mx-server-name`): `host[:port]`.
    ///
    /// Accepted: at most 255 bytes; the host is an IPv6 address in brackets (as the standard
    /// library reads IPv6 addresses) or a non-empty run of `A-Z a-z 0-9 - .` (a DNS name or
    /// an IPv4 address, as the spec's grammar has it; labels are not checked further); the
    /// port, if any, is 1 to 5 digits with a value from 1 to 65535.
    ///
    /// ```
    /// # use matrix_api_runtime::identifiers::ServerName;
    /// let server = ServerName::parse("[2001:db8::1]:8448")?;
    /// assert_eq!((server.host(), server.port()), ("[2001:db8::1]", Some(8448)));
    /// # Ok::<(), matrix_api_runtime::identifiers::IdParseError>(())
    /// ```
    ServerName, OwnedServerName, "mx-server-name", validate_server_name
}

identifier! {
    /// A Matrix content URI (`mx-mxc-uri`): `mxc://server_name/media_id`.
    ///
    /// Accepted: a [`ServerName`] up to the first `/`, then a non-empty media ID of
    /// `A-Z a-z 0-9 _ -`.
    ///
    /// ```
    /// # use matrix_api_runtime::identifiers::MxcUri;
    /// let uri = MxcUri::parse("mxc://example.org/SEsfnsuifSDFSSEF")?;
    /// assert_eq!((uri.server_name().as_str(), uri.media_id()), ("example.org", "SEsfnsuifSDFSSEF"));
    /// # Ok::<(), matrix_api_runtime::identifiers::IdParseError>(())
    /// ```
    MxcUri, OwnedMxcUri, "mx-mxc-uri", validate_mxc_uri
}

identifier! {
    /// Unpadded Base64 (`mx-unpadded-base64`), standard alphabet (`A-Z a-z 0-9 + /`).
    ///
    /// Accepted: any run of the alphabet (empty too) whose length can be that of an encoding;
    /// padding with one or two `=` is accepted too where it makes the length a multiple of
    /// four, as the spec asks decoders to. The value is kept as given.
    Base64, OwnedBase64, "mx-unpadded-base64", validate_base64
}

identifier! {
    /// URL-safe unpadded Base64 (`mx-urlsafe-unpadded-base64`), alphabet `A-Z a-z 0-9 - _`.
    ///
    /// Accepted as [`Base64`], with this alphabet.
    UrlSafeBase64, OwnedUrlSafeBase64, "mx-urlsafe-unpadded-base64", validate_urlsafe_base64
}

identifier! {
    /// A URI (`uri`, RFC 3986).
    ///
    /// Accepted: anything that starts with a scheme, `[A-Za-z][A-Za-z0-9+.-]*:`; the rest is
    /// not checked.
    Uri, OwnedUri, "uri", validate_uri
}

identifier! {
    /// An email address (`email`).
    ///
    /// Accepted: exactly one `@`, with something before and after it; nothing else is checked
    /// (so quoted local parts containing `@` are not accepted).
    Email, OwnedEmail, "email", validate_email
}

impl UserId {
    /// The localpart: what is between `@` and the first `:`.
    pub fn localpart(&self) -> &str {
        let rest = self.0.strip_prefix('@').unwrap_or(&self.0);
        rest.split_once(':')
            .map_or(rest, |(localpart, _)| localpart)
    }

    /// The server name: what follows the first `:`.
    pub fn server_name(&self) -> &ServerName {
        // A checked user ID always has the `:` and a valid server name after it.
        ServerName::from_valid(self.0.split_once(':').map_or("", |(_, server)| server))
    }

    /// Whether the localpart is outside today's grammar (`a-z 0-9 . _ = - / +`): a user ID
    /// from the time the spec allowed more, which servers must still accept but not create.
    pub fn is_historical(&self) -> bool {
        !self.localpart().bytes().all(
            |b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'=' | b'-' | b'/' | b'+'),
        )
    }
}

impl RoomId {
    /// The server name of a room ID from room versions 1 to 11; `None` from version 12.
    pub fn server_name(&self) -> Option<&ServerName> {
        self.0
            .split_once(':')
            .map(|(_, server)| ServerName::from_valid(server))
    }
}

impl EventId {
    /// The server name of an event ID from room versions 1 and 2 (`$opaque_id:server_name`),
    /// if what follows its first `:` is one; `None` for later event IDs.
    pub fn server_name(&self) -> Option<&ServerName> {
        self.0
            .split_once(':')
            .and_then(|(_, server)| ServerName::parse(server).ok())
    }
}

impl RoomAliasId {
    /// The alias: what is between `#` and the first `:`.
    pub fn alias(&self) -> &str {
        let rest = self.0.strip_prefix('#').unwrap_or(&self.0);
        rest.split_once(':').map_or(rest, |(alias, _)| alias)
    }

    /// The server name: what follows the first `:`.
    pub fn server_name(&self) -> &ServerName {
        // A checked alias always has the `:` and a valid server name after it.
        ServerName::from_valid(self.0.split_once(':').map_or("", |(_, server)| server))
    }
}

impl ServerName {
    /// The host: a DNS name, an IPv4 address, or an IPv6 address with its brackets.
    pub fn host(&self) -> &str {
        split_host(&self.0).0
    }

    /// The port, if the server name has one.
    pub fn port(&self) -> Option<u16> {
        split_host(&self.0)
            .1
            .strip_prefix(':')
            .and_then(|port| port.parse().ok())
    }
}

impl MxcUri {
    /// The server name: what is between `mxc://` and the next `/`.
    pub fn server_name(&self) -> &ServerName {
        ServerName::from_valid(split_mxc(&self.0).0)
    }

    /// The media ID: what follows the server name and `/`.
    pub fn media_id(&self) -> &str {
        split_mxc(&self.0).1
    }
}

impl Uri {
    /// The scheme, without its `:` (`https`).
    pub fn scheme(&self) -> &str {
        self.0.split_once(':').map_or("", |(scheme, _)| scheme)
    }
}

impl Email {
    /// What is before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// What is after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

// The checks. Each is a plain function, shared by the borrowed and the owned type.

/// The part after `sigil` of a user ID, room ID, event ID or room alias, with the checks all of
/// them share.
fn after_sigil<'a>(value: &'a str, sigil: &'static str) -> Result<&'a str, IdParseErrorKind> {
    if value.is_empty() {
        return Err(IdParseErrorKind::Empty);
    }
    if value.len() > MAX_ID_LEN {
        return Err(IdParseErrorKind::TooLong);
    }
    value
        .strip_prefix(sigil)
        .ok_or(IdParseErrorKind::MissingPrefix(sigil))
}

/// The first non-empty part and the server name of `local:server_name`.
fn local_and_server(rest: &str) -> Result<&str, IdParseErrorKind> {
    let (local, server) = rest
        .split_once(':')
        .ok_or(IdParseErrorKind::MissingServerName)?;
    if local.is_empty() {
        return Err(IdParseErrorKind::EmptyLocalpart);
    }
    check_server_name(server)?;
    Ok(local)
}

fn validate_user_id(value: &str) -> Result<(), IdParseErrorKind> {
    let localpart = local_and_server(after_sigil(value, "@")?)?;
    match localpart.chars().find(|&c| {
        if c.is_ascii() {
            !c.is_ascii_graphic()
        } else {
            c.is_control() || c.is_whitespace()
        }
    }) {
        Some(c) => Err(IdParseErrorKind::InvalidCharacter(c)),
        None => Ok(()),
    }
}

fn validate_room_id(value: &str) -> Result<(), IdParseErrorKind> {
    let rest = after_sigil(value, "!")?;
    if rest.contains(':') {
        return local_and_server(rest).map(drop).map_err(|kind| match kind {
            IdParseErrorKind::EmptyLocalpart => IdParseErrorKind::EmptyOpaqueId,
            other => other,
        });
    }
    if rest.is_empty() {
        return Err(IdParseErrorKind::EmptyOpaqueId);
    }
    check_alphabet(rest, is_urlsafe_base64_char)
}

fn validate_event_id(value: &str) -> Result<(), IdParseErrorKind> {
    if after_sigil(value, "$")?.is_empty() {
        return Err(IdParseErrorKind::EmptyOpaqueId);
    }
    Ok(())
}

fn validate_room_alias(value: &str) -> Result<(), IdParseErrorKind> {
    let alias = local_and_server(after_sigil(value, "#")?)?;
    if alias.contains('\0') {
        return Err(IdParseErrorKind::InvalidCharacter('\0'));
    }
    Ok(())
}

fn validate_server_name(value: &str) -> Result<(), IdParseErrorKind> {
    if value.is_empty() {
        return Err(IdParseErrorKind::Empty);
    }
    if value.len() > MAX_ID_LEN {
        return Err(IdParseErrorKind::TooLong);
    }
    check_server_name(value)
}

/// The host and what follows it (empty, or `:` and the port if the value is valid).
fn split_host(value: &str) -> (&str, &str) {
    let end = if value.starts_with('[') {
        value.find(']').map_or(value.len(), |i| i + 1)
    } else {
        value.find(':').unwrap_or(value.len())
    };
    value.split_at(end)
}

fn check_server_name(value: &str) -> Result<(), IdParseErrorKind> {
    let (host, rest) = split_host(value);
    let host_ok = match host.strip_prefix('[') {
        Some(ipv6) => ipv6
            .strip_suffix(']')
            .is_some_and(|ipv6| ipv6.parse::<std::net::Ipv6Addr>().is_ok()),
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
    };
    if !host_ok {
        return Err(IdParseErrorKind::InvalidHost);
    }
    if rest.is_empty() {
        return Ok(());
    }
    let port = rest
        .strip_prefix(':')
        .ok_or(IdParseErrorKind::InvalidHost)?;
    let digits = !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
    match port.parse::<u16>() {
        Ok(number) if digits && number != 0 => Ok(()),
        _ => Err(IdParseErrorKind::InvalidPort),
    }
}

/// The server name and media ID of an `mxc://` URI.
fn split_mxc(value: &str) -> (&str, &str) {
    let rest = value.strip_prefix("mxc://").unwrap_or(value);
    rest.split_once('/').unwrap_or((rest, ""))
}

fn validate_mxc_uri(value: &str) -> Result<(), IdParseErrorKind> {
    if value.is_empty() {
        return Err(IdParseErrorKind::Empty);
    }
    if !value.starts_with("mxc://") {
        return Err(IdParseErrorKind::MissingPrefix("mxc://"));
    }
    let (server, media_id) = split_mxc(value);
    check_server_name(server)?;
    if media_id.is_empty() {
        return Err(IdParseErrorKind::EmptyMediaId);
    }
    check_alphabet(media_id, |b| {
        b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
    })
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

fn is_urlsafe_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Every character of `value` is an ASCII one `allowed` accepts.
fn check_alphabet(value: &str, allowed: fn(u8) -> bool) -> Result<(), IdParseErrorKind> {
    match value.chars().find(|&c| !(c.is_ascii() && allowed(c as u8))) {
        Some(c) => Err(IdParseErrorKind::InvalidCharacter(c)),
        None => Ok(()),
    }
}

fn check_base64(value: &str, alphabet: fn(u8) -> bool) -> Result<(), IdParseErrorKind> {
    let data = value.trim_end_matches('=');
    let padding = value.len() - data.len();
    if padding > 2 || (padding > 0 && !value.len().is_multiple_of(4)) {
        return Err(IdParseErrorKind::InvalidCharacter('='));
    }
    check_alphabet(data, alphabet)?;
    // One character carries 6 bits, less than a byte.
    if data.len() % 4 == 1 {
        return Err(IdParseErrorKind::InvalidLength);
    }
    Ok(())
}

fn validate_base64(value: &str) -> Result<(), IdParseErrorKind> {
    check_base64(value, is_base64_char)
}

fn validate_urlsafe_base64(value: &str) -> Result<(), IdParseErrorKind> {
    check_base64(value, is_urlsafe_base64_char)
}

fn validate_uri(value: &str) -> Result<(), IdParseErrorKind> {
    if value.is_empty() {
        return Err(IdParseErrorKind::Empty);
    }
    let scheme = value
        .split_once(':')
        .map(|(scheme, _)| scheme.as_bytes())
        .ok_or(IdParseErrorKind::MissingScheme)?;
    let valid = match scheme.split_first() {
        Some((first, rest)) => {
            first.is_ascii_alphabetic()
                && rest
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(IdParseErrorKind::MissingScheme)
    }
}

fn validate_email(value: &str) -> Result<(), IdParseErrorKind> {
    if value.is_empty() {
        return Err(IdParseErrorKind::Empty);
    }
    let (local, domain) = value
        .split_once('@')
        .ok_or(IdParseErrorKind::NotOneAtSign)?;
    if domain.contains('@') {
        return Err(IdParseErrorKind::NotOneAtSign);
    }
    if local.is_empty() {
        return Err(IdParseErrorKind::EmptyLocalpart);
    }
    if domain.is_empty() {
        return Err(IdParseErrorKind::EmptyDomain);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use super::*;
    use crate::{ErrorCode, wire};

    fn kind<T: ?Sized>(result: Result<&T, IdParseError>) -> IdParseErrorKind {
        match result {
            Ok(_) => panic!("accepted"),
            Err(error) => error.kind,
        }
    }

    #[test]
    fn user_ids() {
        let user = UserId::parse("@alice:example.org").expect("valid");
        assert_eq!(user.localpart(), "alice");
        assert_eq!(user.server_name(), "example.org");
        assert!(!user.is_historical());
        for valid in [
            "@a:b",
            "@a.b_c=d-e/f+g:example.org",
            "@alice:example.org:8448",
            "@alice:[::1]:8448",
            "@alice:127.0.0.1",
        ] {
            assert!(UserId::parse(valid).is_ok(), "{valid}");
        }
        use IdParseErrorKind::*;
        for (invalid, why) in [
            ("", Empty),
            ("alice:example.org", MissingPrefix("@")),
            ("@alice", MissingServerName),
            ("@:example.org", EmptyLocalpart),
            ("@al ice:example.org", InvalidCharacter(' ')),
            ("@al\u{7f}ice:example.org", InvalidCharacter('\u{7f}')),
            ("@alice\u{a0}:example.org", InvalidCharacter('\u{a0}')),
            ("@alice:", InvalidHost),
            ("@alice:exa_mple.org", InvalidHost),
            ("@alice:example.org:0", InvalidPort),
        ] {
            assert_eq!(kind(UserId::parse(invalid)), why, "{invalid}");
        }
    }

    #[test]
    fn historical_user_ids() {
        for historical in [
            "@Alice:example.org",
            "@a!b~c\"d:example.org",
            "@jöhn:example.org",
        ] {
            let user = UserId::parse(historical).expect(historical);
            assert!(user.is_historical(), "{historical}");
        }
        let user = UserId::parse("@Åsa:example.org").expect("non-ASCII");
        assert_eq!(user.localpart(), "Åsa");
    }

    #[test]
    fn length_limit() {
        let server = ".example.org";
        let at_limit = format!("@{}:{server}", "a".repeat(MAX_ID_LEN - 2 - server.len()));
        assert_eq!(at_limit.len(), MAX_ID_LEN);
        assert!(UserId::parse(&at_limit).is_ok());
        let over = format!("@a{}", &at_limit[1..]);
        assert_eq!(kind(UserId::parse(&over)), IdParseErrorKind::TooLong);
        let long_event = format!("${}", "a".repeat(MAX_ID_LEN));
        assert_eq!(kind(EventId::parse(&long_event)), IdParseErrorKind::TooLong);
        let long_server = "a".repeat(MAX_ID_LEN + 1);
        assert_eq!(
            kind(ServerName::parse(&long_server)),
            IdParseErrorKind::TooLong
        );
    }

    #[test]
    fn room_ids() {
        let v1 = RoomId::parse("!opaque:example.org:8448").expect("v1");
        let server = v1.server_name().expect("has a server name");
        assert_eq!((server.host(), server.port()), ("example.org", Some(8448)));
        // Room version 12: the create event's hash, URL-safe Base64, no server name.
        let v12 = RoomId::parse("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM").expect("v12");
        assert_eq!(v12.server_name(), None);
        use IdParseErrorKind::*;
        for (invalid, why) in [
            ("", Empty),
            ("#a:b", MissingPrefix("!")),
            ("!", EmptyOpaqueId),
            ("!:example.org", EmptyOpaqueId),
            ("!abc:", InvalidHost),
            ("!abc:example.org:99999", InvalidPort),
            ("!31hneApxJ/1o+63Dm", InvalidCharacter('/')),
        ] {
            assert_eq!(kind(RoomId::parse(invalid)), why, "{invalid}");
        }
    }

    #[test]
    fn event_ids() {
        // Room versions 1 and 2.
        let v1 = EventId::parse("$abc123:example.org").expect("v1");
        assert_eq!(
            v1.server_name().map(ServerName::as_str),
            Some("example.org")
        );
        // Version 3: standard Base64; version 4: URL-safe Base64.
        let v3 = EventId::parse("$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk").expect("v3");
        assert_eq!(v3.server_name(), None);
        let v4 = EventId::parse("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg").expect("v4");
        assert_eq!(v4.server_name(), None);
        // Anything after the first `:` that is no server name is just part of the ID.
        let odd = EventId::parse("$a:b c").expect("lenient");
        assert_eq!(odd.server_name(), None);
        assert_eq!(kind(EventId::parse("")), IdParseErrorKind::Empty);
        assert_eq!(kind(EventId::parse("$")), IdParseErrorKind::EmptyOpaqueId);
        assert_eq!(
            kind(EventId::parse("abc")),
            IdParseErrorKind::MissingPrefix("$")
        );
    }

    #[test]
    fn room_aliases() {
        let alias = RoomAliasId::parse("#Rust Lang:example.org").expect("valid");
        assert_eq!(alias.alias(), "Rust Lang");
        assert_eq!(alias.server_name(), "example.org");
        use IdParseErrorKind::*;
        for (invalid, why) in [
            ("", Empty),
            ("!a:b", MissingPrefix("#")),
            ("#rust", MissingServerName),
            ("#:example.org", EmptyLocalpart),
            ("#ru\0st:example.org", InvalidCharacter('\0')),
            ("#rust:exa mple.org", InvalidHost),
        ] {
            assert_eq!(kind(RoomAliasId::parse(invalid)), why, "{invalid}");
        }
    }

    #[test]
    fn server_names() {
        for (valid, host, port) in [
            ("example.org", "example.org", None),
            ("Example-1.org:8448", "Example-1.org", Some(8448)),
            ("1.2.3.4", "1.2.3.4", None),
            ("1.2.3.4:1", "1.2.3.4", Some(1)),
            ("[::1]", "[::1]", None),
            ("[2001:db8::1]:65535", "[2001:db8::1]", Some(65535)),
            ("[::ffff:192.0.2.1]:443", "[::ffff:192.0.2.1]", Some(443)),
            ("localhost:00080", "localhost", Some(80)),
        ] {
            let server = ServerName::parse(valid).expect(valid);
            assert_eq!((server.host(), server.port()), (host, port), "{valid}");
        }
        use IdParseErrorKind::*;
        for (invalid, why) in [
            ("", Empty),
            (":8448", InvalidHost),
            ("exa_mple.org", InvalidHost),
            ("exämple.org", InvalidHost),
            ("::1", InvalidHost),
            ("[::1", InvalidHost),
            ("[not:an:ip]", InvalidHost),
            ("[1.2.3.4]", InvalidHost),
            ("[::1]8448", InvalidHost),
            ("example.org:", InvalidPort),
            ("example.org:0", InvalidPort),
            ("example.org:65536", InvalidPort),
            ("example.org:123456", InvalidPort),
            ("example.org:+80", InvalidPort),
            ("example.org:80:80", InvalidPort),
            ("[::1]:-1", InvalidPort),
        ] {
            assert_eq!(kind(ServerName::parse(invalid)), why, "{invalid}");
        }
    }

    #[test]
    fn mxc_uris() {
        let uri = MxcUri::parse("mxc://example.org:8448/abc-DEF_123").expect("valid");
        assert_eq!(uri.server_name().port(), Some(8448));
        assert_eq!(uri.media_id(), "abc-DEF_123");
        use IdParseErrorKind::*;
        for (invalid, why) in [
            ("", Empty),
            ("https://example.org/abc", MissingPrefix("mxc://")),
            ("mxc://example.org", EmptyMediaId),
            ("mxc://example.org/", EmptyMediaId),
            ("mxc:///abc", InvalidHost),
            ("mxc://example.org/a/b", InvalidCharacter('/')),
            ("mxc://example.org/a.png", InvalidCharacter('.')),
        ] {
            assert_eq!(kind(MxcUri::parse(invalid)), why, "{invalid}");
        }
    }

    #[test]
    fn base64() {
        for valid in ["", "QQ", "QUI", "QUJD", "a+/9", "QQ==", "QUI="] {
            assert!(Base64::parse(valid).is_ok(), "{valid}");
        }
        for valid in ["", "a-_9", "QUJD_w", "QQ=="] {
            assert!(UrlSafeBase64::parse(valid).is_ok(), "{valid}");
        }
        use IdParseErrorKind::*;
        for (invalid, why) in [
            ("Q", InvalidLength),
            ("QUJDR", InvalidLength),
            ("a-_9", InvalidCharacter('-')),
            ("QQ=", InvalidCharacter('=')),
            ("Q===", InvalidCharacter('=')),
            ("Q=Q=", InvalidCharacter('=')),
            ("QU I", InvalidCharacter(' ')),
            ("QUé", InvalidCharacter('é')),
        ] {
            assert_eq!(kind(Base64::parse(invalid)), why, "{invalid}");
        }
        assert_eq!(kind(UrlSafeBase64::parse("a+/9")), InvalidCharacter('+'));
    }

    #[test]
    fn uris_and_emails() {
        let uri = Uri::parse("https://example.org/a b").expect("valid");
        assert_eq!(uri.scheme(), "https");
        for valid in ["mailto:a@b", "urn:isbn:0451450523", "a+b.c-d:x", "Z:"] {
            assert!(Uri::parse(valid).is_ok(), "{valid}");
        }
        assert_eq!(kind(Uri::parse("")), IdParseErrorKind::Empty);
        for invalid in ["example.org", ":x", "1http://x", "ht tp://x", "/a:b"] {
            assert_eq!(
                kind(Uri::parse(invalid)),
                IdParseErrorKind::MissingScheme,
                "{invalid}"
            );
        }

        let email = Email::parse("alice@example.org").expect("valid");
        assert_eq!(
            (email.local_part(), email.domain()),
            ("alice", "example.org")
        );
        use IdParseErrorKind::*;
        for (invalid, why) in [
            ("", Empty),
            ("alice", NotOneAtSign),
            ("a@b@c", NotOneAtSign),
            ("@example.org", EmptyLocalpart),
            ("alice@", EmptyDomain),
        ] {
            assert_eq!(kind(Email::parse(invalid)), why, "{invalid}");
        }
    }

    #[test]
    fn owned_and_borrowed_forms() {
        let owned: OwnedUserId = "@alice:example.org".parse().expect("valid");
        let borrowed: &UserId = &owned;
        assert_eq!(borrowed.to_owned(), owned);
        assert_eq!(OwnedUserId::from(borrowed), owned);
        assert_eq!(
            OwnedUserId::try_from(String::from("@alice:example.org")).expect("valid"),
            owned
        );
        assert_eq!(
            OwnedUserId::try_from("@alice:example.org").expect("valid"),
            owned
        );
        assert!(OwnedUserId::try_from(String::from("alice")).is_err());
        let via_try: &UserId = "@alice:example.org".try_into().expect("valid");
        assert_eq!(via_try, owned);

        // Comparisons with text, both ways, and between the forms.
        assert_eq!(owned, "@alice:example.org");
        assert_eq!(*borrowed, *"@alice:example.org");
        assert_eq!(borrowed, "@alice:example.org");
        assert_eq!("@alice:example.org", owned);
        assert_eq!(String::from("@alice:example.org"), *borrowed);
        assert_eq!(owned, String::from("@alice:example.org"));
        assert_eq!(owned, *borrowed);
        assert_eq!(*borrowed, owned);
        assert_ne!(owned, "@bob:example.org");

        assert_eq!(owned.as_str(), "@alice:example.org");
        assert_eq!(AsRef::<str>::as_ref(&owned), "@alice:example.org");
        assert_eq!(String::from(owned.clone()), "@alice:example.org");
        assert_eq!(owned.to_string(), "@alice:example.org");
        assert_eq!(format!("{borrowed:>20}"), "  @alice:example.org");
        assert_eq!(format!("{owned:?}"), "\"@alice:example.org\"");
        assert_eq!(format!("{borrowed:?}"), "\"@alice:example.org\"");

        // `Borrow` agrees with `Hash` and `Ord`: look-ups by the borrowed form work.
        let bob = UserId::parse("@bob:example.org").expect("valid");
        let hashed: HashSet<OwnedUserId> = [owned.clone()].into_iter().collect();
        assert!(hashed.contains(borrowed) && !hashed.contains(bob));
        let ordered: BTreeSet<OwnedUserId> = [bob.to_owned(), owned.clone()].into_iter().collect();
        assert!(ordered.contains(borrowed));
        assert_eq!(ordered.first(), Some(&owned));
    }

    #[test]
    fn serde_round_trips() {
        let owned: OwnedRoomId = serde_json::from_str(r#""!abc:example.org""#).expect("valid");
        assert_eq!(owned, "!abc:example.org");
        assert_eq!(
            serde_json::to_string(&owned).expect("serializes"),
            r#""!abc:example.org""#
        );
        let borrowed: &RoomId = serde_json::from_str(r#""!abc:example.org""#).expect("borrowed");
        assert_eq!(borrowed, owned);
        assert_eq!(
            serde_json::to_string(borrowed).expect("serializes"),
            r#""!abc:example.org""#
        );

        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Event {
            sender: OwnedUserId,
            event_id: OwnedEventId,
            url: Option<OwnedMxcUri>,
        }
        let json = r#"{"sender":"@a:b","event_id":"$x","url":"mxc://b/c"}"#;
        let event: Event = serde_json::from_str(json).expect("valid");
        assert_eq!(event.url.as_ref().map(|u| u.media_id()), Some("c"));
        assert_eq!(serde_json::to_string(&event).expect("serializes"), json);
    }

    #[test]
    fn deserializing_names_the_format() {
        let error = serde_json::from_str::<OwnedUserId>(r#""alice""#).expect_err("invalid");
        assert!(
            error
                .to_string()
                .starts_with("invalid mx-user-id: does not start with `@`"),
            "{error}"
        );
        let error = serde_json::from_str::<&ServerName>(r#""example.org:0""#).expect_err("invalid");
        assert!(error.to_string().contains("mx-server-name"), "{error}");
        let error = serde_json::from_str::<OwnedEmail>("1").expect_err("not a string");
        assert!(error.to_string().contains("expected a string"), "{error}");
    }

    #[test]
    fn error_messages() {
        let error = ServerName::parse("example.org:70000").expect_err("invalid");
        assert_eq!(error.format, "mx-server-name");
        assert_eq!(
            error.to_string(),
            "invalid mx-server-name: the port is not a number from 1 to 65535"
        );
        assert_eq!(
            UserId::parse("@a b:c").expect_err("invalid").to_string(),
            "invalid mx-user-id: character ' ' is not allowed"
        );
        assert_eq!(
            Base64::parse("Q").expect_err("invalid").to_string(),
            "invalid mx-unpadded-base64: the length is not that of any Base64 encoding"
        );
        let error: Box<dyn std::error::Error> = Box::new(error);
        assert!(error.to_string().contains("port"));
    }

    #[test]
    fn formats_table_matches_the_types() {
        let formats = [
            UserId::FORMAT,
            RoomId::FORMAT,
            EventId::FORMAT,
            RoomAliasId::FORMAT,
            ServerName::FORMAT,
            MxcUri::FORMAT,
            Base64::FORMAT,
            UrlSafeBase64::FORMAT,
            Uri::FORMAT,
            Email::FORMAT,
        ];
        let table: Vec<&str> = FORMATS.iter().map(|(format, _)| *format).collect();
        assert_eq!(table, formats);
        assert!(FORMATS.iter().all(|(_, owned)| owned.starts_with("Owned")));
        assert_eq!(
            UserId::parse("x").expect_err("invalid").format,
            FORMATS[0].0
        );
    }

    #[test]
    fn parse_param_answers_invalid_param() {
        let user: OwnedUserId = wire::parse_param("@alice:example.org", "userId").expect("valid");
        assert_eq!(user.localpart(), "alice");
        let error = wire::parse_param::<OwnedRoomId>("abc", "roomId").expect_err("invalid");
        assert_eq!(error.status, http::StatusCode::BAD_REQUEST);
        assert_eq!(error.errcode, ErrorCode::InvalidParam);
        assert_eq!(
            error.error,
            "Invalid parameter `roomId`: invalid mx-room-id: does not start with `!`"
        );
        let error = wire::parse_param::<OwnedServerName>("a:0", "server_name").expect_err("port");
        assert!(error.error.contains("`server_name`") && error.error.contains("port"));
    }
}
