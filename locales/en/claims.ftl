## Commission refund claims and invoices in sync runs (issue 18)
run-phase-refund_claims = commission refund claims
run-phase-refund_claims-count = { $count ->
    [one] { $n } claim
   *[other] { $n } claims
}
run-phase-invoices = invoices
run-phase-invoices-count = { $count ->
    [one] { $n } invoice
   *[other] { $n } invoices
}
## The order page: commission refund claims
od-claims = Commission refund claims
od-no-claims = No commission refund claim for this order.
od-claim-offer = Offer
od-claim-quantity = Units claimed / bought
od-claim-type = Filed
od-claim-commission = Commission claimed
od-claim-history = Status history
od-claims-note = A granted claim gives the commission back as a fee credit (REF) shown under Money.
claim-status-IN_PROGRESS = Being processed
claim-status-WAITING_FOR_PAYMENT_REFUND = Waiting for the buyer's refund
claim-status-APPEALED = Appealed
claim-status-GRANTED = Granted
claim-status-REJECTED = Rejected
claim-status-REJECTED_AFTER_APPEAL = Rejected after appeal
claim-status-CANCELLED = Cancelled
claim-type-MANUAL = By the seller
claim-type-AUTOMATIC = Automatically by Allegro
## The order page: invoices
od-invoices = Invoices
od-no-invoices = No invoice attached on Allegro.
od-invoices-external = The invoice was delivered outside Allegro.
od-invoice-number = Number
od-invoice-created = Created
od-invoice-file = File
od-invoice-no-file = No file uploaded yet
od-invoice-scan = Allegro's check
od-invoice-links = Receipts outside Allegro:
od-invoices-read-at = Read from Allegro { $at }.
od-invoices-gone = Allegro no longer keeps this order: what is shown is the archive.
od-invoices-not-read = Not read from Allegro yet.
od-invoices-note = The PDF files themselves cannot be downloaded through Allegro's API.
invoice-scan-WAITING = Being checked
invoice-scan-ACCEPTED = Accepted
invoice-scan-REJECTED = Rejected
## Sync history columns
sync-col-claims = Claims
sync-col-claims-title = Commission refund claims read / stored anew or changed
sync-col-invoices-title = Invoices read / stored anew or changed
sync-col-documents = Details
sync-col-documents-title = What the run read besides the orders: events, tracking numbers, orders put in quarantine, and returns, refunds, fees, wallet operations, claims and invoices (read / stored anew or changed)
