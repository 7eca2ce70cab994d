// @generated automatically by Diesel CLI.

diesel::table! {
    account_scope_gaps (account_id, resource) {
        account_id -> Int8,
        resource -> Text,
        since -> Timestamptz,
    }
}

diesel::table! {
    allegro_accounts (id) {
        id -> Int8,
        environment -> Text,
        allegro_user_id -> Text,
        login -> Text,
        status -> Text,
        access_token_enc -> Nullable<Text>,
        refresh_token_enc -> Nullable<Text>,
        token_expires_at -> Nullable<Timestamptz>,
        scope -> Nullable<Text>,
        last_refresh_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        connected_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        token_lifetime_secs -> Nullable<Int4>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        name -> Text,
        scope -> Text,
        prefix -> Text,
        secret_hash -> Text,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
        last_used_ip -> Nullable<Text>,
        revoked_at -> Nullable<Timestamptz>,
        rate_tat -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        occurred_at -> Timestamptz,
        actor_user_id -> Nullable<Int8>,
        actor_email -> Nullable<Text>,
        action -> Text,
        target -> Nullable<Text>,
        ip -> Nullable<Text>,
        details -> Jsonb,
    }
}

diesel::table! {
    backfill_windows (id) {
        id -> Int8,
        account_id -> Int8,
        window_start -> Timestamptz,
        window_end -> Timestamptz,
        total_count -> Nullable<Int8>,
        done_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    billing_entries (id) {
        id -> Int8,
        account_id -> Int8,
        entry_id -> Text,
        occurred_at -> Nullable<Timestamptz>,
        type_id -> Nullable<Text>,
        type_name -> Nullable<Text>,
        offer_id -> Nullable<Text>,
        offer_name -> Nullable<Text>,
        checkout_form_id -> Nullable<Text>,
        marketplace_id -> Nullable<Text>,
        amount -> Nullable<Numeric>,
        currency -> Nullable<Text>,
        raw -> Jsonb,
        content_hash -> Text,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    billing_entry_versions (id) {
        id -> Int8,
        entry_row_id -> Int8,
        raw -> Nullable<Jsonb>,
        content_hash -> Text,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    coverage_days (account_id, day) {
        account_id -> Int8,
        day -> Date,
        allegro_count -> Int8,
        held_count -> Int8,
        verified_at -> Timestamptz,
    }
}

diesel::table! {
    customer_return_sync (account_id) {
        account_id -> Int8,
        last_return_id -> Nullable<Text>,
        first_pass_from -> Nullable<Timestamptz>,
        first_pass_completed_at -> Nullable<Timestamptz>,
        relisted_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customer_return_versions (id) {
        id -> Int8,
        return_row_id -> Int8,
        status -> Nullable<Text>,
        raw -> Nullable<Jsonb>,
        content_hash -> Text,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    customer_returns (id) {
        id -> Int8,
        account_id -> Int8,
        return_id -> Text,
        checkout_form_id -> Nullable<Text>,
        reference_number -> Nullable<Text>,
        status -> Nullable<Text>,
        created_at -> Nullable<Timestamptz>,
        raw -> Jsonb,
        content_hash -> Text,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    device_authorizations (id) {
        id -> Int8,
        environment -> Text,
        user_code -> Text,
        verification_uri -> Text,
        verification_uri_complete -> Text,
        device_code_enc -> Text,
        interval_secs -> Int4,
        expires_at -> Timestamptz,
        status -> Text,
        account_id -> Nullable<Int8>,
        error -> Nullable<Text>,
        started_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    invoice_reads (account_id, checkout_form_id) {
        account_id -> Int8,
        checkout_form_id -> Text,
        read_at -> Timestamptz,
        revision -> Nullable<Text>,
        open -> Bool,
        gone -> Bool,
        answer -> Nullable<Jsonb>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        email -> Text,
        ip -> Text,
        failed_at -> Timestamptz,
    }
}

diesel::table! {
    money_coverage_days (account_id, listing, day) {
        account_id -> Int8,
        listing -> Text,
        day -> Date,
        allegro_count -> Int8,
        held_count -> Int8,
        allegro_sums -> Nullable<Jsonb>,
        held_sums -> Nullable<Jsonb>,
        verified_at -> Timestamptz,
    }
}

diesel::table! {
    order_change_head (only_row) {
        only_row -> Bool,
        last_seq -> Int8,
        pruned_through -> Int8,
    }
}

diesel::table! {
    order_changes (seq) {
        seq -> Int8,
        changed_at -> Timestamptz,
        kind -> Text,
        account_id -> Int8,
        order_id -> Int8,
        revision -> Nullable<Text>,
        resource -> Nullable<Text>,
    }
}

diesel::table! {
    order_delivery_methods (account_id, method_id) {
        account_id -> Int8,
        method_id -> Text,
        name -> Nullable<Text>,
    }
}

diesel::table! {
    order_events (id) {
        id -> Int8,
        account_id -> Int8,
        event_id -> Text,
        event_seq -> Numeric,
        event_type -> Text,
        occurred_at -> Timestamptz,
        checkout_form_id -> Nullable<Text>,
        raw -> Jsonb,
        stored_at -> Timestamptz,
    }
}

diesel::table! {
    order_invoice_versions (id) {
        id -> Int8,
        invoice_row_id -> Int8,
        status -> Nullable<Text>,
        raw -> Nullable<Jsonb>,
        content_hash -> Text,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    order_invoices (id) {
        id -> Int8,
        account_id -> Int8,
        invoice_id -> Text,
        checkout_form_id -> Text,
        invoice_number -> Nullable<Text>,
        created_at -> Nullable<Timestamptz>,
        file_name -> Nullable<Text>,
        uploaded_at -> Nullable<Timestamptz>,
        status -> Nullable<Text>,
        raw -> Jsonb,
        content_hash -> Text,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    order_line_items (id) {
        id -> Int8,
        order_id -> Int8,
        line_item_id -> Text,
        offer_id -> Text,
        offer_name -> Nullable<Text>,
        external_id -> Nullable<Text>,
        quantity -> Int4,
        price -> Numeric,
        original_price -> Nullable<Numeric>,
        currency -> Text,
        bought_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    order_nets (order_id) {
        order_id -> Int8,
        currency -> Nullable<Text>,
        net_amount -> Nullable<Numeric>,
    }
}

diesel::table! {
    order_notes (id) {
        id -> Int8,
        order_id -> Int8,
        author_id -> Nullable<Int8>,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    order_quarantine (id) {
        id -> Int8,
        account_id -> Int8,
        checkout_form_id -> Nullable<Text>,
        raw -> Text,
        error -> Text,
        attempts -> Int4,
        first_failed_at -> Timestamptz,
        last_failed_at -> Timestamptz,
    }
}

diesel::table! {
    order_revisions (id) {
        id -> Int8,
        order_id -> Int8,
        revision -> Nullable<Text>,
        content_hash -> Text,
        raw -> Nullable<Jsonb>,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    order_shipments (id) {
        id -> Int8,
        account_id -> Int8,
        checkout_form_id -> Text,
        shipment_id -> Text,
        waybill -> Nullable<Text>,
        carrier_id -> Nullable<Text>,
        carrier_name -> Nullable<Text>,
        created_at -> Nullable<Timestamptz>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        removed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    order_tags (order_id, tag) {
        order_id -> Int8,
        tag -> Text,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    orders (id) {
        id -> Int8,
        account_id -> Int8,
        checkout_form_id -> Text,
        marketplace_id -> Nullable<Text>,
        status -> Text,
        fulfillment_status -> Nullable<Text>,
        buyer_id -> Text,
        buyer_login -> Nullable<Text>,
        buyer_email -> Nullable<Text>,
        buyer_first_name -> Nullable<Text>,
        buyer_last_name -> Nullable<Text>,
        buyer_company_name -> Nullable<Text>,
        buyer_guest -> Bool,
        total_amount -> Nullable<Numeric>,
        currency -> Nullable<Text>,
        payment_type -> Nullable<Text>,
        payment_provider -> Nullable<Text>,
        payment_finished_at -> Nullable<Timestamptz>,
        paid_amount -> Nullable<Numeric>,
        delivery_method_id -> Nullable<Text>,
        delivery_method_name -> Nullable<Text>,
        pickup_point_id -> Nullable<Text>,
        invoice_required -> Bool,
        line_item_count -> Int4,
        bought_at -> Nullable<Timestamptz>,
        updated_at -> Nullable<Timestamptz>,
        revision -> Nullable<Text>,
        content_hash -> Text,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        merged_into -> Nullable<Text>,
        gone_from_allegro_at -> Nullable<Timestamptz>,
        buyer_search_text -> Nullable<Text>,
        items_search_text -> Nullable<Text>,
        shipments_read_revision -> Nullable<Text>,
        shipments_read_at -> Nullable<Timestamptz>,
        waybills -> Nullable<Array<Nullable<Text>>>,
        personal_terms -> Nullable<Array<Nullable<Text>>>,
    }
}

diesel::table! {
    payment_operations (id) {
        id -> Int8,
        account_id -> Int8,
        content_hash -> Text,
        wallet_type -> Text,
        payment_operator -> Nullable<Text>,
        operation_type -> Nullable<Text>,
        operation_group -> Nullable<Text>,
        occurred_at -> Nullable<Timestamptz>,
        amount -> Nullable<Numeric>,
        currency -> Nullable<Text>,
        balance -> Nullable<Numeric>,
        marketplace_id -> Nullable<Text>,
        payment_id -> Nullable<Text>,
        payout_id -> Nullable<Text>,
        participant_login -> Nullable<Text>,
        released_at -> Nullable<Timestamptz>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    payment_refund_versions (id) {
        id -> Int8,
        refund_row_id -> Int8,
        status -> Nullable<Text>,
        raw -> Nullable<Jsonb>,
        content_hash -> Text,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    payment_refunds (id) {
        id -> Int8,
        account_id -> Int8,
        refund_id -> Text,
        checkout_form_id -> Nullable<Text>,
        payment_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        status -> Nullable<Text>,
        created_at -> Nullable<Timestamptz>,
        total_amount -> Nullable<Numeric>,
        currency -> Nullable<Text>,
        raw -> Jsonb,
        content_hash -> Text,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    refund_claim_versions (id) {
        id -> Int8,
        claim_row_id -> Int8,
        status -> Nullable<Text>,
        raw -> Nullable<Jsonb>,
        content_hash -> Text,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    refund_claims (id) {
        id -> Int8,
        account_id -> Int8,
        claim_id -> Text,
        line_item_id -> Nullable<Text>,
        checkout_form_id -> Nullable<Text>,
        offer_id -> Nullable<Text>,
        status -> Nullable<Text>,
        claim_type -> Nullable<Text>,
        quantity -> Nullable<Int4>,
        commission_amount -> Nullable<Numeric>,
        currency -> Nullable<Text>,
        created_at -> Nullable<Timestamptz>,
        raw -> Jsonb,
        content_hash -> Text,
        first_seen_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    saved_views (id) {
        id -> Int8,
        owner_id -> Int8,
        name -> Text,
        query -> Text,
        shared -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    scheduled_jobs (name) {
        name -> Text,
        last_day -> Date,
        claimed_by -> Text,
        claimed_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Text,
        user_id -> Nullable<Int8>,
        state -> Jsonb,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    settings (id) {
        id -> Int2,
        sync_interval_minutes -> Nullable<Int4>,
        reconcile_window_days -> Nullable<Int4>,
        reconcile_hour -> Nullable<Int4>,
        history_months -> Nullable<Int4>,
        history_start -> Nullable<Date>,
        run_retention_days -> Nullable<Int4>,
        stale_after_hours -> Nullable<Int4>,
        updated_at -> Timestamptz,
        updated_by -> Nullable<Int8>,
        display_time_zone -> Nullable<Text>,
    }
}

diesel::table! {
    setup_tokens (token_hash) {
        token_hash -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sync_runs (id) {
        id -> Int8,
        account_id -> Int8,
        kind -> Text,
        trigger -> Text,
        status -> Text,
        started_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        requests -> Int8,
        pages -> Int8,
        orders_fetched -> Int8,
        orders_created -> Int8,
        orders_updated -> Int8,
        orders_unchanged -> Int8,
        events -> Int8,
        progress_done -> Int8,
        progress_total -> Nullable<Int8>,
        error -> Nullable<Text>,
        notes -> Nullable<Text>,
        orders_quarantined -> Int8,
        shipments_checked -> Int8,
        runner -> Nullable<Text>,
        paused_until -> Nullable<Timestamptz>,
        phase -> Nullable<Text>,
        phase_done -> Int8,
        phase_total -> Nullable<Int8>,
        report -> Nullable<Jsonb>,
        returns_fetched -> Int8,
        returns_changed -> Int8,
        refunds_fetched -> Int8,
        refunds_changed -> Int8,
        billing_fetched -> Int8,
        billing_changed -> Int8,
        payment_operations_fetched -> Int8,
        payment_operations_changed -> Int8,
        refund_claims_fetched -> Int8,
        refund_claims_changed -> Int8,
        invoices_fetched -> Int8,
        invoices_changed -> Int8,
    }
}

diesel::table! {
    sync_state (account_id) {
        account_id -> Int8,
        event_cursor -> Nullable<Text>,
        backfill_from -> Nullable<Timestamptz>,
        backfill_until -> Nullable<Timestamptz>,
        backfill_completed_at -> Nullable<Timestamptz>,
        last_success_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    user_accounts (user_id, account_id) {
        user_id -> Int8,
        account_id -> Int8,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        disabled -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        last_login_at -> Nullable<Timestamptz>,
        all_accounts -> Bool,
        hide_personal_data -> Bool,
        locale -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        endpoint_id -> Int8,
        message_id -> Text,
        event_type -> Text,
        order_key -> Nullable<Text>,
        body -> Text,
        status -> Text,
        attempts -> Int4,
        created_at -> Timestamptz,
        queued_at -> Timestamptz,
        next_attempt_at -> Timestamptz,
        last_attempt_at -> Nullable<Timestamptz>,
        last_status_code -> Nullable<Int4>,
        last_duration_ms -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Int8,
        url -> Text,
        events -> Array<Nullable<Text>>,
        account_id -> Nullable<Int8>,
        secret_encrypted -> Text,
        last_seq -> Int8,
        created_at -> Timestamptz,
        disabled_at -> Nullable<Timestamptz>,
        failing_since -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    windowed_listings (account_id, listing) {
        account_id -> Int8,
        listing -> Text,
        first_pass_from -> Nullable<Timestamptz>,
        first_pass_completed_at -> Nullable<Timestamptz>,
        listed_through -> Nullable<Timestamptz>,
        listing_from -> Nullable<Timestamptz>,
        listing_to -> Nullable<Timestamptz>,
        window_end -> Nullable<Timestamptz>,
        window_offset -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(account_scope_gaps -> allegro_accounts (account_id));
diesel::joinable!(allegro_accounts -> users (connected_by));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(audit_log -> users (actor_user_id));
diesel::joinable!(backfill_windows -> allegro_accounts (account_id));
diesel::joinable!(billing_entries -> allegro_accounts (account_id));
diesel::joinable!(billing_entry_versions -> billing_entries (entry_row_id));
diesel::joinable!(coverage_days -> allegro_accounts (account_id));
diesel::joinable!(customer_return_sync -> allegro_accounts (account_id));
diesel::joinable!(customer_return_versions -> customer_returns (return_row_id));
diesel::joinable!(customer_returns -> allegro_accounts (account_id));
diesel::joinable!(device_authorizations -> allegro_accounts (account_id));
diesel::joinable!(device_authorizations -> users (started_by));
diesel::joinable!(invoice_reads -> allegro_accounts (account_id));
diesel::joinable!(money_coverage_days -> allegro_accounts (account_id));
diesel::joinable!(order_delivery_methods -> allegro_accounts (account_id));
diesel::joinable!(order_events -> allegro_accounts (account_id));
diesel::joinable!(order_invoice_versions -> order_invoices (invoice_row_id));
diesel::joinable!(order_invoices -> allegro_accounts (account_id));
diesel::joinable!(order_line_items -> orders (order_id));
diesel::joinable!(order_nets -> orders (order_id));
diesel::joinable!(order_notes -> orders (order_id));
diesel::joinable!(order_notes -> users (author_id));
diesel::joinable!(order_quarantine -> allegro_accounts (account_id));
diesel::joinable!(order_revisions -> orders (order_id));
diesel::joinable!(order_shipments -> allegro_accounts (account_id));
diesel::joinable!(order_tags -> orders (order_id));
diesel::joinable!(order_tags -> users (created_by));
diesel::joinable!(orders -> allegro_accounts (account_id));
diesel::joinable!(payment_operations -> allegro_accounts (account_id));
diesel::joinable!(payment_refund_versions -> payment_refunds (refund_row_id));
diesel::joinable!(payment_refunds -> allegro_accounts (account_id));
diesel::joinable!(refund_claim_versions -> refund_claims (claim_row_id));
diesel::joinable!(refund_claims -> allegro_accounts (account_id));
diesel::joinable!(saved_views -> users (owner_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(settings -> users (updated_by));
diesel::joinable!(sync_runs -> allegro_accounts (account_id));
diesel::joinable!(sync_state -> allegro_accounts (account_id));
diesel::joinable!(user_accounts -> allegro_accounts (account_id));
diesel::joinable!(user_accounts -> users (user_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_endpoints -> allegro_accounts (account_id));
diesel::joinable!(windowed_listings -> allegro_accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_scope_gaps,
    allegro_accounts,
    api_tokens,
    audit_log,
    backfill_windows,
    billing_entries,
    billing_entry_versions,
    coverage_days,
    customer_return_sync,
    customer_return_versions,
    customer_returns,
    device_authorizations,
    invoice_reads,
    login_failures,
    money_coverage_days,
    order_change_head,
    order_changes,
    order_delivery_methods,
    order_events,
    order_invoice_versions,
    order_invoices,
    order_line_items,
    order_nets,
    order_notes,
    order_quarantine,
    order_revisions,
    order_shipments,
    order_tags,
    orders,
    payment_operations,
    payment_refund_versions,
    payment_refunds,
    refund_claim_versions,
    refund_claims,
    saved_views,
    scheduled_jobs,
    sessions,
    settings,
    setup_tokens,
    sync_runs,
    sync_state,
    user_accounts,
    users,
    webhook_deliveries,
    webhook_endpoints,
    windowed_listings,
);
