## Opłaty (wpisy billingowe) w synchronizacjach i na stronie kont (zgłoszenie 18)
run-phase-fees_and_wallet = opłaty i portfel
run-phase-billing-count = { $count ->
    [one] { $n } wpis opłat
    [few] { $n } wpisy opłat
   *[other] { $n } wpisów opłat
}
run-note-billing-needs-scope = Opłat nie skopiowano: autoryzacja tego konta nie pozwala odczytać jego rozliczeń. Połącz konto ponownie; jego zamówienia skopiowano jak zwykle.
accounts-need-reconnect-billing = Połącz ponownie, aby kopiować opłaty: autoryzacja tego konta nie pozwala odczytać rozliczeń.
sync-col-fees = Opłaty
sync-col-fees-title = Wpisy billingowe (opłaty) odczytane / nowe lub zmienione
## Sekcja „Pieniądze” na stronie zamówienia
od-money = Pieniądze
od-no-money = W kopii nie ma płatności ani opłat tego zamówienia.
od-money-paid = Zapłacone przez kupującego
od-money-fees = Opłaty Allegro
od-money-no-fees = brak w kopii
od-money-entries = { $count ->
    [one] { $n } wpis
    [few] { $n } wpisy
   *[other] { $n } wpisów
}
od-money-commission-refunded = Zwrot prowizji
od-money-refunded = Zwrócone kupującemu
od-money-net = Netto
od-money-note = Netto = zapłacone − zwroty + opłaty (ujemne) + zwrot prowizji, osobno dla każdej waluty. Opłaty to wpisy billingowe Allegro wskazujące to zamówienie; część księguje się kilka dni po sprzedaży.
fee-type-SUC = Prowizja od sprzedaży
fee-type-FSF = Prowizja od sprzedaży oferty wyróżnionej
fee-type-LIS = Opłata za wystawienie
fee-type-REF = Zwrot kosztów
fee-type-HB1 = Opłata za dostawę: DPD
fee-type-HB4 = Opłata za dostawę: Paczkomaty InPost
fee-type-HB8 = Opłata za dostawę: DHL
fee-type-H12 = Opłata za dostawę: Orlen Paczka
fee-type-DTR = Dopłata do przesyłki: DPD
fee-type-APF = Opłata za udostępnienie Allegro Pay
fee-type-VAT = Korekta VAT opłat
## Pulpit
dashboard-fees = opłaty
dashboard-net = netto
## Strona opłat
nav-fees = Opłaty
fees-intro = Wpisy billingowe Allegro z Twoich kont: obciążenia (ujemne) i uznania, np. zwroty prowizji (dodatnie), osobno dla każdej waluty. Część opłat nie dotyczy żadnego zamówienia (wystawienie, kampanie).
fees-from = Od
fees-to = Do
fees-marketplace = Serwis
fees-type = Rodzaj opłaty
fees-group = Sumuj wg
fees-group-day = Dzień
fees-group-type = Rodzaj opłaty
fees-group-marketplace = Serwis
fees-group-account = Konto
fees-without-order = Tylko opłaty bez zamówienia
fees-without-order-link = Pokaż tylko opłaty bez zamówienia
fees-summary = Sumy
fees-entries = Wpisy
fees-charged = Obciążenia
fees-credited = Uznania
fees-total = Razem
fees-none = W kopii nie ma opłat pasujących do tych filtrów.
fees-entries-title = Wpisy, od najnowszych
fees-when = Zaksięgowano
fees-offer = Oferta
fees-order = Zamówienie
fees-no-order = bez zamówienia
fees-amount = Kwota
fees-older = Starsze wpisy
fees-bad-group = Sumuj wg dnia, rodzaju, serwisu lub konta, nie: { $value }
