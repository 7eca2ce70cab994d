## Fees (billing entries) in sync runs and on the Accounts page (issue 18)
run-phase-fees_and_wallet = fees and wallet
run-phase-billing-count = { $count ->
    [one] { $n } fee entry
   *[other] { $n } fee entries
}
run-note-billing-needs-scope = Fees were not backed up: this account's authorisation does not allow reading its billing. Connect the account again; its orders were backed up as usual.
accounts-need-reconnect-billing = Connect again to back up fees: this account's authorisation does not allow reading its billing.
sync-col-fees = Fees
sync-col-fees-title = Billing entries (fees) read / stored anew or changed
## The order page's Money section
od-money = Money
od-no-money = Nothing paid and no fees for this order are in the backup.
od-money-paid = Paid by the buyer
od-money-fees = Allegro fees
od-money-no-fees = none backed up
od-money-entries = { $count ->
    [one] { $n } entry
   *[other] { $n } entries
}
od-money-commission-refunded = Commission refunded
od-money-refunded = Refunded to the buyer
od-money-net = Net
od-money-note = Net = paid − refunds + fees (negative) + commission refunded, per currency. Fees are Allegro's billing entries that name this order; some are booked days after the sale.
fee-type-SUC = Sale commission
fee-type-FSF = Sale commission (featured offer)
fee-type-LIS = Listing fee
fee-type-REF = Refund of costs
fee-type-HB1 = Delivery fee: DPD
fee-type-HB4 = Delivery fee: InPost parcel lockers
fee-type-HB8 = Delivery fee: DHL
fee-type-H12 = Delivery fee: Orlen Paczka
fee-type-DTR = Delivery surcharge: DPD
fee-type-APF = Allegro Pay fee
fee-type-VAT = VAT correction of fees
## Dashboard
dashboard-fees = fees
dashboard-net = net
## The fees page
nav-fees = Fees
fees-intro = Allegro's billing entries of your accounts: charges (negative) and credits such as commission refunds (positive), per currency. Some fees belong to no order (listing fees, campaigns).
fees-from = From
fees-to = To
fees-marketplace = Marketplace
fees-type = Fee type
fees-group = Sum by
fees-group-day = Day
fees-group-type = Fee type
fees-group-marketplace = Marketplace
fees-group-account = Account
fees-without-order = Only fees of no order
fees-without-order-link = Show only the fees of no order
fees-summary = Totals
fees-entries = Entries
fees-charged = Charged
fees-credited = Credited
fees-total = Total
fees-none = No fees backed up match these filters.
fees-entries-title = Entries, newest first
fees-when = Booked
fees-offer = Offer
fees-order = Order
fees-no-order = no order
fees-amount = Amount
fees-older = Older entries
fees-bad-group = Sum by day, type, marketplace or account, not: { $value }
