## Zwroty płatności na stronie zamówienia (zgłoszenie 18)
od-refunds = Zwroty płatności
od-no-refunds = W kopii nie ma zwrotu płatności tego zamówienia.
od-refund-heading = Zwrot { $amount }
od-refund-created = Utworzony
od-refund-reason = Powód
od-refund-comment = Komentarz sprzedającego
od-refund-items = Zwrócone pozycje
od-refund-item-quantity = { $count ->
    [one] { $n } sztuka
    [few] { $n } sztuki
   *[other] { $n } sztuk
}
od-refund-delivery = Dostawa
od-refund-history = Historia statusów
od-refund-payment = Płatność
## Kody zwrotów płatności Allegro
refund-status-NEW = Przyjęty, oczekuje
refund-status-VALIDATED = Zweryfikowany, oczekuje
refund-status-IN_PROGRESS = W trakcie wypłaty
refund-status-SUCCESS = Zwrócono
refund-status-PARTIAL = Zwrócono częściowo
refund-status-CANCELED = Anulowany
refund-status-VALIDATE_FAILED = Odrzucony przy weryfikacji
refund-reason-REFUND = Zwrot towaru
refund-reason-COMPLAINT = Reklamacja
refund-reason-PRODUCT_NOT_AVAILABLE = Produkt niedostępny
refund-reason-PAID_VALUE_TOO_LOW = Zapłacono za mało
refund-reason-OVERPAID = Nadpłata
refund-reason-CANCELLED_BY_BUYER = Anulowane przez kupującego
refund-reason-NOT_COLLECTED = Nieodebrane
## Zwroty płatności w przebiegach synchronizacji i na stronie kont
run-phase-refunds = zwroty płatności
run-phase-refunds-count = { $count ->
    [one] { $n } zwrot płatności
    [few] { $n } zwroty płatności
   *[other] { $n } zwrotów płatności
}
run-note-refunds-need-scope = Zwrotów płatności nie skopiowano: autoryzacja tego konta nie pozwala ich odczytać. Połącz konto ponownie; jego zamówienia skopiowano jak zwykle.
accounts-need-reconnect-refunds = Połącz ponownie, aby kopiować zwroty płatności: autoryzacja tego konta nie pozwala odczytać płatności.
sync-col-refunds-title = Zwroty płatności odczytane / nowe lub zmienione
