dashboard-intro = Dni w strefie czasowej panelu. Przychód to kwota do zapłaty za zamówienia nieanulowane, osobno dla każdej waluty; każda liczba otwiera pasujące zamówienia.
dashboard-period = Okres wykresów
dashboard-days = { $count ->
    [one] { $n } dzień
   *[other] { $n } dni
}
dashboard-days-invalid = days: wybierz 30 lub 90
dashboard-no-account = Nie ma jeszcze konta Allegro do pokazania.
dashboard-connect = Połącz konto
dashboard-ask-admin = Poproś administratora o połączenie konta lub o dostęp do jednego z nich.
dashboard-last-success = Ostatnia udana synchronizacja:
dashboard-last-error = Ostatni błąd:
dashboard-latest-run = Ostatnie uruchomienie: { $kind }, { $status } ({ $trigger }), start { $started }
dashboard-orders-today = zamówień dziś
dashboard-last-7 = ostatnie 7 dni
dashboard-last-30 = ostatnie 30 dni
dashboard-revenue = Przychód
dashboard-today = Dziś
dashboard-no-orders-period = Brak zamówień w tym okresie.
dashboard-statuses = Status (od początku)
dashboard-no-orders-yet = Nie ma jeszcze zamówień w kopii.
dashboard-orders-count = { $count ->
    [one] { $n } zamówienie
    [few] { $n } zamówienia
   *[other] { $n } zamówień
}
chart-orders = Zamówienia dziennie, ostatnie { $n } dni
chart-orders-label = Zamówienia dziennie konta { $login }, ostatnie { $n } dni
chart-revenue = Przychód dziennie, { $currency }, ostatnie { $n } dni
chart-revenue-label = Przychód dziennie w { $currency } konta { $login }, ostatnie { $n } dni
health-never-synced = jeszcze bez synchronizacji
health-error = błąd
health-behind = opóźnienie
health-healthy = w porządku
never = nigdy
