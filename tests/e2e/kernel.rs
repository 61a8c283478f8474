//! The kernel against queueing theory: the `mmc` example's mean wait in queue
//! must match Erlang C.

use crate::{example, run_ok};

fn mmc(args: &[&str]) -> serde_json::Value {
    let out = run_ok(example("mmc").args(args));
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

/// P(wait) · 1/(cμ − λ), computed here independently of the example.
fn erlang_c_wq(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let factorial = |n: u32| (1..=n).map(f64::from).product::<f64>();
    let top = a.powi(c as i32) / factorial(c) * (f64::from(c) / (f64::from(c) - a));
    let bottom: f64 = (0..c).map(|k| a.powi(k as i32) / factorial(k)).sum::<f64>() + top;
    top / bottom / (f64::from(c) * mu - lambda)
}

#[test]
fn mmc_mean_wait_matches_erlang_c_within_3_percent() {
    // (λ, μ, c): an M/M/1 and an M/M/10, both at utilisation 0.8 or more.
    for (lambda, mu, c) in [(0.8, 1.0, 1), (8.5, 1.0, 10)] {
        assert!(lambda / (mu * f64::from(c)) >= 0.8);
        let args = [
            "--arrival-rate",
            &lambda.to_string(),
            "--service-rate",
            &mu.to_string(),
            "--servers",
            &c.to_string(),
            "--customers",
            "2000000",
            "--seed",
            "11",
        ];
        let result = mmc(&args);
        let simulated = result["mean_wait"].as_f64().unwrap();
        let theory = erlang_c_wq(lambda, mu, c);
        assert_eq!(result["customers"], 2_000_000);
        assert_eq!(result["measured"], 1_800_000, "the first 10 % are warm-up");
        let error = (simulated / theory - 1.0).abs();
        assert!(
            error < 0.03,
            "λ={lambda} μ={mu} c={c}: simulated Wq {simulated:.4}, Erlang C {theory:.4}"
        );
    }
}

#[test]
fn mmc_is_deterministic_per_seed() {
    let args = |seed: &'static str| {
        [
            "--arrival-rate",
            "0.9",
            "--service-rate",
            "1",
            "--servers",
            "2",
            "--customers",
            "20000",
            "--seed",
            seed,
        ]
    };
    let a = mmc(&args("5"));
    let b = mmc(&args("5"));
    let c = mmc(&args("6"));
    assert_eq!(a["mean_wait"], b["mean_wait"]);
    assert_eq!(a["events"], b["events"]);
    assert_ne!(a["mean_wait"], c["mean_wait"]);
}

#[test]
fn mmc_refuses_an_unstable_queue() {
    let out = example("mmc")
        .args([
            "--arrival-rate",
            "2",
            "--service-rate",
            "1",
            "--servers",
            "2",
            "--customers",
            "100",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("utilisation"));
}
