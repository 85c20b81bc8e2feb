//! Where a build's time and memory went, phase by phase, for `--verbose`.

use std::time::Instant;

/// Where a build's time went, phase by phase, for `--verbose`.
#[derive(Debug, Clone)]
pub struct Stopwatch {
    started: Instant,
    last: Instant,
    pub laps: Vec<(&'static str, f64)>,
    /// Resident memory at the end of each lap, in MiB, where the platform tells.
    pub resident_mib: Vec<Option<u64>>,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        let now = Instant::now();
        Stopwatch {
            started: now,
            last: now,
            laps: Vec::new(),
            resident_mib: Vec::new(),
        }
    }

    pub fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.laps
            .push((phase, (now - self.last).as_secs_f64() * 1000.0));
        self.resident_mib.push(resident_mib());
        self.last = now;
    }

    pub fn elapsed_ms(&self) -> u128 {
        self.started.elapsed().as_millis()
    }

    pub fn since_last_lap_ms(&self) -> f64 {
        self.last.elapsed().as_secs_f64() * 1000.0
    }

    /// `read 12.0 ms (31 MiB resident), markdown 40.1 ms (58 MiB resident), ...`
    pub fn report(&self) -> String {
        self.laps
            .iter()
            .zip(&self.resident_mib)
            .map(|((phase, ms), mib)| match mib {
                Some(mib) => format!("{phase} {ms:.1} ms ({mib} MiB resident)"),
                None => format!("{phase} {ms:.1} ms"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The process's resident memory now: where a build's memory goes, for `--verbose`.
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * rustix::param::page_size() as u64 / (1024 * 1024))
}
