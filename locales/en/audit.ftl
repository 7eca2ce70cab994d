audit-intro = Sign-ins, failed sign-ins, sign-outs and every change to users, accounts, settings and orders' notes: who, when and from which address.
audit-action = Action
audit-actor = Actor email
audit-actor-placeholder = contains…
audit-none = No entries match.
audit-when = When
audit-actor-col = Actor
audit-target = Target
audit-ip = IP address
audit-older = Older entries
audit-unknown-action = Unknown action “{ $value }”.
audit-bad-cursor = The page cursor is not valid.
audit-actor-too-long = The actor filter is too long.
audit-actor-control = The actor filter cannot contain control characters.
audit-login = Signed in
audit-login_failed = Sign-in failed
audit-login_throttled = Sign-in throttled
audit-logout = Signed out
audit-logout_everywhere = Signed out everywhere
audit-setup_completed = First admin created
audit-user_created = User created
audit-user_role_changed = Role changed
audit-user_disabled = User disabled
audit-user_enabled = User enabled
audit-user_password_reset = Password reset
audit-password_changed = Password changed
audit-account_connect_started = Connection started
audit-account_connect_ended = Connection ended
audit-account_connected = Account connected
audit-account_reconnected = Account reconnected
audit-account_refreshed = Tokens refreshed
audit-account_validated = Account checked
audit-account_disconnected = Account disconnected
audit-account_deleted = Account deleted
audit-settings_changed = Settings changed
audit-user_access_changed = Access changed
audit-order_note_added = Note added
audit-order_tag_added = Tag added
audit-order_tag_removed = Tag removed
audit-orders_exported = Orders exported
audit-documents_exported = Documents exported
audit-saved_view_created = View saved
audit-saved_view_deleted = View deleted
audit-api_token_created = API token created
audit-api_token_revoked = API token revoked
audit-detail-login_throttled = { $count ->
    [one] { $count } attempt refused; further attempts refused for { $retry_after_secs } s.
   *[other] { $count } attempts refused; further attempts refused for { $retry_after_secs } s.
}
audit-detail-logout_everywhere = { $sessions_ended ->
    [one] { $sessions_ended } session ended.
   *[other] { $sessions_ended } sessions ended.
}
audit-detail-user_created = With the role { $role }.
audit-detail-user_role_changed = From { $from } to { $to }.
audit-detail-user_disabled = { $sessions_ended ->
    [one] { $sessions_ended } session ended.
   *[other] { $sessions_ended } sessions ended.
}
audit-detail-user_password_reset = { $sessions_ended ->
    [one] { $sessions_ended } session ended.
   *[other] { $sessions_ended } sessions ended.
}
audit-detail-password_changed = { $other_sessions_ended ->
    [one] { $other_sessions_ended } other session ended.
   *[other] { $other_sessions_ended } other sessions ended.
}
audit-detail-account_connect_started = Connection no. { $flow }.
audit-detail-account_connect_ended = Connection no. { $flow }: { $outcome }.
audit-detail-account_connected = Environment: { $environment }.
audit-detail-account_reconnected = Environment: { $environment }.
audit-detail-account_refreshed = Succeeded: { $ok }.
audit-detail-account_validated = Allegro answered: { $ok }.
audit-detail-settings_changed = Changed: { $changes }.
audit-detail-user_access_changed = All accounts: { $all_accounts }; personal data hidden: { $hide_personal_data }.
audit-detail-order_note_added = A note of { $chars } characters.
audit-detail-order_tag_added = Tag “{ $tag }”.
audit-detail-order_tag_removed = Tag “{ $tag }”.
audit-detail-orders_exported = { $orders } orders in { $rows } rows ({ $format }); completed: { $completed }.
audit-detail-documents_exported = { $documents } { $resource } documents ({ $format }); completed: { $completed }.
audit-detail-api_token_created = { $expires_days ->
    [0] Token “{ $name }” ({ $prefix }), scope { $scope }, never expires.
    [one] Token “{ $name }” ({ $prefix }), scope { $scope }, valid for { $expires_days } day.
   *[other] Token “{ $name }” ({ $prefix }), scope { $scope }, valid for { $expires_days } days.
}
audit-detail-api_token_revoked = Token “{ $name }” ({ $prefix }).
audit-webhook_created = Webhook added
audit-webhook_removed = Webhook removed
audit-webhook_enabled = Webhook enabled again
audit-detail-webhook_created = Events: { $events }; account: { $account }.
audit-detail-webhook_removed = Webhook no. { $id }.
audit-detail-webhook_enabled = Webhook no. { $id }.
