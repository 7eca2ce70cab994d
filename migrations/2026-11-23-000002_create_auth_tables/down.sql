DROP TABLE audit_log;
DROP TABLE setup_tokens;
DROP TABLE login_failures;
DROP TABLE sessions;
