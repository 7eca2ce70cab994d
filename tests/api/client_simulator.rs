//! The typed Allegro client against the built-in simulator: both sides built from the same
//! reference, checked against each other over real HTTP.

use allegro_backup::domain::CheckoutFormId;
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use allegro_backup::{
    allegro::{
        AccountApi, AllegroClient, AllegroError, CheckoutFormQuery, DeviceFlowError, DevicePoll,
        RetryPolicy, TokenSet, TokenSource, wait_for_device_authorization,
    },
    config::AllegroConfig,
    simulator::{self, Faults, SimulatorConfig, SimulatorHandle},
};
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

async fn simulator() -> SimulatorHandle {
    simulator_with(40).await
}

async fn simulator_with(orders: u32) -> SimulatorHandle {
    let config = SimulatorConfig {
        auto_approve: false,
        ..SimulatorConfig::for_tests(orders)
    };
    simulator::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn client(sim: &SimulatorHandle) -> AllegroClient {
    AllegroClient::new(&AllegroConfig::for_simulator(&sim.base_url()).unwrap())
        .unwrap()
        .with_retry_policy(RetryPolicy {
            max_attempts: 3,
            rate_limited_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            rate_limit_pause: Duration::from_millis(50),
        })
}

/// A sleep that moves the simulator's clock instead of waiting.
fn sim_sleep(sim: &SimulatorHandle) -> impl Fn(Duration) -> std::future::Ready<()> {
    let world = sim.world();
    move |d| {
        world.advance(chrono::Duration::from_std(d).unwrap());
        std::future::ready(())
    }
}

async fn connect(sim: &SimulatorHandle, client: &AllegroClient) -> TokenSet {
    let auth = client.start_device_flow().await.unwrap();
    assert!(sim.world().approve(&auth.user_code, 0));
    wait_for_device_authorization(client, &auth, sim_sleep(sim))
        .await
        .unwrap()
}

/// A simulator, and the API of its seller 0 connected through the client, with its tokens.
async fn connected_api() -> (SimulatorHandle, AccountApi, Arc<MemoryTokens>) {
    let sim = simulator().await;
    let client = client(&sim);
    let (api, tokens) = MemoryTokens::api(&client, connect(&sim, &client).await);
    (sim, api, tokens)
}

/// Tokens kept in memory, refreshed through the client; counts refreshes.
struct MemoryTokens {
    client: AllegroClient,
    pair: Mutex<(SecretString, SecretString)>,
    refreshes: AtomicU32,
}

impl MemoryTokens {
    fn api(client: &AllegroClient, tokens: TokenSet) -> (AccountApi, Arc<MemoryTokens>) {
        let source = Arc::new(MemoryTokens {
            client: client.clone(),
            pair: Mutex::new((tokens.access_token, tokens.refresh_token)),
            refreshes: AtomicU32::new(0),
        });
        (client.account(source.clone()), source)
    }
}

impl TokenSource for MemoryTokens {
    type Error = AllegroError;

    fn account_key(&self) -> String {
        "test".to_owned()
    }
    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
        Box::pin(async move { Ok(self.pair.lock().unwrap().0.clone()) })
    }
    fn refresh(
        &self,
        _rejected: SecretString,
    ) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
        Box::pin(async move {
            let refresh = self.pair.lock().unwrap().1.clone();
            let fresh = self.client.refresh_tokens(&refresh).await?;
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            *self.pair.lock().unwrap() = (fresh.access_token.clone(), fresh.refresh_token);
            Ok(fresh.access_token)
        })
    }
}

#[tokio::test]
async fn the_device_flow_ends_with_tokens_for_the_approving_seller() {
    let sim = simulator().await;
    let client = client(&sim);
    let tokens = connect(&sim, &client).await;
    let seller = &sim.world().sellers()[0];
    assert_eq!(tokens.allegro_user_id.as_deref(), Some(seller.id.as_str()));
    assert!(tokens.scope.contains("allegro:api:orders:read"));
    let (api, _) = MemoryTokens::api(&client, tokens);
    let me = api.me().await.unwrap();
    assert_eq!(
        (me.id.as_str(), me.login.as_str()),
        (seller.id.as_str(), seller.login.as_str())
    );
}

