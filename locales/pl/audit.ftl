audit-intro = Logowania, nieudane logowania, wylogowania i każda zmiana użytkowników, kont, ustawień i notatek zamówień: kto, kiedy i z jakiego adresu.
audit-action = Działanie
audit-actor = E-mail osoby
audit-actor-placeholder = zawiera…
audit-none = Brak pasujących wpisów.
audit-when = Kiedy
audit-actor-col = Kto
audit-target = Czego dotyczy
audit-ip = Adres IP
audit-older = Starsze wpisy
audit-unknown-action = Nieznane działanie „{ $value }”.
audit-bad-cursor = Wskaźnik strony jest nieprawidłowy.
audit-actor-too-long = Filtr osoby jest za długi.
audit-actor-control = Filtr osoby nie może zawierać znaków sterujących.
audit-login = Zalogowanie
audit-login_failed = Nieudane logowanie
audit-login_throttled = Logowanie wstrzymane
audit-logout = Wylogowanie
audit-logout_everywhere = Wylogowanie wszędzie
audit-setup_completed = Utworzono pierwszego administratora
audit-user_created = Utworzono użytkownika
audit-user_role_changed = Zmiana roli
audit-user_disabled = Zablokowano użytkownika
audit-user_enabled = Odblokowano użytkownika
audit-user_password_reset = Reset hasła
audit-password_changed = Zmiana hasła
audit-account_connect_started = Rozpoczęto łączenie
audit-account_connect_ended = Zakończono łączenie
audit-account_connected = Połączono konto
audit-account_reconnected = Ponownie połączono konto
audit-account_refreshed = Odświeżono tokeny
audit-account_validated = Sprawdzono konto
audit-account_disconnected = Odłączono konto
audit-account_deleted = Usunięto konto
audit-settings_changed = Zmiana ustawień
audit-user_access_changed = Zmiana dostępu
audit-order_note_added = Dodano notatkę
audit-order_tag_added = Dodano tag
audit-order_tag_removed = Usunięto tag
audit-orders_exported = Eksport zamówień
audit-documents_exported = Eksport dokumentów
audit-saved_view_created = Zapisano widok
audit-saved_view_deleted = Usunięto widok
audit-api_token_created = Utworzono token API
audit-api_token_revoked = Unieważniono token API
audit-detail-login_throttled = { $count ->
    [one] Odrzucono { $count } próbę; kolejne próby odrzucane przez { $retry_after_secs } s.
    [few] Odrzucono { $count } próby; kolejne próby odrzucane przez { $retry_after_secs } s.
   *[other] Odrzucono { $count } prób; kolejne próby odrzucane przez { $retry_after_secs } s.
}
audit-detail-logout_everywhere = Zakończone sesje: { $sessions_ended }.
audit-detail-user_created = Z rolą { $role }.
audit-detail-user_role_changed = Z { $from } na { $to }.
audit-detail-user_disabled = Zakończone sesje: { $sessions_ended }.
audit-detail-user_password_reset = Zakończone sesje: { $sessions_ended }.
audit-detail-password_changed = Zakończone inne sesje: { $other_sessions_ended }.
audit-detail-account_connect_started = Łączenie nr { $flow }.
audit-detail-account_connect_ended = Łączenie nr { $flow }: { $outcome }.
audit-detail-account_connected = Środowisko: { $environment }.
audit-detail-account_reconnected = Środowisko: { $environment }.
audit-detail-account_refreshed = Udane: { $ok }.
audit-detail-account_validated = Allegro odpowiedziało: { $ok }.
audit-detail-settings_changed = Zmienione: { $changes }.
audit-detail-user_access_changed = Wszystkie konta: { $all_accounts }; dane osobowe ukryte: { $hide_personal_data }.
audit-detail-order_note_added = Notatka o długości { $chars } znaków.
audit-detail-order_tag_added = Tag „{ $tag }”.
audit-detail-order_tag_removed = Tag „{ $tag }”.
audit-detail-orders_exported = Zamówienia: { $orders }, wiersze: { $rows } ({ $format }); ukończony: { $completed }.
audit-detail-documents_exported = Dokumenty { $resource }: { $documents } ({ $format }); ukończony: { $completed }.
audit-detail-api_token_created = { $expires_days ->
    [0] Token „{ $name }” ({ $prefix }), zakres { $scope }, bez daty wygaśnięcia.
    [one] Token „{ $name }” ({ $prefix }), zakres { $scope }, ważny { $expires_days } dzień.
   *[other] Token „{ $name }” ({ $prefix }), zakres { $scope }, ważny { $expires_days } dni.
}
audit-detail-api_token_revoked = Token „{ $name }” ({ $prefix }).
audit-webhook_created = Dodano webhook
audit-webhook_removed = Usunięto webhook
audit-webhook_enabled = Ponownie włączono webhook
audit-detail-webhook_created = Zdarzenia: { $events }; konto: { $account }.
audit-detail-webhook_removed = Webhook nr { $id }.
audit-detail-webhook_enabled = Webhook nr { $id }.
