//! `paklog compare`: run a study (variants × replications) in parallel with
//! common random numbers, and compare the variants.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use paklog_reports::compare::{
    KPIS, StudyRun, compare, comparison_frame, num, read_summaries, reorder, sentences,
    shipped_over_time, summary_frame, write_parquet,
};
use paklog_reports::html::{StudyInfo, report};
use paklog_reports::write_run;
use paklog_scenarios::study::{Study, from_varies, is_study, load_variant, read_study};
use paklog_scenarios::{LoadedScenario, ScenarioRun};

/// Arguments of `paklog compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// A scenario file (with `--vary`), or a study file that lists its
    /// variants.
    pub(crate) file: PathBuf,
    /// `PATH=V1,V2,…`: a scenario field and the values to try (repeat for
    /// more fields; every combination is a variant), e.g.
    /// `--vary strategy.wave=time,carrier,zone`.
    #[arg(long)]
    pub(crate) vary: Vec<String>,
    /// Replications per variant [default: the study file's, else 10].
    #[arg(long)]
    pub(crate) replications: Option<u32>,
    /// Variant the others are compared with [default: the first].
    #[arg(long)]
    pub(crate) baseline: Option<String>,
    /// Study folder [default: out/study-NAME].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// `I/N`: run only every N-th run starting at I (0 ≤ I < N), for
    /// spreading a study over machines; then `--report-only` on the merged
    /// folder.
    #[arg(long)]
    pub(crate) shard: Option<String>,
    /// Runs at once [default: the number of cores].
    #[arg(long)]
    pub(crate) jobs: Option<usize>,
    /// Give every run its own seed instead of common random numbers (for
    /// checking what they buy).
    #[arg(long)]
    pub(crate) independent_seeds: bool,
    /// Only compare: read the folder's summaries (e.g. after the shards)
    /// and write comparison.parquet and report.html.
    #[arg(long)]
    pub(crate) report_only: bool,
    /// No progress bars.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// The seed of replication `k` of variant `v`: the same for every variant
/// (common random numbers), or mixed with the variant.
fn seed_of(base: u64, v: usize, k: u32, independent: bool) -> u64 {
    if !independent {
        return base.wrapping_add(u64::from(k));
    }
    // SplitMix64 of (variant, replication): unrelated streams per run.
    let mut z = base
        .wrapping_add(((v as u64) << 32) | u64::from(k))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard {s}: expected I/N with 0 ≤ I < N, e.g. 0/3");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn run(args: &CompareArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}: cannot read: {e}", args.file.display())),
    };
    let study = if is_study(&text) {
        if !args.vary.is_empty() {
            return fail(
                "--vary: a study file lists its variants; give --vary with a scenario file",
            );
        }
        read_study(&args.file, args.replications, args.baseline.as_deref())
    } else {
        from_varies(
            args.file.clone(),
            &args.vary,
            args.replications.unwrap_or(10),
            args.baseline.as_deref(),
        )
    };
    let study = match study {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let shard = match args.shard.as_deref().map(parse_shard).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // Every variant is loaded and checked before anything runs.
    let mut loaded = Vec::with_capacity(study.variants.len());
    for v in &study.variants {
        match load_variant(&study, v) {
            Ok(l) => loaded.push(l),
            Err(errors) => {
                eprintln!("{errors}");
                return ExitCode::from(2);
            }
        }
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("study-{}", loaded[0].scenario.name)));
    if let Err(e) = std::fs::create_dir_all(&out) {
        return fail(format!("{}: {e}", out.display()));
    }
    if !args.report_only {
        if let Err(code) = run_study(args, &study, &loaded, &out, shard) {
            return code;
        }
        if let Some((i, n)) = shard {
            println!(
                "shard {i}/{n} done in {}; when every shard is in this folder, compare with --report-only",
                out.display()
            );
            return ExitCode::SUCCESS;
        }
    }
    compare_and_report(&study, &loaded, &out)
}

