sync-intro = Każde uruchomienie kopii: pierwsza pełna kopia, aktualizacje według zdarzeń i uzgodnienia, z licznikami i błędami. Zamówienia, których nie udało się zapisać, czekają w
sync-intro-quarantine = kwarantannie.
sync-kind = Rodzaj
sync-col-run = Uruchomienie
sync-col-started = Start
sync-col-duration = Czas trwania
sync-col-new-changed-same = Nowe / zmienione / bez zmian
sync-col-new-changed-same-title = Zamówienia nowe w kopii / zmienione od ostatniej kopii / takie same
sync-col-shipments-title = Zamówienia, których przesyłki (numery nadania) zostały odczytane
sync-col-quarantined = W kwarantannie
sync-col-quarantined-title = Zamówienia odłożone, bo nie dało się ich odczytać ani zapisać
sync-none = Nie było jeszcze synchronizacji. Połącz konto na stronie Konta; jego pierwsza kopia zacznie się przy najbliższym terminie albo po kliknięciu „Synchronizuj teraz”.
sync-none-link = Przejdź do kont
sync-progress-label = Postęp uruchomienia { $id }
sync-paused-until = Wstrzymane przez limit zapytań Allegro do { $until }
sync-pages = { $count ->
    [one] { $n } strona
    [few] { $n } strony
   *[other] { $n } stron
}
sync-filter-unknown = Nieznany filtr: { $filter }.
sync-mode-invalid = Wybierz synchronizację, pełną kopię od nowa albo uzgodnienie.
sync-shutting-down = Serwer się wyłącza; uruchom synchronizację ponownie, gdy wróci.
sync-already-running = Synchronizacja konta { $login } już trwa.
sync-could-not-start = Synchronizacja konta { $login } nie mogła się zacząć: { $reason }
sync-started = Rozpoczęto synchronizację konta { $login }.
sync-started-full = Rozpoczęto pełną kopię konta { $login } od nowa.
sync-started-reconcile = Rozpoczęto uzgodnienie konta { $login }.
sync-details = Szczegóły
run-phase-orders-count = { $count ->
    [one] { $n } zamówienie
    [few] { $n } zamówienia
   *[other] { $n } zamówień
}
run-phase-events-count = { $count ->
    [one] { $n } zdarzenie
    [few] { $n } zdarzenia
   *[other] { $n } zdarzeń
}
run-phase-coverage-count = { $count ->
    [one] { $n } dzień
   *[other] { $n } dni
}
run-phase-shipments-count = { $count ->
    [one] { $n } zamówienie
    [few] { $n } zamówienia
   *[other] { $n } zamówień
}
run-problem-interrupted = Przebieg zatrzymał się razem z serwerem (restart lub aktualizacja); następny przebieg zacznie tam, gdzie ten skończył.
run-problem-account-unavailable = Tego konta nie da się teraz kopiować: jest odłączone albo właśnie łączone ponownie.
run-problem-needs-reauthorisation = Allegro nie przyjmuje już autoryzacji tego konta: połącz konto ponownie na stronie Konta.
run-problem-rate-limited = Allegro zbyt długo ograniczało liczbę zapytań; następny przebieg będzie kontynuował.
run-problem-allegro-unavailable = Allegro nie odpowiadało (awaria lub problem z siecią); następny przebieg spróbuje ponownie.
run-problem-allegro-rejected = Allegro odrzuciło zapytanie albo odpowiedziało czymś nieczytelnym.
run-problem-database-unavailable = Podczas przebiegu baza danych była niedostępna; następny przebieg zacznie tam, gdzie ten skończył.
run-problem-database-failed = Baza danych odmówiła zapisu.
run-problem-other = Przebieg nie mógł się zakończyć.
run-note-first-backup-finished-first = Pierwsza kopia nie była jeszcze pełna, więc najpierw ją dokończono.
run-note-event-cursor-expired = Allegro nie przechowywało już zdarzeń od ostatniej synchronizacji: zamówienia kupione od { $since } pobrano ponownie.
run-note-relisted = { $count ->
    [one] Zamówienia z ostatniego dnia pobrano ponownie.
   *[other] Zamówienia z ostatnich { $n } dni pobrano ponownie.
}
run-note-open-orders-fetched = { $count ->
    [0] Żadne starsze zamówienie nie było już otwarte.
    [one] Ponownie pobrano { $n } starsze otwarte zamówienie ({ $gone } nie ma już w Allegro).
    [few] Ponownie pobrano { $n } starsze otwarte zamówienia ({ $gone } nie ma już w Allegro).
   *[other] Ponownie pobrano { $n } starszych otwartych zamówień ({ $gone } nie ma już w Allegro).
}
run-note-open-orders-relisted = { $count ->
    [one] Ponownie pobrano { $n } starsze otwarte zamówienie: listą z { $days } dni i { $fetched } osobno ({ $gone } nie ma już w Allegro).
    [few] Ponownie pobrano { $n } starsze otwarte zamówienia: listą z { $days } dni i { $fetched } osobno ({ $gone } nie ma już w Allegro).
   *[other] Ponownie pobrano { $n } starszych otwartych zamówień: listą z { $days } dni i { $fetched } osobno ({ $gone } nie ma już w Allegro).
}
run-note-coverage-healed = { $count ->
    [one] Kompletność: { $n } dzień porównany z Allegro; { $mismatched } się różniło i pobrano je ponownie, { $still } nadal się różni.
   *[other] Kompletność: { $n } dni porównanych z Allegro; { $mismatched } się różniło i pobrano je ponownie, { $still } nadal się różni.
}
run-note-fees-coverage = { $count ->
    [0] Kompletność opłat: jeszcze żadnego dnia do porównania.
    [one] Kompletność opłat: { $n } dzień serwisu porównany z Allegro; { $mismatched } się różniło i pobrano je ponownie, { $still } nadal się różni.
   *[other] Kompletność opłat: { $n } dni serwisów porównanych z Allegro; { $mismatched } się różniło i pobrano je ponownie, { $still } nadal się różni.
}
run-note-wallet-coverage = { $count ->
    [0] Kompletność operacji portfela: jeszcze żadnego dnia do porównania.
    [one] Kompletność operacji portfela: { $n } dzień porównany z Allegro; { $mismatched } się różniło i pobrano je ponownie, { $still } nadal się różni.
   *[other] Kompletność operacji portfela: { $n } dni porównanych z Allegro; { $mismatched } się różniło i pobrano je ponownie, { $still } nadal się różni.
}
run-note-first-backup-verified = { $count ->
    [one] Pierwsza kopia gotowa: { $n } dzień porównany z Allegro, wszystkie zamówienia są w kopii.
   *[other] Pierwsza kopia gotowa: { $n } dni porównanych z Allegro, wszystkie zamówienia są w kopii.
}
run-note-first-backup-gaps = { $count ->
    [one] Pierwsza kopia gotowa: { $n } dzień porównany z Allegro; { $mismatched } się różni (zobacz kompletność; nocne uzgodnienie pobierze je ponownie).
   *[other] Pierwsza kopia gotowa: { $n } dni porównanych z Allegro; { $mismatched } się różni (zobacz kompletność; nocne uzgodnienie pobierze je ponownie).
}
