//! Rate limiting by client IP with governor, one keyed limiter per named class. An IPv6 client
//! is keyed on its /64 (one subscriber's network, which hands out addresses freely), an IPv4
//! client on its address; see [`network_key`].
//!
//! A handler opts in by taking a guard: `_limit: RateLimit<Auth>`. When the quota is spent the
//! guard fails with 429 and the catcher answers with `Retry-After`.

use std::marker::PhantomData;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, RateLimiter};
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use crate::accounts::throttle::SignInThrottle;
use crate::web::guards::ClientIp;

/// The named classes of rate limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RateClass {
    /// Login, registration, password reset.
    Auth,
    /// Public JSON API.
    Api,
    /// Autocomplete while typing: generous, stops scrapers.
    Typing,
    /// Document uploads.
    Upload,
    /// Other state-changing forms.
    Form,
}

impl RateClass {
    pub const ALL: [RateClass; 5] = [
        Self::Auth,
        Self::Api,
        Self::Typing,
        Self::Upload,
        Self::Form,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::Api => "api",
            Self::Typing => "typing",
            Self::Upload => "upload",
            Self::Form => "form",
        }
    }

    pub fn config_key(self) -> &'static str {
        match self {
            Self::Auth => "rate_limit_auth",
            Self::Api => "rate_limit_api",
            Self::Typing => "rate_limit_typing",
            Self::Upload => "rate_limit_upload",
            Self::Form => "rate_limit_form",
        }
    }
}

/// The key a client is limited under: an IPv4 address as is (also when written as an
/// IPv4-mapped IPv6 address), an IPv6 address cut to its /64, since one home or server gets a
/// whole /64 and could otherwise take a fresh quota per address.
pub fn network_key(ip: IpAddr) -> IpAddr {
    let IpAddr::V6(v6) = ip else {
        return ip;
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return IpAddr::V4(v4);
    }
    let mut segments = v6.segments();
    segments[4..].fill(0);
    IpAddr::V6(std::net::Ipv6Addr::from(segments))
}

/// A parsed quota: `count` requests per `period`, bursting up to `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub count: NonZeroU32,
    pub period: Duration,
}

impl Quota {
    /// Parses `10/min`, `5/s`, `100/hour`, `600/minute`.
    pub fn parse(text: &str) -> Result<Quota, String> {
        let (count, unit) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not of the form COUNT/UNIT"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not a whole number", count.trim()))?;
        let count = NonZeroU32::new(count).ok_or("the count must be at least 1")?;
        let period = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_mins(1),
            "h" | "hour" => Duration::from_hours(1),
            other => return Err(format!("unknown unit `{other}` (use s, min or hour)")),
        };
        Ok(Quota { count, period })
    }

    fn governor(self) -> governor::Quota {
        governor::Quota::with_period(self.period / self.count.get())
            .unwrap_or_else(|| governor::Quota::per_second(self.count))
            .allow_burst(self.count)
    }
}

/// All limiters, held in Rocket's managed state.
pub struct RateLimits {
    limiters: Vec<(RateClass, DefaultKeyedRateLimiter<IpAddr>)>,
    /// Second-factor attempts per account, whatever the IP (`check_account`).
    accounts: DefaultKeyedRateLimiter<String>,
    /// Sign-in failures per (account, client) and per account: see [`SignInThrottle`].
    sign_in: SignInThrottle,
    rejected: Vec<(RateClass, AtomicU64)>,
}

