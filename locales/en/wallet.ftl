## Payment operations (wallet history) in sync runs and on the Accounts page (issue 18)
run-phase-payment_operations-count = { $count ->
    [one] { $n } payment operation
   *[other] { $n } payment operations
}
run-note-payment-operations-need-scope = The wallet history (payment operations) was not backed up: this account's authorisation does not allow reading its payments. Connect the account again; its orders were backed up as usual.
accounts-need-reconnect-payment_operations = Connect again to back up the wallet history: this account's authorisation does not allow reading its payments.
sync-col-wallet = Wallet
sync-col-wallet-title = Payment operations (wallet history) read / stored for the first time
## The order page: the order's wallet operations
od-wallet = Wallet operations
od-no-wallet = No wallet operations of this order are backed up (yet): Allegro lists a payment in the wallet history once it is booked.
od-wallet-when = When
od-wallet-type = Operation
od-wallet-wallet = Wallet
od-wallet-amount = Amount
od-wallet-released = released { $at }
## Wallets and operation types as Allegro's payment history names them
wallet-type-AVAILABLE = Available
wallet-type-WAITING = Held back
wallet-op-CONTRIBUTION = Buyer's payment
wallet-op-SURCHARGE = Buyer's extra payment
wallet-op-CORRECTION = Correction
wallet-op-DEDUCTION_CHARGE = Deduction
wallet-op-DEDUCTION_INCREASE = Deduction returned
wallet-op-LOAN_DEDUCTION_CHARGE = Loan repayment
wallet-op-LOAN_DEDUCTION_INCREASE = Loan repayment returned
wallet-op-COMPENSATION = Compensation
wallet-op-COMPENSATION_COD_CHARGE = Cash on delivery settlement
wallet-op-COMPENSATION_COD_INCREASE = Cash on delivery received
wallet-op-TOP_UP = Top-up
wallet-op-PAYOUT = Payout
wallet-op-PAYOUT_CANCEL = Payout cancelled
wallet-op-PAYOUT_SWEEP_CHARGE = Automatic payout
wallet-op-PAYOUT_SWEEP_INCREASE = Automatic payout returned
wallet-op-PAYOUT_SWEEP_CANCEL_CHARGE = Automatic payout cancellation
wallet-op-PAYOUT_SWEEP_CANCEL_INCREASE = Automatic payout cancelled
wallet-op-REFUND_CHARGE = Refund to the buyer
wallet-op-REFUND_INCREASE = Refund top-up
wallet-op-REFUND_CANCEL = Refund cancelled
wallet-op-PROVIDER_REFUND_TRANSFER_CHARGE = Refund transfer out
wallet-op-PROVIDER_REFUND_TRANSFER_INCREASE = Refund transfer in
wallet-op-BLOCKADE = Hold
wallet-op-BLOCKADE_RELEASE = Hold released
## The Payments page
nav-payments = Payments
payments-intro = The history of your accounts' Allegro wallets, newest first: buyers' payments, refunds, payouts to your bank and the rest. Allegro lists it as long as it keeps it; the backup keeps it for good.
payments-none = No wallet operations in these days.
payments-older = Older operations
payments-participant = Participant
payments-balance = Balance after
payments-payout-carries = What this payout carries
payments-payout-heading = Payout of { $amount } on { $at }
payments-payout-note = Allegro does not say which payments a payout carries: listed here are the operations of the same wallet ({ $wallet }) since its payout before.
payments-payout-none = No operations of this wallet since its payout before.
payments-all = All operations
payments-bad-wallet = Unknown wallet: { $value }. Pick Available or Held back.
