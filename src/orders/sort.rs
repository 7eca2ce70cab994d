//! The orders list's sort orders: a column and a direction, named in the `sort` parameter.

pub use crate::db::models::order::list::SortKey;

use super::filter::FilterError;

/// `sort`: a key and a direction. Default: newest purchases first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Bought,
            descending: true,
        }
    }
}

/// Every sort as `(parameter value, message key of its label)`.
pub const SORTS: [(&str, &str); 8] = [
    ("bought_desc", "sort-bought-desc"),
    ("bought_asc", "sort-bought-asc"),
    ("updated_desc", "sort-updated-desc"),
    ("updated_asc", "sort-updated-asc"),
    ("total_desc", "sort-total-desc"),
    ("total_asc", "sort-total-asc"),
    ("net_desc", "sort-net-desc"),
    ("net_asc", "sort-net-asc"),
];

impl Sort {
    pub fn name(self) -> &'static str {
        match (self.key, self.descending) {
            (SortKey::Bought, true) => "bought_desc",
            (SortKey::Bought, false) => "bought_asc",
            (SortKey::Updated, true) => "updated_desc",
            (SortKey::Updated, false) => "updated_asc",
            (SortKey::Total, true) => "total_desc",
            (SortKey::Total, false) => "total_asc",
            (SortKey::Net, true) => "net_desc",
            (SortKey::Net, false) => "net_asc",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<Sort> {
        let (key, direction) = name.rsplit_once('_')?;
        let key = match key {
            "bought" => SortKey::Bought,
            "updated" => SortKey::Updated,
            "total" => SortKey::Total,
            "net" => SortKey::Net,
            _ => return None,
        };
        let descending = match direction {
            "desc" => true,
            "asc" => false,
            _ => return None,
        };
        Some(Sort { key, descending })
    }

    /// The `sort` parameter (blank: the default).
    pub fn parse(value: Option<&str>) -> Result<Sort, FilterError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Sort::default()),
            Some(v) => Sort::from_name(&v.to_ascii_lowercase()).ok_or_else(|| {
                FilterError::new(
                    "sort",
                    "filter-error-unknown-value",
                    format!(
                        "unknown sort “{}”; use one of {}",
                        v.chars().take(40).collect::<String>(),
                        SORTS.map(|(name, _)| name).join(", ")
                    ),
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort(name: &str) -> Sort {
        Sort::parse(Some(name)).unwrap()
    }

    #[test]
    fn sorts_round_trip_by_name() {
        for (name, _) in SORTS {
            assert_eq!(sort(name).name(), name);
        }
        assert_eq!(Sort::parse(None).unwrap(), Sort::default());
        assert_eq!(Sort::parse(Some(" ")).unwrap().name(), "bought_desc");
        assert_eq!(
            Sort::parse(Some("price_desc")).unwrap_err().parameter,
            "sort"
        );
        assert!(Sort::parse(Some("bought_sideways")).is_err());
    }
}