impl RateLimits {
    pub fn new(quotas: impl IntoIterator<Item = (RateClass, Quota)>) -> Arc<Self> {
        Self::with_account_quota(
            quotas,
            Quota {
                count: NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN),
                period: Duration::from_hours(1),
            },
        )
    }

    pub fn with_account_quota(
        quotas: impl IntoIterator<Item = (RateClass, Quota)>,
        account: Quota,
    ) -> Arc<Self> {
        let mut limiters = Vec::new();
        let mut rejected = Vec::new();
        for (class, quota) in quotas {
            limiters.push((class, RateLimiter::keyed(quota.governor())));
            rejected.push((class, AtomicU64::new(0)));
        }
        Arc::new(Self {
            limiters,
            accounts: RateLimiter::keyed(account.governor()),
            sign_in: SignInThrottle::new(account),
            rejected,
        })
    }

    /// `Ok` when the request may go on, else how long to wait.
    pub fn check(&self, class: RateClass, ip: IpAddr) -> Result<(), Duration> {
        let Some((_, limiter)) = self.limiters.iter().find(|(c, _)| *c == class) else {
            return Ok(());
        };
        limiter.check_key(&network_key(ip)).map_err(|not_until| {
            if let Some((_, counter)) = self.rejected.iter().find(|(c, _)| *c == class) {
                counter.fetch_add(1, Ordering::Relaxed);
            }
            not_until.wait_time_from(DefaultClock::default().now())
        })
    }

    /// `Ok` while the account (a normalised email) may try to sign in again.
    pub fn check_account(&self, email: &str) -> Result<(), Duration> {
        self.accounts
            .check_key(&email.to_lowercase())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// The sign-in throttle (passenger and staff password sign-in).
    pub fn sign_in(&self) -> &SignInThrottle {
        &self.sign_in
    }

    /// Rejections so far per class, for `/metrics`.
    pub fn rejections(&self) -> Vec<(RateClass, u64)> {
        self.rejected
            .iter()
            .map(|(c, n)| (*c, n.load(Ordering::Relaxed)))
            .collect()
    }

    /// Forgets keys whose buckets are full again; called periodically so memory stays bounded.
    pub fn shrink(&self) {
        for (_, limiter) in &self.limiters {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        self.accounts.retain_recent();
        self.accounts.shrink_to_fit();
        self.sign_in.shrink();
    }
}

/// Marker types naming a class in a guard's type.
pub trait ClassMarker: Send + Sync + 'static {
    const CLASS: RateClass;
}

macro_rules! class_marker {
    ($name:ident, $class:expr) => {
        pub struct $name;
        impl ClassMarker for $name {
            const CLASS: RateClass = $class;
        }
    };
}
class_marker!(Auth, RateClass::Auth);
class_marker!(Api, RateClass::Api);
class_marker!(Typing, RateClass::Typing);
class_marker!(Upload, RateClass::Upload);
class_marker!(Form, RateClass::Form);

/// Seconds to wait, stored in the request cache for the 429 catcher's `Retry-After`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RetryAfter(pub Option<u64>);

/// Request guard: fails with 429 when the client's quota for `C` is spent.
pub struct RateLimit<C: ClassMarker>(PhantomData<C>);

#[rocket::async_trait]
impl<'r, C: ClassMarker> FromRequest<'r> for RateLimit<C> {
    type Error = Duration;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(limits) = req.rocket().state::<Arc<RateLimits>>() else {
            return Outcome::Success(RateLimit(PhantomData));
        };
        let ip = match req.guard::<ClientIp>().await {
            Outcome::Success(ip) => ip.0,
            _ => IpAddr::from([0, 0, 0, 0]),
        };
        match limits.check(C::CLASS, ip) {
            Ok(()) => Outcome::Success(RateLimit(PhantomData)),
            Err(wait) => {
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                req.local_cache(|| RetryAfter(Some(secs.max(1))));
                tracing::warn!(class = C::CLASS.name(), "rate limit exceeded");
                Outcome::Error((Status::TooManyRequests, wait))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quotas() {
        assert_eq!(Quota::parse("10/min").unwrap().count.get(), 10);
        assert_eq!(
            Quota::parse(" 5 / s ").unwrap().period,
            Duration::from_secs(1)
        );
        for bad in ["", "10", "0/min", "x/min", "10/week", "-1/s"] {
            assert!(Quota::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_per_ip() {
        let limits = RateLimits::new([(RateClass::Auth, Quota::parse("3/min").unwrap())]);
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        for _ in 0..3 {
            assert!(limits.check(RateClass::Auth, a).is_ok());
        }
        let wait = limits.check(RateClass::Auth, a).unwrap_err();
        assert!(wait > Duration::from_secs(1));
        assert!(limits.check(RateClass::Auth, b).is_ok());
        assert!(
            limits.check(RateClass::Api, a).is_ok(),
            "an unconfigured class never limits"
        );
        assert_eq!(limits.rejections()[0].1, 1);
    }

    #[test]
    fn ipv6_is_limited_per_64() {
        let limits = RateLimits::new([(RateClass::Auth, Quota::parse("2/min").unwrap())]);
        let one: IpAddr = "2001:db8:5:6::1".parse().unwrap();
        let two: IpAddr = "2001:db8:5:6:aaaa::2".parse().unwrap();
        let elsewhere: IpAddr = "2001:db8:5:7::1".parse().unwrap();
        assert!(limits.check(RateClass::Auth, one).is_ok());
        assert!(limits.check(RateClass::Auth, two).is_ok());
        assert!(limits.check(RateClass::Auth, one).is_err());
        assert!(limits.check(RateClass::Auth, elsewhere).is_ok());
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(network_key(mapped), IpAddr::from([192, 0, 2, 1]));
    }
}
