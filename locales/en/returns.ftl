## Customer returns on the order detail page (issue 18)
od-returns = Returns
od-no-returns = No return of this order is in the backup.
od-return-heading = Return { $reference }
od-return-declared = Declared
od-return-id = Return number at Allegro
od-return-items = Returned items
od-return-reason = Reason
od-return-comment = Buyer's comment
od-return-parcels = Parcels
od-return-no-parcels = The buyer has not sent the items yet.
od-return-moved-by = Moved by
od-return-history = Status history
od-return-history-note = As the backup saw it: Allegro keeps only the current status.
od-return-rejection = Refund rejected
od-return-refund-account = Refund to a bank account
## Allegro's return codes
return-status-CREATED = Declared
return-status-DISPATCHED = Sent by the buyer
return-status-IN_TRANSIT = In transit
return-status-DELIVERED = Delivered to you
return-status-WAREHOUSE_DELIVERED = At the warehouse
return-status-WAREHOUSE_VERIFICATION = Being checked at the warehouse
return-status-FINISHED = Refunded
return-status-FINISHED_APT = Refunded by Allegro Protect
return-status-REJECTED = Refund rejected
return-status-COMMISSION_REFUND_CLAIMED = Commission refund claimed
return-status-COMMISSION_REFUNDED = Commission refunded
return-reason-NONE = No reason given
return-reason-MISTAKE = Bought by mistake
return-reason-TRANSPORT = Damaged in transport
return-reason-DAMAGED = Damaged
return-reason-NOT_AS_DESCRIBED = Not as described
return-reason-DONT_LIKE_IT = Does not like it
return-reason-OVERDUE_DELIVERY = Delivered too late
return-reason-INCOMPLETE = Incomplete
return-reason-HIDDEN_FLAW = Hidden flaw
return-reason-OTHER_FLAW = Other flaw
return-reason-DIFFERENT = A different item
return-reason-COUNTERFEIT = Counterfeit
return-reason-NOT_NEW = Not new
return-reason-TOO_LARGE = Too large
return-reason-TOO_SMALL = Too small
return-reason-NOT_AS_EXPECTED = Not as expected
return-reason-ORDERED_FOR_COMPARISON = Ordered to compare
return-rejection-REFUND_REJECTED = Refund refused
return-rejection-NEW_ITEM_SENT = A new item was sent
return-rejection-ITEM_FIXED = The item was repaired
return-rejection-MISSING_PART_SENT = The missing part was sent
return-rejection-ITEM_MISMATCH = Not the item sold
return-rejection-BUSINESS_PURCHASE = A business purchase
return-rejection-NO_RETURN_RIGHT = No right of return
## Returns in sync runs and on the Accounts page
run-phase-returns = returns
run-phase-returns-count = { $count ->
    [one] { $n } return
   *[other] { $n } returns
}
run-note-returns-need-scope = Customer returns were not backed up: this account's authorisation does not allow reading them. Connect the account again; its orders were backed up as usual.
accounts-need-reconnect-returns = Connect again to back up returns: this account's authorisation does not allow reading them.
sync-col-returns-title = Customer returns read / stored anew or changed
## The returns page
nav-returns = Returns
returns-intro = Customer returns of your accounts, newest first. Allegro keeps returns about 2.5 years; the backup keeps them for good.
returns-refund-not-paid = Refund not paid yet
returns-commission-not-claimed = Commission refund not claimed
returns-none = No returns backed up match these filters.
returns-created = Declared
returns-buyer = Buyer
returns-items = Items
returns-refund = Refund
returns-no-refund = none yet
returns-more-items = { $count ->
    [one] and { $n } more
   *[other] and { $n } more
}
returns-older = Older returns
returns-bad-status = Not a return status: { $value }
## Orders list filters (issue 18)
filter-has-return = Return
filter-has-return-yes = With a return
filter-has-return-no = Without a return
filter-refunded = Refund
filter-refunded-yes = Refunded
filter-refunded-no = Not refunded
