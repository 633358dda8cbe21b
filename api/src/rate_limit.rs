//! Rate limiting per client address (GCRA, via `governor`), announced in the IETF draft
//! `RateLimit-*` headers on every answer and refused with 429 and `Retry-After` when exceeded.
//! Limits are per instance: with N instances a client gets at most N times the limit, which bounds
//! abuse without shared state. Login throttling per account is separate and stricter.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use governor::clock::DefaultClock;
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::error::ApiError;

type Limiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

pub static RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
pub static RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
pub static RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// Forget idle clients now and then, so the table of addresses stays small.
const HOUSEKEEPING_EVERY: u64 = 4096;

pub struct RateLimits {
    limiter: Limiter,
    per_minute: u32,
    /// How many requests may arrive at once; the rest of the minute's quota trickles in.
    burst: u32,
    proxies: crate::client::Proxies,
    requests: AtomicU64,
}

impl RateLimits {
    /// `per_minute` requests per client address per minute, replenished evenly; a tenth of that
    /// (six seconds' worth, at least one) may come in one burst, so a minute's quota cannot be
    /// spent at once.
    pub fn new(per_minute: NonZeroU32, proxies: crate::client::Proxies) -> RateLimits {
        let burst = burst_for(per_minute);
        RateLimits {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst))
                .with_middleware::<StateInformationMiddleware>(),
            per_minute: per_minute.get(),
            burst: burst.get(),
            proxies,
            requests: AtomicU64::new(0),
        }
    }

    fn client(&self, req: &ServiceRequest) -> Option<IpAddr> {
        crate::client::address(req.request(), &self.proxies).map(crate::client::limit_key)
    }

    /// Seconds until `used` spent requests have been replenished.
    fn reset_after(&self, used: u32) -> u64 {
        (u64::from(used) * 60).div_ceil(u64::from(self.per_minute))
    }

    fn announce(&self, headers: &mut HeaderMap, remaining: u32) {
        let used = self.burst.saturating_sub(remaining);
        headers.insert(RATELIMIT_LIMIT.clone(), HeaderValue::from(self.burst));
        headers.insert(RATELIMIT_REMAINING.clone(), HeaderValue::from(remaining));
        headers.insert(
            RATELIMIT_RESET.clone(),
            HeaderValue::from(self.reset_after(used)),
        );
    }
}

/// The burst allowance for a per-minute quota.
pub fn burst_for(per_minute: NonZeroU32) -> NonZeroU32 {
    NonZeroU32::new(per_minute.get() / 10).unwrap_or(NonZeroU32::MIN)
}

/// Middleware: counts the request against its client's quota.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(limits) = req.app_data::<web::Data<RateLimits>>().cloned() else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if limits.requests.fetch_add(1, Ordering::Relaxed) % HOUSEKEEPING_EVERY
        == HOUSEKEEPING_EVERY - 1
    {
        limits.limiter.retain_recent();
    }
    let Some(client) = limits.client(&req) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    match limits.limiter.check_key(&client) {
        Ok(snapshot) => {
            let mut response = next.call(req).await?;
            limits.announce(response.headers_mut(), snapshot.remaining_burst_capacity());
            Ok(response.map_into_left_body())
        }
        Err(not_until) => {
            let wait =
                not_until.wait_time_from(governor::clock::Clock::now(limits.limiter.clock()));
            let retry_after = wait.as_secs().max(1);
            let mut response = ApiError::TooManyRequests { retry_after }.error_response();
            limits.announce(response.headers_mut(), 0);
            log::warn!("rate limit exceeded");
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minutes_quota_cannot_arrive_at_once() {
        let per_minute = NonZeroU32::new(600).unwrap();
        assert_eq!(burst_for(per_minute).get(), 60);
        assert_eq!(burst_for(NonZeroU32::new(5).unwrap()).get(), 1);
        let limits = RateLimits::new(per_minute, crate::client::Proxies::default());
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        let allowed = (0..600)
            .filter(|_| limits.limiter.check_key(&client).is_ok())
            .count();
        assert!((60..=61).contains(&allowed), "{allowed} of 600 at once");
    }
}
