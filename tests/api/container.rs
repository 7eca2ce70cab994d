//! The container image, checked without a Docker engine: the `Dockerfile`'s runtime stage is
//! read, the binary's shared libraries (`ldd`) are mapped to Debian packages (`dpkg -S`) and
//! each must come with the packages the stage installs or with the `debian:bookworm-slim` base
//! (this machine is Debian 12 bookworm too); the stage's `ENTRYPOINT`/`CMD` and `HEALTHCHECK`
//! must be command lines the binary accepts; the image runs as a non-root user.
//!
//! The binary checked is the one cargo built for the tests (debug). Debug and release builds
//! link the same shared libraries (the linking comes from the crates' build scripts, e.g.
//! `pq-sys` linking libpq, not from the optimisation level); when a release binary is present
//! in `target/release` it is checked as well.

use std::{
    collections::{BTreeSet, HashMap},
    path::{Path, PathBuf},
    process::Command,
};

use allegro_backup::cli::{Cli, Command as CliCommand};
use clap::Parser;

use crate::helpers::spawn_app;

/// The last stage of the Dockerfile, as the instructions the checks need.
#[derive(Debug, Default)]
struct RuntimeStage {
    base: String,
    packages: Vec<String>,
    user: Option<String>,
    entrypoint: Vec<String>,
    cmd: Vec<String>,
    healthcheck: Vec<String>,
    copies: Vec<String>,
}

/// Joins continued lines (`\` at the end) and drops comments.
fn instructions(dockerfile: &str) -> Vec<String> {
    let mut out = vec![];
    let mut current = String::new();
    for line in dockerfile.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(continued) => {
                current.push_str(continued);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    out
}

/// `["a", "b"]` (exec form) or `a b` (shell form) as words.
fn words(args: &str) -> Vec<String> {
    let args = args.trim();
    if args.starts_with('[') {
        serde_json::from_str(args).unwrap_or_else(|e| panic!("bad exec form {args}: {e}"))
    } else {
        args.split_whitespace().map(str::to_owned).collect()
    }
}

/// Package names after `apt-get install` in one `RUN` (options skipped, up to `&&`).
fn installed_by(run: &str) -> Vec<String> {
    let mut out = vec![];
    for command in run.split("&&") {
        let tokens: Vec<&str> = command.split_whitespace().collect();
        if let Some(at) = tokens
            .windows(2)
            .position(|w| w[0] == "apt-get" && w[1] == "install")
        {
            out.extend(
                tokens[at + 2..]
                    .iter()
                    .filter(|t| !t.starts_with('-'))
                    .map(|t| (*t).to_owned()),
            );
        }
    }
    out
}

fn runtime_stage(dockerfile: &str) -> RuntimeStage {
    let mut stage = RuntimeStage::default();
    for instruction in instructions(dockerfile) {
        let (keyword, rest) = instruction
            .split_once(char::is_whitespace)
            .unwrap_or((instruction.as_str(), ""));
        match keyword.to_ascii_uppercase().as_str() {
            // A new stage: only the last one is the image.
            "FROM" => {
                stage = RuntimeStage {
                    base: rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    ..RuntimeStage::default()
                }
            }
            "RUN" => stage.packages.extend(installed_by(rest)),
            "USER" => stage.user = Some(rest.trim().to_owned()),
            "ENTRYPOINT" => stage.entrypoint = words(rest),
            "CMD" => stage.cmd = words(rest),
            "COPY" => stage.copies.push(rest.trim().to_owned()),
            "HEALTHCHECK" => {
                let command = rest
                    .split_once("CMD")
                    .map(|(_, command)| command)
                    .expect("HEALTHCHECK CMD");
                stage.healthcheck = words(command);
            }
            _ => {}
        }
    }
    stage
}

fn dockerfile() -> RuntimeStage {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile"))
        .expect("the Dockerfile");
    runtime_stage(&text)
}

/// Library paths `ldd` resolves for `binary` (the vDSO has none).
fn shared_libraries(binary: &Path) -> Vec<PathBuf> {
    let output = Command::new("ldd").arg(binary).output().expect("ldd");
    assert!(output.status.success(), "ldd {}", binary.display());
    let mut libraries = vec![];
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let path = match line.split_once("=>") {
            Some((_, resolved)) => resolved.split_whitespace().next(),
            None => line.split_whitespace().next(),
        };
        match path {
            Some(path) if path.starts_with('/') => libraries.push(PathBuf::from(path)),
            Some("not") => panic!("a library is missing: {line}"),
            _ => {}
        }
    }
    libraries
}

