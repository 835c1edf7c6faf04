//! (a) The fsync floor: one client, one key, one durable flush per write —
//! what vouch would do without group commit.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use crate::harness::{Measurement, run_clients};

/// Inserts one key, then `flush()` (sled's log) and `fdatasync` of sled's
/// `db` file, the same pair the store runs per group commit.
pub(crate) fn measure(dir: &Path, duration: Duration) -> Result<Measurement, String> {
    let path = dir.join("sled");
    let db = sled::Config::new().path(&path).open().map_err(|e| format!("sled floor: cannot open sled: {e}"))?;
    let data_file =
        File::open(path.join("db")).map_err(|e| format!("sled floor: cannot open sled's data file: {e}"))?;
    let value = [0x5au8; 128];
    run_clients(
        "sled",
        1,
        duration,
        |_| Ok(()),
        |_, _, i| {
            db.insert(i.to_be_bytes(), &value[..]).map_err(|e| format!("sled insert: {e}"))?;
            db.flush().map_err(|e| format!("sled flush: {e}"))?;
            data_file.sync_data().map_err(|e| format!("fdatasync: {e}"))
        },
    )
}
