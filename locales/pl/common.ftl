## Czas
rel-now = przed chwilą
rel-past-minutes = { $n } min temu
rel-past-hours = { $n } godz. temu
rel-past-days = { $count ->
    [one] { $n } dzień temu
   *[other] { $n } dni temu
}
rel-future-minutes = za { $n } min
rel-future-hours = za { $n } godz.
rel-future-days = { $count ->
    [one] za { $n } dzień
   *[other] za { $n } dni
}
span-seconds = { $n } s
span-minutes = { $n } min
span-minutes-seconds = { $n } min { $seconds } s
span-hours-minutes = { $n } godz. { $minutes } min
span-days = { $count ->
    [one] { $n } dzień
   *[other] { $n } dni
}
## Listing pages' filters (fees, returns)
list-bad-day = To nie jest data (użyj RRRR-MM-DD): { $value }
list-bad-range = Pierwszy dzień jest po ostatnim: { $value }
list-bad-cursor = Ten link do strony jest uszkodzony: { $value }
list-bad-account = To nie jest konto: { $value }
list-bad-value = Tego filtru nie można ustawić na: { $value }
## Eksport dokumentów zasobu (GET /export)
export-bad-resource = Nieznany zasób: { $value }. Użyj orders, returns, refunds, billing-entries albo payment-operations.
export-not-backed-up = { $value } nie są jeszcze kopiowane: nie ma czego eksportować.
export-documents-format = Dokumenty eksportuje się jako NDJSON (każdy tak, jak wysłało go Allegro) albo CSV (wiersz na dokument), nie jako „{ $value }”.
export-documents-title = Wszystkie dokumenty tych kont: wiersz na dokument (CSV) albo tak, jak wysłało je Allegro, po jednym w wierszu (NDJSON)
export-documents-csv-excel = CSV dla Excela
export-documents-csv = CSV
