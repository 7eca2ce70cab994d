//! What a user limited to one account, or without personal data, sees in the list.

use allegro_backup::domain::Role;
use reqwest::StatusCode;

use super::{encode, generated::LAST_NAMES, ids_by_sql, order_by, walk, world};
use crate::helpers::select_text;

#[tokio::test]
async fn a_user_scoped_to_one_account_sees_nothing_of_the_others() {
    let (app, admin, accounts, _) = world(120, 5).await;
    let viewer = app
        .restricted_client(
            "scoped@example.com",
            Role::Viewer,
            Some(&accounts[..1]),
            false,
        )
        .await;
    let mut conn = app.db.connect();
    let mine = ids_by_sql(
        &mut conn,
        &format!(
            "SELECT o.checkout_form_id FROM orders o WHERE o.account_id = {} \
             AND o.merged_into IS NULL ORDER BY {}",
            accounts[0],
            order_by("bought_desc")
        ),
    );
    let (seen, count) = walk(&app, &viewer, "/orders?page_size=100").await;
    assert_eq!(seen, mine);
    assert_eq!(count, mine.len().to_string());

    // The account select offers only the viewer's account.
    let (status, html) = app.get_html_with(&viewer, "/orders").await;
    assert_eq!(status, StatusCode::OK);
    let options = select_text(&html, "select[name=account] option");
    assert_eq!(options, ["All accounts", "sklep_alfa"]);

    // Asking for another account, or searching for its orders, finds nothing.
    let theirs = ids_by_sql(
        &mut conn,
        &format!(
            "SELECT checkout_form_id FROM orders WHERE account_id = {} LIMIT 3",
            accounts[1]
        ),
    );
    for path in [
        format!("/orders?account={}", accounts[1]),
        "/orders?account=sklep_beta".to_string(),
        format!("/orders?q={}&merged=1", theirs[0]),
        format!("/orders?q={}&merged=1", &theirs[1][..8]),
    ] {
        let (ids, count) = walk(&app, &viewer, &path).await;
        assert!(ids.is_empty(), "{path}: {ids:?}");
        assert_eq!(count, "0", "{path}");
    }
    // The admin does see them.
    let (ids, _) = walk(&app, &admin, &format!("/orders?q={}&merged=1", theirs[0])).await;
    assert_eq!(ids, [theirs[0].clone()]);
}

#[tokio::test]
async fn hidden_personal_data_is_masked_in_the_list() {
    let (app, admin, _, _) = world(40, 9).await;
    let viewer = app
        .restricted_client("masked@example.com", Role::Operator, None, true)
        .await;
    let (_, plain) = app.get_html_with(&admin, "/orders?page_size=100").await;
    let names = select_text(&plain, ".buyer-name");
    assert!(
        names
            .iter()
            .any(|n| LAST_NAMES.iter().any(|l| n.contains(l)))
    );

    let (status, masked) = app.get_html_with(&viewer, "/orders?page_size=100").await;
    assert_eq!(status, StatusCode::OK);
    let text = masked.root_element().text().collect::<String>();
    for last in LAST_NAMES {
        assert!(!text.contains(last), "{last} shown to a masked user");
    }
    assert!(
        !text.contains("@example.pl"),
        "an email shown to a masked user"
    );
    let logins = select_text(&masked, ".buyer-login");
    assert!(!logins.is_empty());
    assert!(logins.iter().all(|l| l.contains('*')), "{logins:?}");

    // Searching by personal data finds nothing for them (a hit would confirm it), while order
    // ids still work.
    let last = LAST_NAMES
        .iter()
        .find(|l| names.iter().any(|n| n.contains(*l)))
        .unwrap();
    let path = format!("/orders?{}", encode(&[("q".into(), last.to_string())]));
    let (found_by_admin, _) = walk(&app, &admin, &path).await;
    assert!(!found_by_admin.is_empty());
    let (found_masked, _) = walk(&app, &viewer, &path).await;
    assert!(found_masked.is_empty(), "{last} found by a masked user");
    let id = &found_by_admin[0];
    let (by_id, _) = walk(&app, &viewer, &format!("/orders?q={}", &id[..13])).await;
    assert_eq!(by_id, std::slice::from_ref(id));
}
