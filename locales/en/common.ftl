## Times and lengths of time
rel-now = just now
rel-past-minutes = { $n } min ago
rel-past-hours = { $n } h ago
rel-past-days = { $count ->
    [one] { $n } day ago
   *[other] { $n } days ago
}
rel-future-minutes = in { $n } min
rel-future-hours = in { $n } h
rel-future-days = { $count ->
    [one] in { $n } day
   *[other] in { $n } days
}
span-seconds = { $n } s
span-minutes = { $n } min
span-minutes-seconds = { $n } min { $seconds } s
span-hours-minutes = { $n } h { $minutes } min
span-days = { $count ->
    [one] { $n } day
   *[other] { $n } days
}
## Listing pages' filters (fees, returns)
list-bad-day = Not a date (use YYYY-MM-DD): { $value }
list-bad-range = The first day comes after the last: { $value }
list-bad-cursor = This page link is damaged: { $value }
list-bad-account = Not an account: { $value }
list-bad-value = Not a value this filter takes: { $value }
## Exporting a resource's documents (GET /export)
export-bad-resource = Unknown resource: { $value }. Use orders, returns, refunds, billing-entries or payment-operations.
export-not-backed-up = { $value } are not backed up yet: there is nothing to export.
export-documents-format = Documents are exported as NDJSON (each as Allegro sent it) or CSV (a row each), not as “{ $value }”.
export-documents-title = Every document of these accounts: a row each (CSV) or as Allegro sent it, one per line (NDJSON)
export-documents-csv-excel = CSV for Excel
export-documents-csv = CSV
