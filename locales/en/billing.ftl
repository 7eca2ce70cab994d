## Fees (billing entries) in sync runs and on the Accounts page (issue 18)
run-phase-billing = fees
run-phase-billing-count = { $count ->
    [one] { $n } fee entry
   *[other] { $n } fee entries
}
run-note-billing-needs-scope = Fees were not backed up: this account's authorisation does not allow reading its billing. Connect the account again; its orders were backed up as usual.
accounts-need-reconnect-billing = Connect again to back up fees: this account's authorisation does not allow reading its billing.
sync-col-fees = Fees
sync-col-fees-title = Billing entries (fees) read / stored anew or changed
