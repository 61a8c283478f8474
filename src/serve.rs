//! `paklog serve`: the WMS/WES live, on the wall clock, behind the HTTP API,
//! with every accepted command in the event store.

use std::path::PathBuf;
use std::process::ExitCode;

use paklog_adapters::{AppState, Live, SqliteStore, app};
use paklog_scenarios::build::site_config;
use paklog_sim::RngStreams;

/// Arguments of `paklog serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The site file: a scenario file whose layout, SKUs, inventory, roster
    /// and strategies are used (demand and associates come from outside).
    site: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Event store: `sqlite:FILE` (created if missing; replayed on start).
    #[arg(long)]
    store: Option<String>,
    /// Simulated milliseconds per wall-clock millisecond (1 = real time).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn run(args: &ServeArgs) -> ExitCode {
    let loaded = match crate::load_scenario(&args.site) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let store = match args.store.as_deref() {
        None => None,
        Some(s) => match s.strip_prefix("sqlite:") {
            Some(file) => match SqliteStore::open(std::path::Path::new(file)) {
                Ok(store) => Some(store),
                Err(e) => return fail(e),
            },
            None => {
                return fail(format!(
                    "--store {s}: expected sqlite:FILE (PostgreSQL is not supported yet)"
                ));
            }
        },
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let site = site_config(&loaded.scenario, &RngStreams::new(loaded.scenario.seed));
    let live = match Live::start(site, store, args.speed) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    tracing::info!(
        replayed = live.replayed,
        "site {} is live",
        loaded.scenario.name
    );
    let state = AppState {
        kernel: live.sender.clone(),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| format!("--listen {}: {e}", args.listen))?;
        tracing::info!("listening on http://{}", args.listen);
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| e.to_string())
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
