//! What a restart needs besides the stored commands: the site's clock on
//! the calendar (day one and the instant it started), how far the clock got
//! before the stop, and the catch-ups after downtime.

use super::*;

/// The store's key for how far the site's clock got, in site
/// milliseconds: a restart runs the timers up to it again, so that the
/// events they made (and sent out) get the same sequence numbers.
pub(super) const REACHED: &str = "reached_ms";

/// How far the site's clock got in the service that last ran on `store`
/// (what [`rebuild`] runs the timers up to).
///
/// # Errors
/// If the store cannot be read.
pub fn reached(store: &mut dyn CommandStore) -> Result<Option<SimTime>, StoreError> {
    Ok(store.position(REACHED)?.map(SimTime::from_millis))
}

/// A site rebuilt from a store.
pub struct Rebuilt {
    /// The warehouse as the service left it: after the last stored
    /// command and the timers after it whose events went out.
    pub warehouse: Warehouse,
    /// How far the site's clock got.
    pub end: SimTime,
    /// Kernel events run (timers and commands).
    pub events_run: u64,
    /// Commands replayed.
    pub replayed: usize,
}

/// The site's calendar and the site time it started at: what the store
/// recorded when it was created, whatever the site file says now; or, for
/// a new store (or none) on a site with a calendar, the local day of
/// `wall_now_ms` (unless the file names day one) and that instant rounded
/// down to a metrics interval, recorded in the store. A site on the
/// default calendar (the virtual clock: site time from 0 at the store's
/// creation) stays on it, as does a store that holds commands and no
/// calendar (made on the virtual clock, before sites had calendars):
/// `has_commands` says whether it holds any.
///
/// # Errors
/// If the store cannot be read or written, or holds a bad calendar.
pub fn site_clock(
    config: &mut SiteConfig,
    mut store: Option<&mut dyn CommandStore>,
    has_commands: bool,
    wall_now_ms: i64,
) -> Result<SimTime, LiveError> {
    let calendar = config.calendar;
    let bad = |e: paklog_domain::CalendarError| LiveError::Site(format!("{}: {e}", e.field()));
    let recorded = match store.as_deref_mut() {
        Some(s) => (
            s.meta("start_date")?,
            s.meta("started_ms")?,
            s.meta("time_zone")?,
        ),
        None => (None, None, None),
    };
    if let (Some(date), Some(started), zone) = recorded {
        // The store's zone wins: its commands ran on it.
        let zone = zone.unwrap_or_else(|| calendar.zone_name().to_owned());
        if zone != calendar.zone_name() {
            tracing::warn!(
                "time_zone: the site file says {}, the store was created in {zone}; \
                 the store's zone is used",
                calendar.zone_name()
            );
        }
        config.calendar = SiteCalendar::parse(&zone, &date).map_err(bad)?;
        let started = started.parse().map_err(|_| {
            LiveError::Site(format!("store: started_ms `{started}` is not a number"))
        })?;
        return Ok(SimTime::from_millis(started));
    }
    if store.is_some() && has_commands {
        if !calendar.is_default() {
            tracing::warn!(
                "the store was created before sites had calendars: its commands are on \
                 the virtual clock (site time from 0), which the site keeps; \
                 time_zone {} is not used",
                calendar.zone_name()
            );
        }
        config.calendar = SiteCalendar::default();
        return Ok(SimTime::ZERO);
    }
    if calendar.is_default() {
        return Ok(SimTime::ZERO);
    }
    // A new site: day one is today, unless its file names the day.
    if calendar.start_date() == SiteCalendar::default().start_date() {
        config.calendar =
            SiteCalendar::from_day_of(calendar.zone_name(), wall_now_ms).map_err(bad)?;
    }
    let now = config.calendar.site_time(wall_now_ms).as_millis();
    let started = now - now % METRICS_INTERVAL.as_millis();
    if let Some(s) = store {
        let date = config.calendar.start_date().format("%Y-%m-%d").to_string();
        s.set_meta("time_zone", config.calendar.zone_name())?;
        s.set_meta("start_date", &date)?;
        s.set_meta("started_ms", &started.to_string())?;
    }
    Ok(SimTime::from_millis(started))
}

/// Rebuilds a site from its stored commands, as a restart does, without
/// going live: what `paklog replay` turns into reports. The timers run up
/// to `reached` (see [`reached`]), as a restart runs them.
///
/// # Errors
/// If the site is inconsistent or a stored command is refused.
pub fn rebuild(
    config: SiteConfig,
    started: SimTime,
    history: Vec<Stored>,
    reached: Option<SimTime>,
) -> Result<Rebuilt, LiveError> {
    let replayed = history.len();
    let last = history.last().map_or(started, |s| s.at);
    // Reports are made from the whole log: nothing is forgotten.
    let mut sim = kernel(config, started, history, None, Retention::EVERYTHING)?;
    // The timers that ran after the last stored command (their events went
    // out).
    if let Some(reached) = reached.filter(|&t| t > sim.now()) {
        sim.run(&mut VirtualClock, Some(reached), handle);
    }
    let end = sim.now().max(last);
    let events_run = sim.events_run();
    let warehouse = sim
        .world_mut()
        .remove_resource::<Warehouse>()
        .ok_or_else(|| LiveError::Site("no warehouse".into()))?;
    Ok(Rebuilt {
        warehouse,
        end,
        events_run,
        replayed,
    })
}

/// Records that the timers due between `from` and `to` fired late, at
/// `to`, with the clock's position: durable before any of their events
/// goes out, so that every sending marks them alike.
pub(super) fn caught_up(k: &mut Kernel, from: SimTime, to: SimTime) -> Result<(), StoreError> {
    if let Some(store) = &k.store {
        let mut store = store.lock().expect("only the kernel thread writes");
        store.add_catch_up(from.as_millis(), to.as_millis())?;
        store.set_position(REACHED, to.as_millis())?;
        store.commit()?;
    }
    k.catch_ups.push((from, to));
    Ok(())
}
