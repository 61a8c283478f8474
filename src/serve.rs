//! `paklog serve`: the WMS/WES live, on the wall clock, behind the HTTP API,
//! with every accepted command in the command store.

use std::path::PathBuf;
use std::process::ExitCode;

use paklog_adapters::kafka::{KafkaBridge, KafkaClient};
use paklog_adapters::live::{Retention, wall_now_ms};
use paklog_adapters::{AppState, Live, Principal, Tokens, app, store};
use paklog_domain::{AssociateId, SiteCalendar};
use paklog_scenarios::build::site_config;
use paklog_sim::{RngStreams, SimDuration};

use crate::floor::{Floor, SiteClock, Worker};

/// Arguments of `paklog serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The site file: a scenario file whose layout, SKUs, inventory, roster,
    /// strategies and `[live]` tokens are used (demand and associates come
    /// from outside).
    site: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Command store: `sqlite:FILE` (created if missing) or
    /// `postgres://USER@HOST/DATABASE`; replayed on start. A PostgreSQL
    /// password may come from `PGPASSWORD` instead of the address.
    #[arg(long, env = "PAKLOG_STORE", hide_env_values = true)]
    store: Option<String>,
    /// Kafka bootstrap servers (`HOST:PORT`): publish every domain event,
    /// consume orders and RTLS pings.
    #[arg(long, env = "PAKLOG_KAFKA", hide_env_values = true)]
    kafka: Option<String>,
    /// Simulated milliseconds per wall-clock millisecond (1 = real time).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Also start N virtual associates (the first N of the roster) that
    /// work through the HTTP API, and a packer per station.
    #[arg(long, value_name = "N")]
    simulate_associates: Option<u32>,
    /// Serve without tokens: anyone may call anything (development only).
    #[arg(long)]
    open: bool,
    /// Start the site's clock at this instant instead of now (RFC 3339,
    /// e.g. `2026-03-02T06:00:00+01:00`), to rehearse a shift or in tests;
    /// it runs on from there at `--speed`. Timers that fell due while the
    /// site was down fire on start only up to this instant.
    #[arg(long, value_name = "TIME", value_parser = instant)]
    clock_at: Option<i64>,
}

/// An RFC 3339 instant as Unix milliseconds.
fn instant(text: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|e| {
            format!("`{text}` is not an RFC 3339 instant such as 2026-03-02T06:00:00Z: {e}")
        })
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// The tokens of the site file `site`, their secrets read from the
/// environment or from files where the file says so. An error names the
/// file and the field.
fn tokens(
    site: &std::path::Path,
    scenario: &paklog_scenarios::Scenario,
    open: bool,
) -> Result<Tokens, String> {
    if open {
        return Ok(Tokens::open());
    }
    if scenario.live.tokens.is_empty() {
        return Err(
            "the site file has no `[live] tokens`: add a token per device and integration, or pass --open to serve without (development only)"
                .into(),
        );
    }
    let dir = site.parent().unwrap_or(std::path::Path::new("."));
    let mut seen = std::collections::HashSet::new();
    let mut tokens = Vec::new();
    for (i, t) in scenario.live.tokens.iter().enumerate() {
        let at = |field: &str| format!("{}: `live.tokens[{i}].{field}`", site.display());
        let secret = t
            .secret(dir)
            .map_err(|(field, why)| format!("{}: {why}", at(field)))?;
        let field = t.source();
        if secret.chars().count() < 16 {
            return Err(format!(
                "{}: the secret must be at least 16 characters",
                at(field)
            ));
        }
        if !seen.insert(secret.clone()) {
            return Err(format!(
                "{}: the secret is given twice: every device and integration needs its own",
                at(field)
            ));
        }
        let who = match (t.associate, &t.integration) {
            (Some(a), _) => Principal::Associate(AssociateId(a)),
            (None, Some(name)) => Principal::Integration(name.clone()),
            (None, None) => Principal::Integration(String::new()),
        };
        tokens.push((secret, who));
    }
    Ok(Tokens::new(tokens))
}

