//! The OpenAPI contract: the document names exactly the routes the API registers, every route
//! it names answers, and every answer the API tests see fits its schema ([`check`], called by
//! the helpers every API test goes through).

use std::sync::LazyLock;

use allegro_backup::api::{self, API_PREFIX};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::admin_api;
use crate::helpers::spawn_app;

/// The document as the server publishes it (the same text `GET /api/v1/openapi.json` sends).
static SPEC: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(api::openapi::document()).expect("the OpenAPI document is JSON")
});

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The spec's path template that `path` fits, if any.
fn template_of(path: &str) -> Option<&'static str> {
    let paths = SPEC["paths"].as_object()?;
    paths.keys().map(String::as_str).find(|template| {
        let (want, have): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        want.len() == have.len()
            && want
                .iter()
                .zip(&have)
                .all(|(w, h)| w.starts_with('{') || w == h)
    })
}

/// A JSON Schema document for `schema`, its references resolved against the spec's components.
fn validator(schema: &Value) -> jsonschema::Validator {
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": SPEC["components"].clone(),
    });
    for (key, value) in schema.as_object().expect("a schema object") {
        root[key] = value.clone();
    }
    jsonschema::validator_for(&root).expect("a valid JSON Schema")
}

fn assert_fits(schema: &Value, body: &Value, what: &str) {
    let errors: Vec<String> = validator(schema)
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not fit its schema: {errors:#?}\n{body:#}"
    );
}

/// Checks an answer of the API against the document: a success is documented for its route
/// and fits that answer's schema; an error fits the schema documented for its status, or is a
/// problem document (the layers before the API answer a bad address or method too).
pub fn check(method: &Method, path: &str, status: StatusCode, body: &Value) {
    let what = format!("{method} {path} → {status}");
    let problem = json!({"$ref": "#/components/schemas/Problem"});
    let method_name = method.as_str().to_ascii_lowercase();
    let operation = template_of(path).map(|template| &SPEC["paths"][template][&method_name]);
    let documented = operation
        .map(|op| &op["responses"][status.as_str()])
        .filter(|response| !response.is_null());
    let Some(mut response) = documented else {
        assert!(
            !status.is_success(),
            "{what}: a success the document does not name"
        );
        assert_fits(&problem, body, &what);
        return;
    };
    if let Some(name) = response["$ref"].as_str() {
        let name = name.trim_start_matches("#/components/responses/");
        response = &SPEC["components"]["responses"][name];
    }
    let content = response["content"].as_object().expect("documented content");
    let (_, media) = content.iter().next().expect("a media type");
    assert_fits(&media["schema"], body, &what);
}

#[test]
fn the_document_is_openapi_3_1_and_names_exactly_the_registered_routes() {
    assert!(
        SPEC["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        SPEC["openapi"]
    );
    let mut documented: Vec<(String, String)> = SPEC["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| ((*m).to_owned(), path.clone()))
        })
        .collect();
    let mut registered: Vec<(String, String)> = api::ROUTES
        .iter()
        .map(|(method, path)| ((*method).to_owned(), format!("{API_PREFIX}{path}")))
        .collect();
    documented.sort();
    registered.sort();
    assert_eq!(
        documented, registered,
        "the document and the route table differ"
    );
    // Each operation says who may call it and what its errors look like.
    for (method, path) in &documented {
        let operation = &SPEC["paths"][path][method];
        for status in ["401", "429", "500"] {
            assert!(
                !operation["responses"][status].is_null(),
                "{method} {path} {status}"
            );
        }
    }
}

#[tokio::test]
async fn every_documented_route_answers_and_unknown_ones_are_problems() {
    let app = spawn_app().await;
    let api = admin_api(&app).await;
    for (path, item) in SPEC["paths"].as_object().unwrap() {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let concrete = path.replace("{id}", "1");
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            let (status, body) = api.send(method.clone(), &concrete, None).await;
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {concrete}"
            );
            assert_ne!(
                body["type"].as_str().unwrap_or_default(),
                "tag:allegro-backup,2026:problem:no_route",
                "{method} {concrete} is documented but not routed"
            );
        }
    }
    let (status, body) = api.get("/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["type"], "tag:allegro-backup,2026:problem:no_route");
    let (status, _) = api.send(Method::DELETE, "/api/v1/orders", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = api.send(Method::GET, "/api/v1/accounts/1/sync", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_document_and_the_docs_page_are_served() {
    let app = spawn_app().await;
    let response = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let served: Value = response.json().await.unwrap();
    assert_eq!(served, *SPEC);

    // The docs page is for signed-in users, drawn from vendored files under the page's CSP.
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let response = app.get("/api/docs").await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = response.text().await.unwrap();
    for asset in [
        "swagger-ui-5.35.0-bundle.js",
        "swagger-ui-5.35.0.css",
        "api-docs.js",
    ] {
        assert!(html.contains(&format!("/static/{asset}")), "{asset}");
        let file = app.get(&format!("/static/{asset}")).await;
        assert_eq!(file.status(), StatusCode::OK, "{asset}");
    }
    assert!(
        !html.contains("https://"),
        "no third-party origin on the page"
    );
    let anonymous = crate::helpers::new_client()
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap();
    assert!(anonymous.status().is_redirection(), "sign in first");
    assert!(crate::helpers::location(&anonymous).starts_with("/login"));
}

#[test]
fn the_checker_catches_a_body_that_does_not_fit() {
    let result = std::panic::catch_unwind(|| {
        check(
            &Method::GET,
            "/api/v1/accounts",
            StatusCode::OK,
            &json!({"items": [{"id": 7}]}),
        )
    });
    assert!(
        result.is_err(),
        "an id as a number and missing fields are caught"
    );
    check(
        &Method::GET,
        "/api/v1/changes",
        StatusCode::OK,
        &json!({"items": [], "next_after": "0"}),
    );
}
