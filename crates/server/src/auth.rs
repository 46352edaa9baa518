//! Signing in and out, sessions, CSRF and login throttling. All state is in the store
//! (sessions, their CSRF tokens, failed logins), none in the process, so any number of
//! servers can share one database.
//!
//! - **Passwords**: argon2id PHC strings (`argon2` defaults), checked off the async
//!   threads; an unknown username is checked against a dummy hash so that timing does
//!   not tell which usernames exist.
//! - **Sessions**: a random 256-bit token in the `amend_session` cookie (`HttpOnly`,
//!   `SameSite=Lax`, `Path=/`, `Secure` when the server is told it is behind HTTPS or
//!   the request says `X-Forwarded-Proto: https`); the store keeps only its SHA-256. A
//!   session lasts [`SESSION_SECONDS`]; a login always opens a new one.
//! - **CSRF**: synchronizer tokens. Each session has its own random token; every
//!   form that writes carries it in a hidden `csrf_token` field and every API write
//!   sends it in the `X-CSRF-Token` header (the login response and `GET /api/session`
//!   give it). Logging in needs no session, so the login routes instead refuse
//!   cross-site requests by their `Origin` / `Sec-Fetch-Site` headers (login CSRF),
//!   and the API login takes JSON only (a cross-site form cannot send it).
//! - **Throttling**: failed logins are stored; more than [`MAX_FAILURES_PER_USERNAME`]
//!   for one username or [`MAX_FAILURES_PER_ADDRESS`] from one address within
//!   [`WINDOW_SECONDS`] refuse further attempts with 429 until the window passes.

use std::net::SocketAddr;
use std::sync::LazyLock;

use amend_store::{Actor, NewSession, Permission, Session, User, Viewer, now};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};

use crate::{AppError, AppState};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "amend_session";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The window over which failed logins are counted.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Failed logins for one username within the window before further tries are refused.
pub const MAX_FAILURES_PER_USERNAME: i64 = 5;
/// Failed logins from one address within the window before further tries are refused.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// The header API writes carry the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A hash to check unknown usernames against, so that they take as long as known ones.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a password of anyone").unwrap_or_default());

/// The argon2id PHC string of a password.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    // The hash's own parameters are used, not the defaults.
    PasswordVerifier::<str>::verify_password(&Argon2::default(), password.as_bytes(), hash).is_ok()
}

/// `n` random bytes as lowercase hex, from the operating system.
pub fn random_hex(n: usize) -> Result<String, AppError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares two strings in time independent of where they differ.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who sent a request: their session (if any), address and whether it came over HTTPS.
#[derive(Debug, Clone)]
pub struct Auth {
    pub session: Option<Session>,
    token_hash: Option<String>,
    /// The client's address (the TCP peer).
    pub address: String,
    /// Whether cookies must be `Secure`.
    pub https: bool,
}

impl Auth {
    /// What this request may read.
    pub fn viewer(&self) -> Viewer {
        match &self.session {
            Some(s) => Viewer::User(s.user.id),
            None => Viewer::Anonymous,
        }
    }

    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The session's CSRF token, for forms.
    pub fn csrf_token(&self) -> &str {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or("")
    }

    /// The signed-in user acting now; 401 when nobody is signed in, 403 when their role
    /// lacks `permission`.
    pub fn actor(&self, permission: Permission) -> Result<Actor, AppError> {
        let user = self.user().ok_or(AppError::Unauthorized)?;
        if !user.role.may(permission) {
            return Err(AppError::Forbidden(format!(
                "a {} may not do this",
                user.role.label()
            )));
        }
        Ok(Actor::user(user, Some(self.address.clone()), now()))
    }

