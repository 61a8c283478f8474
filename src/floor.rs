//! `paklog serve --simulate-associates N`: virtual associates that work the
//! site through its HTTP API as real HTTP clients, with their devices'
//! tokens: pickers poll for their next task, walk each leg at their walking
//! speed, confirm every stop with the SKU's barcode and deliver their totes;
//! on a put-wall site an operator per wall scans each bulk tote and puts
//! its items into their slots; a packer per station packs what arrives.
//! Times are drawn from the site file's distributions as the simulation
//! draws them (a walking speed per associate, pick times per line, a pack
//! time per order; put times are their mean), scaled by `--speed`. A picker
//! takes tasks only on their shift and not in its breaks, by the site's
//! clock (a task under way is finished); packers and put-wall operators
//! work round the clock. A live demo needs no hardware.

use std::sync::Arc;
use std::time::{Duration, Instant};

use paklog_domain::SiteCalendar;
use paklog_scenarios::Scenario;
use paklog_scenarios::dist::Sampler;
use paklog_sim::RngStreams;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How one virtual associate works.
#[derive(Debug, Clone)]
struct Pace {
    walking_mps: f64,
    per_line_s: Sampler,
    per_unit_s: Sampler,
    /// Their shift: start and end (local minutes of the day) and breaks
    /// (start, minutes).
    shift: (u32, u32, Vec<(u32, u32)>),
}

/// The site's clock as the floor sees it: the site time at a wall instant,
/// run on at `speed`.
#[derive(Debug, Clone, Copy)]
pub struct SiteClock {
    /// The site's calendar.
    pub calendar: SiteCalendar,
    /// Unix ms on the site's clock when the floor starts.
    pub at_start_unix_ms: i64,
    /// Simulated ms per wall ms.
    pub speed: f64,
    /// The wall instant the floor starts.
    pub started: Instant,
}

impl SiteClock {
    /// The local minute of the day now.
    fn minute(&self) -> u32 {
        let elapsed = self.started.elapsed().as_secs_f64() * 1000.0 * self.speed;
        let now = self
            .calendar
            .site_time(self.at_start_unix_ms + elapsed as i64);
        self.calendar.minute_of_day(now)
    }
}

/// Minutes from `minute` until the associate may start a task (0: now):
/// on shift (`start..end`, past midnight if `end` is not after `start`)
/// and in none of its breaks.
fn minutes_off(shift: &(u32, u32, Vec<(u32, u32)>), minute: u32) -> u32 {
    let (start, end, breaks) = shift;
    let from_start = (1440 + minute - start) % 1440;
    let length = (1440 + end - start) % 1440;
    if length != 0 && from_start >= length {
        return 1440 - from_start;
    }
    for &(at, minutes) in breaks {
        let into = (1440 + minute - at) % 1440;
        if into < minutes {
            return minutes - into;
        }
    }
    0
}

/// The virtual floor: pickers and packers as HTTP clients.
pub struct Floor {
    stop: Arc<watch::Sender<bool>>,
    workers: JoinSet<()>,
}

/// Who works, with which token.
pub struct Worker {
    /// The associate's number in the roster.
    pub associate: u32,
    /// Their device's token (none on an open service).
    pub token: Option<String>,
}

struct Api {
    client: Client,
    base: String,
    token: Option<String>,
}

