//! The API's event fields hold typed events: `/sync` and `/messages` responses, as a server
//! sends them, read into the `events` module's enums (each list item kept as its bytes and
//! parsed on `deserialize()`).

use matrix_api::client_server as cs;
use matrix_api::events::{
    AnyRoomEvent, AnyStateEvent, AnyStrippedStateEvent, AnySyncRoomEvent, AnySyncStateEvent,
    AnySyncTimelineEvent, AnyTimelineEvent, RoomMessageEventContent,
};
use serde_json::json;

fn response<R: matrix_api::runtime::IncomingResponse>(body: &serde_json::Value) -> R {
    let bytes = serde_json::to_vec(body).expect("JSON");
    match R::try_from_http_response(http::Response::new(bytes)) {
        Ok(response) => response,
        Err(e) => panic!("the response does not parse: {e}"),
    }
}

fn text_message(event_id: &str) -> serde_json::Value {
    json!({
        "type": "m.room.message",
        "event_id": event_id,
        "sender": "@alice:example.org",
        "origin_server_ts": 1_700_000_000_000_i64,
        "content": {
            "msgtype": "m.text",
            "body": "hello *there*",
            "format": "org.matrix.custom.html",
            "formatted_body": "hello <em>there</em>"
        }
    })
}

fn name_state(event_id: &str) -> serde_json::Value {
    json!({
        "type": "m.room.name",
        "state_key": "",
        "event_id": event_id,
        "sender": "@alice:example.org",
        "origin_server_ts": 1_700_000_000_001_i64,
        "content": { "name": "The room" }
    })
}

fn reaction(event_id: &str) -> serde_json::Value {
    json!({
        "type": "m.reaction",
        "event_id": event_id,
        "sender": "@bob:example.org",
        "origin_server_ts": 1_700_000_000_002_i64,
        "content": {
            "m.relates_to": { "rel_type": "m.annotation", "event_id": "$m1", "key": "👍" }
        }
    })
}

fn redaction(event_id: &str) -> serde_json::Value {
    json!({
        "type": "m.room.redaction",
        "event_id": event_id,
        "sender": "@alice:example.org",
        "origin_server_ts": 1_700_000_000_003_i64,
        "content": { "redacts": "$r1", "reason": "typo" }
    })
}

fn with_room(mut event: serde_json::Value) -> serde_json::Value {
    event["room_id"] = json!("!room:example.org");
    event
}

