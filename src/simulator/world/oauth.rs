//! The world's side of OAuth: device codes, token issue and refresh, access checks.

use chrono::Duration;
use serde_json::{Value, json};

use super::{State, World};
use crate::simulator::oauth::*;

impl State {
    /// `POST /auth/oauth/device`: a new device code (approved at once with `auto_approve`).
    pub(crate) fn device_authorize(&mut self, client_id: &str, scope: Option<&str>) -> Value {
        const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let device_code = random_string(32, ALNUM);
        let user_code = random_string(9, LOWER);
        let state = if self.config.auto_approve {
            DeviceState::Approved(0)
        } else {
            DeviceState::Pending
        };
        let device = Device {
            user_code: user_code.clone(),
            client_id: client_id.to_owned(),
            scopes: narrow_scopes(scope, &self.config.declared_scopes),
            expires_at: self.now() + Duration::seconds(DEVICE_CODE_TTL_SECS),
            state,
            last_poll: None,
        };
        self.oauth.devices.insert(device_code.clone(), device);
        let uri = format!("{}/skojarz-aplikacje", self.base_url);
        json!({
            "device_code": device_code,
            "expires_in": DEVICE_CODE_TTL_SECS,
            "user_code": user_code,
            "interval": POLL_INTERVAL_SECS,
            "verification_uri": uri,
            "verification_uri_complete": format!("{uri}?code={user_code}"),
        })
    }

    /// The device grant of `POST /auth/oauth/token`.
    pub(crate) fn token_for_device(
        &mut self,
        device_code: &str,
        client_id: &str,
    ) -> Result<Value, OAuthError> {
        let now = self.now();
        let device = self
            .oauth
            .devices
            .get_mut(device_code)
            .filter(|d| {
                d.expires_at > now && d.state != DeviceState::Used && d.client_id == client_id
            })
            .ok_or_else(OAuthError::invalid_device_code)?;
        let too_fast = device
            .last_poll
            .is_some_and(|last| now - last < Duration::seconds(POLL_INTERVAL_SECS));
        device.last_poll = Some(now);
        match device.state {
            DeviceState::Denied => Err(OAuthError::new(
                "access_denied",
                "The resource owner or authorization server denied the request.",
            )),
            _ if too_fast => Err(OAuthError::new(
                "slow_down",
                "Polling too frequently, please slow down.",
            )),
            DeviceState::Pending => Err(OAuthError::new(
                "authorization_pending",
                "User has not authorized the device code yet.",
            )),
            DeviceState::Used => Err(OAuthError::invalid_device_code()),
            DeviceState::Approved(seller) => {
                device.state = DeviceState::Used;
                let client_id = device.client_id.clone();
                let scopes = device.scopes.clone();
                // A new grant chain.
                let sid = uuid::Uuid::new_v4().to_string();
                let generation = self.oauth.next_generation();
                self.oauth.chains.insert(
                    sid.clone(),
                    Chain {
                        generation,
                        previous_refresh: None,
                    },
                );
                Ok(self.mint(seller, &client_id, scopes, &sid, generation))
            }
        }
    }

    /// The seller whose Allegro user id a token names.
    fn token_seller(&self, claims: &Claims) -> Option<usize> {
        self.sellers
            .iter()
            .position(|s| s.profile.id == claims.user_name)
    }

    /// The refresh grant: a new pair; the old access token dies at once, the old refresh token
    /// after a 60 s grace (within it, it gets another pair of the new generation).
    pub(crate) fn token_for_refresh(&mut self, refresh_token: &str) -> Result<Value, OAuthError> {
        let now = self.now();
        let invalid = || {
            OAuthError::new(
                "invalid_grant",
                format!("Invalid refresh token: {refresh_token}"),
            )
        };
        let claims = self
            .oauth
            .verify(refresh_token)
            .filter(|c| c.kind == TokenKind::Refresh && c.exp > now.timestamp())
            .ok_or_else(invalid)?;
        let seller = self.token_seller(&claims).ok_or_else(invalid)?;
        if self.oauth.revoked(seller, &claims) {
            return Err(invalid());
        }
        let next = self.oauth.next_generation();
        // Unknown chain (a restart): this token is taken as its newest.
        let chain = self
            .oauth
            .chains
            .entry(claims.sid.clone())
            .or_insert(Chain {
                generation: claims.generation,
                previous_refresh: None,
            });
        let generation = if claims.generation >= chain.generation {
            chain.previous_refresh = Some((
                claims.jti.clone(),
                now + Duration::seconds(REFRESH_GRACE_SECS),
            ));
            chain.generation = next;
            next
        } else if chain
            .previous_refresh
            .as_ref()
            .is_some_and(|(jti, deadline)| *jti == claims.jti && now <= *deadline)
        {
            chain.generation
        } else {
            return Err(invalid());
        };
        self.oauth.refreshes += 1;
        Ok(self.mint(
            seller,
            &claims.client_id,
            claims.scope,
            &claims.sid,
            generation,
        ))
    }

