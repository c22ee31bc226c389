//! How much a passenger may upload, so that nobody (an anonymous draft needs no account) can
//! fill the disk:
//!
//! * per draft and per claim: [`MAX_FILES`] files and [`MAX_BYTES`] in all;
//! * per client IP and UTC day: [`MAX_BYTES_PER_CLIENT_DAY`], counted in memory (a restart
//!   forgets it; the per-minute `upload` rate limit and the per-draft caps still hold);
//! * anonymous drafts untouched for [`crate::jobs::ANONYMOUS_DRAFT_RETENTION`] are deleted with
//!   their files by the daily clean-up.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Most documents on one draft or claim.
pub const MAX_FILES: i64 = 20;
/// Most bytes of documents on one draft or claim (50 MiB: five large scans, many photos).
pub const MAX_BYTES: i64 = 50 * 1024 * 1024;
/// Most bytes one client IP may upload per UTC day (200 MiB).
pub const MAX_BYTES_PER_CLIENT_DAY: u64 = 200 * 1024 * 1024;

/// What a draft or claim already holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub files: i64,
    pub bytes: i64,
}

impl Usage {
    pub fn files_left(&self) -> i64 {
        (MAX_FILES - self.files).max(0)
    }

    pub fn bytes_left(&self) -> i64 {
        (MAX_BYTES - self.bytes).max(0)
    }

    /// The i18n key refusing one more file of `size` bytes, if it must be refused.
    pub fn refusal(&self, size: u64) -> Option<&'static str> {
        if self.files_left() == 0 {
            Some("documents.error.too_many")
        } else if i64::try_from(size).unwrap_or(i64::MAX) > self.bytes_left() {
            Some("documents.error.quota")
        } else {
            None
        }
    }
}

/// Bytes uploaded per client IP today (managed state).
#[derive(Debug, Default)]
pub struct DailyUploads {
    by_client: Mutex<HashMap<IpAddr, (i64, u64)>>,
}

fn today() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(86_400)
}

impl DailyUploads {
    /// Whether `client` may upload `size` more bytes today.
    pub fn allows(&self, client: IpAddr, size: u64) -> bool {
        self.allows_on(client, size, today())
    }

    /// Counts `size` bytes uploaded by `client` today.
    pub fn record(&self, client: IpAddr, size: u64) {
        self.record_on(client, size, today());
    }

    fn allows_on(&self, client: IpAddr, size: u64, day: i64) -> bool {
        let map = self
            .by_client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let used = map
            .get(&client)
            .filter(|(d, _)| *d == day)
            .map_or(0, |e| e.1);
        used.saturating_add(size) <= MAX_BYTES_PER_CLIENT_DAY
    }

    fn record_on(&self, client: IpAddr, size: u64, day: i64) {
        let mut map = self
            .by_client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 10_000 {
            map.retain(|_, (d, _)| *d == day);
        }
        let entry = map.entry(client).or_insert((day, 0));
        if entry.0 != day {
            *entry = (day, 0);
        }
        entry.1 = entry.1.saturating_add(size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_owner_and_per_client_day() {
        let full = Usage {
            files: MAX_FILES,
            bytes: 0,
        };
        assert_eq!(full.refusal(1), Some("documents.error.too_many"));
        let heavy = Usage {
            files: 1,
            bytes: MAX_BYTES - 10,
        };
        assert_eq!(heavy.refusal(11), Some("documents.error.quota"));
        assert_eq!(heavy.refusal(10), None);

        let daily = DailyUploads::default();
        let ip = IpAddr::from([203, 0, 113, 1]);
        daily.record_on(ip, MAX_BYTES_PER_CLIENT_DAY - 5, 100);
        assert!(daily.allows_on(ip, 5, 100));
        assert!(!daily.allows_on(ip, 6, 100));
        assert!(daily.allows_on(ip, 6, 101), "a new day starts afresh");
        assert!(daily.allows_on(IpAddr::from([203, 0, 113, 2]), 6, 100));
    }
}