/// The Kafka client for `brokers` with the site file's properties, their
/// secrets read where the file says; each property checked by librdkafka.
/// An error names the file and the property.
fn kafka_client(
    site: &std::path::Path,
    scenario: &paklog_scenarios::Scenario,
    brokers: &str,
) -> Result<KafkaClient, String> {
    let dir = site.parent().unwrap_or(std::path::Path::new("."));
    let at = |key: &str| format!("{}: `live.kafka.properties.\"{key}\"`", site.display());
    let mut properties = Vec::new();
    for (key, value) in &scenario.live.kafka.properties {
        let value = value
            .value(dir)
            .map_err(|why| format!("{}: {why}", at(key)))?;
        properties.push((key.clone(), value));
    }
    KafkaClient::new(brokers, properties).map_err(|(key, why)| match key {
        Some(key) => format!("{}: {why}", at(&key)),
        None => format!("{}: `live.kafka.properties`: {why}", site.display()),
    })
}

pub fn run(args: &ServeArgs) -> ExitCode {
    let loaded = match crate::load_scenario(&args.site) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let tokens = match tokens(&args.site, &loaded.scenario, args.open) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let heads: u32 = loaded
        .scenario
        .associates
        .shifts
        .iter()
        .map(|s| s.headcount)
        .sum();
    let mut workers = Vec::new();
    for a in 0..args.simulate_associates.unwrap_or(0) {
        if a >= heads {
            return fail(format!(
                "--simulate-associates {}: the roster has {heads} associates",
                args.simulate_associates.unwrap_or(0)
            ));
        }
        let token = tokens.of_associate(AssociateId(a)).map(str::to_owned);
        if token.is_none() && !tokens.is_open() {
            return fail(format!(
                "--simulate-associates: associate {a} has no device token in `[live] tokens`"
            ));
        }
        workers.push(Worker {
            associate: a,
            token,
        });
    }
    // Checked even without --kafka (the client then goes unused): a bad
    // property fails now, not on the day the bridge is switched on.
    let brokers = args.kafka.as_deref().unwrap_or_default();
    let kafka_client = match kafka_client(&args.site, &loaded.scenario, brokers) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let store = match args.store.as_deref().map(store::open).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let site_text = std::fs::read_to_string(&args.site).ok();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let mut site = site_config(&loaded.scenario, &RngStreams::new(loaded.scenario.seed));
    let now = args.clock_at.unwrap_or_else(wall_now_ms);
    let read_at = std::time::Instant::now();
    if site.calendar.is_default() {
        // A site file that names no zone runs on UTC, so that its times are
        // the calendar's too (a store made before calendars keeps its own).
        match SiteCalendar::from_day_of("UTC", now) {
            Ok(utc) => site.calendar = utc,
            Err(e) => return fail(format!("--clock-at: {e}")),
        }
    }
    // What the virtual floor reads the site's clock by.
    let calendar = site.calendar;
    let live = match Live::start_with(
        site,
        store,
        args.speed,
        site_text.as_deref(),
        now,
        Retention {
            events: loaded.scenario.live.retained_events,
            finished: Some(SimDuration::from_hours(u64::from(
                loaded.scenario.live.retained_finished_hours,
            ))),
            sinks: if args.kafka.is_some() {
                &paklog_adapters::live::SINKS
            } else {
                &[]
            },
        },
    ) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    tracing::info!(
        replayed = live.replayed,
        "site {} is live",
        loaded.scenario.name
    );
    let state = AppState::new(&live, tokens);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| format!("--listen {}: {e}", args.listen))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        tracing::info!("listening on http://{address}");
        let kafka = match &args.kafka {
            Some(_) => Some(
                KafkaBridge::start(&kafka_client, &live.warehouse, live.sender.clone())
                    .await
                    .map_err(|e| e.to_string())?,
            ),
            None => None,
        };
        if kafka.is_some() {
            tracing::info!("publishing to and consuming from Kafka");
        }
        let floor = (!workers.is_empty()).then(|| {
            tracing::info!("{} virtual associates at work", workers.len());
            Floor::start(
                &loaded.scenario,
                &format!("http://{address}"),
                workers,
                SiteClock {
                    calendar,
                    at_start_unix_ms: now,
                    speed: args.speed,
                    started: read_at,
                },
            )
        });
        let stopper = floor.as_ref().map(Floor::stopper);
        let served = axum::serve(listener, app(state))
            .with_graceful_shutdown(async move {
                shutdown().await;
                // The virtual associates stop first, so no request of theirs
                // keeps the server up.
                if let Some(s) = stopper {
                    let _ = s.send(true);
                }
            })
            .await
            .map_err(|e| e.to_string());
        if let Some(floor) = floor {
            floor.stop().await;
        }
        if let Some(kafka) = kafka {
            kafka.shutdown().await;
        }
        served
    });
    live.stop();
    match served {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
