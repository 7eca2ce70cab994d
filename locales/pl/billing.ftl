## Opłaty (wpisy billingowe) w synchronizacjach i na stronie kont (zgłoszenie 18)
run-phase-billing = opłaty
run-phase-billing-count = { $count ->
    [one] { $n } wpis opłat
    [few] { $n } wpisy opłat
   *[other] { $n } wpisów opłat
}
run-note-billing-needs-scope = Opłat nie skopiowano: autoryzacja tego konta nie pozwala odczytać jego rozliczeń. Połącz konto ponownie; jego zamówienia skopiowano jak zwykle.
accounts-need-reconnect-billing = Połącz ponownie, aby kopiować opłaty: autoryzacja tego konta nie pozwala odczytać rozliczeń.
sync-col-fees = Opłaty
sync-col-fees-title = Wpisy billingowe (opłaty) odczytane / nowe lub zmienione
