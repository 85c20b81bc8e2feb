//! Where a build's time and memory went, phase by phase, for `--verbose`.

use std::time::Instant;

/// Where a build's time went, phase by phase, for `--verbose`.
#[derive(Debug, Clone)]
pub struct Stopwatch {
    started: Instant,
    last: Instant,
    /// Each phase: its name, its time in ms, and the resident memory after it in MiB when
    /// measured.
    pub laps: Vec<(&'static str, f64, Option<u64>)>,
    /// Reading the memory costs a read of /proc per lap: worth it for a full build, where it
    /// says where the memory goes, not for every rebuild of the preview.
    measure_memory: bool,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch::new(false)
    }

    /// A stopwatch that also notes the resident memory after each phase.
    pub fn with_memory() -> Stopwatch {
        Stopwatch::new(true)
    }

    fn new(measure_memory: bool) -> Stopwatch {
        let now = Instant::now();
        Stopwatch {
            started: now,
            last: now,
            laps: Vec::new(),
            measure_memory,
        }
    }

    pub fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        let ms = (now - self.last).as_secs_f64() * 1000.0;
        let memory = self.measure_memory.then(resident_mib).flatten();
        self.laps.push((phase, ms, memory));
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
            .map(|(phase, ms, memory)| match memory {
                Some(mib) => format!("{phase} {ms:.1} ms ({mib} MiB resident)"),
                None => format!("{phase} {ms:.1} ms"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The process's resident memory now, where the platform tells.
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * rustix::param::page_size() as u64 / (1024 * 1024))
}
