//! `paklog route`: route analysts' own pick lists with any policy.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use paklog_domain::location_master::{LocationMaster, Point};
use paklog_domain::routing::{Policy, route};

/// Arguments of `paklog route`.
#[derive(Debug, clap::Args)]
pub struct RouteArgs {
    /// The scenario whose layout to route in.
    scenario: PathBuf,
    /// Routing policy, or `all` for every policy.
    #[arg(long)]
    policy: String,
    /// CSV of pick lists: `list_id,aisle,position_m` (aisles numbered from 1,
    /// block by block; position from the aisle's front end in its block) or
    /// `list_id,location_id` (location codes such as `A03-B1-12-2L`).
    #[arg(long)]
    picks: PathBuf,
}

pub fn run(args: &RouteArgs) -> ExitCode {
    let policies: Vec<Policy> = if args.policy == "all" {
        Policy::ALL.to_vec()
    } else {
        match args.policy.parse() {
            Ok(p) => vec![p],
            Err(e) => {
                eprintln!("error: --policy: {e} or all");
                return ExitCode::from(2);
            }
        }
    };
    let (loaded, master) = match layout(&args.scenario) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let s = &loaded.scenario;
    let lists = match read_lists(&args.picks, &master) {
        Ok(lists) => lists,
        Err(errors) => {
            for e in errors {
                eprintln!("{}:{e}", args.picks.display());
            }
            return ExitCode::from(2);
        }
    };
    let (policies, skipped): (Vec<Policy>, Vec<Policy>) = policies
        .into_iter()
        .partition(|&p| route(&master, p, &[]).is_ok());
    if let [policy] = skipped.as_slice()
        && policies.is_empty()
    {
        eprintln!(
            "error: --policy: {}",
            route(&master, *policy, &[]).unwrap_err()
        );
        return ExitCode::from(2);
    }
    if !skipped.is_empty() {
        let names: Vec<_> = skipped.iter().map(|p| p.name()).collect();
        let why = if master.network().is_some() {
            "they are defined for the perfect grid of blocks, and this site has dead ends, missing aisles or places off the grid".to_owned()
        } else {
            format!(
                "single-block policies, and this layout has {} blocks",
                s.layout.blocks
            )
        };
        eprintln!("note: {} left out: {why}", names.join(", "));
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "list_id,policy,distance_m");
    for (id, stops) in &lists {
        for &policy in &policies {
            let r = route(&master, policy, stops).expect("applicability checked above");
            let _ = writeln!(out, "{id},{policy},{:.3}", r.distance_m);
        }
    }
    ExitCode::SUCCESS
}

/// The scenario and the location master of its layout.
fn layout(
    path: &std::path::Path,
) -> Result<(paklog_scenarios::LoadedScenario, LocationMaster), ExitCode> {
    let loaded = crate::load_scenario(path)?;
    let s = &loaded.scenario;
    let master = paklog_scenarios::build::master(s);
    Ok((loaded, master))
}

/// Pick lists by id, in the order their ids first appear, or every bad row
/// as `line: message`.
fn read_lists(
    path: &PathBuf,
    master: &LocationMaster,
) -> Result<Vec<(String, Vec<Point>)>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| vec![format!(" cannot read: {e}")])?;
    let headers = reader
        .headers()
        .map_err(|e| vec![format!("1: bad header: {e}")])?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(id_c), aisle_c, pos_c, loc_c) = (
        col("list_id"),
        col("aisle"),
        col("position_m"),
        col("location_id"),
    ) else {
        return Err(vec!["1: the header has no `list_id` column".into()]);
    };
    let by_aisle = aisle_c.zip(pos_c);
    if by_aisle.is_none() && loc_c.is_none() {
        return Err(vec![
            "1: the header needs `aisle` and `position_m`, or `location_id`".into(),
        ]);
    }
    let codes: HashMap<&str, Point> = master
        .locations
        .iter()
        .map(|l| (l.code.as_str(), l.point))
        .collect();
    let spec = &master.spec;
    let aisles = spec.aisles * spec.blocks;
    let mut lists: Vec<(String, Vec<Point>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{line}: unreadable row: {e}"));
                continue;
            }
        };
        let field = |c: usize| record.get(c).unwrap_or("");
        let point = if let Some((a_c, p_c)) = by_aisle {
            let aisle = field(a_c)
                .parse::<u32>()
                .ok()
                .filter(|a| (1..=aisles).contains(a));
            let position = field(p_c)
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && (0.0..=spec.aisle_length_m).contains(p));
            match (aisle, position) {
                (Some(a), Some(p)) => Point::new(
                    (a - 1) % spec.aisles,
                    f64::from((a - 1) / spec.aisles) * spec.aisle_length_m + p,
                ),
                (None, _) => {
                    errors.push(format!(
                        "{line}: `aisle`: must be an aisle from 1 to {aisles}, got \"{}\"",
                        field(a_c)
                    ));
                    continue;
                }
                (_, None) => {
                    errors.push(format!(
                        "{line}: `position_m`: must be metres from 0 to {} (the aisle length), got \"{}\"",
                        spec.aisle_length_m,
                        field(p_c)
                    ));
                    continue;
                }
            }
        } else {
            let code = field(loc_c.expect("checked above"));
            match codes.get(code) {
                Some(&p) => p,
                None => {
                    errors.push(format!(
                        "{line}: `location_id`: unknown location \"{code}\""
                    ));
                    continue;
                }
            }
        };
        let id = field(id_c);
        let slot = *index.entry(id.to_owned()).or_insert_with(|| {
            lists.push((id.to_owned(), Vec::new()));
            lists.len() - 1
        });
        lists[slot].1.push(point);
    }
    if errors.is_empty() {
        Ok(lists)
    } else {
        Err(errors)
    }
}

