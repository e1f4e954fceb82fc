//! A bounded load test: concurrent generated clients against the tiny homeserver on a free
//! port of 127.0.0.1, in one process.
//!
//! ```sh
//! scripts/load-test                                            # 16 tasks × 200 requests
//! cargo run --release -p matrix-api-tests --example load -- 16 200
//! ```
//!
//! Every request must succeed, and the process's resident memory must stay flat: it is read
//! from `/proc/self/status` after a warm-up round and again after the measured round, and may
//! grow by at most `MAX_GROWTH_BYTES`. Prints requests per second and p50/p99 latency.
//! Exits non-zero when a request fails or memory grows past the bound.

use std::time::{Duration, Instant};

use matrix_api::client_server as cs;
use matrix_api::runtime::client::Client;
use matrix_api_tests::homeserver::{PASSWORD, TinyHomeserver, serve};

/// Allowed growth of resident memory between the end of the warm-up and the end of the run.
const MAX_GROWTH_BYTES: u64 = 20 << 20;
/// Upper bounds on the arguments, so a typo cannot start an unbounded run.
const MAX_TASKS: usize = 256;
const MAX_REQUESTS: usize = 100_000;

fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn login_request(user: &str) -> cs::login::Request {
    let mut identifier = cs::UserIdentifier::new("m.id.user".into());
    identifier.extra.insert("user".into(), user.into());
    {
        let mut value = cs::login::Request::new("m.login.password".into());
        value.identifier = Some(identifier);
        value.password = Some(PASSWORD.into());
        value
    }
}

/// One request of the mix, chosen by its number; returns an error text on failure.
async fn one_request(client: &Client, task: usize, n: usize) -> Result<(), String> {
    let user_id: matrix_api::runtime::identifiers::OwnedUserId = format!("@load{task}:tiny.test")
        .parse()
        .map_err(|e| format!("user ID: {e}"))?;
    match n % 6 {
        0 => client
            .send(&cs::get_versions::Request::default())
            .await
            .map(drop)
            .map_err(|e| format!("versions: {e}")),
        1 => client
            .send(&cs::get_token_owner::Request::default())
            .await
            .map_err(|e| format!("whoami: {e}"))
            .and_then(|r| {
                (r.user_id == user_id)
                    .then_some(())
                    .ok_or(format!("whoami: {}", r.user_id))
            }),
        2 => client
            .send(&{
                let mut value = cs::set_display_name::Request::new(user_id.clone());
                value.displayname = Some(format!("load {task} {n}"));
                value
            })
            .await
            .map(drop)
            .map_err(|e| format!("set display name: {e}")),
        3 => client
            .send(&cs::get_display_name::Request::new(user_id.clone()))
            .await
            .map(drop)
            .map_err(|e| format!("get display name: {e}")),
        4 => client
            .send(&cs::request_token_to_3pid_email::Request::new(
                format!("secret{task}"),
                format!("load{task}@example.org"),
                n as i64,
            ))
            .await
            .map_err(|e| format!("requestToken: {e}"))
            .and_then(|r| {
                (!r.sid.is_empty())
                    .then_some(())
                    .ok_or("requestToken: empty sid".to_owned())
            }),
        _ => client
            .send(&cs::get_login_flows::Request::default())
            .await
            .map(drop)
            .map_err(|e| format!("login flows: {e}")),
    }
}

/// Runs `requests` requests on each of the clients concurrently; returns every latency and
/// every failure.
async fn round(
    clients: &[Client],
    requests: usize,
) -> Result<(Vec<Duration>, Vec<String>), tokio::task::JoinError> {
    let mut tasks = Vec::new();
    for (task, client) in clients.iter().enumerate() {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(requests);
            let mut failures = Vec::new();
            for n in 0..requests {
                let started = Instant::now();
                if let Err(failure) = one_request(&client, task, n).await {
                    failures.push(failure);
                }
                latencies.push(started.elapsed());
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        let (l, f) = task.await?;
        latencies.extend(l);
        failures.extend(f);
    }
    Ok((latencies, failures))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn argument(index: usize, default: usize, max: usize) -> Result<usize, String> {
    match std::env::args().nth(index) {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "argument {index}: expected 1..={max}, got {text:?}"
            )),
        },
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks = argument(1, 16, MAX_TASKS)?;
    let requests = argument(2, 200, MAX_REQUESTS)?;
    let warmup = (requests / 4).max(1);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(serve(listener, TinyHomeserver::new("tiny.test")));

    // One logged-in client per task.
    let mut clients = Vec::with_capacity(tasks);
    for task in 0..tasks {
        let mut client = Client::new(base.clone());
        let login = client.send(&login_request(&format!("load{task}"))).await?;
        client.set_access_token(Some(login.access_token));
        clients.push(client);
    }

    let (_, warmup_failures) = round(&clients, warmup).await?;
    let before = resident_bytes().ok_or("cannot read VmRSS from /proc/self/status")?;
    let started = Instant::now();
    let (mut latencies, failures) = round(&clients, requests).await?;
    let elapsed = started.elapsed();
    let after = resident_bytes().ok_or("cannot read VmRSS from /proc/self/status")?;
    server.abort();

    latencies.sort();
    let total = latencies.len();
    println!(
        "load: {tasks} clients × {requests} requests ({total} in all, after {} warm-up requests) on {base}",
        tasks * warmup
    );
    println!(
        "  {:.0} requests/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        total as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    let growth = after.saturating_sub(before);
    println!(
        "  resident memory: {:.1} MiB after warm-up, {:.1} MiB after the run (growth {:.1} MiB, bound {} MiB)",
        before as f64 / (1 << 20) as f64,
        after as f64 / (1 << 20) as f64,
        growth as f64 / (1 << 20) as f64,
        MAX_GROWTH_BYTES >> 20
    );

    let all_failures: Vec<&String> = warmup_failures.iter().chain(&failures).collect();
    if !all_failures.is_empty() {
        for failure in all_failures.iter().take(10) {
            eprintln!("  failed: {failure}");
        }
        return Err(format!("{} requests failed", all_failures.len()).into());
    }
    if total != tasks * requests {
        return Err(format!("{total} requests ran, {} expected", tasks * requests).into());
    }
    if growth > MAX_GROWTH_BYTES {
        return Err(format!("resident memory grew by {growth} bytes").into());
    }
    println!("  no failed request; memory flat");
    Ok(())
}
