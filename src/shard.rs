//! Shards: splitting a batch among N workers with no coordinator. Worker K of N takes the
//! inputs whose name hashes to K, so N workers started with K = 1..N over the same inputs cover
//! each exactly once, whatever order their listings come in.

use std::str::FromStr;

use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};

/// The variables batch engines number their workers by (from 0): Kubernetes Indexed Jobs and
/// AWS Batch array jobs.
pub const INDEX_VARIABLES: [&str; 2] = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"];

/// One worker's share: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether the input called `name` falls to this shard. The hash is SHA-256 of the name,
    /// the same on every machine and in every version.
    pub fn takes(&self, name: &str) -> bool {
        let digest = Sha256::digest(name.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % self.count == self.index - 1
    }

    /// `K/N`, or `auto/N` with K taken from the engine's variable (numbered from 0 there), as
    /// `lookup` finds it.
    pub fn parse_with(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Shard> {
        let (index, count) = text
            .split_once('/')
            .with_context(|| format!("--shard {text}: write K/N, as 2/8, or auto/N"))?;
        let count: u64 = count
            .trim()
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .with_context(|| format!("--shard {text}: N must be a whole number above 0"))?;
        let index = if index.trim() == "auto" {
            let (variable, value) = INDEX_VARIABLES
                .iter()
                .find_map(|&name| Some((name, lookup(name)?)))
                .ok_or_else(|| {
                    anyhow!(
                        "--shard auto/{count}: neither {} is set; give the shard as K/{count}",
                        INDEX_VARIABLES.join(" nor ")
                    )
                })?;
            let from_zero: u64 = value.trim().parse().map_err(|_| {
                anyhow!("--shard auto/{count}: {variable}={value:?} is not a whole number")
            })?;
            from_zero + 1
        } else {
            index.trim().parse().map_err(|_| {
                anyhow!("--shard {text}: K must be a whole number from 1 to {count}, or auto")
            })?
        };
        if !(1..=count).contains(&index) {
            bail!("--shard {text}: the shard must be from 1 to {count}, not {index}");
        }
        Ok(Shard { index, count })
    }
}

impl FromStr for Shard {
    type Err = anyhow::Error;

    /// `K/N`, or `auto/N` with K from the engine's variable in the environment.
    fn from_str(text: &str) -> Result<Shard> {
        Shard::parse_with(text, |name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, variables: &[(&str, &str)]) -> Result<Shard> {
        Shard::parse_with(text, |name| {
            variables
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn reads_k_of_n_and_the_engines_index() {
        assert_eq!(parse("2/8", &[]).unwrap(), Shard { index: 2, count: 8 });
        let k8s = [("JOB_COMPLETION_INDEX", "0")];
        assert_eq!(parse("auto/3", &k8s).unwrap(), Shard { index: 1, count: 3 });
        let batch = [("AWS_BATCH_JOB_ARRAY_INDEX", "2")];
        assert_eq!(
            parse("auto/3", &batch).unwrap(),
            Shard { index: 3, count: 3 }
        );
        for wrong in ["0/3", "4/3", "1/0", "x/3", "3", "1/x"] {
            assert!(parse(wrong, &[]).is_err(), "{wrong}");
        }
        let message = parse("auto/3", &[]).unwrap_err().to_string();
        assert!(message.contains("JOB_COMPLETION_INDEX"), "{message}");
        assert!(parse("auto/3", &[("JOB_COMPLETION_INDEX", "3")]).is_err());
    }

    #[test]
    fn every_name_falls_to_exactly_one_shard_and_the_shards_are_even() {
        let names: Vec<String> = (0..3000)
            .map(|n| format!("s3://b/exports/{n}.json"))
            .collect();
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, count: 3 }).collect();
        let mut sizes = [0usize; 3];
        for name in &names {
            let takers: Vec<usize> = (0..3).filter(|&k| shards[k].takes(name)).collect();
            assert_eq!(takers.len(), 1, "{name}");
            sizes[takers[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| (900..1100).contains(&n)), "{sizes:?}");
    }
}
