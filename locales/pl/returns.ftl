## Zwroty klientów na stronie zamówienia (zgłoszenie 18)
od-returns = Zwroty
od-no-returns = W kopii nie ma zwrotu tego zamówienia.
od-return-heading = Zwrot { $reference }
od-return-declared = Zgłoszony
od-return-id = Numer zwrotu w Allegro
od-return-items = Zwracane przedmioty
od-return-reason = Powód
od-return-comment = Komentarz kupującego
od-return-parcels = Paczki
od-return-no-parcels = Kupujący jeszcze nie nadał przedmiotów.
od-return-moved-by = Przewozi
od-return-history = Historia statusów
od-return-history-note = Tak, jak widziała ją kopia: Allegro przechowuje tylko bieżący status.
od-return-rejection = Odmowa zwrotu pieniędzy
od-return-refund-account = Zwrot na konto bankowe
## Kody zwrotów Allegro
return-status-CREATED = Zgłoszony
return-status-DISPATCHED = Nadany przez kupującego
return-status-IN_TRANSIT = W drodze
return-status-DELIVERED = Dostarczony do Ciebie
return-status-WAREHOUSE_DELIVERED = W magazynie
return-status-WAREHOUSE_VERIFICATION = Sprawdzany w magazynie
return-status-FINISHED = Pieniądze zwrócone
return-status-FINISHED_APT = Zwrócone w ramach Allegro Protect
return-status-REJECTED = Odmowa zwrotu pieniędzy
return-status-COMMISSION_REFUND_CLAIMED = Złożono wniosek o rabat prowizji
return-status-COMMISSION_REFUNDED = Prowizja zwrócona
return-reason-NONE = Bez podania powodu
return-reason-MISTAKE = Kupione przez pomyłkę
return-reason-TRANSPORT = Uszkodzone w transporcie
return-reason-DAMAGED = Uszkodzone
return-reason-NOT_AS_DESCRIBED = Niezgodne z opisem
return-reason-DONT_LIKE_IT = Nie podoba się
return-reason-OVERDUE_DELIVERY = Dostarczone za późno
return-reason-INCOMPLETE = Niekompletne
return-reason-HIDDEN_FLAW = Wada ukryta
return-reason-OTHER_FLAW = Inna wada
return-reason-DIFFERENT = Inny przedmiot
return-reason-COUNTERFEIT = Podróbka
return-reason-NOT_NEW = Nie jest nowe
return-reason-TOO_LARGE = Za duże
return-reason-TOO_SMALL = Za małe
return-reason-NOT_AS_EXPECTED = Inne niż oczekiwano
return-reason-ORDERED_FOR_COMPARISON = Zamówione do porównania
return-rejection-REFUND_REJECTED = Odmowa zwrotu pieniędzy
return-rejection-NEW_ITEM_SENT = Wysłano nowy przedmiot
return-rejection-ITEM_FIXED = Przedmiot naprawiono
return-rejection-MISSING_PART_SENT = Wysłano brakującą część
return-rejection-ITEM_MISMATCH = To nie jest sprzedany przedmiot
return-rejection-BUSINESS_PURCHASE = Zakup firmowy
return-rejection-NO_RETURN_RIGHT = Brak prawa do zwrotu
## Zwroty w przebiegach synchronizacji i na stronie kont
run-phase-returns = zwroty
run-phase-returns-count = { $count ->
    [one] { $n } zwrot
    [few] { $n } zwroty
   *[other] { $n } zwrotów
}
run-note-returns-need-scope = Zwrotów nie skopiowano: autoryzacja tego konta nie pozwala ich odczytać. Połącz konto ponownie; jego zamówienia skopiowano jak zwykle.
accounts-need-reconnect-returns = Połącz ponownie, aby kopiować zwroty: autoryzacja tego konta nie pozwala ich odczytać.
sync-col-returns-title = Zwroty odczytane / nowe lub zmienione
## Strona zwrotów
nav-returns = Zwroty
returns-intro = Zwroty kupujących z Twoich kont, od najnowszych. Allegro przechowuje zwroty około 2,5 roku; kopia zachowuje je na stałe.
returns-refund-not-paid = Pieniądze jeszcze nie zwrócone
returns-commission-not-claimed = Nie wnioskowano o zwrot prowizji
returns-none = W kopii nie ma zwrotów pasujących do tych filtrów.
returns-created = Zgłoszono
returns-buyer = Kupujący
returns-items = Przedmioty
returns-refund = Zwrot pieniędzy
returns-no-refund = jeszcze brak
returns-more-items = { $count ->
    [one] i { $n } inny
    [few] i { $n } inne
   *[other] i { $n } innych
}
returns-older = Starsze zwroty
returns-bad-status = To nie jest status zwrotu: { $value }
## Filtry listy zamówień (zgłoszenie 18)
filter-has-return = Zwrot
filter-has-return-yes = Ze zwrotem
filter-has-return-no = Bez zwrotu
filter-refunded = Zwrot pieniędzy
filter-refunded-yes = Zwrócono pieniądze
filter-refunded-no = Bez zwrotu pieniędzy
