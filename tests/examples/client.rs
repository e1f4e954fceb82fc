//! A client that talks to a homeserver using only the generated request and response types.
//!
//! ```sh
//! cargo run -p matrix-api-tests --example homeserver &
//! cargo run -p matrix-api-tests --example client -- http://127.0.0.1:8008 alice
//! ```

use matrix_api::client_server::{
    get_token_owner, get_versions, login, request_token_to_3pid_email, request_token_to_3pid_msisdn,
};
use matrix_api::runtime::client::{Client, ClientError};
use matrix_api_tests::homeserver::PASSWORD;

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let mut args = std::env::args().skip(1);
    let base_url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8008".into());
    let user = args.next().unwrap_or_else(|| "alice".into());
    let mut client = Client::new(base_url);

    let versions = client.send(&get_versions::Request {}).await?;
    println!("versions: {:?}", versions.versions);

    let mut identifier = login::UserIdentifier {
        r#type: "m.id.user".into(),
        ..Default::default()
    };
    identifier.extra.insert("user".into(), user.into());
    let logged_in = client
        .send(&login::Request {
            r#type: login::Type::MLoginPassword,
            identifier: Some(identifier),
            password: Some(PASSWORD.into()),
            user: None,
            medium: None,
            address: None,
            token: None,
            device_id: None,
            initial_device_display_name: Some("example client".into()),
            extra: Default::default(),
        })
        .await?;
    println!("logged in as {:?}", logged_in.user_id);
    client.set_access_token(logged_in.access_token);

    let whoami = client.send(&get_token_owner::Request {}).await?;
    println!("whoami: {}", whoami.user_id);

    let email = client
        .send(&request_token_to_3pid_email::Request {
            client_secret: "monkeys_are_GREAT".into(),
            email: "alice@example.org".into(),
            send_attempt: 1,
            next_link: None,
            id_server: "id.example.org".into(),
            extra: Default::default(),
        })
        .await?;
    println!(
        "email validation: sid {}, submit_url {:?}",
        email.sid, email.submit_url
    );

    let msisdn = client
        .send(&request_token_to_3pid_msisdn::Request {
            client_secret: "monkeys_are_GREAT".into(),
            country: "GB".into(),
            phone_number: "07700900001".into(),
            send_attempt: 1,
            next_link: None,
            id_server: "id.example.org".into(),
            extra: Default::default(),
        })
        .await?;
    println!(
        "phone validation: sid {}, submit_url {:?}",
        msisdn.sid, msisdn.submit_url
    );
    Ok(())
}
