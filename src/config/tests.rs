use super::*;
use std::collections::HashMap;

fn settings_from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let dir = std::env::temp_dir().join(format!("ab-config-{}", rand::random::<u64>()));
    Config::from_lookup(|k| vars.get(k).cloned(), &dir.join("secret.key")).map(|(s, _)| s)
}

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[test]
fn defaults_apply_when_nothing_is_set() -> Result<(), ConfigError> {
    let s = settings_from(&[])?;
    assert_eq!(s.bind_addr.to_string(), "127.0.0.1:8080");
    assert_eq!(
        s.database_url.expose_secret(),
        "postgres://localhost/allegro_backup"
    );
    assert!(!s.cookie_secure);
    assert_eq!(s.log_format, LogFormat::Pretty);
    assert!(!s.sync_on_startup);
    let s = settings_from(&[("SYNC_ON_STARTUP", "true"), ("SECRET_KEY", KEY)])?;
    assert!(s.sync_on_startup);
    Ok(())
}

#[test]
fn a_short_secret_key_is_rejected_naming_the_variable() {
    let err = settings_from(&[("SECRET_KEY", "abcd")])
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.starts_with("SECRET_KEY is invalid")));
}

#[test]
fn hex_and_base64_keys_are_accepted() {
    assert!(SecretKey::parse(KEY).is_ok());
    let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    assert!(SecretKey::parse(&b64).is_ok());
}

#[test]
fn bad_values_name_their_variable() {
    for (var, value) in [
        ("BIND_ADDR", "nowhere"),
        ("COOKIE_SECURE", "maybe"),
        ("SYNC_ON_STARTUP", "sometimes"),
        ("LOG_FORMAT", "xml"),
        ("DATABASE_URL", "not a url"),
    ] {
        let err = settings_from(&[(var, value), ("SECRET_KEY", KEY)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with(var), "{var}: {err}");
    }
}

#[test]
fn a_generated_key_is_kept_private_and_reused() -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("ab-key-{}", rand::random::<u64>()));
    let path = dir.join("secret.key");
    let (first, source) = load_or_generate_key(&path)?;
    assert_eq!(source, SecretKeySource::Generated(path.clone()));
    let mode = fs::metadata(&path)
        .map(|m| m.permissions().mode() & 0o777)
        .ok();
    assert_eq!(mode, Some(0o600));
    let (second, source) = load_or_generate_key(&path)?;
    assert_eq!(source, SecretKeySource::KeyFile(path));
    assert_eq!(first.expose(), second.expose());
    let _ = fs::remove_dir_all(dir);
    Ok(())
}

#[test]
fn debug_output_hides_secrets() -> Result<(), ConfigError> {
    let s = settings_from(&[("SECRET_KEY", KEY)])?;
    let shown = format!("{s:?}");
    assert!(!shown.contains(KEY));
    assert!(!shown.contains("postgres://"));
    Ok(())
}
