//! Rust names from spec names: `requestTokenTo3PIDEmail` → `request_token_to_3pid_email`,
//! `m.homeserver` → `m_homeserver`, `type` → `r#type`, `Third party identifier` →
//! `ThirdPartyIdentifier`.
//!
//! heck's case conversion splits `3PID` into `3` and `PID`; the spec's identifiers want a
//! number glued to the acronym it prefixes, so words are split here and heck only cases them.

use heck::ToUpperCamelCase;

/// Splits an identifier into words at separators and case changes.
///
/// Digits start a word when they precede an acronym or lower-case letters (`3PID`, `3pid`)
/// and stay with the previous word otherwise (`v1`, `md5Hash` → `md5`, `Hash`). An acronym
/// followed by a lone `s` keeps it (`3PIDs` → `3pids`).
pub fn words(input: &str) -> Vec<String> {
    split_words(input, false)
}

/// [`words`], optionally keeping a mixed-case acronym (`IdP`) as one word: right for
/// `snake_case` (`redirect_to_idp`), while `UpperCamelCase` already spells it `IdP`.
fn split_words(input: &str, glue_mixed_acronyms: bool) -> Vec<String> {
    let chars: Vec<char> = input.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    let flush = |current: &mut String, words: &mut Vec<String>| {
        if !current.is_empty() {
            words.push(std::mem::take(current));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if !c.is_alphanumeric() {
            flush(&mut current, &mut words);
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            let next = chars.get(i).copied();
            let next2 = chars.get(i + 1).copied();
            let starts_word = match next {
                Some(n) if n.is_lowercase() => true,
                // An acronym follows (`3PID`), not a capitalised word (`5Hash`).
                Some(n) if n.is_uppercase() => {
                    next2.is_none_or(|m| !m.is_lowercase()) || current.is_empty()
                }
                _ => false,
            };
            if starts_word || current.is_empty() {
                flush(&mut current, &mut words);
                current.push_str(&digits);
                if starts_word {
                    // Take the letters that follow into this word.
                    i = take_letters(&chars, i, &mut current);
                    flush(&mut current, &mut words);
                }
            } else {
                current.push_str(&digits);
                flush(&mut current, &mut words);
            }
            continue;
        }
        if c.is_uppercase() {
            // A mixed-case acronym (`IdP`): a lone capital right after a two-letter word.
            let lone = match chars.get(i + 1) {
                None => true,
                Some(n) if !n.is_alphanumeric() => true,
                // `IdPList`: the next capital starts a word of its own.
                Some(n) if n.is_uppercase() => chars.get(i + 2).is_some_and(|m| m.is_lowercase()),
                Some(_) => false,
            };
            let after_pair = glue_mixed_acronyms
                && i >= 2
                && chars[i - 1].is_lowercase()
                && chars[i - 2].is_uppercase()
                && (i == 2 || !chars[i - 3].is_uppercase());
            if lone && after_pair && current.chars().count() == 2 {
                current.push(c);
                flush(&mut current, &mut words);
                i += 1;
                continue;
            }
            if lone
                && after_pair
                && current.is_empty()
                && let Some(last) = words.last_mut().filter(|w| w.chars().count() == 2)
            {
                last.push(c);
                i += 1;
                continue;
            }
            let prev_lower = current
                .chars()
                .last()
                .is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            if prev_lower {
                flush(&mut current, &mut words);
            }
            if current.is_empty() {
                i = take_letters(&chars, i, &mut current);
                // A word ends at its last letter unless digits follow (`V1`, `Sha256`).
                if !chars.get(i).is_some_and(char::is_ascii_digit) {
                    flush(&mut current, &mut words);
                }
                continue;
            }
        }
        current.push(c);
        i += 1;
    }
    flush(&mut current, &mut words);
    words
}

/// Appends a word starting at `i`: an acronym (`PID`, `PIDs`), a capitalised word (`Email`) or a
/// lower-case run. Returns the index after it.
fn take_letters(chars: &[char], mut i: usize, out: &mut String) -> usize {
    let upper_start = i;
    while i < chars.len() && chars[i].is_uppercase() {
        i += 1;
    }
    let upper_len = i - upper_start;
    if upper_len > 1 {
        // `PIDEmail`: the last capital starts the next word, unless it is a plural `s`.
        let next = chars.get(i).copied();
        if next.is_some_and(char::is_lowercase) {
            let is_plural = next == Some('s') && chars.get(i + 1).is_none_or(|c| !c.is_lowercase());
            if is_plural {
                out.extend(&chars[upper_start..=i]);
                return i + 1;
            }
            i -= 1;
        }
        out.extend(&chars[upper_start..i]);
        return i;
    }
    out.extend(&chars[upper_start..i]);
    while i < chars.len()
        && (chars[i].is_lowercase()
            || (chars[i].is_alphanumeric()
                && !chars[i].is_uppercase()
                && !chars[i].is_ascii_digit()))
    {
        out.push(chars[i]);
        i += 1;
    }
    i
}

/// Acronyms seen standing alone in a set of identifiers (`3PID` in `requestTokenTo3PIDEmail`,
/// `MSISDN` in `requestTokenToRegisterMSISDN`), used to split runs of capitals that join two of
/// them (`3PIDMSISDN`). Built from the spec itself, so it needs no word list.
#[derive(Clone, Debug, Default)]
pub struct Acronyms {
    known: std::collections::BTreeSet<String>,
}

impl Acronyms {
    pub fn from_identifiers<'a>(identifiers: impl IntoIterator<Item = &'a str>) -> Self {
        let mut known = std::collections::BTreeSet::new();
        for id in identifiers {
            for word in words(id) {
                if is_acronym(&word) {
                    known.insert(word);
                }
            }
        }
        Acronyms { known }
    }

    /// Splits a word that is a concatenation of two or more other known acronyms.
    fn split(&self, word: &str) -> Option<Vec<String>> {
        if !is_acronym(word) {
            return None;
        }
        // parts[i]: a split of word[..i] into known acronyms other than the word itself.
        let n = word.len();
        let mut parts: Vec<Option<Vec<String>>> = vec![None; n + 1];
        parts[0] = Some(Vec::new());
        for end in 1..=n {
            for start in 0..end {
                let piece = &word[start..end];
                if piece.len() == n || !self.known.contains(piece) {
                    continue;
                }
                if let Some(prefix) = &parts[start] {
                    let mut split = prefix.clone();
                    split.push(piece.to_owned());
                    parts[end] = Some(split);
                    break;
                }
            }
        }
        parts[n].take().filter(|p| p.len() > 1)
    }

    /// `snake_case` that also splits joined acronyms.
    pub fn snake_case(&self, input: &str) -> String {
        let split: Vec<String> = split_words(input, true)
            .into_iter()
            .flat_map(|w| self.split(&w).unwrap_or_else(|| vec![w]))
            .collect();
        snake_case(&split.join("_"))
    }
}