/// Names dpkg may know `library` by: as resolved and its real file, each under `/usr` or not
/// (on a merged-/usr system dpkg knows a file by one of the two).
fn dpkg_names(library: &Path) -> Vec<String> {
    let real = std::fs::canonicalize(library).unwrap_or_else(|_| library.to_owned());
    let mut names = vec![];
    for path in [library.to_owned(), real] {
        let text = path.to_string_lossy().into_owned();
        names.push(match text.strip_prefix("/usr") {
            Some(bare) => bare.to_owned(),
            None => format!("/usr{text}"),
        });
        names.push(text);
    }
    names
}

/// The Debian package shipping each library, from one `dpkg -S` call.
fn packages_of(libraries: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let names: Vec<Vec<String>> = libraries.iter().map(|l| dpkg_names(l)).collect();
    // dpkg exits 1 when some names are unknown; the known ones are listed all the same.
    let output = Command::new("dpkg")
        .arg("-S")
        .args(names.iter().flatten())
        .output()
        .expect("dpkg -S");
    let mut owner: HashMap<String, String> = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some((packages, path)) = line.split_once(": ") {
            // `libssl3:amd64` -> `libssl3`; a diverted file lists several packages.
            let first = packages.split(',').next().unwrap_or(packages).trim();
            let package = first.split(':').next().unwrap_or(first).to_owned();
            owner.insert(path.trim().to_owned(), package);
        }
    }
    libraries
        .iter()
        .zip(&names)
        .map(|(library, names)| {
            let package = names
                .iter()
                .find_map(|n| owner.get(n))
                .unwrap_or_else(|| panic!("no Debian package ships {}", library.display()));
            (library.clone(), package.clone())
        })
        .collect()
}

/// One installed package in dpkg's status file.
#[derive(Debug, Default)]
struct Installed {
    priority: String,
    essential: bool,
    depends: Vec<Vec<String>>,
    provides: Vec<String>,
}

/// `a (>= 1), b:any | c` -> `[[a], [b, c]]`.
fn dependency_list(field: &str) -> Vec<Vec<String>> {
    field
        .split(',')
        .map(|group| {
            group
                .split('|')
                .filter_map(|alternative| {
                    let name = alternative.split_whitespace().next()?;
                    Some(name.split(':').next().unwrap_or(name).to_owned())
                })
                .collect::<Vec<_>>()
        })
        .filter(|group| !group.is_empty())
        .collect()
}

fn installed_packages() -> HashMap<String, Installed> {
    let status = std::fs::read_to_string("/var/lib/dpkg/status").expect("dpkg status");
    let mut packages = HashMap::new();
    for stanza in status.split("\n\n") {
        let mut name = None;
        let mut package = Installed::default();
        let mut installed = false;
        for line in stanza.lines() {
            let Some((field, value)) = line.split_once(": ") else {
                continue;
            };
            match field {
                "Package" => name = Some(value.to_owned()),
                "Status" => installed = value.ends_with(" installed"),
                "Priority" => package.priority = value.to_owned(),
                "Essential" => package.essential = value == "yes",
                "Depends" | "Pre-Depends" => package.depends.extend(dependency_list(value)),
                "Provides" => package
                    .provides
                    .extend(dependency_list(value).into_iter().flatten()),
                _ => {}
            }
        }
        if let (Some(name), true) = (name, installed) {
            packages.insert(name, package);
        }
    }
    packages
}

/// Every package `roots` pull in through Depends/Pre-Depends (each installed alternative;
/// virtual packages through what provides them).
fn closure(roots: &[String], packages: &HashMap<String, Installed>) -> BTreeSet<String> {
    let mut providers: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, package) in packages {
        for virtual_name in &package.provides {
            providers
                .entry(virtual_name.as_str())
                .or_default()
                .push(name);
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.to_vec();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(real) = providers.get(name.as_str()) {
            todo.extend(real.iter().map(|r| (*r).to_owned()));
        }
        if let Some(package) = packages.get(&name) {
            for group in &package.depends {
                todo.extend(group.iter().filter(|a| packages.contains_key(*a)).cloned());
                if let Some(virtual_name) =
                    group.iter().find(|a| providers.contains_key(a.as_str()))
                {
                    todo.push(virtual_name.clone());
                }
            }
        }
    }
    seen
}

/// The packages of the `debian:*-slim` base: the required and essential ones and what they
/// depend on (what debootstrap's minbase installs).
fn slim_base(packages: &HashMap<String, Installed>) -> BTreeSet<String> {
    let roots: Vec<String> = packages
        .iter()
        .filter(|(_, p)| p.priority == "required" || p.essential)
        .map(|(name, _)| name.clone())
        .collect();
    closure(&roots, packages)
}

fn os_codename() -> String {
    std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
        .unwrap_or_default()
        .trim_matches('"')
        .to_owned()
}

