## The layout every page shares
layout-skip-to-content = Skip to content
layout-dismiss = Dismiss
layout-footer = your orders, backed up
layout-menu = Menu
nav-label = Main
nav-dashboard = Dashboard
nav-orders = Orders
nav-views = Views
nav-saved-views = Saved views
nav-accounts = Accounts
nav-sync = Sync history
nav-admin = Admin
nav-users = Users
nav-tokens = Tokens
nav-webhooks = Webhooks
nav-audit = Audit log
nav-settings = Settings
nav-system = System
nav-sign-out = Sign out
role-viewer = Viewer
role-operator = Operator
role-admin = Admin
banner-reauth = { $count ->
    [one] Allegro stopped accepting the tokens of { $accounts }. Backups of this account are paused until someone
   *[other] Allegro stopped accepting the tokens of { $accounts }. Backups of these accounts are paused until someone
}
banner-reauth-link = { $count ->
    [one] connects it again.
   *[other] connects them again.
}
banner-stale = { $count ->
    [one] No successful backup for more than { $n } hour: { $accounts }.
   *[other] No successful backup for more than { $n } hours: { $accounts }.
}
banner-stale-link = Check the accounts
banner-stale-why = before Allegro's 60-day event journal moves past what was missed.

## Sign-in and first start
auth-tagline = A complete, continuously updated backup of your Allegro orders.
login-title = Sign in
login-submit = Sign in
login-forgot = Forgot your password? Ask an admin of this dashboard to reset it.
setup-title = Create the first admin
setup-welcome = Welcome to allegro-backup
setup-intro = Create the first admin account. This one-time link stops working once the account exists.
setup-submit = Create admin and sign in
field-email = Email
field-password = Password
field-password-hint = (at least { $n } characters)
field-password-repeat = Repeat password
field-your-name = Your name

## Errors
error-go-home = Go to the dashboard
error-request-id = Request id:
error-generic = The request failed ({ $status }).
error-title-not-found = Page not found
error-title-forbidden = Access denied
error-title-login-required = Sign in required
error-title-unauthorized = Authentication required
error-title-password-change = New password required
error-title-csrf = Form expired
error-title-bad-request = Invalid request
error-title-too-many = Too many attempts
error-title-upstream = Allegro did not answer
error-title-unavailable = Temporarily unavailable
error-title-unexpected = Unexpected error
error-msg-not-found = This page does not exist.
error-msg-forbidden = Your role does not allow this. Ask an admin if you need access.
error-msg-login-required = Please sign in to continue.
error-msg-unauthorized = Sign in as an admin, or send the metrics bearer token.
error-msg-password-change = Choose a new password before you continue.
error-msg-csrf = This form has expired or did not come from this site. Reload the page and try again.
error-msg-unavailable = The database is unreachable right now. Try again in a moment.
error-msg-unexpected = Something went wrong on our side.
setup-done = Welcome! Your admin account is ready. Add your team on the Users page.
users-role-invalid = Choose a role: admin, operator or viewer.
login-signed-out = You have been signed out.
login-signed-out-everywhere = You have been signed out on every device.
login-enter-both = Enter your email and password.
login-failed = Incorrect email or password.
login-throttled = Too many failed sign-in attempts. Try again in { $wait }.
login-wait-minutes = { $n } minutes
login-wait-seconds = { $n } seconds
input-control-in-address = The address contains a control character.
input-control-in-name = A parameter name contains a control character.
input-form-unreadable = The form could not be read.
input-form-too-large = The form is too large.
input-form-error = The form could not be read: { $error }.
banner-webhooks-disabled = { $count ->
    [one] A webhook endpoint failed for 24 hours and was disabled: { $urls }.
   *[other] { $count } webhook endpoints failed for 24 hours and were disabled: { $urls }.
}
banner-webhooks-link = Check the webhooks