fn is_acronym(word: &str) -> bool {
    word.len() >= 2
        && word.is_ascii()
        && word.chars().any(|c| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Keeps what a Rust identifier may hold anywhere: ASCII letters, digits and `_`. (`²` is
/// alphanumeric without being an identifier character; the spec's own names are ASCII.)
fn identifier_text(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// `snake_case` for modules, functions and fields.
pub fn snake_case(input: &str) -> String {
    let snake = split_words(input, true)
        .iter()
        .map(|w| identifier_text(&w.to_lowercase()))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if snake.is_empty() {
        "unnamed".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    }
}

/// `UpperCamelCase` for types and variants.
pub fn upper_camel(input: &str) -> String {
    let camel: String = words(input)
        .iter()
        .map(|w| identifier_text(&w.to_lowercase().to_upper_camel_case()))
        .map(|w| {
            // A dropped non-ASCII initial must not leave a lower-case word (`as`).
            let mut chars = w.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if camel.is_empty() {
        "Unnamed".to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        // A type name cannot start with a digit: spell the leading digits (`3pid` → `ThreePid`).
        const DIGITS: [&str; 10] = [
            "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine",
        ];
        let digits = camel.chars().take_while(char::is_ascii_digit).count();
        let mut spelled: String = camel
            .chars()
            .take(digits)
            .filter_map(|d| d.to_digit(10).map(|d| DIGITS[d as usize]))
            .collect();
        let mut rest = camel[digits..].chars();
        if let Some(first) = rest.next() {
            spelled.push(first.to_ascii_uppercase());
            spelled.push_str(rest.as_str());
        }
        spelled
    } else if camel == "Self" {
        // `Self` is a keyword that cannot be a raw identifier.
        "SelfValue".to_owned()
    } else {
        camel
    }
}

const STRICT_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const UNRAWABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A field or module identifier: `snake_case`, with keywords as raw identifiers (`r#type`)
/// and the few that cannot be raw suffixed (`self_`).
pub fn field_ident(input: &str) -> String {
    escape_keyword(snake_case(input))
}

pub fn escape_keyword(name: String) -> String {
    if UNRAWABLE.contains(&name.as_str()) {
        format!("{name}_")
    } else if STRICT_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The name serde would derive from a Rust field name (raw prefix dropped).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The singular of an UpperCamel name's last word, for the items of a list or the values of
/// a map (`OneTimeKeys` → `OneTimeKey`, `Entries` → `Entry`). Only plain English plurals are
/// changed; anything else is kept.
pub fn singular(name: &str) -> String {
    let last_word = name
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(0, |(i, _)| i);
    let word = &name[last_word..];
    let head = &name[..last_word];
    let lower = word.to_ascii_lowercase();
    let stem = if lower.len() > 4 && lower.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if lower.ends_with("sses") || lower.ends_with("xes") || lower.ends_with("uses") {
        word[..word.len() - 2].to_owned()
    } else if lower.len() > 3
        && lower.ends_with('s')
        && !["ss", "us", "is", "as", "ses"]
            .iter()
            .any(|end| lower.ends_with(end))
    {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    };
    format!("{head}{stem}")
}

/// A type name that is free in `taken`, trying `base`, then `{prefix}{base}`, then numbers.
pub fn unique(base: &str, prefix: Option<&str>, taken: &dyn Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    if let Some(prefix) = prefix {
        let candidate = format!("{prefix}{base}");
        if !taken(&candidate) {
            return candidate;
        }
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids() {
        assert_eq!(
            snake_case("requestTokenTo3PIDEmail"),
            "request_token_to_3pid_email"
        );
        assert_eq!(snake_case("getAccount3PIDs"), "get_account_3pids");
        assert_eq!(snake_case("post3PIDs"), "post_3pids");
        assert_eq!(
            snake_case("delete3pidFromAccount"),
            "delete_3pid_from_account"
        );
        assert_eq!(snake_case("queryUserByID"), "query_user_by_id");
        assert_eq!(snake_case("queryUserById"), "query_user_by_id");
        assert_eq!(snake_case("getPublicRoomsV1"), "get_public_rooms_v1");
        assert_eq!(snake_case("md5Hash"), "md5_hash");
        assert_eq!(snake_case("logout_all"), "logout_all");
        assert_eq!(snake_case("getRoomIdByAlias"), "get_room_id_by_alias");
        assert_eq!(snake_case("sendToDevice"), "send_to_device");
        assert_eq!(
            snake_case("getJoinedMembersByRoom"),
            "get_joined_members_by_room"
        );
    }

    #[test]
    fn joined_acronyms_split_on_acronyms_seen_alone() {
        let ids = [
            "requestTokenTo3PIDEmail",
            "requestTokenTo3PIDMSISDN",
            "requestTokenToRegisterMSISDN",
        ];
        let acronyms = Acronyms::from_identifiers(ids);
        assert_eq!(
            acronyms.snake_case("requestTokenTo3PIDMSISDN"),
            "request_token_to_3pid_msisdn"
        );
        assert_eq!(
            acronyms.snake_case("requestTokenTo3PIDEmail"),
            "request_token_to_3pid_email"
        );
        assert_eq!(acronyms.snake_case("getPIDs"), "get_pids");
        // Without the acronyms seen alone there is nothing to split on.
        assert_eq!(
            Acronyms::default().snake_case("requestTokenTo3PIDMSISDN"),
            "request_token_to_3pidmsisdn"
        );
    }

    #[test]
    fn property_names() {
        assert_eq!(field_ident("m.homeserver"), "m_homeserver");
        assert_eq!(field_ident("og:image"), "og_image");
        assert_eq!(field_ident("sdpMid"), "sdp_mid");
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("override"), "r#override");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("Content-Type"), "content_type");
        assert_eq!(field_ident("3pid"), "_3pid");
        assert_eq!(
            field_ident("m.room.message$m.text"),
            "m_room_message_m_text"
        );
    }

    #[test]
    fn type_names() {
        assert_eq!(
            upper_camel("Third party identifier"),
            "ThirdPartyIdentifier"
        );
        assert_eq!(upper_camel("ThreePidCredentials"), "ThreePidCredentials");
        assert_eq!(upper_camel("auth_data"), "AuthData");
        assert_eq!(upper_camel("m.login.password"), "MLoginPassword");
        assert_eq!(upper_camel("3pid"), "ThreePid");
        assert_eq!(upper_camel("3PID"), "ThreePid");
        assert_eq!(snake_case("redirectToIdP"), "redirect_to_idp");
        assert_eq!(snake_case("getIdPList"), "get_idp_list");
        assert_eq!(upper_camel("IdP"), "IdP");
        assert_eq!(snake_case("roomId"), "room_id");
        assert_eq!(singular("OneTimeKeys"), "OneTimeKey");
        assert_eq!(singular("Entries"), "Entry");
        assert_eq!(singular("RoomAliases"), "RoomAliases");
        assert_eq!(singular("Status"), "Status");
        assert_eq!(singular("Chunk"), "Chunk");
        assert_eq!(
            upper_camel("requestTokenTo3PIDEmail"),
            "RequestTokenTo3pidEmail"
        );
    }

    #[test]
    fn uniqueness() {
        let taken = |n: &str| n == "Event" || n == "RoomEvent";
        assert_eq!(unique("Event", Some("Room"), &taken), "Event2");
        assert_eq!(unique("Event", Some("Sync"), &taken), "SyncEvent");
        assert_eq!(unique("Other", None, &taken), "Other");
    }
}
