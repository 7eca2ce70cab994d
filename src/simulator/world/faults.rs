//! The world's side of fault injection: rolling the faults and the rate budget for each call,
//! and changing the fault settings.

use std::sync::Arc;

use rand::Rng;

use super::{State, World};
use crate::simulator::{
    faults::{Faults, Injected},
    gate::CallGate,
};

impl State {
    /// Counts an API call and rolls the injected faults.
    pub(crate) fn roll_faults(&mut self) -> Injected {
        self.request_count += 1;
        if self.faults.rate_limit_next > 0 {
            self.faults.rate_limit_next -= 1;
            return Injected::RateLimited(1);
        }
        let every = u64::from(self.faults.rate_limit_every);
        if every > 0 && self.request_count % every == 0 {
            return Injected::RateLimited(1);
        }
        let rate = self.faults.server_error_rate;
        if rate > 0.0 && rand::rng().random_bool(rate.clamp(0.0, 1.0)) {
            return Injected::ServerError;
        }
        Injected::None
    }

    /// Spends one request of the client's budget; `Some(retry_after_secs)` when blocked.
    pub(crate) fn spend_budget(&mut self) -> Option<u64> {
        let now = self.now();
        let minute = chrono::Duration::minutes(1);
        let budget = &mut self.budget;
        if let Some(until) = budget.blocked_until {
            if now < until {
                // Calls made while blocked extend the block.
                budget.blocked_until = Some(now + minute);
                return Some(60);
            }
            budget.blocked_until = None;
        }
        match budget.window_start {
            Some(start) if now - start < minute => {}
            _ => {
                budget.window_start = Some(now);
                budget.used = 0;
            }
        }
        budget.used += 1;
        if budget.used > self.config.requests_per_minute {
            budget.blocked_until = Some(now + minute);
            return Some(60);
        }
        None
    }
}

impl World {
    /// Replaces the fault settings.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    /// Holds every API call whose path starts with `path` (`/order/refund-claims`) until the
    /// gate returned lets it through or opens (replacing an earlier gate).
    pub fn hold_calls(&self, path: &str) -> Arc<CallGate> {
        let gate = Arc::new(CallGate::new(path));
        self.lock().gate = Some(Arc::clone(&gate));
        gate
    }

    /// The gate holding a call to `path`, if one does.
    pub(crate) fn gate_for(&self, path: &str) -> Option<Arc<CallGate>> {
        self.lock().gate.clone().filter(|gate| gate.holds(path))
    }

    /// The current fault settings.
    pub fn faults(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Kills every token of a seller: refresh → `invalid_grant`, access → 401.
    pub fn revoke_tokens(&self, seller: usize) {
        let mut state = self.lock();
        state.oauth.revoke_seller(seller);
    }
}
