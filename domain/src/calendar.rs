//! The site's calendar: which local wall time and date an instant of site
//! time is, in the site's time zone.
//!
//! Site time ([`SimTime`]) counts milliseconds from the local midnight that
//! starts the site's first day. Shifts, breaks and carrier cut-offs are
//! local wall times; the calendar turns them into instants across midnight
//! and daylight-saving changes:
//! - a wall time the clocks skip (spring forward, 02:30 in Berlin) is
//!   taken with the offset before the change, so it falls as long after
//!   the last valid minute as it says (03:30);
//! - a wall time that happens twice (fall back) is the first of the two.
//!
//! The default calendar is UTC from 1970-01-01: a day is exactly 24 hours
//! and site time 0 is midnight, as a site without a calendar always had.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use paklog_sim::SimTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const DAY_MS: u64 = 86_400_000;

/// A time zone and the date of the site's first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteCalendar {
    zone: Tz,
    start: NaiveDate,
    /// Unix milliseconds of site time 0.
    epoch_ms: i64,
}

/// A calendar that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The name is not an IANA time zone.
    #[error("`{0}` is not an IANA time zone (such as `Europe/Berlin` or `UTC`)")]
    UnknownZone(String),
    /// The start date is not a `YYYY-MM-DD` date.
    #[error("`{0}` is not a date (YYYY-MM-DD)")]
    BadDate(String),
}

impl CalendarError {
    /// The field of a site or scenario file at fault.
    #[must_use]
    pub fn field(&self) -> &'static str {
        match self {
            CalendarError::UnknownZone(_) => "time_zone",
            CalendarError::BadDate(_) => "start_date",
        }
    }
}

impl Default for SiteCalendar {
    fn default() -> Self {
        SiteCalendar {
            zone: Tz::UTC,
            start: NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date"),
            epoch_ms: 0,
        }
    }
}

impl SiteCalendar {
    /// The calendar of zone `zone` (IANA name) whose site time 0 is the
    /// local midnight starting `start`.
    ///
    /// # Errors
    /// An unknown zone.
    pub fn new(zone: &str, start: NaiveDate) -> Result<Self, CalendarError> {
        let zone: Tz = zone
            .parse()
            .map_err(|_| CalendarError::UnknownZone(zone.to_owned()))?;
        let midnight = start.and_hms_opt(0, 0, 0).expect("midnight exists");
        let epoch_ms = instant(zone, midnight).timestamp_millis();
        Ok(SiteCalendar {
            zone,
            start,
            epoch_ms,
        })
    }

    /// [`new`](Self::new) from a zone name and a `YYYY-MM-DD` date.
    ///
    /// # Errors
    /// An unknown zone or a date that does not parse.
    pub fn parse(zone: &str, start: &str) -> Result<Self, CalendarError> {
        let date = NaiveDate::parse_from_str(start, "%Y-%m-%d")
            .map_err(|_| CalendarError::BadDate(start.to_owned()))?;
        Self::new(zone, date)
    }

    /// The calendar of zone `zone` whose first day is the local date of
    /// the instant `unix_ms` (a live site's first start).
    ///
    /// # Errors
    /// An unknown zone, or an instant out of chrono's range.
    pub fn from_day_of(zone: &str, unix_ms: i64) -> Result<Self, CalendarError> {
        let tz: Tz = zone
            .parse()
            .map_err(|_| CalendarError::UnknownZone(zone.to_owned()))?;
        let date = DateTime::from_timestamp_millis(unix_ms)
            .map(|t| t.with_timezone(&tz).date_naive())
            .ok_or_else(|| CalendarError::BadDate(unix_ms.to_string()))?;
        Self::new(zone, date)
    }

    /// Whether this is the default calendar (UTC from 1970: days of exactly
    /// 24 hours from site time 0), which a site file that names no zone and
    /// no date gets.
    #[must_use]
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The site time of the instant `unix_ms` (0 for any instant before
    /// day one).
    #[must_use]
    pub fn site_time(&self, unix_ms: i64) -> SimTime {
        SimTime::from_millis((unix_ms - self.epoch_ms).max(0) as u64)
    }

    /// The instant (Unix milliseconds) of site time `t`.
    #[must_use]
    pub fn unix_ms(&self, t: SimTime) -> i64 {
        self.epoch_ms + t.as_millis() as i64
    }

    /// The zone's IANA name.
    #[must_use]
    pub fn zone_name(&self) -> &'static str {
        self.zone.name()
    }

    /// The date of the site's first day.
    #[must_use]
    pub fn start_date(&self) -> NaiveDate {
        self.start
    }

    /// Site time `t` as a local date and time.
    #[must_use]
    pub fn local(&self, t: SimTime) -> DateTime<Tz> {
        let utc = DateTime::from_timestamp_millis(self.epoch_ms + t.as_millis() as i64)
            .expect("site time within chrono's range");
        utc.with_timezone(&self.zone)
    }

    /// Site time `t` in RFC 3339, with the zone's offset at that instant.
    #[must_use]
    pub fn rfc3339(&self, t: SimTime) -> String {
        self.local(t)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
    }

    /// The local minute of the day (0–1439) at `t`.
    #[must_use]
    pub fn minute_of_day(&self, t: SimTime) -> u32 {
        if self.is_default() {
            return ((t.as_millis() / 60_000) % 1440) as u32;
        }
        let local = self.local(t).naive_local();
        let midnight = local.date().and_hms_opt(0, 0, 0).expect("midnight exists");
        (local - midnight).num_minutes() as u32
    }

