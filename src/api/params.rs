//! Query parameters of the API's lists: the pairs of a query string, `limit`, and a clear 400
//! for a parameter an endpoint does not take (a typo would otherwise widen the answer
//! silently).

use super::problem::ApiError;

/// The `name=value` pairs of a query string, in order.
pub fn pairs(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(query).map_err(|_| ApiError::BadRequest {
        detail: "The query string is not valid.".into(),
        parameter: None,
    })
}

/// A 400 naming a parameter the endpoint does not take.
pub fn unknown_parameter(name: &str) -> ApiError {
    let shown: String = name.chars().take(40).collect();
    ApiError::bad_request(
        &shown,
        format!("`{shown}` is not a parameter of this endpoint."),
    )
}

/// The `limit` parameter of a list: 1 to `max`, `default` when absent.
pub fn limit(value: Option<&str>, default: i64, max: i64) -> Result<i64, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    value
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            ApiError::bad_request(
                "limit",
                format!("limit must be a whole number from 1 to {max}."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_whole_numbers_in_range() {
        assert_eq!(limit(None, 100, 1000).unwrap(), 100);
        assert_eq!(limit(Some(" 1000 "), 100, 1000).unwrap(), 1000);
        assert_eq!(limit(Some("1"), 100, 1000).unwrap(), 1);
        for bad in ["0", "1001", "-1", "ten", "2.5"] {
            assert_eq!(
                limit(Some(bad), 100, 1000).unwrap_err().slug(),
                "bad_request"
            );
        }
    }
}
