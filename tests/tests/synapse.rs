//! End to end against a real homeserver: the generated requests, responses and errors of
//! `matrix-api`, sent to Synapse over loopback, with the validation email caught by an SMTP
//! sink.
//!
//! `scripts/synapse-e2e` installs and starts Synapse and the sink, then runs this test with
//! `MATRIX_E2E_BASE_URL` (Synapse's client API) and `MATRIX_E2E_MAILBOX` (the sink's Maildir)
//! set. Without them the test says how to run it and passes without doing anything.
//!
//! Everything on the wire goes through `matrix-api`: the generated `Request`/`Response` types
//! and their HTTP conversions, the runtime's `MatrixError`, and the runtime's reqwest `Client`
//! (whose `execute` also follows the link in the email).

use matrix_api::runtime::{IncomingResponse as _, OutgoingRequest as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use matrix_api::client_server as cs;
use matrix_api::events;
use matrix_api::runtime::client::{Client, ClientError};
use matrix_api::runtime::{ErrorCode, MatrixError};

/// The whole flow must finish within this; a hung server fails the test instead of CI.
const WATCHDOG: Duration = Duration::from_secs(180);
/// How often to look for an email in the sink, 100 ms apart, before giving up: a bound on the
/// polls, so a slow machine only makes each wait longer.
const MAIL_POLLS: u32 = 300;

struct Env {
    base_url: String,
    mailbox: PathBuf,
}

fn env() -> Option<Env> {
    let base_url = std::env::var("MATRIX_E2E_BASE_URL").ok()?;
    let mailbox = std::env::var_os("MATRIX_E2E_MAILBOX")?.into();
    Some(Env { base_url, mailbox })
}

/// The Matrix error a request was answered with; anything else fails the test.
fn matrix_error(result: Result<impl std::fmt::Debug, ClientError>) -> MatrixError {
    match result {
        Err(error) => error
            .matrix_error()
            .cloned()
            .unwrap_or_else(|| panic!("not a Matrix error: {error}")),
        Ok(value) => panic!("expected a Matrix error, got {value:?}"),
    }
}

fn password_auth(user: &str, password: &str, session: Option<String>) -> cs::AuthenticationData {
    let mut auth = {
        let mut built = cs::AuthenticationData::default();
        built.r#type = Some("m.login.password".into());
        built.session = session;
        built
    };
    auth.extra.insert(
        "identifier".into(),
        serde_json::json!({"type": "m.id.user", "user": user}),
    );
    auth.extra.insert("password".into(), password.into());
    auth
}

fn login_request(user: &str, password: &str) -> cs::login::Request {
    let mut identifier = cs::UserIdentifier::new("m.id.user".into());
    identifier.extra.insert("user".into(), user.into());
    {
        let mut built = cs::login::Request::new("m.login.password".into());
        built.identifier = Some(identifier);
        built.password = Some(password.into());
        built.initial_device_display_name = Some("matrix-api e2e".into());
        built
    }
}

/// The messages in the Maildir (`new/` holds one file per message).
fn mails(mailbox: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(mailbox.join("new"))
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Waits (bounded) until one message that is not in `before` is in the mailbox; returns it.
fn wait_for_mail(mailbox: &Path, before: &[PathBuf]) -> String {
    let start = Instant::now();
    for _ in 0..MAIL_POLLS {
        let new: Vec<PathBuf> = mails(mailbox)
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        if let [message] = new.as_slice() {
            println!(
                "    mail arrived after {} ms: {}",
                start.elapsed().as_millis(),
                message.display()
            );
            return std::fs::read_to_string(message).expect("readable message");
        }
        assert!(new.len() < 2, "more than one new mail: {new:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no mail in {} after {MAIL_POLLS} looks", mailbox.display());
}

/// Decodes standard base64, skipping line breaks.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let (mut out, mut bits, mut count) = (Vec::new(), 0u32, 0);
    for sextet in text.bytes().filter_map(value) {
        bits = (bits << 6) | sextet;
        count += 1;
        if count == 4 {
            out.extend_from_slice(&bits.to_be_bytes()[1..]);
            (bits, count) = (0, 0);
        }
    }
    match count {
        2 => out.push((bits >> 4) as u8),
        3 => out.extend_from_slice(&((bits >> 2) as u16).to_be_bytes()),
        _ => {}
    }
    out
}

/// Decodes quoted-printable (soft line breaks and `=XX`).
fn quoted_printable_decode(text: &str) -> Vec<u8> {
    let bytes = text.replace("=\n", "").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// The `text/plain` part of a MIME message (a multipart one or not), decoded.
fn plain_text(message: &str) -> String {
    let message = message.replace("\r\n", "\n");
    let (headers, body) = message.split_once("\n\n").expect("headers and body");
    let parts: Vec<&str> = match headers
        .split_once("boundary=")
        .map(|(_, rest)| rest.trim_start_matches('"'))
        .and_then(|rest| rest.split(['"', '\n', ';']).next())
    {
        Some(boundary) => body.split(&format!("--{boundary}")).collect(),
        None => vec![&message],
    };
    for part in parts {
        let part = part.trim_start_matches('\n');
        let Some((part_headers, part_body)) = part.split_once("\n\n") else {
            continue;
        };
        let part_headers = part_headers.to_ascii_lowercase();
        if !part_headers.contains("content-type: text/plain") {
            continue;
        }
        let bytes = if part_headers.contains("content-transfer-encoding: base64") {
            base64_decode(part_body)
        } else if part_headers.contains("content-transfer-encoding: quoted-printable") {
            quoted_printable_decode(part_body)
        } else {
            part_body.as_bytes().to_vec()
        };
        return String::from_utf8(bytes).expect("UTF-8 text");
    }
    panic!("no text/plain part in:\n{message}");
}

/// The first http(s) link of a text.
fn first_link(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no link in:\n{text}"))
        .trim_end_matches(['.', ',', '>', ')'])
        .to_owned()
}

fn header(message: &str, name: &str) -> String {
    message
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            l.split_once(':')
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_default()
}

fn step(n: &str, what: &str) {
    println!("step {n}: {what}");
}

#[tokio::test]
async fn synapse_end_to_end() {
    let Some(env) = env() else {
        println!(
            "skipped: MATRIX_E2E_BASE_URL and MATRIX_E2E_MAILBOX are not set. \
             Run `scripts/synapse-e2e` to install and start Synapse and an SMTP sink on \
             127.0.0.1 and run this test against them."
        );
        return;
    };
    std::thread::spawn(|| {
        std::thread::sleep(WATCHDOG);
        eprintln!("the Synapse end-to-end test did not finish within {WATCHDOG:?}");
        std::process::exit(101);
    });
    let started = Instant::now();
    let unique = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis();
    let username = format!("e2e{unique}");
    let password = format!("pw-{unique}-correct-horse");
    let email = format!("e2e{unique}@example.org");
    let client_secret = format!("secret{unique}");
    let mut client = Client::new(env.base_url.clone());

    // (1) The versions, typed.
    let versions = client
        .send(&cs::get_versions::Request::default())
        .await
        .expect("GET /versions");
    step("1", &format!("GET /versions: {:?}", versions.versions));
    assert!(versions.versions.iter().any(|v| v == "r0.6.1"));
    assert!(versions.versions.iter().any(|v| v.starts_with("v1.")));

    // (2) Registration: user-interactive auth, then the dummy stage.
    let mut register = {
        let mut built = cs::register::Request::default();
        built.username = Some(username.clone());
        built.password = Some(password.clone());
        built.initial_device_display_name = Some("matrix-api e2e".into());
        built
    };
    let challenge = matrix_error(client.send(&register).await);
    step(
        "2",
        &format!(
            "POST /register without auth: {} {:?}",
            challenge.status, challenge.uiaa
        ),
    );
    assert_eq!(challenge.status.as_u16(), 401);
    let uiaa = challenge.uiaa.expect("a UIA body: flows and session");
    assert!(
        uiaa.flows.iter().any(|f| f.stages == ["m.login.dummy"]),
        "{uiaa:?}"
    );
    let session = uiaa.session.clone().expect("a UIA session");
    register.auth = Some({
        let mut built = cs::AuthenticationData::default();
        built.r#type = Some("m.login.dummy".into());
        built.session = Some(session);
        built
    });
    let registered = client
        .send(&register)
        .await
        .expect("register with m.login.dummy");
    step(
        "2",
        &format!(
            "POST /register with m.login.dummy: user_id {}, device_id {:?}, token present: {}",
            registered.user_id,
            registered.device_id,
            registered.access_token.is_some()
        ),
    );
    let user_id = format!("@{username}:localhost");
    assert_eq!(registered.user_id, user_id);
    let register_token = registered.access_token.expect("an access token");

    // (3) whoami with the registration token; a password login gives a second token.
    client.set_access_token(Some(register_token.clone()));
    let whoami = client
        .send(&cs::get_token_owner::Request::default())
        .await
        .expect("whoami");
    step("3", &format!("GET /account/whoami: {}", whoami.user_id));
    assert_eq!(whoami.user_id, user_id);

    // The same through the bare conversions, on the r0 prefix this spec was written for.
    let request = cs::get_token_owner::Request::default()
        .try_into_http_request_with(
            &env.base_url,
            Some(&register_token),
            &[("client_major_version", "r0")],
        )
        .expect("request");
    assert!(
        request
            .uri()
            .path()
            .ends_with("/_matrix/client/r0/account/whoami")
    );
    let response = client.execute(request).await.expect("r0 whoami sent");
    let whoami_r0 =
        cs::get_token_owner::Response::try_from_http_response(response).expect("r0 whoami");
    assert_eq!(whoami_r0.user_id, user_id);
    step("3", "GET /_matrix/client/r0/account/whoami: the same user");

    let login = client
        .send(&login_request(&username, &password))
        .await
        .expect("password login");
    step(
        "3",
        &format!(
            "POST /login: user_id {:?}, device_id {:?}",
            login.user_id, login.device_id
        ),
    );
    assert_eq!(login.user_id, user_id);
    let login_token = login.access_token;
    assert_ne!(login_token, register_token);

    // (4, 6e) Email validation. The seed's body had a required `id_server`; Synapse refuses an
    // `id_server` without `id_access_token` (400 M_INVALID_PARAM, pydantic's message).
    let old = matrix_error(
        client
            .send(&{
                let mut built = cs::request_token_to_3pid_email::Request::new(
                    client_secret.clone(),
                    email.clone(),
                    1,
                );
                built.id_server = Some("id.example.org".into());
                built
            })
            .await,
    );
    step(
        "6e",
        &format!("requestToken with id_server and no id_access_token: {old}"),
    );
    assert_eq!(
        (old.status.as_u16(), &old.errcode),
        (400, &ErrorCode::InvalidParam)
    );
    assert!(old.error.contains("id_access_token"), "{}", old.error);

    let request_token = |send_attempt: i64| {
        cs::request_token_to_3pid_email::Request::new(
            client_secret.clone(),
            email.clone(),
            send_attempt,
        )
    };
    let before = mails(&env.mailbox);
    let token = client
        .send(&request_token(1))
        .await
        .expect("requestToken without id_server");
    step(
        "4",
        &format!(
            "POST /v3/account/3pid/email/requestToken: sid {}, submit_url {:?}",
            token.sid, token.submit_url
        ),
    );
    assert!(!token.sid.is_empty());
    assert_eq!(token.submit_url, None);
    let message = wait_for_mail(&env.mailbox, &before);
    assert_eq!(header(&message, "To"), email);
    let text = plain_text(&message);
    let link = first_link(&text);
    step("4", &format!("the mail's link: {link}"));
    assert!(link.starts_with(&env.base_url), "{link}");
    assert!(link.contains(&format!("sid={}", token.sid)), "{link}");

    // (6a) The same send_attempt again: success with the same sid, and no second mail.
    let again = client
        .send(&request_token(1))
        .await
        .expect("requestToken replayed");
    step(
        "6a",
        &format!(
            "requestToken again with send_attempt 1: sid {}, no mail",
            again.sid
        ),
    );
    assert_eq!(again.sid, token.sid);
    let after_first = mails(&env.mailbox);
    assert_eq!(
        after_first.len(),
        before.len() + 1,
        "a replayed send_attempt sent mail"
    );

    // A higher send_attempt: the same session, a new mail with a new link.
    let raised = client
        .send(&request_token(2))
        .await
        .expect("requestToken, send_attempt 2");
    let message = wait_for_mail(&env.mailbox, &after_first);
    let link2 = first_link(&plain_text(&message));
    step(
        "6a",
        &format!(
            "requestToken with send_attempt 2: sid {}, another mail",
            raised.sid
        ),
    );
    assert_eq!(raised.sid, token.sid);
    assert_ne!(link2, link, "a new token");

    // Following the link validates the session (Synapse answers with an HTML page).
    let follow = http::Request::get(&link2)
        .body(Vec::new())
        .expect("GET request");
    let page = client.execute(follow).await.expect("link followed");
    let html = String::from_utf8_lossy(page.body());
    step(
        "4",
        &format!(
            "GET the link: {} {:?}",
            page.status(),
            html.lines()
                .find(|l| l.contains("validated"))
                .map(str::trim)
        ),
    );
    assert_eq!(page.status().as_u16(), 200, "{html}");
    assert!(html.contains("Your email has now been validated"), "{html}");

    // (5) Adding the address: user-interactive auth with the password.
    let mut add = cs::add_3pid::Request::new(client_secret.clone(), token.sid.clone());
    let challenge = matrix_error(client.send(&add).await);
    step(
        "5",
        &format!(
            "POST /account/3pid/add without auth: {} {:?}",
            challenge.status, challenge.uiaa
        ),
    );
    assert_eq!(challenge.status.as_u16(), 401);
    let uiaa = challenge.uiaa.expect("a UIA body");
    assert!(
        uiaa.flows.iter().any(|f| f.stages == ["m.login.password"]),
        "{uiaa:?}"
    );
    add.auth = Some(password_auth(&username, &password, uiaa.session.clone()));
    let added = client.send(&add).await.expect("add with m.login.password");
    step(
        "5",
        &format!("POST /account/3pid/add with password: {added:?}"),
    );

    let listed = client
        .send(&cs::get_account_3pids::Request::default())
        .await
        .expect("list 3pids");
    step("5", &format!("GET /account/3pid: {:?}", listed.threepids));
    let threepids = listed.threepids.expect("threepids");
    assert_eq!(threepids.len(), 1);
    assert_eq!(threepids[0].medium.as_str(), "email");
    assert_eq!(threepids[0].address, email);
    assert!(threepids[0].validated_at > 0 && threepids[0].added_at >= threepids[0].validated_at);

    // (6b) The address is now taken: a new validation for it is refused, typed.
    let in_use = matrix_error(
        client
            .send(&{
                let mut other = request_token(1);
                other.client_secret = format!("other{unique}");
                other
            })
            .await,
    );
    step(
        "6b",
        &format!("requestToken for an address in use: {in_use}"),
    );
    assert_eq!(
        (in_use.status.as_u16(), &in_use.errcode),
        (400, &ErrorCode::ThreepidInUse)
    );

    let deleted = client
        .send(&cs::delete_3pid_from_account::Request::new(
            "email".into(),
            email.clone(),
        ))
        .await
        .expect("delete 3pid");
    step(
        "5",
        &format!(
            "POST /account/3pid/delete: id_server_unbind_result {}",
            deleted.id_server_unbind_result
        ),
    );
    let listed = client
        .send(&cs::get_account_3pids::Request::default())
        .await
        .expect("list 3pids again");
    step(
        "5",
        &format!("GET /account/3pid after delete: {:?}", listed.threepids),
    );
    assert!(listed.threepids.unwrap_or_default().is_empty());

    // (6c) An unknown token: 401 M_UNKNOWN_TOKEN.
    let mut stranger = client.clone();
    stranger.set_access_token(Some("syt_not_a_real_token".into()));
    let unknown = matrix_error(
        stranger
            .send(&cs::get_token_owner::Request::default())
            .await,
    );
    step("6c", &format!("whoami with an unknown token: {unknown}"));
    assert_eq!(
        (unknown.status.as_u16(), &unknown.errcode),
        (401, &ErrorCode::UnknownToken)
    );
    assert_eq!(unknown.extra.get("soft_logout"), Some(&false.into()));

    // (6d) A missing parameter: registration without a password (optional in the spec,
    // required by Synapse once authentication is done) is 400 M_MISSING_PARAM.
    // `client` holds the (unknown) token of 6c, and a token given is always sent, also to
    // operations without `security`; Synapse refuses any token on `/register` (400 M_UNKNOWN,
    // unless it is an application service's), so registration uses a client without one.
    let mut anonymous = client.clone();
    anonymous.set_access_token(None);
    let mut no_password = {
        let mut built = cs::register::Request::default();
        built.username = Some(format!("{username}b"));
        built
    };
    let challenge = matrix_error(anonymous.send(&no_password).await);
    no_password.auth = Some({
        let mut built = cs::AuthenticationData::default();
        built.r#type = Some("m.login.dummy".into());
        built.session = challenge.uiaa.and_then(|u| u.session);
        built
    });
    let missing = matrix_error(anonymous.send(&no_password).await);
    step("6d", &format!("register without a password: {missing}"));
    assert_eq!(
        (missing.status.as_u16(), &missing.errcode),
        (400, &ErrorCode::MissingParam)
    );

    // (8) Typed events: a room, an `m.text` message with `formatted_body`, a state event, a
    // reaction and a redaction, sent with typed content and read back typed from `/messages`
    // and `/sync`.
    client.set_access_token(Some(login_token.clone()));
    events_round_trip(&client).await;

    // (7) Logging out the login token: it stops working, the registration token does not.
    client.set_access_token(Some(login_token.clone()));
    let logout = client
        .send(&cs::logout::Request::default())
        .await
        .expect("logout");
    step("7", &format!("POST /logout: {logout:?}"));
    let gone = matrix_error(client.send(&cs::get_token_owner::Request::default()).await);
    step("7", &format!("whoami with the logged-out token: {gone}"));
    assert_eq!(
        (gone.status.as_u16(), &gone.errcode),
        (401, &ErrorCode::UnknownToken)
    );
    client.set_access_token(Some(register_token));
    let still = client
        .send(&cs::get_token_owner::Request::default())
        .await
        .expect("the other token still works");
    assert_eq!(still.user_id, user_id);

    println!(
        "Synapse end-to-end: every step passed in {} ms",
        started.elapsed().as_millis()
    );
}

/// Step 8: what a bot does — sends typed event content, reads typed events back.
async fn events_round_trip(client: &Client) {
    let created = client
        .send(&{
            let mut built = cs::create_room::Request::default();
            built.name = Some("matrix-api e2e".into());
            built
        })
        .await
        .expect("POST /createRoom");
    let room_id = created.room_id;
    step("8", &format!("POST /createRoom: {room_id}"));

    let text = {
        let mut built = events::TextMessageEventContent::new("hello *world*".into());
        built.format = Some("org.matrix.custom.html".into());
        built.formatted_body = Some("hello <em>world</em>".into());
        events::RoomMessageEventContent::Text(built)
    };
    let sent = client
        .send(
            &cs::send_message::Request::with_content(room_id.clone(), "m1".into(), &text)
                .expect("content"),
        )
        .await
        .expect("PUT /send/m.room.message");
    let message_id = sent.event_id;
    step("8", &format!("sent m.room.message (m.text): {message_id}"));

    let topic = events::RoomTopicEventContent::new("typed topic".into());
    let topic_sent = client
        .send(
            &cs::set_room_state_with_key::Request::with_content(
                room_id.clone(),
                String::new(),
                &topic,
            )
            .expect("content"),
        )
        .await
        .expect("PUT /state/m.room.topic/");
    step("8", &format!("set m.room.topic: {}", topic_sent.event_id));

    let reaction = {
        let mut relates_to = events::ReactionRelatesTo::default();
        relates_to.rel_type = Some(events::RelType::MAnnotation);
        relates_to.event_id = Some(message_id.to_string());
        relates_to.key = Some("👍".into());
        let mut built = events::ReactionEventContent::default();
        built.m_relates_to = Some(relates_to);
        built
    };
    let reaction_sent = client
        .send(
            &cs::send_message::Request::with_content(room_id.clone(), "r1".into(), &reaction)
                .expect("content"),
        )
        .await
        .expect("PUT /send/m.reaction");
    step("8", &format!("sent m.reaction: {}", reaction_sent.event_id));

    // Read back before the redaction: the message, the topic and the reaction, typed.
    let synced = client
        .send(&cs::sync::Request::default())
        .await
        .expect("GET /sync");
    let timeline = synced
        .rooms
        .and_then(|rooms| rooms.join)
        .and_then(|mut join| join.remove(&room_id))
        .and_then(|room| room.timeline)
        .expect("the new room's timeline in /sync");
    let mut seen_text = false;
    let mut seen_topic = false;
    let mut seen_reaction = false;
    // The timeline arrives as `Raw` events (bytes kept); each is parsed when read.
    for raw in &timeline.events {
        let event = match raw.deserialize().expect("a sync timeline event") {
            events::AnySyncTimelineEvent::State(events::AnySyncStateEvent::RoomTopic(topic)) => {
                assert_eq!(topic.content.topic, "typed topic");
                seen_topic = true;
                continue;
            }
            events::AnySyncTimelineEvent::MessageLike(event) => event,
            _ => continue,
        };
        match event {
            events::AnySyncRoomEvent::RoomMessage(message) => {
                let events::RoomMessageEventContent::Text(text) = message.content else {
                    panic!("not m.text: {:?}", message.content);
                };
                assert_eq!(text.formatted_body.as_deref(), Some("hello <em>world</em>"));
                assert_eq!(message.event_id, message_id);
                seen_text = true;
            }
            events::AnySyncRoomEvent::Reaction(reacted) => {
                let relation = reacted.content.m_relates_to.expect("m.relates_to");
                assert_eq!(relation.key.as_deref(), Some("👍"));
                assert_eq!(relation.event_id.as_deref(), Some(message_id.as_str()));
                seen_reaction = true;
            }
            _ => {}
        }
    }
    step(
        "8",
        &format!(
            "GET /sync: m.text {seen_text}, m.room.topic {seen_topic}, m.reaction {seen_reaction}"
        ),
    );
    assert!(seen_text && seen_topic && seen_reaction);

    let redacted = client
        .send(&{
            let mut built =
                cs::redact_event::Request::new(room_id.clone(), message_id.clone(), "x1".into());
            built.reason = Some("e2e".into());
            built
        })
        .await
        .expect("PUT /redact");
    let redaction_id = redacted.event_id.expect("the redaction's event ID");
    step("8", &format!("redacted the message: {redaction_id}"));

    let page = client
        .send(&{
            let mut built =
                cs::get_room_events::Request::new(room_id.clone(), cs::get_room_events::Dir::B);
            built.limit = Some(20);
            built
        })
        .await
        .expect("GET /messages");
    let mut redaction_seen = false;
    let mut original_redacted = false;
    for raw in &page.chunk {
        let events::AnyTimelineEvent::MessageLike(event) = raw.deserialize().expect("an event")
        else {
            continue;
        };
        match event {
            events::AnyRoomEvent::RoomRedaction(redaction) => {
                assert_eq!(redaction.event_id, redaction_id);
                assert_eq!(redaction.content.reason.as_deref(), Some("e2e"));
                redaction_seen = true;
            }
            // Redacted, the message keeps no `msgtype`: its content is an unknown variant.
            events::AnyRoomEvent::RoomMessage(message) if message.event_id == message_id => {
                assert!(matches!(
                    message.content,
                    events::RoomMessageEventContent::Unknown(_)
                ));
                original_redacted = true;
            }
            _ => {}
        }
    }
    step(
        "8",
        &format!("GET /messages: redaction {redaction_seen}, message redacted {original_redacted}"),
    );
    assert!(redaction_seen && original_redacted);
}
