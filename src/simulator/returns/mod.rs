//! Customer returns (`GET /order/customer-returns`, `GET /order/customer-returns/{id}`): a
//! beta resource, so only the beta media type is served (the public one gets 406). Returns
//! come from the sellers' own paid orders (see `record`), appear once their creation time has
//! come, move through their statuses with the simulated clock, and leave the list after about
//! 2.5 years. Limited to 25 requests per second per seller, as Allegro documents; injected
//! faults apply as to every REST call.

mod query;
pub(crate) mod record;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use self::record::ReturnRecord;
use super::{
    api_guard::{ORDERS, Rejected, guard_as, too_many},
    reply::{BETA_MEDIA_TYPE, bad_query, errors, ok_as, query_pairs},
    world::{SellerState, State, World, admit_per_second},
};

/// How long Allegro keeps returns (about 2.5 years).
pub(crate) const RETURN_RETENTION_DAYS: i64 = 913;
/// Allegro's documented limit of these endpoints, per user.
const MAX_PER_SECOND: u32 = 25;

impl SellerState {
    /// Adds `record`, keeping the list ordered by creation (then id), as Allegro lists them.
    pub(crate) fn insert_return(&mut self, record: ReturnRecord) {
        let key = (record.created_at, record.id.clone());
        let at = self
            .returns
            .partition_point(|r| (r.created_at, r.id.clone()) < key);
        self.returns.insert(at, record);
    }

    /// The returns Allegro serves at `now`: created by then, not older than the retention.
    fn visible_returns(&self, now: DateTime<Utc>) -> Vec<&ReturnRecord> {
        let cutoff = now - Duration::days(RETURN_RETENTION_DAYS);
        self.returns
            .iter()
            .filter(|r| r.created_at >= cutoff && r.created_at <= now)
            .collect()
    }
}

impl State {
    /// Gives the paid order `order` of `seller` its return, if the world's seed says it has
    /// one (at start, and when a new order is paid).
    pub(crate) fn consider_return(&mut self, seller: usize, order: &Value) {
        let (seed, percent) = (self.config.seed, self.config.returns_percent);
        let Some(record) = ReturnRecord::for_order(order, seed, percent) else {
            return;
        };
        let Some(s) = self.sellers.get_mut(seller) else {
            return;
        };
        if !s.returns.iter().any(|r| r.order_id == record.order_id) {
            s.insert_return(record);
        }
    }

    /// Counts a returns call; false when the seller is over the per-second limit.
    fn admit_returns_call(&mut self, seller: usize) -> bool {
        let second = self.now().timestamp();
        self.sellers
            .get_mut(seller)
            .is_some_and(|s| admit_per_second(&mut s.return_calls, second, MAX_PER_SECOND))
    }

    fn list_returns(&self, seller: usize, params: &[(String, String)]) -> Result<String, String> {
        let q = query::parse(params)?;
        let page = self.served(
            seller,
            |s, now| q.page(&s.visible_returns(now), now),
            ReturnRecord::json_at,
        );
        Ok(json!({"customerReturns": page, "count": page.len()}).to_string())
    }

    fn return_json(&self, seller: usize, id: &str) -> Option<Value> {
        let now = self.now();
        let s = self.sellers.get(seller)?;
        let found = s.visible_returns(now).into_iter().find(|r| r.id == id)?;
        Some(found.json_at(now))
    }
}

impl World {
    /// Every return of `seller` Allegro serves now, oldest first, as served (ground truth for
    /// tests).
    pub fn customer_returns(&self, seller: usize) -> Vec<Value> {
        let visible = SellerState::visible_returns;
        self.lock().served(seller, visible, ReturnRecord::json_at)
    }
}

/// Guards a returns call: faults, token, beta media type, rate budget, scope, then the
/// endpoint's own per-second limit. `Ok` holds the seller and whether to truncate the body.
async fn admit(req: &HttpRequest, world: &World) -> Result<(usize, bool), Rejected> {
    let caller = guard_as(req, world, ORDERS, BETA_MEDIA_TYPE).await?;
    if !world.lock().admit_returns_call(caller.seller) {
        return Err(Box::new(too_many(1)));
    }
    Ok((caller.seller, caller.truncate))
}

pub(crate) async fn list(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    const PATH: &str = "/order/customer-returns";
    let (seller, truncate) = match admit(&req, &world).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    let Some(params) = query_pairs(&req) else {
        return bad_query(PATH);
    };
    let result = world.lock().list_returns(seller, &params);
    match result {
        Ok(body) => ok_as(body, truncate, BETA_MEDIA_TYPE),
        Err(m) => errors(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            &m,
            Some(PATH),
            Some(&m),
        ),
    }
}

pub(crate) async fn get(
    req: HttpRequest,
    id: web::Path<String>,
    world: web::Data<World>,
) -> HttpResponse {
    let (seller, truncate) = match admit(&req, &world).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    let found = world.lock().return_json(seller, &id);
    match found {
        Some(body) => ok_as(body.to_string(), truncate, BETA_MEDIA_TYPE),
        None => {
            // UNCONFIRMED: the spec gives no code for this 404 (allegro-api-money.md §2.2).
            let m = format!("Customer return {id} not found");
            errors(
                StatusCode::NOT_FOUND,
                "CustomerReturnNotFoundException",
                &m,
                Some(&format!("/order/customer-returns/{id}")),
                Some(&m),
            )
        }
    }
}