#[tokio::test]
async fn a_denied_or_expired_device_flow_says_so() {
    let sim = simulator().await;
    let client = client(&sim);
    let auth = client.start_device_flow().await.unwrap();
    assert!(sim.world().deny(&auth.user_code));
    let denied = wait_for_device_authorization(&client, &auth, sim_sleep(&sim)).await;
    assert!(matches!(denied, Err(DeviceFlowError::Denied)), "{denied:?}");

    let auth = client.start_device_flow().await.unwrap();
    let expired = wait_for_device_authorization(&client, &auth, sim_sleep(&sim)).await;
    assert!(
        matches!(expired, Err(DeviceFlowError::Expired)),
        "{expired:?}"
    );
}

#[tokio::test]
async fn polling_faster_than_the_interval_gets_slow_down() {
    let sim = simulator().await;
    let client = client(&sim);
    let auth = client.start_device_flow().await.unwrap();
    assert_eq!(auth.interval, Duration::from_secs(5));
    let first = client.poll_device_token(&auth.device_code).await.unwrap();
    let second = client.poll_device_token(&auth.device_code).await.unwrap();
    assert!(matches!(first, DevicePoll::Pending), "{first:?}");
    assert!(matches!(second, DevicePoll::SlowDown), "{second:?}");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_the_old_one_dies_after_its_grace() {
    let sim = simulator().await;
    let client = client(&sim);
    let first = connect(&sim, &client).await;
    let second = client.refresh_tokens(&first.refresh_token).await.unwrap();
    assert_ne!(
        first.refresh_token.expose_secret(),
        second.refresh_token.expose_secret()
    );
    // Within 60 s the old refresh token still works once more; after that it is refused.
    sim.world().advance(chrono::Duration::seconds(61));
    let late = client.refresh_tokens(&first.refresh_token).await;
    assert!(matches!(late, Err(AllegroError::InvalidGrant)), "{late:?}");
    assert!(client.refresh_tokens(&second.refresh_token).await.is_ok());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_and_the_call_retried() {
    let (sim, api, tokens) = connected_api().await;
    sim.world().advance(chrono::Duration::hours(13));
    assert!(api.me().await.is_ok());
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_429_pauses_then_the_call_succeeds() {
    let (sim, api, _) = connected_api().await;
    sim.world().set_faults(Faults {
        rate_limit_next: 1,
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    assert!(api.me().await.is_ok());
    // The simulator's Retry-After is 1 s, longer than the configured minimum pause.
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let (sim, api, _) = connected_api().await;
    sim.world().set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let before = sim.world().request_count();
    let result = api.me().await;
    assert!(
        matches!(result, Err(AllegroError::Server { status: 500 })),
        "{result:?}"
    );
    assert_eq!(sim.world().request_count() - before, 3, "three attempts");
    sim.world().set_faults(Faults::default());
    assert!(api.me().await.is_ok());
}

#[tokio::test]
async fn a_truncated_body_is_a_clean_error_with_a_snippet() {
    let (sim, api, _) = connected_api().await;
    sim.world().set_faults(Faults {
        truncate_bodies: true,
        ..Faults::default()
    });
    let result = api.checkout_forms(&CheckoutFormQuery::default()).await;
    match result {
        Err(AllegroError::InvalidResponse { snippet, .. }) => assert!(!snippet.is_empty()),
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn checkout_forms_keep_every_field_the_simulator_served() {
    let sim = simulator_with(400).await;
    let client = client(&sim);
    let (api, _) = MemoryTokens::api(&client, connect(&sim, &client).await);
    let page = api
        .checkout_forms(&CheckoutFormQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total_count, 400);
    let truth = sim.world().orders(0);
    for form in page.checkout_forms() {
        let served = truth
            .iter()
            .find(|o| o["id"] == form.id.as_str())
            .expect("known order");
        assert_eq!(
            &form.document.to_value(),
            served,
            "order {} differs from what was served",
            form.id
        );
    }
    // A field the client does not know survives, value for value.
    let extended = truth
        .iter()
        .find(|o| o.get("x-sim-extension").is_some())
        .expect("the generator adds unknown fields now and then");
    let id = extended["id"].as_str().unwrap();
    let form = api.checkout_form(&CheckoutFormId::from(id)).await.unwrap();
    assert_eq!(&form.document.to_value(), extended);
    let total: &str = page.checkout_forms()[0]
        .total_to_pay
        .as_ref()
        .unwrap()
        .amount
        .as_str();
    assert!(total.contains('.'), "amounts stay decimal strings: {total}");
}
