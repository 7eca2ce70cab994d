//! Commission refund claims and order invoices backed up with the orders (issue 18): every
//! claim stored once with each of its versions and linked to its order through its line item,
//! every invoice of every paid order stored once with its versions, the order page's parts
//! in both languages, and the documents export of both.

mod claims;
mod invoices;

use crate::helpers::versioned::Resource;

/// The claims' tables and what the simulator serves of them.
const CLAIMS: Resource = Resource {
    noun: "claim",
    table: "refund_claims",
    id_column: "claim_id",
    versions_table: "refund_claim_versions",
    row_column: "claim_row_id",
    served: |world| world.refund_claims(0),
};

/// The invoices' tables and what the simulator serves of them (of the orders it still keeps).
const INVOICES: Resource = Resource {
    noun: "invoice",
    table: "order_invoices",
    id_column: "invoice_id",
    versions_table: "order_invoice_versions",
    row_column: "invoice_row_id",
    served: |world| {
        world
            .invoices(0)
            .into_iter()
            .map(|(_, invoice)| invoice)
            .collect()
    },
};
