## Układ wspólny dla wszystkich stron
layout-skip-to-content = Przejdź do treści
layout-dismiss = Zamknij
layout-footer = kopia Twoich zamówień
layout-menu = Menu
nav-label = Główna nawigacja
nav-dashboard = Pulpit
nav-orders = Zamówienia
nav-views = Widoki
nav-saved-views = Zapisane widoki
nav-accounts = Konta
nav-sync = Synchronizacje
nav-admin = Administracja
nav-users = Użytkownicy
nav-tokens = Tokeny
nav-webhooks = Webhooki
nav-audit = Dziennik
nav-settings = Ustawienia
nav-system = System
nav-sign-out = Wyloguj
role-viewer = Podgląd
role-operator = Operator
role-admin = Administrator
banner-reauth = { $count ->
    [one] Allegro przestało przyjmować tokeny konta { $accounts }. Kopia tego konta jest wstrzymana, dopóki ktoś
   *[other] Allegro przestało przyjmować tokeny kont { $accounts }. Kopia tych kont jest wstrzymana, dopóki ktoś
}
banner-reauth-link = { $count ->
    [one] nie połączy go ponownie.
   *[other] nie połączy ich ponownie.
}
banner-stale = { $count ->
    [one] Brak udanej kopii od ponad { $n } godziny: { $accounts }.
   *[other] Brak udanej kopii od ponad { $n } godzin: { $accounts }.
}
banner-stale-link = Sprawdź konta,
banner-stale-why = zanim 60-dniowy dziennik zdarzeń Allegro przesunie się poza to, co zostało pominięte.

## Logowanie i pierwsze uruchomienie
auth-tagline = Pełna, stale aktualizowana kopia Twoich zamówień z Allegro.
login-title = Logowanie
login-submit = Zaloguj się
login-forgot = Nie pamiętasz hasła? Poproś administratora tego panelu o jego zresetowanie.
setup-title = Utwórz pierwszego administratora
setup-welcome = Witaj w allegro-backup
setup-intro = Utwórz pierwsze konto administratora. Ten jednorazowy link przestanie działać, gdy konto powstanie.
setup-submit = Utwórz administratora i zaloguj się
field-email = E-mail
field-password = Hasło
field-password-hint = (co najmniej { $n } znaków)
field-password-repeat = Powtórz hasło
field-your-name = Imię i nazwisko

## Błędy
error-go-home = Przejdź do pulpitu
error-request-id = Identyfikator żądania:
error-generic = Żądanie nie powiodło się ({ $status }).
error-title-not-found = Nie ma takiej strony
error-title-forbidden = Brak dostępu
error-title-login-required = Wymagane logowanie
error-title-unauthorized = Wymagane uwierzytelnienie
error-title-password-change = Wymagane nowe hasło
error-title-csrf = Formularz wygasł
error-title-bad-request = Nieprawidłowe żądanie
error-title-too-many = Zbyt wiele prób
error-title-upstream = Allegro nie odpowiada
error-title-unavailable = Chwilowo niedostępne
error-title-unexpected = Nieoczekiwany błąd
error-msg-not-found = Ta strona nie istnieje.
error-msg-forbidden = Twoja rola na to nie pozwala. Jeśli potrzebujesz dostępu, poproś administratora.
error-msg-login-required = Zaloguj się, aby kontynuować.
error-msg-unauthorized = Zaloguj się jako administrator albo wyślij token metryk.
error-msg-password-change = Zanim przejdziesz dalej, ustaw nowe hasło.
error-msg-csrf = Ten formularz wygasł albo nie pochodzi z tej strony. Odśwież stronę i spróbuj ponownie.
error-msg-unavailable = Baza danych jest teraz nieosiągalna. Spróbuj ponownie za chwilę.
error-msg-unexpected = Coś poszło nie tak po naszej stronie.
setup-done = Witaj! Twoje konto administratora jest gotowe. Dodaj swój zespół na stronie Użytkownicy.
users-role-invalid = Wybierz rolę: administrator, operator albo podgląd.
login-signed-out = Wylogowano.
login-signed-out-everywhere = Wylogowano na wszystkich urządzeniach.
login-enter-both = Podaj e-mail i hasło.
login-failed = Nieprawidłowy e-mail lub hasło.
login-throttled = Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za { $wait }.
login-wait-minutes = { $count ->
    [one] { $n } minutę
    [few] { $n } minuty
   *[other] { $n } minut
}
login-wait-seconds = { $count ->
    [one] { $n } sekundę
    [few] { $n } sekundy
   *[other] { $n } sekund
}
input-control-in-address = Adres zawiera znak sterujący.
input-control-in-name = Nazwa parametru zawiera znak sterujący.
input-form-unreadable = Nie udało się odczytać formularza.
input-form-too-large = Formularz jest za duży.
input-form-error = Nie udało się odczytać formularza: { $error }.
banner-webhooks-disabled = { $count ->
    [one] Webhook nie odbierał przez 24 godziny i został wyłączony: { $urls }.
    [few] { $count } webhooki nie odbierały przez 24 godziny i zostały wyłączone: { $urls }.
   *[many] { $count } webhooków nie odbierało przez 24 godziny i zostały wyłączone: { $urls }.
}
banner-webhooks-link = Sprawdź webhooki
