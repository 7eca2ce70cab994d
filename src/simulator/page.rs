//! The verification page a person opens from `verification_uri_complete`: approve or deny the
//! device for one of the simulated sellers. Self-contained HTML (a separate server).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{oauth::DeviceState, reply::query_pairs, world::World};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            r#"<!doctype html><html lang="pl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Allegro simulator</title>
<style>body{{font-family:system-ui,sans-serif;background:#f5f5f5;margin:0;padding:2rem}}
main{{max-width:30rem;margin:auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}}
h1{{color:#ff5a00;font-size:1.4rem}} .code{{font:700 1.6rem monospace;letter-spacing:.2em}}
button{{padding:.6rem 1.4rem;margin-right:.5rem;border:0;border-radius:4px;font-size:1rem;cursor:pointer}}
.approve{{background:#ff5a00;color:#fff}} .deny{{background:#ddd}} select{{font-size:1rem;padding:.3rem}}</style>
</head><body><main><h1>{title}</h1>{body}</main></body></html>"#
        ))
}

fn pretty(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(3)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `GET /skojarz-aplikacje?code=...`
pub(crate) async fn show(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let code = query_pairs(&req)
        .and_then(|p| p.into_iter().find(|(k, _)| k == "code").map(|(_, v)| v))
        .unwrap_or_default();
    let mut state = world.lock();
    let now = state.now();
    let sellers: Vec<String> = state
        .sellers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                r#"<option value="{i}">{}</option>"#,
                escape(&s.profile.login)
            )
        })
        .collect();
    let pending = state
        .oauth
        .device_by_user_code(&code)
        .is_some_and(|d| d.expires_at > now && d.state == DeviceState::Pending);
    drop(state);
    if !pending {
        return html(
            "Code not found",
            "<p>This code is unknown, has expired or was already used. Start connecting again \
             in allegro-backup to get a new one.</p>",
        );
    }
    let code = escape(&code);
    html(
        "Connect an application",
        &format!(
            r#"<p>The application <b>allegro-backup</b> asks for access to your orders and
profile. Confirm that this code matches the one shown in the application:</p>
<p class="code">{pretty}</p>
<form method="post" action="skojarz-aplikacje">
<input type="hidden" name="code" value="{code}">
<p><label>Seller account <select name="seller">{options}</select></label></p>
<p><button class="approve" name="action" value="approve">Approve</button>
<button class="deny" name="action" value="deny">Deny</button></p>
</form>"#,
            pretty = pretty(&code),
            options = sellers.join("")
        ),
    )
}

#[derive(Deserialize)]
pub(crate) struct Decision {
    code: String,
    #[serde(default)]
    seller: usize,
    action: String,
}

/// `POST /skojarz-aplikacje` (form: code, seller, action=approve|deny)
pub(crate) async fn decide(
    form: Option<web::Form<Decision>>,
    world: web::Data<World>,
) -> HttpResponse {
    let Some(form) = form else {
        return html(
            "Something went wrong",
            "<p>The form was incomplete. Open the link again.</p>",
        );
    };
    let done = match form.action.as_str() {
        "approve" => world.approve(&form.code, form.seller),
        "deny" => world.deny(&form.code),
        _ => false,
    };
    match (done, form.action.as_str()) {
        (true, "approve") => html(
            "Approved",
            "<p>Approved — you can return to allegro-backup.</p>",
        ),
        (true, _) => html(
            "Denied",
            "<p>Access was denied. You can close this page.</p>",
        ),
        _ => html(
            "Code not found",
            "<p>This code is unknown, has expired or was already used.</p>",
        ),
    }
}