/// The binaries to check: the one built for the tests and a release build when present.
fn binaries() -> Vec<PathBuf> {
    let debug = PathBuf::from(env!("CARGO_BIN_EXE_allegro-backup"));
    let mut out = vec![debug.clone()];
    let release = debug
        .parent()
        .and_then(Path::parent)
        .map(|target| target.join("release").join("allegro-backup"));
    if let Some(release) = release.filter(|r| r.exists()) {
        out.push(release);
    }
    out
}

#[test]
fn the_runtime_stage_installs_every_shared_library_the_binary_needs() {
    let stage = dockerfile();
    let codename = os_codename();
    assert_eq!(
        stage.base,
        format!("debian:{codename}-slim"),
        "the runtime image is the Debian release this check runs on"
    );

    assert!(stage.packages.contains(&"ca-certificates".to_owned()));
    let packages = installed_packages();
    let base = slim_base(&packages);
    assert!(base.contains("libc6"), "the base holds the C library");
    let provided: BTreeSet<String> = closure(&stage.packages, &packages)
        .union(&base)
        .cloned()
        .collect();
    for binary in binaries() {
        let libraries = shared_libraries(&binary);
        assert!(
            libraries
                .iter()
                .any(|l| l.to_string_lossy().contains("libpq.so")),
            "{} links libpq",
            binary.display()
        );
        for (library, package) in packages_of(&libraries) {
            assert!(
                provided.contains(&package),
                "{} needs {} from {package}, which neither the base image nor the runtime stage's packages {:?} bring",
                binary.display(),
                library.display(),
                stage.packages
            );
        }
    }
}

#[test]
fn the_image_runs_as_a_user_other_than_root() {
    let stage = dockerfile();
    let user = stage.user.expect("a USER in the runtime stage");
    let name = user.split(':').next().unwrap_or_default();
    assert!(!["root", "0", ""].contains(&name), "USER {user}");
}

#[test]
fn the_image_copies_only_the_binary_so_templates_and_static_files_are_embedded() {
    let stage = dockerfile();
    assert_eq!(stage.copies.len(), 1, "{:?}", stage.copies);
    let copy = &stage.copies[0];
    assert!(copy.starts_with("--from=builder "), "{copy}");
    assert!(copy.ends_with("/usr/local/bin/allegro-backup"), "{copy}");
}

#[tokio::test]
async fn the_images_command_and_healthcheck_are_accepted_by_the_binary() {
    let stage = dockerfile();
    let command: Vec<String> = stage.entrypoint.iter().chain(&stage.cmd).cloned().collect();
    assert_eq!(command.first().map(String::as_str), Some("allegro-backup"));
    let parsed = Cli::try_parse_from(&command).expect("CMD parses");
    assert!(
        matches!(parsed.command, Some(CliCommand::Serve)),
        "{command:?}"
    );
    let parsed = Cli::try_parse_from(&stage.healthcheck).expect("HEALTHCHECK parses");
    assert!(
        matches!(parsed.command, Some(CliCommand::Healthcheck)),
        "{:?}",
        stage.healthcheck
    );

    // The health check, run as the image runs it, against a live server and a dead port.
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let healthcheck = |addr: String| {
        let stage_args = stage.healthcheck[1..].to_vec();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_allegro-backup"))
                .args(stage_args)
                .env("BIND_ADDR", addr)
                .current_dir(std::env::temp_dir())
                .output()
                .expect("run the health check")
        })
    };
    let healthy = healthcheck(format!("0.0.0.0:{port}")).await.unwrap();
    assert!(healthy.status.success(), "{healthy:?}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let unhealthy = healthcheck(format!("0.0.0.0:{closed}")).await.unwrap();
    assert!(!unhealthy.status.success());
}

#[test]
fn the_dockerfile_reader_finds_packages_users_and_commands() {
    let stage = runtime_stage(
        "FROM rust AS builder\nRUN apt-get install -y libpq-dev\nUSER builder\n\
         FROM debian:bookworm-slim\n# comment\nRUN apt-get update \\\n && apt-get install -y \
         --no-install-recommends a b \\\n && rm -rf x\nUSER app\nHEALTHCHECK --interval=5s \
         CMD [\"x\", \"health\"]\nENTRYPOINT [\"x\"]\nCMD serve now\n",
    );
    assert_eq!(stage.base, "debian:bookworm-slim");
    assert_eq!(stage.packages, ["a", "b"]);
    assert_eq!(stage.user.as_deref(), Some("app"));
    assert_eq!(stage.healthcheck, ["x", "health"]);
    assert_eq!(stage.entrypoint, ["x"]);
    assert_eq!(stage.cmd, ["serve", "now"]);
}
