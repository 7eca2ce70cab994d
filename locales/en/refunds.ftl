## Payment refunds on the order detail page (issue 18)
od-refunds = Refunds
od-no-refunds = No refund of this order's payment is in the backup.
od-refund-heading = Refund of { $amount }
od-refund-created = Created
od-refund-reason = Reason
od-refund-comment = Seller's comment
od-refund-items = Line items refunded
od-refund-item-quantity = { $count ->
    [one] { $n } piece
   *[other] { $n } pieces
}
od-refund-delivery = Delivery
od-refund-history = Status history
od-refund-payment = Payment
## Allegro's refund codes
refund-status-NEW = Accepted, waiting
refund-status-VALIDATED = Validated, waiting
refund-status-IN_PROGRESS = Being paid out
refund-status-SUCCESS = Paid back
refund-status-PARTIAL = Paid back in part
refund-status-CANCELED = Cancelled
refund-status-VALIDATE_FAILED = Rejected at validation
refund-reason-REFUND = Return of goods
refund-reason-COMPLAINT = Complaint
refund-reason-PRODUCT_NOT_AVAILABLE = Product not available
refund-reason-PAID_VALUE_TOO_LOW = Paid too little
refund-reason-OVERPAID = Overpaid
refund-reason-CANCELLED_BY_BUYER = Cancelled by the buyer
refund-reason-NOT_COLLECTED = Not collected
## Refunds in sync runs and on the Accounts page
run-phase-refunds = refunds
run-phase-refunds-count = { $count ->
    [one] { $n } refund
   *[other] { $n } refunds
}
run-note-refunds-need-scope = Payment refunds were not backed up: this account's authorisation does not allow reading them. Connect the account again; its orders were backed up as usual.
accounts-need-reconnect-refunds = Connect again to back up refunds: this account's authorisation does not allow reading payments.
sync-col-refunds-title = Payment refunds read / stored anew or changed