#[test]
fn sync_timeline_holds_typed_events() {
    let room = "!room:example.org";
    let body = json!({
        "next_batch": "s1",
        "rooms": {
            "join": {
                room: {
                    "state": { "events": [name_state("$s0")] },
                    "timeline": {
                        "events": [text_message("$m1"), name_state("$s1"), reaction("$r1"), redaction("$x1")],
                        "limited": false
                    },
                    "ephemeral": { "events": [{ "type": "m.typing", "content": { "user_ids": ["@bob:example.org"] } }] },
                    "account_data": { "events": [{ "type": "org.example.config", "content": { "a": 1 } }] }
                }
            },
            "invite": {
                "!other:example.org": {
                    "invite_state": { "events": [{
                        "type": "m.room.name", "state_key": "", "sender": "@carol:example.org",
                        "content": { "name": "Invited" }
                    }] }
                }
            }
        },
        "presence": { "events": [{ "type": "m.presence", "sender": "@bob:example.org", "content": { "presence": "online" } }] },
        "account_data": { "events": [] },
        "to_device": { "events": [{ "type": "m.room_key_request", "sender": "@bob:example.org", "content": {} }] }
    });
    let sync: cs::sync::Response = response(&body);
    let rooms = sync.rooms.as_ref().expect("rooms");
    let joined = rooms
        .join
        .as_ref()
        .and_then(|join| join.values().next())
        .expect("a joined room");
    let timeline = &joined.timeline.as_ref().expect("timeline").events;
    let events: Vec<AnySyncTimelineEvent> = timeline
        .iter()
        .map(|raw| raw.deserialize().expect("a timeline event"))
        .collect();
    assert_eq!(events.len(), 4);

    let AnySyncTimelineEvent::MessageLike(AnySyncRoomEvent::RoomMessage(message)) = &events[0]
    else {
        panic!("not a message: {:?}", events[0]);
    };
    let RoomMessageEventContent::Text(text) = &message.content else {
        panic!("not m.text: {:?}", message.content);
    };
    assert_eq!(text.body, "hello *there*");
    assert_eq!(text.formatted_body.as_deref(), Some("hello <em>there</em>"));

    let AnySyncTimelineEvent::State(AnySyncStateEvent::RoomName(name)) = &events[1] else {
        panic!("not a room name state event: {:?}", events[1]);
    };
    assert_eq!(name.content.name, "The room");
    assert_eq!(name.state_key, "");

    let AnySyncTimelineEvent::MessageLike(AnySyncRoomEvent::Reaction(reaction)) = &events[2] else {
        panic!("not a reaction: {:?}", events[2]);
    };
    let relates_to = reaction
        .content
        .m_relates_to
        .as_ref()
        .expect("m.relates_to");
    assert_eq!(
        serde_json::to_value(relates_to).expect("JSON")["key"],
        json!("👍")
    );

    let AnySyncTimelineEvent::MessageLike(AnySyncRoomEvent::RoomRedaction(redaction)) = &events[3]
    else {
        panic!("not a redaction: {:?}", events[3]);
    };
    assert_eq!(
        redaction.content.redacts.as_ref().map(|id| id.as_str()),
        Some("$r1")
    );
    assert!(events.iter().all(|e| !e.is_unknown()));

    // Bytes are kept: each item writes back what was received.
    let written = serde_json::to_value(&timeline[0]).expect("JSON");
    assert_eq!(written, text_message("$m1"));

    // The state list, ephemeral and account data lists, the invite's stripped state.
    let state = &joined.state.as_ref().expect("state");
    let state = state.events.as_ref().expect("state events");
    assert!(matches!(
        state[0].deserialize().expect("a state event"),
        AnySyncTimelineEvent::State(AnySyncStateEvent::RoomName(_))
    ));
    let ephemeral = joined.ephemeral.as_ref().and_then(|e| e.events.as_ref());
    let typing = ephemeral.expect("ephemeral events")[0]
        .deserialize()
        .expect("an ephemeral event");
    assert_eq!(typing.event_type(), "m.typing");
    let invited = rooms
        .invite
        .as_ref()
        .and_then(|invite| invite.values().next())
        .and_then(|room| room.invite_state.as_ref())
        .and_then(|state| state.events.as_ref())
        .expect("invite state");
    let AnyStrippedStateEvent::RoomName(stripped) =
        invited[0].deserialize().expect("a stripped state event")
    else {
        panic!("not a stripped room name");
    };
    assert_eq!(stripped.content.name, "Invited");
    // An event type the schemas do not describe keeps its JSON.
    let presence = sync.presence.as_ref().and_then(|p| p.events.as_ref());
    let presence = presence.expect("presence")[0].deserialize().expect("JSON");
    assert_eq!(presence.event_type(), "m.presence");
    let to_device = sync.to_device.as_ref().and_then(|t| t.events.as_ref());
    assert_eq!(
        to_device.expect("to-device")[0]
            .deserialize()
            .expect("a to-device event")
            .event_type(),
        "m.room_key_request"
    );
}

#[test]
fn messages_chunk_holds_typed_events() {
    let body = json!({
        "start": "t1",
        "chunk": [
            with_room(text_message("$m1")),
            with_room(name_state("$s1")),
            with_room(reaction("$r1")),
            with_room(redaction("$x1"))
        ]
    });
    let page: cs::get_room_events::Response = response(&body);
    let events: Vec<AnyTimelineEvent> = page
        .chunk
        .iter()
        .map(|raw| raw.deserialize().expect("a room event"))
        .collect();
    let types: Vec<&str> = events.iter().map(AnyTimelineEvent::event_type).collect();
    assert_eq!(
        types,
        [
            "m.room.message",
            "m.room.name",
            "m.reaction",
            "m.room.redaction"
        ]
    );
    let AnyTimelineEvent::MessageLike(AnyRoomEvent::RoomMessage(message)) = &events[0] else {
        panic!("not a message: {:?}", events[0]);
    };
    assert_eq!(message.room_id.as_str(), "!room:example.org");
    assert!(matches!(
        events[1],
        AnyTimelineEvent::State(AnyStateEvent::RoomName(_))
    ));
    assert!(matches!(
        events[2],
        AnyTimelineEvent::MessageLike(AnyRoomEvent::Reaction(_))
    ));
    assert!(matches!(
        events[3],
        AnyTimelineEvent::MessageLike(AnyRoomEvent::RoomRedaction(_))
    ));
}
