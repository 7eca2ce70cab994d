sync-intro = Every backup run: the first full pass, event-driven updates and reconciles, with their counters and errors. Orders that could not be stored wait in
sync-intro-quarantine = quarantine.
sync-kind = Kind
sync-col-run = Run
sync-col-started = Started
sync-col-duration = Duration
sync-col-new-changed-same = New / changed / same
sync-col-new-changed-same-title = Orders new to the backup / changed since the last copy / identical to it
sync-col-shipments-title = Orders whose shipments (tracking numbers) were read
sync-col-quarantined = Quarantined
sync-col-quarantined-title = Orders set aside because they could not be read or stored
sync-none = No sync runs yet. Connect an account on the Accounts page; its first backup starts on the next schedule, or press “Sync now” there.
sync-none-link = Go to the accounts
sync-progress-label = Progress of run { $id }
sync-paused-until = Paused by Allegro's rate limit until { $until }
sync-pages = { $count ->
    [one] { $n } page
   *[other] { $n } pages
}
sync-filter-unknown = Unknown { $filter } filter.
sync-mode-invalid = Choose one of a sync, a full resync or a reconcile.
sync-shutting-down = The server is shutting down; start the sync again once it is back.
sync-already-running = A sync of { $login } is already running.
sync-could-not-start = The sync of { $login } could not start: { $reason }
sync-started = A sync of { $login } started.
sync-started-full = A full resync of { $login } started.
sync-started-reconcile = A reconcile of { $login } started.
sync-details = Details
run-phase-orders-count = { $count ->
    [one] { $n } order
   *[other] { $n } orders
}
run-phase-events-count = { $count ->
    [one] { $n } event
   *[other] { $n } events
}
run-phase-coverage-count = { $count ->
    [one] { $n } day
   *[other] { $n } days
}
run-phase-shipments-count = { $count ->
    [one] { $n } order
   *[other] { $n } orders
}
run-problem-interrupted = The run stopped with the server (a restart or an update); the next run carries on where it stopped.
run-problem-account-unavailable = The account cannot be backed up now: it is disconnected or being connected again.
run-problem-needs-reauthorisation = Allegro no longer accepts this account's authorisation: connect the account again on the Accounts page.
run-problem-rate-limited = Allegro limited the number of requests for too long; the next run carries on.
run-problem-allegro-unavailable = Allegro did not answer (an outage or a network problem); the next run tries again.
run-problem-allegro-rejected = Allegro refused a request or answered something unreadable.
run-problem-database-unavailable = The database could not be reached during the run; the next run carries on where it stopped.
run-problem-database-failed = The database refused to store something.
run-problem-other = The run could not finish.
run-note-first-backup-finished-first = The first backup was not complete yet, so it was finished first.
run-note-event-cursor-expired = Allegro no longer kept the events since the last sync: orders bought since { $since } were read again.
run-note-relisted = { $count ->
    [one] Orders of the last day were read again.
   *[other] Orders of the last { $n } days were read again.
}
run-note-open-orders-fetched = { $count ->
    [0] No older orders were still open.
    [one] { $n } older open order was read again ({ $gone } no longer on Allegro).
   *[other] { $n } older open orders were read again ({ $gone } no longer on Allegro).
}
run-note-open-orders-relisted = { $count ->
    [one] { $n } older open order was read again by listing { $days } days again and fetching { $fetched } separately ({ $gone } no longer on Allegro).
   *[other] { $n } older open orders were read again by listing { $days } days again and fetching { $fetched } separately ({ $gone } no longer on Allegro).
}
run-note-coverage-healed = { $count ->
    [one] Coverage: { $n } day checked against Allegro; { $mismatched } differed and were read again, { $still } still differ.
   *[other] Coverage: { $n } days checked against Allegro; { $mismatched } differed and were read again, { $still } still differ.
}
run-note-fees-coverage = { $count ->
    [0] Fees coverage: no day to check yet.
    [one] Fees coverage: { $n } day of a marketplace checked against Allegro; { $mismatched } differed and were read again, { $still } still differ.
   *[other] Fees coverage: { $n } days of the marketplaces checked against Allegro; { $mismatched } differed and were read again, { $still } still differ.
}
run-note-wallet-coverage = { $count ->
    [0] Wallet coverage: no day to check yet.
    [one] Wallet coverage: { $n } day checked against Allegro; { $mismatched } differed and was read again, { $still } still differ.
   *[other] Wallet coverage: { $n } days checked against Allegro; { $mismatched } differed and were read again, { $still } still differ.
}
run-note-first-backup-verified = { $count ->
    [one] First backup complete: { $n } day checked against Allegro, every order is in the backup.
   *[other] First backup complete: { $n } days checked against Allegro, every order is in the backup.
}
run-note-first-backup-gaps = { $count ->
    [one] First backup complete: { $n } day checked against Allegro; { $mismatched } differ (see coverage; the nightly reconcile reads them again).
   *[other] First backup complete: { $n } days checked against Allegro; { $mismatched } differ (see coverage; the nightly reconcile reads them again).
}
