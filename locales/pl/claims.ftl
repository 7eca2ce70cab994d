## Wnioski o rabat transakcyjny i faktury w synchronizacjach (zgłoszenie 18)
run-phase-refund_claims = wnioski o rabat transakcyjny
run-phase-refund_claims-count = { $count ->
    [one] { $n } wniosek
    [few] { $n } wnioski
   *[other] { $n } wniosków
}
run-phase-invoices = faktury
run-phase-invoices-count = { $count ->
    [one] { $n } faktura
    [few] { $n } faktury
   *[other] { $n } faktur
}
## Strona zamówienia: wnioski o rabat transakcyjny
od-claims = Wnioski o rabat transakcyjny
od-no-claims = Brak wniosku o rabat transakcyjny dla tego zamówienia.
od-claim-offer = Oferta
od-claim-quantity = Sztuk we wniosku / kupionych
od-claim-type = Złożony
od-claim-commission = Prowizja we wniosku
od-claim-history = Historia statusów
od-claims-note = Przyznany rabat wraca jako uznanie opłaty (REF), widoczne w części Pieniądze.
claim-status-IN_PROGRESS = W trakcie rozpatrywania
claim-status-WAITING_FOR_PAYMENT_REFUND = Czeka na zwrot płatności kupującemu
claim-status-APPEALED = Odwołanie w toku
claim-status-GRANTED = Przyznany
claim-status-REJECTED = Odrzucony
claim-status-REJECTED_AFTER_APPEAL = Odrzucony po odwołaniu
claim-status-CANCELLED = Anulowany
claim-type-MANUAL = Przez sprzedającego
claim-type-AUTOMATIC = Automatycznie przez Allegro
## Strona zamówienia: faktury
od-invoices = Faktury
od-no-invoices = Brak faktury dołączonej w Allegro.
od-invoices-external = Fakturę dostarczono poza Allegro.
od-invoice-number = Numer
od-invoice-created = Wystawiono
od-invoice-file = Plik
od-invoice-no-file = Plik jeszcze nie dodany
od-invoice-scan = Weryfikacja Allegro
od-invoice-links = Paragony poza Allegro:
od-invoices-read-at = Odczytano z Allegro { $at }.
od-invoices-gone = Allegro nie przechowuje już tego zamówienia: widoczna jest kopia z archiwum.
od-invoices-not-read = Jeszcze nie odczytano z Allegro.
od-invoices-note = Samych plików PDF nie da się pobrać przez API Allegro.
invoice-scan-WAITING = W weryfikacji
invoice-scan-ACCEPTED = Zaakceptowany
invoice-scan-REJECTED = Odrzucony
## Kolumny historii synchronizacji
sync-col-claims = Rabaty
sync-col-claims-title = Wnioski o rabat transakcyjny odczytane / zapisane jako nowe lub zmienione
sync-col-invoices-title = Faktury odczytane / zapisane jako nowe lub zmienione
sync-col-documents = Szczegóły
sync-col-documents-title = Co synchronizacja odczytała poza zamówieniami: zdarzenia, numery przesyłek, zamówienia w kwarantannie oraz zwroty, zwroty płatności, opłaty, operacje portfela, rabaty i faktury (odczytane / nowe lub zmienione)
