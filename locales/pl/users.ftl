users-intro = Członkowie zespołu, którzy logują się do tego panelu. Podgląd widzi wszystko, operator dodatkowo obsługuje konta Allegro i synchronizacje, administrator dodatkowo zarządza użytkownikami i ustawieniami.
users-created = Utworzono użytkownika
users-password-reset = Zresetowano hasło
users-give-password = Przekaż { $email } to hasło tymczasowe bezpiecznym kanałem. Jest pokazywane tylko raz; przy pierwszym logowaniu użytkownik ustawi własne.
users-name = Imię i nazwisko
users-role = Rola
users-last-sign-in = Ostatnie logowanie
users-sees = Widzi
users-add = Dodaj użytkownika
users-optional = (opcjonalnie)
users-add-submit = Dodaj użytkownika
users-add-note = Hasło tymczasowe zostanie wygenerowane i pokazane raz; nowy użytkownik zmieni je przy pierwszym logowaniu.
users-you = (Ty)
users-role-of = Rola użytkownika { $email }
users-save = Zapisz
users-disabled = Zablokowany
users-password-pending = Czeka na zmianę hasła
users-active = Aktywny
users-sees-everything = Wszystko
users-sees-selected = Wybrane konta
users-sees-masked = dane osobowe ukryte
users-access-of = Dostęp użytkownika { $email }
users-change = zmień
users-enable = Odblokuj
users-disable = Zablokuj
users-disable-confirm = Zablokować { $email }? Zostanie od razu wylogowany wszędzie.
users-reset = Resetuj hasło
users-reset-confirm = Zresetować hasło { $email }? Zostanie wylogowany i dostanie hasło tymczasowe.
users-change-mine = Zmień moje hasło
users-last-admin-role = Ostatni administrator nie może stracić tej roli. Najpierw nadaj ją komuś innemu.
users-role-changed = { $email } ma teraz rolę: { $role }.
users-disable-self = Nie możesz zablokować własnego konta.
users-disable-last-admin = Nie można zablokować ostatniego administratora.
users-disabled-done = Zablokowano { $email } i wylogowano wszędzie.
users-enabled-done = { $email } może znów się logować.
users-reset-self = Własne hasło zmienisz na stronie swojego konta.
access-title = Co widzi { $email }
access-intro = Ogranicz tego użytkownika do wybranych kont Allegro (pozostałych nie zobaczy: ani na liście zamówień, ani w licznikach, wyszukiwaniu, eksportach czy na pulpicie) i ukryj przed nim dane osobowe kupujących (imiona, e-maile, telefony i adresy zostaną zamaskowane).
access-admin-note = { $email } jest administratorem: administratorzy zawsze widzą wszystkie konta z danymi osobowymi. Te ustawienia zadziałają, jeśli rola zostanie obniżona.
access-all = Wszystkie konta, także połączone później
access-some = Tylko te konta:
access-personal = Dane osobowe
access-hide = Ukryj przed tym użytkownikiem dane osobowe kupujących (imiona, e-maile, telefony, adresy)
access-save = Zapisz dostęp
access-cancel = Anuluj
access-scope-invalid = Wybierz wszystkie konta albo wybrane.
access-account-unknown = To konto nie istnieje.
access-accounts-count = { $count ->
    [0] żadne konto
    [one] { $n } konto
    [few] { $n } konta
   *[other] { $n } kont
}
access-saved = { $email } widzi teraz: { $sees }.
