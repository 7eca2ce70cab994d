## Operacje płatnicze (historia portfela) w synchronizacjach i na stronie kont (zgłoszenie 18)
run-phase-payment_operations-count = { $count ->
    [one] { $n } operacja płatnicza
    [few] { $n } operacje płatnicze
   *[other] { $n } operacji płatniczych
}
run-note-payment-operations-need-scope = Historii portfela (operacji płatniczych) nie skopiowano: autoryzacja tego konta nie pozwala odczytać jego płatności. Połącz konto ponownie; jego zamówienia skopiowano jak zwykle.
accounts-need-reconnect-payment_operations = Połącz ponownie, aby kopiować historię portfela: autoryzacja tego konta nie pozwala odczytać płatności.
sync-col-wallet = Portfel
sync-col-wallet-title = Operacje płatnicze (historia portfela) odczytane / zapisane po raz pierwszy
## Strona zamówienia: operacje płatnicze zamówienia
od-wallet = Operacje płatnicze
od-no-wallet = Kopia nie ma (jeszcze) operacji płatniczych tego zamówienia: Allegro pokazuje płatność w historii operacji, gdy zostanie zaksięgowana.
od-wallet-when = Kiedy
od-wallet-type = Operacja
od-wallet-wallet = Saldo
od-wallet-amount = Kwota
od-wallet-released = uwolnione { $at }
## Salda i rodzaje operacji tak, jak nazywa je historia płatności Allegro
wallet-type-AVAILABLE = Dostępne
wallet-type-WAITING = Oczekujące
wallet-op-CONTRIBUTION = Wpłata kupującego
wallet-op-SURCHARGE = Dopłata kupującego
wallet-op-CORRECTION = Korekta
wallet-op-DEDUCTION_CHARGE = Potrącenie
wallet-op-DEDUCTION_INCREASE = Zwrot potrącenia
wallet-op-LOAN_DEDUCTION_CHARGE = Spłata pożyczki
wallet-op-LOAN_DEDUCTION_INCREASE = Zwrot spłaty pożyczki
wallet-op-COMPENSATION = Rekompensata
wallet-op-COMPENSATION_COD_CHARGE = Rozliczenie pobrania
wallet-op-COMPENSATION_COD_INCREASE = Wpływ z pobrania
wallet-op-TOP_UP = Zasilenie
wallet-op-PAYOUT = Wypłata
wallet-op-PAYOUT_CANCEL = Anulowanie wypłaty
wallet-op-PAYOUT_SWEEP_CHARGE = Wypłata automatyczna
wallet-op-PAYOUT_SWEEP_INCREASE = Zwrot wypłaty automatycznej
wallet-op-PAYOUT_SWEEP_CANCEL_CHARGE = Anulowanie wypłaty automatycznej
wallet-op-PAYOUT_SWEEP_CANCEL_INCREASE = Anulowana wypłata automatyczna
wallet-op-REFUND_CHARGE = Zwrot dla kupującego
wallet-op-REFUND_INCREASE = Zasilenie zwrotu
wallet-op-REFUND_CANCEL = Anulowanie zwrotu
wallet-op-PROVIDER_REFUND_TRANSFER_CHARGE = Przeniesienie na zwrot
wallet-op-PROVIDER_REFUND_TRANSFER_INCREASE = Przeniesienie ze zwrotu
wallet-op-BLOCKADE = Blokada
wallet-op-BLOCKADE_RELEASE = Zwolnienie blokady
## Strona „Płatności”
nav-payments = Płatności
payments-intro = Historia sald Allegro Twoich kont, od najnowszych: wpłaty kupujących, zwroty, wypłaty na konto bankowe i pozostałe operacje. Allegro pokazuje ją, dopóki ją przechowuje; kopia zachowuje ją na stałe.
payments-none = Brak operacji płatniczych w tych dniach.
payments-older = Starsze operacje
payments-participant = Uczestnik
payments-balance = Saldo po operacji
payments-payout-carries = Co obejmuje ta wypłata
payments-payout-heading = Wypłata { $amount } z { $at }
payments-payout-note = Allegro nie podaje, które płatności obejmuje wypłata: poniżej operacje tego samego salda ({ $wallet }) od poprzedniej wypłaty.
payments-payout-none = Brak operacji tego salda od poprzedniej wypłaty.
payments-all = Wszystkie operacje
payments-bad-wallet = Nieznane saldo: { $value }. Wybierz „Dostępne” albo „Oczekujące”.
