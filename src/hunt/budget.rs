//! Hunt budget: what the search for the signer variant (RFC 5849 §3.4) may
//! spend in time, memory and variants, and what it covered. Not a rule of
//! the RFC: a limit on the tool's own search.

use serde::Serialize;
use std::time::{Duration, Instant};

/// What a hunt may spend: the search stops before it would go past any
/// limit and reports what it covered ([`BudgetReport`]). The library reads
/// no clock unless the caller gives a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Stop trying variants once this instant has passed (`None`: no time limit).
    pub deadline: Option<Instant>,
    /// Bytes of search state (normalized strings and base strings built
    /// for variants, the buffers they are built in, and the bookkeeping of
    /// outcomes) the search may hold; each variant's share is charged
    /// before it is built. The request as read, its parameter list
    /// included, is not counted.
    pub memory: usize,
    /// Stop after this many variants (`None`: no limit).
    pub variants: Option<u64>,
}

impl Budget {
    /// The default time limit of the command-line tool.
    pub const DEFAULT_TIME: Duration = Duration::from_secs(5);
    /// The default memory limit: 256 MiB of search state.
    pub const DEFAULT_MEMORY: usize = 256 << 20;

    /// A budget of `time` from now and `memory` bytes.
    pub fn new(time: Duration, memory: usize) -> Budget {
        Budget {
            deadline: Instant::now().checked_add(time),
            memory,
            variants: None,
        }
    }
}

impl Default for Budget {
    /// No time limit, [`Budget::DEFAULT_MEMORY`], no variant limit.
    fn default() -> Self {
        Budget {
            deadline: None,
            memory: Budget::DEFAULT_MEMORY,
            variants: None,
        }
    }
}

/// Which limit of the [`Budget`] stopped the search.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// The deadline passed.
    Time,
    /// The next variant could have taken the search state past the memory limit.
    Memory,
    /// The variant limit was reached.
    Variants,
}

/// What the search covered within its [`Budget`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    /// True when the search stopped before finishing the depth asked for.
    pub exhausted: bool,
    /// The limit that stopped it (`null` when it finished).
    pub limit: Option<Limit>,
    /// The largest combination size searched completely (0: only the correct signer).
    pub depth_completed: usize,
    /// Variants tried (the same as `tried`).
    pub candidates_tried: u64,
    /// Variants the depth asked for would have taken, counted from the catalogue
    /// forms that apply to this request (an upper bound: the search drops forms
    /// that change nothing); `null` when the search stopped before counting them.
    pub candidates_planned: Option<u64>,
    /// The most bytes of search state held at once.
    pub memory_bytes: usize,
    /// The memory limit, in bytes.
    pub memory_limit: usize,
}