/// Arguments of `paklog route-gap`.
#[derive(Debug, clap::Args)]
pub struct GapArgs {
    /// The scenario whose layout to route in.
    scenario: PathBuf,
    /// Route the trips of a run instead of random lists: its
    /// `picks.parquet`, or the run's report folder.
    #[arg(long)]
    picks: Option<PathBuf>,
    /// Random pick lists per size.
    #[arg(long, default_value_t = 1000)]
    lists: usize,
    /// Pick-list sizes (stops per list), comma-separated; with `--picks`,
    /// the upper ends of the size classes [default: 1,2,3,5,10,20,50].
    #[arg(long, value_delimiter = ',')]
    sizes: Option<Vec<usize>>,
    /// Seed of the random pick lists.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Prints, per pick-list size, the mean route length of the optimal policy
/// and how much longer each heuristic is on average, over random pick lists
/// with stops drawn uniformly from the layout's pick bins.
pub fn gap(args: &GapArgs) -> ExitCode {
    use paklog_domain::location_master::LocationKind;
    use rand::RngExt;

    if args.lists == 0 || args.sizes.as_ref().is_some_and(|s| s.contains(&0)) {
        eprintln!("error: --lists and every --sizes value must be at least 1");
        return ExitCode::from(2);
    }
    let (loaded, master) = match layout(&args.scenario) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Some(picks) = &args.picks {
        return run_gap(args, picks, &loaded, &master);
    }
    let sizes = args
        .sizes
        .clone()
        .unwrap_or_else(|| vec![5, 10, 20, 30, 50, 100]);
    let s = &loaded.scenario;
    let bins: Vec<Point> = master
        .locations
        .iter()
        .filter(|l| l.kind == LocationKind::Pick)
        .map(|l| l.point)
        .collect();
    let policies: Vec<Policy> = Policy::ALL
        .into_iter()
        .filter(|&p| route(&master, p, &[]).is_ok())
        .collect();
    let mut rng = paklog_sim::RngStreams::new(args.seed).stream("route-gap");
    println!(
        "mean route length of {} random pick lists per size in {} ({} blocks × {} aisles); heuristics as % over optimal",
        args.lists, s.name, s.layout.blocks, s.layout.aisles
    );
    print!("{:>6} {:>12} {:>6}", "picks", "optimal_m", "exact");
    for p in policies.iter().filter(|&&p| p != Policy::Optimal) {
        print!(" {:>18}", p.name());
    }
    println!();
    for &n in &sizes {
        let mut totals = vec![0.0; policies.len()];
        let mut exact = true;
        for _ in 0..args.lists {
            let stops: Vec<Point> = (0..n)
                .map(|_| bins[rng.random_range(0..bins.len())])
                .collect();
            for (total, &p) in totals.iter_mut().zip(&policies) {
                let r = route(&master, p, &stops).expect("applicability checked above");
                *total += r.distance_m;
                if p == Policy::Optimal {
                    exact &= r.exact;
                }
            }
        }
        let optimal = totals[policies
            .iter()
            .position(|&p| p == Policy::Optimal)
            .expect("optimal always applies")];
        print!(
            "{n:>6} {:>12.1} {:>6}",
            optimal / args.lists as f64,
            if exact { "yes" } else { "no" }
        );
        for (total, p) in totals.iter().zip(&policies) {
            if *p != Policy::Optimal {
                print!(" {:>17.1}%", 100.0 * (total / optimal - 1.0));
            }
        }
        println!();
    }
    ExitCode::SUCCESS
}

/// A trip of a run: its stops, and the length its task planned.
struct RunTrip {
    stops: Vec<Point>,
    policy: String,
    planned_m: f64,
}

/// The trips of a run's `picks.parquet` as points of the scenario's layout.
fn read_run_trips(path: &std::path::Path, master: &LocationMaster) -> Result<Vec<RunTrip>, String> {
    let spec = &master.spec;
    let last = spec.aisles * spec.blocks;
    paklog_reports::read::trips(path)?
        .into_iter()
        .map(|t| {
            let stops = t
                .stops
                .iter()
                .map(|&(aisle, position_m)| {
                    if aisle == 0 || aisle > last {
                        return Err(format!(
                            "task {}: aisle {aisle} is not in the scenario's layout (1 to {last}): is it the scenario of this run?",
                            t.task_id
                        ));
                    }
                    let block = (aisle - 1) / spec.aisles;
                    Ok(Point::new((aisle - 1) % spec.aisles, f64::from(block) * spec.aisle_length_m + position_m))
                })
                .collect::<Result<_, _>>()?;
            Ok(RunTrip {
                stops,
                policy: t.policy,
                planned_m: t.distance_m,
            })
        })
        .collect()
}

/// The gap table over the trips of a run, by size class.
fn run_gap(
    args: &GapArgs,
    picks: &std::path::Path,
    loaded: &paklog_scenarios::LoadedScenario,
    master: &LocationMaster,
) -> ExitCode {
    let file = if picks.is_dir() {
        picks.join("picks.parquet")
    } else {
        picks.to_path_buf()
    };
    let trips = match read_run_trips(&file, master) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let mut edges = args
        .sizes
        .clone()
        .unwrap_or_else(|| vec![1, 2, 3, 5, 10, 20, 50]);
    edges.sort_unstable();
    edges.dedup();
    let policies: Vec<Policy> = Policy::ALL
        .into_iter()
        .filter(|&p| route(master, p, &[]).is_ok())
        .collect();
    let s = &loaded.scenario;
    println!(
        "{} trips of {} routed from the depot in {} ({} blocks × {} aisles); mean optimal length, the run's own plans and each heuristic as % over optimal",
        trips.len(),
        file.display(),
        s.name,
        s.layout.blocks,
        s.layout.aisles
    );
    print!(
        "{:>9} {:>7} {:>11} {:>6} {:>10}",
        "picks", "trips", "optimal_m", "exact", "planned"
    );
    for p in policies.iter().filter(|&&p| p != Policy::Optimal) {
        print!(" {:>18}", p.name());
    }
    println!();
    let mut low = 1;
    for hi in edges.iter().copied().map(Some).chain([None]) {
        let class: Vec<&RunTrip> = trips
            .iter()
            .filter(|t| t.stops.len() >= low && hi.is_none_or(|h| t.stops.len() <= h))
            .collect();
        let label = match hi {
            Some(h) if h == low => format!("{h}"),
            Some(h) => format!("{low}-{h}"),
            None => format!(">{}", low - 1),
        };
        low = hi.map_or(low, |h| h + 1);
        if class.is_empty() {
            continue;
        }
        let mut totals = vec![0.0; policies.len()];
        let (mut exact, mut planned) = (0usize, 0.0);
        for t in &class {
            planned += t.planned_m;
            for (total, &p) in totals.iter_mut().zip(&policies) {
                let r = route(master, p, &t.stops).expect("applicability checked above");
                *total += r.distance_m;
                if p == Policy::Optimal && r.exact {
                    exact += 1;
                }
            }
        }
        let optimal = totals[policies
            .iter()
            .position(|&p| p == Policy::Optimal)
            .expect("optimal always applies")];
        let pct = |x: f64| 100.0 * (x / optimal - 1.0);
        print!(
            "{label:>9} {:>7} {:>11.1} {:>5.0}% {:>9.1}%",
            class.len(),
            optimal / class.len() as f64,
            100.0 * exact as f64 / class.len() as f64,
            pct(planned)
        );
        for (total, p) in totals.iter().zip(&policies) {
            if *p != Policy::Optimal {
                print!(" {:>17.1}%", pct(*total));
            }
        }
        println!();
    }
    let policies_used: std::collections::BTreeSet<&str> =
        trips.iter().map(|t| t.policy.as_str()).collect();
    println!(
        "planned = the run's own routes ({}), as its tasks planned them",
        policies_used.into_iter().collect::<Vec<_>>().join(", ")
    );
    ExitCode::SUCCESS
}
