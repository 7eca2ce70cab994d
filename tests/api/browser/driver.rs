//! A headless Chromium driven through Debian's chromedriver (W3C WebDriver, `fantoccini`):
//! chromedriver on a free port in a process group of its own (killed together with Chromium when
//! the browser is dropped, also when the test panics), a fresh profile and download folder, one
//! screenshot per step, and waits that poll a condition until a deadline instead of sleeping.

use std::{
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

use base64::Engine as _;
use fantoccini::{
    Client, ClientBuilder, Locator,
    elements::Element,
    wd::{WebDriverCompatibleCommand, WindowHandle},
};
use serde_json::{Value, json};
use url::ParseError;

/// How long any wait polls before it fails the test.
const DEADLINE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(100);

/// The flags that work on this machine kind (no sandbox as root, no GPU, no network chatter).
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];
const WIDTH: u32 = 1366;
/// Full-page screenshots stop at this height (CSS pixels).
const MAX_HEIGHT: f64 = 12000.0;

const INSTALL_HINT: &str = "The browser test needs Debian's Chromium and chromedriver. Install \
    them with `apt-get install -y --no-install-recommends chromium chromium-driver` \
    (scripts/test does this when they are missing).";

/// Where the browser test leaves its screenshots: `<target dir>/e2e-screenshots`.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("e2e-screenshots")
}