impl Api {
    fn with_token(&self, r: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    async fn get(&self, path: &str) -> Result<(StatusCode, Value), reqwest::Error> {
        let res = self
            .with_token(self.client.get(format!("{}{path}", self.base)))
            .send()
            .await?;
        let status = res.status();
        let body = res.json().await.unwrap_or(Value::Null);
        Ok((status, body))
    }

    async fn post(&self, path: &str, body: Value) -> Result<(StatusCode, Value), reqwest::Error> {
        let res = self
            .with_token(self.client.post(format!("{}{path}", self.base)))
            .json(&body)
            .send()
            .await?;
        let status = res.status();
        let body = res.json().await.unwrap_or(Value::Null);
        Ok((status, body))
    }
}

/// Sleeps `sim_s` simulated seconds at `speed`, or less if told to stop;
/// `false` when stopping.
async fn pause(sim_s: f64, speed: f64, stop: &mut watch::Receiver<bool>) -> bool {
    let wall = Duration::from_secs_f64((sim_s / speed).clamp(0.0, 3600.0));
    tokio::select! {
        () = tokio::time::sleep(wall) => !*stop.borrow(),
        _ = stop.changed() => false,
    }
}

impl Floor {
    /// Starts `workers` pickers against the API at `base` (and one packer
    /// per pack station, using the first worker's token).
    #[must_use]
    pub fn start(scenario: &Scenario, base: &str, workers: Vec<Worker>, clock: SiteClock) -> Floor {
        let speed = clock.speed;
        let (stop, stopped) = watch::channel(false);
        let client = Client::new();
        let streams = RngStreams::new(scenario.seed);
        let shifts = &scenario.associates.shifts;
        let mut set = JoinSet::new();
        let packer_token = workers.first().and_then(|w| w.token.clone());
        for w in workers {
            // The associate's shift gives their pace.
            let mut k = w.associate;
            let shift = shifts
                .iter()
                .find(|s| {
                    let here = k < s.headcount;
                    if !here {
                        k -= s.headcount;
                    }
                    here
                })
                .or(shifts.first());
            let Some(shift) = shift else { continue };
            let mut rng = streams.indexed("live-floor", u64::from(w.associate));
            let pace = Pace {
                walking_mps: Sampler::new(&shift.walking_speed_mps)
                    .draw(&mut rng)
                    .max(0.05),
                per_line_s: Sampler::new(&shift.pick_time_per_line_s),
                per_unit_s: Sampler::new(&shift.pick_time_per_unit_s),
                shift: (
                    shift.start.minutes(),
                    shift.end.minutes(),
                    shift
                        .breaks
                        .iter()
                        .map(|b| (b.start.minutes(), b.minutes))
                        .collect(),
                ),
            };
            let api = Api {
                client: client.clone(),
                base: base.to_owned(),
                token: w.token,
            };
            set.spawn(picker(api, w.associate, pace, rng, clock, stopped.clone()));
        }
        let picking = &scenario.strategy.picking;
        if picking.kind == paklog_scenarios::schema::PickingKind::PutWall {
            let put_s = Sampler::new(&picking.put_time()).mean();
            for wall in 0..picking.walls.unwrap_or(1) {
                let api = Api {
                    client: client.clone(),
                    base: base.to_owned(),
                    token: packer_token.clone(),
                };
                set.spawn(put_wall_operator(api, wall, put_s, speed, stopped.clone()));
            }
        }
        let pack_s = Sampler::new(&scenario.packing.pack_time_s);
        for station in 0..scenario.packing.stations {
            let api = Api {
                client: client.clone(),
                base: base.to_owned(),
                token: packer_token.clone(),
            };
            let rng = streams.indexed("live-packer", u64::from(station));
            set.spawn(packer(api, station, pack_s, rng, speed, stopped.clone()));
        }
        Floor {
            stop: Arc::new(stop),
            workers: set,
        }
    }

    /// What tells every virtual associate to stop (send `true`).
    #[must_use]
    pub fn stopper(&self) -> Arc<watch::Sender<bool>> {
        Arc::clone(&self.stop)
    }

    /// Stops every virtual associate and waits for them.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        while self.workers.join_next().await.is_some() {}
    }
}

async fn picker(
    api: Api,
    associate: u32,
    pace: Pace,
    mut rng: paklog_sim::StreamRng,
    clock: SiteClock,
    mut stop: watch::Receiver<bool>,
) {
    let (poll_s, speed) = (10.0, clock.speed);
    loop {
        let off = minutes_off(&pace.shift, clock.minute());
        if off > 0 {
            // Off shift or on a break: back when it ends (or in ten minutes,
            // to follow the clock).
            if !pause(f64::from(off.min(10)) * 60.0, speed, &mut stop).await {
                return;
            }
            continue;
        }
        let (status, task) = match api
            .get(&format!(
                "/api/v1/mobile/picking/next-task?associate={associate}"
            ))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(associate, "virtual associate: {e}");
                (StatusCode::SERVICE_UNAVAILABLE, Value::Null)
            }
        };
        if status != StatusCode::OK {
            if status != StatusCode::NO_CONTENT {
                tracing::warn!(associate, %status, "virtual associate: next-task: {task}");
            }
            if !pause(poll_s, speed, &mut stop).await {
                return;
            }
            continue;
        }
        let id = task["id"].clone();
        let mut task = task;
        // Stop by stop as the handheld says; a short pick may add a stop
        // elsewhere, so the task is fetched again when it names a new one.
        let mut next = task["lines"]
            .as_array()
            .and_then(|lines| lines.iter().position(|l| l["picked"].is_null()));
        while let Some(i) = next {
            let line = task["lines"][i].clone();
            let quantity = line["quantity"].as_u64().unwrap_or(0);
            let walk = line["leg_m"].as_f64().unwrap_or(0.0) / pace.walking_mps;
            let pick =
                pace.per_line_s.draw(&mut rng) + quantity as f64 * pace.per_unit_s.draw(&mut rng);
            if !pause(walk + pick, speed, &mut stop).await {
                return;
            }
            let body = json!({
                "associate": associate,
                "taskId": id,
                "instructionId": i,
                "quantity": quantity,
                "barcode": line["sku_code"],
            });
            next = match api.post("/api/v1/mobile/picking/confirm", body).await {
                Ok((StatusCode::OK, reply)) => reply["next_line"].as_u64().map(|n| n as usize),
                Ok((status, problem)) => {
                    tracing::warn!(associate, %status, "virtual associate: confirm: {problem}");
                    None
                }
                Err(e) => {
                    tracing::warn!(associate, "virtual associate: confirm: {e}");
                    None
                }
            };
            if next.is_some_and(|n| task["lines"].get(n).is_none()) {
                match api
                    .get(&format!(
                        "/api/v1/mobile/picking/next-task?associate={associate}"
                    ))
                    .await
                {
                    Ok((StatusCode::OK, t)) if t["id"] == id => task = t,
                    _ => next = None,
                }
            }
        }
        let home = task["home_m"].as_f64().unwrap_or(0.0) / pace.walking_mps;
        if !pause(home, speed, &mut stop).await {
            return;
        }
        let body = json!({ "associate": associate, "taskId": id });
        if let Ok((status, problem)) = api.post("/api/v1/mobile/picking/deliver", body).await
            && status != StatusCode::OK
        {
            tracing::warn!(associate, %status, "virtual associate: deliver: {problem}");
        }
    }
}