/// Runs the study's runs (this shard's) in parallel and writes their
/// reports and the summary table.
fn run_study(
    args: &CompareArgs,
    study: &Study,
    loaded: &[LoadedScenario],
    out: &Path,
    shard: Option<(usize, usize)>,
) -> Result<(), ExitCode> {
    let reps = study.replications;
    let all: Vec<(usize, u32)> = (0..study.variants.len())
        .flat_map(|v| (0..reps).map(move |k| (v, k)))
        .collect();
    let mine: Vec<(usize, u32)> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| shard.is_none_or(|(s, n)| i % n == s))
        .map(|(_, r)| *r)
        .collect();
    // A whole run replaces every earlier summary; a shard of N replaces the
    // whole run's and other splits' (it keeps its siblings').
    let keep = |name: &str| match shard {
        Some((_, n)) => name.ends_with(&format!("-of-{n}.parquet")),
        None => false,
    };
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("summary") && name.ends_with(".parquet") && !keep(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let summary_file = match shard {
        Some((i, n)) => out.join(format!("summary-shard-{i}-of-{n}.parquet")),
        None => out.join("summary.parquet"),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, mine.len().max(1));
    let bars = if args.quiet {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10))
    };
    let overall = bars.add(ProgressBar::new(mine.len() as u64));
    overall.set_style(
        ProgressStyle::with_template("study  [{bar:40}] {pos}/{len} runs, ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<StudyRun, String>>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let bar = bars.insert_before(&overall, ProgressBar::new(1));
                bar.set_style(
                    ProgressStyle::with_template("{prefix:>24} [{bar:30}] {msg}")
                        .expect("valid template")
                        .progress_chars("=> "),
                );
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(v, k)) = mine.get(i) else { break };
                    let r = one_run(study, &loaded[v], v, k, args.independent_seeds, out, &bar);
                    results.lock().expect("no worker panics").push(r);
                    overall.inc(1);
                }
                bar.finish_and_clear();
            });
        }
    });
    overall.finish_and_clear();
    let (mut runs, mut failed) = (Vec::new(), Vec::new());
    for r in results.into_inner().expect("no worker panics") {
        match r {
            Ok(run) => runs.push(run),
            Err(e) => failed.push(e),
        }
    }
    // What finished is kept even when some runs failed.
    let mut frame = summary_frame(&runs).map_err(fail)?;
    write_parquet(&summary_file, &mut frame).map_err(fail)?;
    if !failed.is_empty() {
        for e in &failed {
            eprintln!("error: {e}");
        }
        return Err(fail(format!(
            "{} of {} runs failed; the others are in {}",
            failed.len(),
            mine.len(),
            summary_file.display()
        )));
    }
    Ok(())
}

fn one_run(
    study: &Study,
    loaded: &LoadedScenario,
    v: usize,
    k: u32,
    independent: bool,
    out: &Path,
    bar: &ProgressBar,
) -> Result<StudyRun, String> {
    let name = &study.variants[v].name;
    let seed = seed_of(loaded.scenario.seed, v, k, independent);
    let mut sim = ScenarioRun::new(loaded, Some(seed));
    let horizon = sim.horizon.as_millis().max(1);
    bar.set_length(horizon);
    bar.set_position(0);
    bar.set_prefix(format!("{name} #{k}"));
    let summary = sim.run(|p| {
        bar.set_position(p.now.as_millis().min(horizon));
        bar.set_message(p.now.to_string());
    });
    let (facts, meta) = crate::run::report_inputs(loaded, &sim, &summary, seed);
    let dir = out
        .join(format!("variant={name}"))
        .join(format!("replication={k}"));
    bar.set_message("writing reports");
    let written = write_run(&dir, sim.warehouse(), &facts, &meta).map_err(|e| e.to_string())?;
    Ok(StudyRun {
        variant: name.clone(),
        variant_index: v as u32,
        replication: k,
        seed,
        summary: written,
    })
}

/// Reads the folder's summaries, writes comparison.parquet and report.html,
/// and prints the comparison.
fn compare_and_report(study: &Study, loaded: &[LoadedScenario], out: &Path) -> ExitCode {
    let names: Vec<String> = study.variants.iter().map(|v| v.name.clone()).collect();
    let summary = match read_summaries(out)
        .map_err(|e| e.to_string())
        .and_then(|s| reorder(&s, &names))
    {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let rows = match compare(&summary) {
        Ok(r) => r,
        Err(e) => return fail(format!("{}: {e}", out.display())),
    };
    let mut frame = match comparison_frame(&rows) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    if let Err(e) = write_parquet(&out.join("comparison.parquet"), &mut frame) {
        return fail(e);
    }
    let shipped = match shipped_over_time(out, &names, study.replications) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let info = StudyInfo {
        scenario: loaded[0].scenario.name.clone(),
        replications: study.replications,
        variants: names.clone(),
        settings: study
            .variants
            .iter()
            .map(|v| {
                if v.set.is_empty() {
                    "the scenario as it is".to_owned()
                } else {
                    v.set
                        .iter()
                        .map(|(p, val)| format!("{p} = {val}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            })
            .collect(),
    };
    let html = match report(&info, &rows, &shipped) {
        Ok(h) => h,
        Err(e) => return fail(format!("report.html: {e}")),
    };
    if let Err(e) = std::fs::write(out.join("report.html"), html) {
        return fail(format!("{}: {e}", out.join("report.html").display()));
    }
    print_table(&names, &rows);
    println!();
    for s in sentences(&rows) {
        println!("- {s}");
    }
    println!("\nreports: {}", out.display());
    ExitCode::SUCCESS
}

fn print_table(names: &[String], rows: &[paklog_reports::compare::Compared]) {
    let width = 22;
    print!("{:<28}", "KPI (mean ± 95 % CI)");
    for n in names {
        print!(" {n:>width$}");
    }
    println!();
    for (k, kpi) in KPIS.iter().enumerate() {
        print!("{:<28}", kpi.name);
        for name in names {
            let Some(r) = rows.iter().find(|r| r.kpi == k && &r.variant == name) else {
                print!(" {:>width$}", "–");
                continue;
            };
            let cell = if r.variant_index == 0 {
                format!("{} ± {}", num(r.mean), num(r.half_width))
            } else {
                format!(
                    "{} ({}{} ± {})",
                    num(r.mean),
                    if r.diff >= 0.0 { "+" } else { "" },
                    num(r.diff),
                    num(r.diff_half_width)
                )
            };
            print!(" {cell:>width$}");
        }
        println!();
    }
}