    fn mint(
        &mut self,
        seller: usize,
        client_id: &str,
        scopes: Vec<String>,
        sid: &str,
        generation: u64,
    ) -> Value {
        let now = self.now();
        // Whole seconds, as Allegro's `expires_in`; at least one.
        let lifetime = i64::try_from(self.config.access_token_lifetime.as_secs())
            .unwrap_or(i64::MAX)
            .max(1);
        let user_name = self
            .sellers
            .get(seller)
            .map(|s| s.profile.id.clone())
            .unwrap_or_default();
        let jti = uuid::Uuid::new_v4().to_string();
        let access_token = self.oauth.sign(&Claims {
            exp: (now + Duration::seconds(lifetime)).timestamp(),
            user_name: user_name.clone(),
            jti: jti.clone(),
            client_id: client_id.to_owned(),
            scope: scopes.clone(),
            allegro_api: true,
            ati: None,
            kind: TokenKind::Access,
            sid: sid.to_owned(),
            generation,
        });
        let refresh_token = self.oauth.sign(&Claims {
            exp: (now + Duration::days(REFRESH_TTL_DAYS)).timestamp(),
            user_name,
            jti: uuid::Uuid::new_v4().to_string(),
            client_id: client_id.to_owned(),
            scope: scopes.clone(),
            allegro_api: true,
            ati: Some(jti.clone()),
            kind: TokenKind::Refresh,
            sid: sid.to_owned(),
            generation,
        });
        json!({
            "access_token": access_token,
            "token_type": "bearer",
            "refresh_token": refresh_token,
            "expires_in": lifetime,
            "scope": scopes.join(" "),
            "allegro_api": true,
            "jti": jti,
        })
    }

    /// Checks a bearer token; `Ok((seller, client_id, scopes))`. A rotated or revoked token is
    /// as unknown as garbage.
    pub(crate) fn check_access(
        &mut self,
        token: Option<&str>,
    ) -> Result<(usize, String, Vec<String>), TokenProblem> {
        let token = token.ok_or(TokenProblem::Missing)?;
        let claims = self
            .oauth
            .verify(token)
            .filter(|c| c.kind == TokenKind::Access)
            .ok_or(TokenProblem::Unknown)?;
        let seller = self.token_seller(&claims).ok_or(TokenProblem::Unknown)?;
        let current = self.oauth.chains.get(&claims.sid).map(|c| c.generation);
        if self.oauth.revoked(seller, &claims)
            || current.is_some_and(|current| claims.generation < current)
        {
            return Err(TokenProblem::Unknown);
        }
        if claims.exp <= self.now().timestamp() {
            return Err(TokenProblem::Expired);
        }
        if current.is_none() {
            // Unknown chain (a restart): this token is taken as its newest.
            self.oauth.chains.insert(
                claims.sid.clone(),
                Chain {
                    generation: claims.generation,
                    previous_refresh: None,
                },
            );
        }
        Ok((seller, claims.client_id, claims.scope))
    }
}

impl World {
    /// Refresh grants answered with a new token pair so far (failed grants not counted).
    pub fn token_refreshes(&self) -> u64 {
        self.lock().oauth.refreshes
    }

    /// Approves a pending device code for a seller (what the person does on the verification
    /// page); false for an unknown, expired or already decided code or a bad seller index.
    pub fn approve(&self, user_code: &str, seller_index: usize) -> bool {
        self.decide(user_code, DeviceState::Approved(seller_index))
    }

    /// Denies a pending device code.
    pub fn deny(&self, user_code: &str) -> bool {
        self.decide(user_code, DeviceState::Denied)
    }

    fn decide(&self, user_code: &str, decision: DeviceState) -> bool {
        let mut state = self.lock();
        let now = state.now();
        if let DeviceState::Approved(i) = decision {
            if i >= state.sellers.len() {
                return false;
            }
        }
        match state.oauth.device_by_user_code(user_code) {
            Some(d) if d.expires_at > now && d.state == DeviceState::Pending => {
                d.state = decision;
                true
            }
            _ => false,
        }
    }
}
