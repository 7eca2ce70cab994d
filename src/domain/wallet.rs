//! Allegro's codes for a payment operation (`GET /payments/payment-operations`), as its API
//! sends them: what the simulator generates, what the Payments page filters by and names
//! (`locales/*/wallet.ftl`: `wallet-type-*`, `wallet-op-*`). Allegro adds types without notice:
//! an unknown one is stored and shown as its code.

/// `wallet.type`.
pub const WALLET_TYPES: [&str; 2] = ["AVAILABLE", "WAITING"];

/// `type`, as documented (allegro-api-money.md §6.2).
pub const OPERATION_TYPES: [&str; 24] = [
    "CONTRIBUTION",
    "SURCHARGE",
    "CORRECTION",
    "DEDUCTION_CHARGE",
    "DEDUCTION_INCREASE",
    "LOAN_DEDUCTION_CHARGE",
    "LOAN_DEDUCTION_INCREASE",
    "COMPENSATION",
    "COMPENSATION_COD_CHARGE",
    "COMPENSATION_COD_INCREASE",
    "TOP_UP",
    "PAYOUT",
    "PAYOUT_CANCEL",
    "PAYOUT_SWEEP_CHARGE",
    "PAYOUT_SWEEP_INCREASE",
    "PAYOUT_SWEEP_CANCEL_CHARGE",
    "PAYOUT_SWEEP_CANCEL_INCREASE",
    "REFUND_CHARGE",
    "REFUND_INCREASE",
    "REFUND_CANCEL",
    "PROVIDER_REFUND_TRANSFER_CHARGE",
    "PROVIDER_REFUND_TRANSFER_INCREASE",
    "BLOCKADE",
    "BLOCKADE_RELEASE",
];

/// The type of a payout to the seller's bank account.
pub const PAYOUT: &str = "PAYOUT";
