//! Sign-in throttling that cannot be turned against the account's owner (issue #12).
//!
//! A plain per-account limit lets anyone lock anyone out: twenty wrong passwords from twenty
//! addresses and the right one answers 429 for an hour, the admin's included. Instead:
//!
//! 1. failures are counted per *(account, client network)* — an IPv4 address or an IPv6 /64;
//!    after [`FREE_FAILURES`] that client waits [`FIRST_DELAY`], then twice as long after each
//!    further failure, up to [`MAX_DELAY`]; an attempt before the wait is over is refused (429)
//!    without checking the password;
//! 2. failures are also counted per account, whatever the client; past the ceiling
//!    (`rate_limit_account`, e.g. 20/hour) every attempt on the account is slowed by
//!    [`CEILING_SLOWDOWN`] — slowed, never refused — so a client that has not been failing
//!    still signs in with the right password;
//! 3. a success forgets that client's failures.
//!
//! State lives in memory (like the governor limiters): a restart forgets it, which only ever
//! helps the owner. [`SignInThrottle::shrink`] keeps it bounded.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::ratelimit::{Quota, network_key};

/// Failures a client may make on an account before it has to wait.
pub const FREE_FAILURES: u32 = 3;
/// The first wait, doubled after each further failure.
pub const FIRST_DELAY: Duration = Duration::from_secs(1);
/// The longest wait between two attempts of a failing client.
pub const MAX_DELAY: Duration = Duration::from_mins(15);
/// How much every attempt on an account is slowed once it is past its failure ceiling.
pub const CEILING_SLOWDOWN: Duration = Duration::from_secs(1);
/// A client's failures are forgotten after this long without a new one.
pub const FORGET_AFTER: Duration = Duration::from_hours(1);

/// What to do with a sign-in attempt, decided before the password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password now.
    Go,
    /// Check it after this pause (the account is under attack; this client is not the cause).
    SlowDown(Duration),
    /// Refuse without checking: this client has been failing on this account; retry after.
    Wait(Duration),
}

#[derive(Debug, Clone, Copy)]
struct ClientFailures {
    count: u32,
    last: Instant,
}

/// Failure counters per (account, client network) and per account.
pub struct SignInThrottle {
    ceiling: Quota,
    clients: Mutex<HashMap<(String, IpAddr), ClientFailures>>,
    accounts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// The wait a client owes after `failures` failures.
pub fn delay_after(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_FAILURES).min(20);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

fn key(account: &str, client: IpAddr) -> (String, IpAddr) {
    (account.to_lowercase(), network_key(client))
}

impl SignInThrottle {
    /// `ceiling`: failures per account (any client) after which attempts are slowed.
    pub fn new(ceiling: Quota) -> SignInThrottle {
        SignInThrottle {
            ceiling,
            clients: Mutex::new(HashMap::new()),
            accounts: Mutex::new(HashMap::new()),
        }
    }

    /// The verdict for an attempt on `account` (a normalised email) from `client`.
    pub fn check(&self, account: &str, client: IpAddr) -> Verdict {
        let now = Instant::now();
        let key = key(account, client);
        if let Some(f) = lock(&self.clients).get(&key).copied() {
            let until = f.last + delay_after(f.count);
            if until > now {
                return Verdict::Wait(until - now);
            }
        }
        if self.recent_account_failures(&key.0, now) >= self.ceiling.count.get() as usize {
            Verdict::SlowDown(CEILING_SLOWDOWN)
        } else {
            Verdict::Go
        }
    }

    /// Records a wrong password; returns this client's failures on the account so far.
    pub fn failed(&self, account: &str, client: IpAddr) -> u32 {
        let now = Instant::now();
        let key = key(account, client);
        let count = {
            let mut clients = lock(&self.clients);
            let entry = clients.entry(key.clone()).or_insert(ClientFailures {
                count: 0,
                last: now,
            });
            if now.duration_since(entry.last) > FORGET_AFTER {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last = now;
            entry.count
        };
        let mut accounts = lock(&self.accounts);
        let times = accounts.entry(key.0).or_default();
        times.push_back(now);
        let cap = self.ceiling.count.get() as usize * 2;
        while times.len() > cap {
            times.pop_front();
        }
        count
    }

    /// Records a success: the client's failures on the account are forgotten.
    pub fn succeeded(&self, account: &str, client: IpAddr) {
        lock(&self.clients).remove(&key(account, client));
    }

    /// Drops what no longer matters (called with the rate limiters' periodic sweep).
    pub fn shrink(&self) {
        let now = Instant::now();
        lock(&self.clients)
            .retain(|_, f| now.duration_since(f.last) <= FORGET_AFTER.max(delay_after(f.count)));
        let period = self.ceiling.period;
        lock(&self.accounts).retain(|_, times| {
            times.retain(|t| now.duration_since(*t) <= period);
            !times.is_empty()
        });
    }

    fn recent_account_failures(&self, account: &str, now: Instant) -> usize {
        lock(&self.accounts).get(account).map_or(0, |times| {
            times
                .iter()
                .filter(|t| now.duration_since(**t) <= self.ceiling.period)
                .count()
        })
    }
}

/// A poisoned lock only means another request panicked mid-update; the counters stay usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(ceiling: &str) -> SignInThrottle {
        SignInThrottle::new(Quota::parse(ceiling).unwrap())
    }

    #[test]
    fn delays_grow_then_cap() {
        assert_eq!(delay_after(0), Duration::ZERO);
        assert_eq!(delay_after(FREE_FAILURES - 1), Duration::ZERO);
        assert_eq!(delay_after(FREE_FAILURES), FIRST_DELAY);
        assert_eq!(delay_after(FREE_FAILURES + 1), FIRST_DELAY * 2);
        assert_eq!(delay_after(FREE_FAILURES + 3), FIRST_DELAY * 8);
        assert_eq!(delay_after(u32::MAX), MAX_DELAY);
    }

    #[test]
    fn a_failing_client_waits_others_are_only_slowed() {
        let t = throttle("4/hour");
        let attacker = IpAddr::from([203, 0, 113, 1]);
        let owner = IpAddr::from([198, 51, 100, 7]);
        for _ in 0..FREE_FAILURES {
            assert_eq!(t.check("a@example.com", attacker), Verdict::Go);
            t.failed("a@example.com", attacker);
        }
        assert!(matches!(
            t.check("A@example.com", attacker),
            Verdict::Wait(_)
        ));
        assert_eq!(t.check("a@example.com", owner), Verdict::Go);
        t.failed("a@example.com", IpAddr::from([203, 0, 113, 2]));
        assert_eq!(
            t.check("a@example.com", owner),
            Verdict::SlowDown(CEILING_SLOWDOWN),
            "past the ceiling: slowed, not refused"
        );
        assert_eq!(t.check("other@example.com", attacker), Verdict::Go);
        t.succeeded("a@example.com", attacker);
        assert!(matches!(
            t.check("a@example.com", attacker),
            Verdict::SlowDown(_)
        ));
    }

    #[test]
    fn an_ipv6_client_is_its_64() {
        let t = throttle("100/hour");
        for i in 0..FREE_FAILURES {
            let ip: IpAddr = format!("2001:db8:1:2::{i}").parse().unwrap();
            t.failed("a@example.com", ip);
        }
        let same_net: IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap();
        let other_net: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(matches!(
            t.check("a@example.com", same_net),
            Verdict::Wait(_)
        ));
        assert_eq!(t.check("a@example.com", other_net), Verdict::Go);
    }
}