    /// Checks the CSRF token a write sent (form field or header) against the session's.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), AppError> {
        let session = self.session.as_ref().ok_or(AppError::Unauthorized)?;
        match sent {
            Some(token) if constant_time_eq(token, &session.csrf_token) => Ok(()),
            _ => Err(AppError::Forbidden(
                "missing or wrong CSRF token: reload the page and try again".into(),
            )),
        }
    }

    /// The CSRF token of an API request's `X-CSRF-Token` header, checked.
    pub fn check_csrf_header(&self, headers: &HeaderMap) -> Result<(), AppError> {
        let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        self.check_csrf(sent)
    }

    /// The `Set-Cookie` value that opens a session with `token`.
    fn session_cookie(&self, token: &str) -> String {
        format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECONDS}{}",
            if self.https { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clearing_cookie(&self) -> String {
        format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            if self.https { "; Secure" } else { "" }
        )
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        let https = state.secure_cookies()
            || parts
                .headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
        let mut auth = Auth {
            session: None,
            token_hash: None,
            address,
            https,
        };
        if let Some(token) = cookie_token(&parts.headers) {
            let hash = amend_store::sha256_hex(token.as_bytes());
            auth.session = state.store().session(&hash, now()).await?;
            auth.token_hash = auth.session.is_some().then_some(hash);
        }
        Ok(auth)
    }
}

/// Refuses a login request sent from another site: its `Origin` must name this host
/// and its `Sec-Fetch-Site` (when the browser sends one) must not be `cross-site`.
pub fn check_same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let refuse = || AppError::Forbidden("cross-site request refused".into());
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return Err(refuse());
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest.trim_end_matches('/'));
        if origin_host.is_none() || origin_host != host {
            return Err(refuse());
        }
    }
    Ok(())
}

/// A successful login: the session's cookie and CSRF token, and the user.
pub struct LoggedIn {
    pub cookie: HeaderValue,
    pub csrf_token: String,
    pub user: User,
}

/// Checks a username and password, throttled, and opens a session.
pub async fn login(
    state: &AppState,
    auth: &Auth,
    username: &str,
    password: &str,
) -> Result<LoggedIn, AppError> {
    let at = now();
    let username = username.trim();
    let failures = state
        .store()
        .login_failures(username, &auth.address, at - WINDOW_SECONDS)
        .await?;
    if failures.for_username >= MAX_FAILURES_PER_USERNAME
        || failures.from_address >= MAX_FAILURES_PER_ADDRESS
    {
        return Err(AppError::TooManyRequests(WINDOW_SECONDS as u64));
    }
    let credentials = state.store().credentials(username).await?;
    let hash = credentials
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = password.to_string();
    let matches = crate::blocking(move || verify_password(&hash, &password)).await?;
    let user = match credentials {
        Some(c) if matches && !c.user.disabled => c.user,
        _ => {
            let actor = Actor::anonymous(Some(auth.address.clone()), at);
            state.store().record_login_failure(&actor, username).await?;
            return Err(AppError::Unauthorized);
        }
    };
    state.store().clear_login_failures(username).await?;
    let token = random_hex(32)?;
    let csrf_token = random_hex(32)?;
    let actor = Actor::user(&user, Some(auth.address.clone()), at);
    state
        .store()
        .create_session(
            &actor,
            NewSession {
                token_hash: amend_store::sha256_hex(token.as_bytes()),
                user_id: user.id,
                csrf_token: csrf_token.clone(),
                expires_at: at + SESSION_SECONDS,
            },
        )
        .await?;
    let cookie = HeaderValue::from_str(&auth.session_cookie(&token))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(LoggedIn {
        cookie,
        csrf_token,
        user,
    })
}

/// Ends the request's session (its CSRF token must have been checked).
pub async fn logout(state: &AppState, auth: &Auth) -> Result<(), AppError> {
    if let (Some(hash), Some(user)) = (&auth.token_hash, auth.user()) {
        let actor = Actor::user(user, Some(auth.address.clone()), now());
        state.store().delete_session(&actor, hash).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horse "));
        assert!(!verify_password("not a hash", "x"));
        // Two hashes of one password differ (random salt).
        assert_ne!(hash, hash_password("correct horse").unwrap());
    }

    #[test]
    fn cookies_and_origins() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; amend_session=abc; b=2"),
        );
        assert_eq!(cookie_token(&headers), Some("abc"));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));

        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(check_same_origin(&h).is_ok());
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(check_same_origin(&h).is_ok());
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(check_same_origin(&h).is_err());
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(check_same_origin(&h).is_err());
    }
}
