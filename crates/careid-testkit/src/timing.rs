//! Interleaved timing for the criterion benches' side-by-side ratios.
//!
//! The benches run on shared machines, where the load moves criterion's absolute figures by
//! tens of percent between groups. Ratios taken within one round, where every variant runs
//! back to back (in a rotating order, so none always runs first), cancel most of that: each
//! round times every variant over `per_round` calls, and the figures reported are the
//! quartiles over the rounds.

use std::time::Instant;

/// Rounds of interleaved runs of several variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interleaved {
    /// Number of rounds.
    pub rounds: usize,
    /// Calls of each variant per round.
    pub per_round: u32,
}

/// The seconds per call of each variant in each round: `times[variant][round]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundTimes {
    times: Vec<Vec<f64>>,
}

/// First quartile, median and third quartile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quartiles {
    /// 25th percentile.
    pub low: f64,
    /// 50th percentile.
    pub median: f64,
    /// 75th percentile.
    pub high: f64,
}

impl Interleaved {
    /// Times every variant `per_round` times in each of `rounds` rounds, rotating the order.
    pub fn run(&self, variants: &[&dyn Fn()]) -> RoundTimes {
        let n = variants.len();
        let mut times = vec![Vec::with_capacity(self.rounds); n];
        for round in 0..self.rounds {
            for offset in 0..n {
                let which = (round + offset) % n;
                let (Some(variant), Some(slot)) = (variants.get(which), times.get_mut(which))
                else {
                    continue;
                };
                let start = Instant::now();
                for _ in 0..self.per_round {
                    variant();
                }
                slot.push(start.elapsed().as_secs_f64() / f64::from(self.per_round.max(1)));
            }
        }
        RoundTimes { times }
    }
}

impl RoundTimes {
    /// Quartiles of variant `which`'s seconds per call.
    pub fn seconds(&self, which: usize) -> Quartiles {
        quartiles(self.times.get(which).cloned().unwrap_or_default())
    }

    /// Quartiles of the per-round ratio `numerator / denominator`.
    pub fn ratio(&self, numerator: usize, denominator: usize) -> Quartiles {
        let (Some(num), Some(den)) = (self.times.get(numerator), self.times.get(denominator))
        else {
            return quartiles(Vec::new());
        };
        quartiles(num.iter().zip(den).map(|(a, b)| a / b).collect())
    }
}

impl Quartiles {
    /// `median [low, high]` (for ratios): three decimals, or five below 0.01.
    pub fn ratio_text(&self) -> String {
        if self.median < 0.01 {
            format!("{:.5} [{:.5}, {:.5}]", self.median, self.low, self.high)
        } else {
            format!("{:.3} [{:.3}, {:.3}]", self.median, self.low, self.high)
        }
    }

    /// `median [low, high]` (for seconds per call): in microseconds, or in nanoseconds below
    /// one microsecond.
    pub fn time_text(&self) -> String {
        let (scale, unit) = if self.median < 1e-6 {
            (1e9, "ns")
        } else {
            (1e6, "µs")
        };
        format!(
            "{:.2} {unit} [{:.2}, {:.2}]",
            self.median * scale,
            self.low * scale,
            self.high * scale
        )
    }
}

fn quartiles(mut v: Vec<f64>) -> Quartiles {
    v.sort_by(f64::total_cmp);
    let at = |q: usize| v.get(v.len() * q / 4).copied().unwrap_or(f64::NAN);
    Quartiles {
        low: at(1),
        median: at(2),
        high: at(3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn every_variant_runs_per_round_times_each_round_and_ratios_pair_rounds() {
        let (a, b) = (Cell::new(0_u32), Cell::new(0_u32));
        let times = Interleaved {
            rounds: 5,
            per_round: 3,
        }
        .run(&[&|| a.set(a.get() + 1), &|| b.set(b.get() + 1)]);
        assert_eq!((a.get(), b.get()), (15, 15));
        assert_eq!(times.times.len(), 2);
        assert!(times.times.iter().all(|t| t.len() == 5));

        let fixed = RoundTimes {
            times: vec![vec![2.0, 4.0, 6.0, 8.0], vec![1.0, 1.0, 2.0, 2.0]],
        };
        let r = fixed.ratio(0, 1);
        // Ratios 2, 4, 3, 4 sorted: 2, 3, 4, 4.
        assert_eq!((r.low, r.median, r.high), (3.0, 4.0, 4.0));
        assert_eq!(fixed.seconds(1).median, 2.0);
        assert!(fixed.ratio(0, 7).median.is_nan());
        assert_eq!(r.ratio_text(), "4.000 [3.000, 4.000]");
        let small = Quartiles {
            low: 0.0003,
            median: 0.0004,
            high: 0.0005,
        };
        assert_eq!(small.ratio_text(), "0.00040 [0.00030, 0.00050]");
        assert_eq!(small.time_text(), "400.00 µs [300.00, 500.00]");
        let fast = Quartiles {
            low: 30e-9,
            median: 32.5e-9,
            high: 35e-9,
        };
        assert_eq!(fast.time_text(), "32.50 ns [30.00, 35.00]");
    }
}