/// A put-wall operator: scans the bulk tote first in line, then puts what
/// the wall says is left, slot by slot, `put_s` a unit.
async fn put_wall_operator(
    api: Api,
    wall: u32,
    put_s: f64,
    speed: f64,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let view = match api.get(&format!("/api/v1/put-walls/{wall}")).await {
            Ok((StatusCode::OK, v)) => v,
            _ => Value::Null,
        };
        let next = &view["toPut"][0];
        let waiting = &view["waitingTotes"][0];
        let (path, body, secs) = if !next.is_null() {
            let quantity = next["quantity"].as_u64().unwrap_or(0);
            let body = json!({
                "wall": wall,
                "slot": next["slot"],
                "sku": next["skuCode"],
                "quantity": quantity,
            });
            ("/api/v1/mobile/put-wall/put", body, put_s * quantity as f64)
        } else if view["sortingTote"].is_null() && !waiting.is_null() {
            let body = json!({ "wall": wall, "toteId": waiting });
            ("/api/v1/mobile/put-wall/scan", body, 0.0)
        } else {
            if !pause(10.0, speed, &mut stop).await {
                return;
            }
            continue;
        };
        if !pause(secs, speed, &mut stop).await {
            return;
        }
        if let Ok((status, problem)) = api.post(path, body).await
            && status != StatusCode::OK
        {
            tracing::warn!(wall, %status, "virtual put-wall operator: {problem}");
            if !pause(10.0, speed, &mut stop).await {
                return;
            }
        }
    }
}

async fn packer(
    api: Api,
    station: u32,
    pack_s: Sampler,
    mut rng: paklog_sim::StreamRng,
    speed: f64,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let job = match api
            .post(
                "/api/v1/mobile/packing/start",
                json!({ "station": station }),
            )
            .await
        {
            Ok((StatusCode::OK, reply)) => reply["job"].clone(),
            _ => Value::Null,
        };
        if job.is_null() {
            if !pause(10.0, speed, &mut stop).await {
                return;
            }
            continue;
        }
        if !pause(pack_s.draw(&mut rng), speed, &mut stop).await {
            return;
        }
        let body = json!({
            "station": station,
            "orderId": job["order"],
            "weightKg": job["expected_weight_kg"],
        });
        if let Ok((status, problem)) = api.post("/api/v1/mobile/packing/complete", body).await
            && status != StatusCode::OK
        {
            tracing::warn!(station, %status, "virtual packer: {problem}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::minutes_off;

    #[test]
    fn a_picker_starts_tasks_only_on_shift_and_out_of_its_breaks() {
        // 06:00–14:00 with a break at 10:00 for 30 minutes.
        let day = (360, 840, vec![(600, 30)]);
        assert_eq!(minutes_off(&day, 359), 1);
        assert_eq!(minutes_off(&day, 360), 0);
        assert_eq!(minutes_off(&day, 610), 20);
        assert_eq!(minutes_off(&day, 630), 0);
        assert_eq!(minutes_off(&day, 840), 1440 - 480);
        // 22:00–06:00, past midnight.
        let night = (1320, 360, vec![]);
        assert_eq!(minutes_off(&night, 30), 0);
        assert_eq!(minutes_off(&night, 400), 920);
        // A shift of 00:00–00:00 is all day.
        assert_eq!(minutes_off(&(0, 0, vec![]), 700), 0);
    }
}
