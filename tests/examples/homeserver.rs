//! A tiny homeserver on the generated axum router.
//!
//! ```sh
//! cargo run -p matrix-api-tests --example homeserver            # listens on 127.0.0.1:8008
//! cargo run -p matrix-api-tests --example homeserver -- 127.0.0.1:9000
//! ```

use matrix_api_tests::homeserver::{TinyHomeserver, serve};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8008".into());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("tiny homeserver on http://{}", listener.local_addr()?);
    serve(listener, TinyHomeserver::new("localhost")).await
}