fn program(names: &[&str]) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("{} not found on PATH. {INSTALL_HINT}", names.join(" or ")))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The chromedriver child; Chromium runs in its process group, so both end on drop.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    async fn start(program: &Path, log: &Path) -> Self {
        let port = free_port();
        let log = std::fs::File::create(log).expect("chromedriver log file");
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file handle"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}. {INSTALL_HINT}", program.display()));
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let status = format!("{}/status", driver.url);
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let ready = match http.get(&status).send().await {
                Ok(response) => response
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == true),
                Err(_) => false,
            };
            if ready {
                return driver;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not answer on {status}"
            );
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The negative id names the process group: chromedriver and the Chromium it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch folder (profile, downloads) removed on drop, after the browser has ended.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One headless Chromium session. Fields drop in order: the session, chromedriver (and with it
/// Chromium), then the scratch folder.
pub struct Browser {
    client: Client,
    shots: PathBuf,
    step: AtomicUsize,
    started: Instant,
    downloads: PathBuf,
    _driver: Chromedriver,
    _scratch: Scratch,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile whose languages are
    /// `accept_language` (what it sends as `Accept-Language`, e.g. `pl-PL,pl` for a Polish
    /// seller's browser), keeping screenshots in the folder `name` of the screenshot folder (so
    /// that browser tests running at once keep theirs apart; "" is the main story's folder).
    pub async fn start_speaking(name: &str, accept_language: &str) -> Self {
        let chromium = program(&["chromium", "chromium-browser"]);
        let chromedriver = program(&["chromedriver"]);
        let scratch = Scratch(
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("e2e-{}", uuid::Uuid::new_v4().simple())),
        );
        let (profile, downloads) = (scratch.0.join("profile"), scratch.0.join("downloads"));
        std::fs::create_dir_all(&downloads).expect("download folder");
        let shots = screenshot_dir().join(name);
        if name.is_empty() {
            // The main test's pictures: the folder's files, not other tests' folders.
            for entry in std::fs::read_dir(&shots).into_iter().flatten().flatten() {
                if entry.path().is_file() {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(&shots);
        }
        std::fs::create_dir_all(&shots).expect("screenshot folder");

        let driver = Chromedriver::start(&chromedriver, &shots.join("chromedriver.log")).await;
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--window-size={WIDTH},900"));
        let primary = accept_language.split(',').next().unwrap_or("en-US");
        args.push(format!("--lang={primary}"));
        args.push(format!("--accept-lang={accept_language}"));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                    "intl.accept_languages": accept_language,
                },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are an object")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}"));
        Self {
            client,
            shots,
            step: AtomicUsize::new(0),
            started: Instant::now(),
            downloads,
            _driver: driver,
            _scratch: scratch,
        }
    }

    /// Loads the current page again.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
    }

    /// How many elements match `css` now (no waiting).
    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |found| found.len())
    }

    /// Ends the session (Chromium exits); chromedriver ends when the browser is dropped.
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The path (and query) of the page the browser shows.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(DEADLINE)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.path().await),
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Types `text` into the field `css` after clearing it.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear a field");
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Types each `(css, text)` of `fields` into its field, in order.
    pub async fn fill_form(&self, fields: &[(&str, &str)]) {
        for (css, text) in fields {
            self.fill(css, text).await;
        }
    }

    /// Picks the option with `value` in the select `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// The visible text of the first element matching `css`, whitespace collapsed.
    pub async fn text(&self, css: &str) -> String {
        let text = self.find(css).await.text().await.expect("text");
        collapse(&text)
    }

    /// The visible texts of every element matching `css` (none: empty).
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = vec![];
        for element in self.client.find_all(Locator::Css(css)).await.expect("find") {
            out.push(collapse(&element.text().await.expect("text")));
        }
        out
    }

    /// Polls the JavaScript expression `condition` (arguments in `args`) until it is truthy;
    /// fails the test with `what` and the page's path after the deadline.
    pub async fn wait_until(&self, what: &str, condition: &str, args: Vec<Value>) -> Value {
        let script = format!("return ({condition});");
        let started = Instant::now();
        loop {
            // A navigation in progress may fail a script: poll again.
            if let Ok(value) = self.client.execute(&script, args.clone()).await {
                let truthy = match &value {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    Value::Number(n) => n.as_f64() != Some(0.0),
                    Value::String(s) => !s.is_empty(),
                    _ => true,
                };
                if truthy {
                    return value;
                }
            }
            if started.elapsed() > DEADLINE {
                let shot = self.screenshot("timeout").await;
                panic!(
                    "waited {DEADLINE:?} for {what} on {} (screenshot {})",
                    self.path().await,
                    shot.display()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the first element matching `css` shows `needle` in its text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) {
        self.wait_until(
            &format!("{css} to show {needle:?}"),
            "(document.querySelector(arguments[0])?.innerText ?? '').includes(arguments[1])",
            vec![json!(css), json!(needle)],
        )
        .await;
    }

    /// Waits until the page's path is `path` and the document has loaded. (Waiting for `/` by
    /// prefix would take the sign-in page for the dashboard and race the sign-in's redirect.)
    pub async fn wait_for_exact_path(&self, path: &str) {
        self.wait_until(
            &format!("the page {path}"),
            "location.pathname === arguments[0] && document.readyState === 'complete'",
            vec![json!(path)],
        )
        .await;
    }

    /// Waits until the page's path starts with `prefix` and the document has loaded.
    pub async fn wait_for_path(&self, prefix: &str) {
        self.wait_until(
            &format!("a page under {prefix}"),
            "location.pathname.startsWith(arguments[0]) && document.readyState === 'complete'",
            vec![json!(prefix)],
        )
        .await;
    }

    /// Saves a screenshot of the whole page (beyond the viewport) as `NN-name.png`; returns
    /// its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await;
        let size = &metrics["cssContentSize"];
        let width = size["width"].as_f64().unwrap_or(f64::from(WIDTH));
        let height = size["height"].as_f64().unwrap_or(900.0).min(MAX_HEIGHT);
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
                }),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64 screenshot");
        let step = self.step.fetch_add(1, Ordering::Relaxed) + 1;
        let path = self.shots.join(format!("{step:02}-{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        // Shown when the test fails: how far it got, and when.
        eprintln!(
            "{:>6.1} s  {}",
            self.started.elapsed().as_secs_f64(),
            path.display()
        );
        path
    }

    /// Lays pages out as a screen `width` CSS pixels wide (a phone's when `mobile`).
    pub async fn set_viewport(&self, width: u32, mobile: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile }),
        )
        .await;
    }

    /// A Chrome DevTools Protocol command through chromedriver; its result.
    async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// Clicks `css`, a link that opens a new tab, and switches to that tab; returns the handle
    /// of the tab it came from.
    pub async fn click_into_new_tab(&self, css: &str) -> WindowHandle {
        let origin = self.client.window().await.expect("window");
        self.click(css).await;
        let started = Instant::now();
        loop {
            let windows = self.client.windows().await.expect("windows");
            if let Some(new) = windows.into_iter().find(|w| *w != origin) {
                self.client.switch_to_window(new).await.expect("switch tab");
                return origin;
            }
            assert!(started.elapsed() < DEADLINE, "{css} opened no tab");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Closes the current tab and returns to `origin`.
    pub async fn close_tab(&self, origin: WindowHandle) {
        self.client.close_window().await.expect("close the tab");
        self.client
            .switch_to_window(origin)
            .await
            .expect("switch back");
    }

    /// Waits for a finished download whose name ends with `suffix`; returns its path.
    pub async fn downloaded(&self, suffix: &str) -> PathBuf {
        let started = Instant::now();
        loop {
            let names: Vec<String> = std::fs::read_dir(&self.downloads)
                .expect("download folder")
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            // Chromium writes `.crdownload` files and renames them when complete.
            let partial = names.iter().any(|n| n.ends_with(".crdownload"));
            if let Some(done) = names.iter().find(|n| n.ends_with(suffix))
                && !partial
            {
                return self.downloads.join(done);
            }
            assert!(
                started.elapsed() < DEADLINE,
                "no *{suffix} download finished; the folder holds {names:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }
}

/// chromedriver's `goog/cdp/execute` endpoint (W3C WebDriver has no full-page screenshot).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
