dashboard-intro = Days in the display time zone. Revenue is the amount to pay of orders not cancelled, per currency; every number opens the matching orders.
dashboard-period = Chart period
dashboard-days = { $count ->
    [one] { $n } day
   *[other] { $n } days
}
dashboard-days-invalid = days: use 30 or 90
dashboard-no-account = No Allegro account to show yet.
dashboard-connect = Connect an account
dashboard-ask-admin = Ask an admin to connect an account or to give you access to one.
dashboard-last-success = Last successful sync:
dashboard-last-error = Last error:
dashboard-latest-run = Latest run: { $kind }, { $status } ({ $trigger }), started { $started }
dashboard-orders-today = orders today
dashboard-last-7 = last 7 days
dashboard-last-30 = last 30 days
dashboard-revenue = Revenue
dashboard-today = Today
dashboard-no-orders-period = No orders in the period.
dashboard-statuses = Status (all time)
dashboard-no-orders-yet = No orders backed up yet.
dashboard-orders-count = { $count ->
    [one] { $n } order
   *[other] { $n } orders
}
chart-orders = Orders per day, last { $n } days
chart-orders-label = Orders per day of { $login }, last { $n } days
chart-revenue = Revenue per day, { $currency }, last { $n } days
chart-revenue-label = Revenue per day in { $currency } of { $login }, last { $n } days
health-never-synced = never synced
health-error = error
health-behind = behind
health-healthy = healthy
never = never
