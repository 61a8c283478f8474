//! Virtual packers and put-wall operators: taking the next tote, packing
//! it for the drawn time, sorting a bulk tote into its slots.

use super::*;

impl VirtualWorld {
    pub(super) fn kick_station(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        station: StationId,
    ) {
        if self.stations[station.index()].job.is_some() {
            return;
        }
        if let Some(Reply::Packing { job: Some(job) }) =
            self.send(wh, sched.now(), Command::StartPacking { station })
        {
            if let Some(b) = &mut self.belts {
                b.taken(sched, job.order);
            }
            let s = &mut self.stations[station.index()];
            let mut secs = self.pack_time.draw(&mut s.rng);
            if job.qc {
                secs += self.qc_time.draw(&mut s.rng);
            }
            s.job = Some(job);
            sched.schedule_in(
                SimDuration::from_secs_f64(secs),
                SimEvent::PackDone(station),
            );
        }
    }

    pub(super) fn pack_done(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        station: StationId,
    ) {
        if let (Some(belts), Some(takeaway)) =
            (&mut self.belts, wh.conveyor().map(|c| c.takeaway()))
            && self.stations[station.index()].job.is_some()
            && !belts.can_feed(takeaway)
        {
            // The takeaway is full or stopped: the parcel waits on the bench.
            belts.wait(takeaway, Waiter::Station(station));
            return;
        }
        let s = &mut self.stations[station.index()];
        if let Some(job) = s.job.take() {
            let weight_kg = job.expected_weight_kg * self.scale.sample(&mut s.rng).max(0.0);
            self.send(
                wh,
                sched.now(),
                Command::CompletePacking {
                    station,
                    order: job.order,
                    weight_kg,
                },
            );
        }
        self.kick_station(wh, sched, station);
    }

    /// An idle put-wall operator takes the next bulk tote.
    pub(super) fn kick_wall(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        wall: u16,
    ) {
        if self.walls[wall as usize].job.is_some() {
            return;
        }
        // The operator scans the bulk tote first in line.
        let Some(&task) = wh.pack().put_walls[wall as usize].queue.front() else {
            return;
        };
        let tote = wh.tasks().get(task).totes[0];
        if let Some(Reply::Sorting { task: Some(task) }) =
            self.send(wh, sched.now(), Command::ScanBulkTote { wall, tote })
        {
            self.put_next(wh, sched, wall, task, 0);
        }
    }

    /// Puts stop `line` of the bulk tote: each unit takes a draw of the put
    /// time.
    pub(super) fn put_next(
        &mut self,
        wh: &Warehouse,
        sched: &mut Agenda<SimEvent>,
        wall: u16,
        task: TaskId,
        line: u32,
    ) {
        let units = wh.tasks().get(task).lines[line as usize]
            .picked
            .unwrap_or(0);
        let w = &mut self.walls[wall as usize];
        let secs: f64 = (0..units).map(|_| self.put_time.draw(&mut w.rng)).sum();
        w.job = Some((task, line));
        sched.schedule_in(SimDuration::from_secs_f64(secs), SimEvent::PutDone(wall));
    }

    pub(super) fn put_done(&mut self, wh: &mut Warehouse, sched: &mut Agenda<SimEvent>, wall: u16) {
        let Some((task, line)) = self.walls[wall as usize].job.take() else {
            return;
        };
        // The stop's units, scanned into its order's slot (a stop found
        // short everywhere has none to put).
        let t = wh.tasks().get(task);
        let stop = &t.lines[line as usize];
        let (slot, sku, units) = (stop.slot, stop.sku, stop.picked.unwrap_or(0));
        let mut more = (line as usize) + 1 < t.lines.len();
        if units > 0 {
            let put = Command::PutIntoSlot {
                wall,
                slot,
                sku,
                quantity: units,
            };
            more = match self.send(wh, sched.now(), put) {
                Some(Reply::Put { station, left }) => {
                    if let Some(station) = station {
                        self.kick_station(wh, sched, station);
                    }
                    left > 0
                }
                _ => false,
            };
        }
        if more {
            self.put_next(wh, sched, wall, task, line + 1);
            return;
        }
        self.kick_wall(wh, sched, wall);
    }
}