    /// The local day `t` falls on, counted from the first (day 0).
    #[must_use]
    pub fn day_of(&self, t: SimTime) -> u64 {
        if self.is_default() {
            return t.as_millis() / DAY_MS;
        }
        (self.local(t).date_naive() - self.start).num_days().max(0) as u64
    }

    /// The instant local wall time `minute` (minutes after midnight) falls
    /// on local day `day`.
    #[must_use]
    pub fn at(&self, day: u64, minute: u32) -> SimTime {
        if self.is_default() {
            return SimTime::from_millis(day * DAY_MS + u64::from(minute) * 60_000);
        }
        let naive = (self.start + Duration::days(day as i64))
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            + Duration::minutes(i64::from(minute));
        let ms = instant(self.zone, naive).timestamp_millis() - self.epoch_ms;
        SimTime::from_millis(ms.max(0) as u64)
    }

    /// The first instant at or after `from` whose local wall time is
    /// `minute`.
    #[must_use]
    pub fn next(&self, from: SimTime, minute: u32) -> SimTime {
        let day = self.day_of(from);
        let t = self.at(day, minute);
        if t >= from {
            t
        } else {
            self.at(day + 1, minute)
        }
    }
}

/// The instant of local wall time `naive` in `zone`: the first of two, or
/// with the offset before a gap that skips it.
fn instant(zone: Tz, naive: NaiveDateTime) -> DateTime<Tz> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
        LocalResult::None => {
            let before = zone
                .from_local_datetime(&(naive - Duration::hours(3)))
                .earliest()
                .expect("no zone skips two gaps within three hours");
            let offset = before.offset().fix();
            let utc = naive - Duration::seconds(i64::from(offset.local_minus_utc()));
            zone.from_utc_datetime(&utc)
        }
    }
}

/// How a calendar is written in a site file: `{ time_zone, start_date }`.
#[derive(Serialize, Deserialize)]
struct Written {
    time_zone: String,
    start_date: String,
}

impl Serialize for SiteCalendar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Written {
            time_zone: self.zone_name().to_owned(),
            start_date: self.start.format("%Y-%m-%d").to_string(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for SiteCalendar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Written::deserialize(d)?;
        SiteCalendar::parse(&w.time_zone, &w.start_date).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use paklog_sim::SimDuration;

    use super::*;

    fn h(hours: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_hours(hours)
    }

    #[test]
    fn the_default_calendar_is_days_of_24_hours_from_zero() {
        let c = SiteCalendar::default();
        assert_eq!(c.at(2, 17 * 60), h(48 + 17));
        assert_eq!(c.minute_of_day(h(49)), 60);
        assert_eq!(c.day_of(h(49)), 2);
        assert_eq!(c.next(h(17), 17 * 60), h(17));
        assert_eq!(c.next(h(17) + SimDuration::from_millis(1), 17 * 60), h(41));
        assert_eq!(c.rfc3339(h(1)), "1970-01-01T01:00:00.000+00:00");
    }

    #[test]
    fn across_spring_forward_wall_times_keep_their_place() {
        // Berlin skips 02:00–03:00 on 2026-03-29: that day has 23 hours.
        let c = SiteCalendar::parse("Europe/Berlin", "2026-03-28").unwrap();
        assert_eq!(c.rfc3339(SimTime::ZERO), "2026-03-28T00:00:00.000+01:00");
        assert_eq!(c.at(1, 0), h(24));
        assert_eq!(c.at(2, 0), h(47), "the 29th is 23 hours long");
        assert_eq!(
            c.at(1, 6 * 60),
            h(24 + 5),
            "06:00 CEST is 5 hours after midnight CET"
        );
        assert_eq!(c.rfc3339(c.at(1, 17 * 60)), "2026-03-29T17:00:00.000+02:00");
        // 02:30 does not exist on the 29th: it falls at 03:30 CEST.
        assert_eq!(c.rfc3339(c.at(1, 150)), "2026-03-29T03:30:00.000+02:00");
        assert_eq!(c.minute_of_day(c.at(1, 17 * 60)), 17 * 60);
        assert_eq!(c.day_of(c.at(2, 0)), 2);
        assert_eq!(
            c.next(c.at(1, 17 * 60) + SimDuration::from_millis(1), 17 * 60),
            c.at(2, 17 * 60)
        );
        assert_eq!(
            c.at(2, 17 * 60) - c.at(1, 17 * 60),
            SimDuration::from_hours(24)
        );
    }

    #[test]
    fn across_fall_back_a_repeated_wall_time_is_the_first() {
        // Berlin repeats 02:00–03:00 on 2026-10-25: that day has 25 hours.
        let c = SiteCalendar::parse("Europe/Berlin", "2026-10-24").unwrap();
        assert_eq!(c.at(2, 0) - c.at(1, 0), SimDuration::from_hours(25));
        assert_eq!(c.rfc3339(c.at(1, 150)), "2026-10-25T02:30:00.000+02:00");
        assert_eq!(c.rfc3339(c.at(1, 17 * 60)), "2026-10-25T17:00:00.000+01:00");
    }

    #[test]
    fn bad_zones_and_dates_name_their_field() {
        let e = SiteCalendar::parse("Mars/Olympus", "2026-01-01").unwrap_err();
        assert_eq!(e.field(), "time_zone");
        assert!(e.to_string().contains("Mars/Olympus"), "{e}");
        let e = SiteCalendar::parse("UTC", "2026-13-01").unwrap_err();
        assert_eq!(e.field(), "start_date");
        // A zone east of UTC starts its 1970-01-01 in 1969.
        assert!(SiteCalendar::parse("Europe/Berlin", "1970-01-01").is_ok());
    }
}
