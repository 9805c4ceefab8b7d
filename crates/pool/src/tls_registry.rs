//! One shared rustls `ClientConfig` per distinct [`TlsSettings`] value, each with a number that
//! goes into the pool key.
//!
//! Sharing the configuration is what makes session resumption work across fresh connections
//! (the session store lives in it); numbering it is what keeps connections made under one
//! setting away from requests with another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustls::ClientConfig;

use crate::{Error, TlsSettings};

/// Distinct per-request settings remembered at once; past it the memory starts over (new
/// numbers, so nothing made under a forgotten setting is reused by mistake).
const MAX_REMEMBERED: usize = 64;

/// A numbered configuration.
#[derive(Debug, Clone)]
pub(crate) struct TlsConfig {
    pub(crate) id: u32,
    pub(crate) config: Arc<ClientConfig>,
}

#[derive(Debug)]
pub(crate) struct TlsRegistry {
    /// The pool's own settings, built once (number 1).
    default: Result<TlsConfig, &'static str>,
    default_settings: TlsSettings,
    others: Mutex<Others>,
}

#[derive(Debug)]
struct Others {
    by_settings: HashMap<TlsSettings, TlsConfig>,
    next_id: u32,
}

impl TlsRegistry {
    pub(crate) fn new(default_settings: TlsSettings) -> TlsRegistry {
        let default = match default_settings.client_config() {
            Ok(config) => Ok(TlsConfig { id: 1, config }),
            Err(Error::InvalidCertificate(why)) => Err(why),
            Err(_) => Err("the TLS configuration could not be built"),
        };
        TlsRegistry {
            default,
            default_settings,
            others: Mutex::new(Others {
                by_settings: HashMap::new(),
                next_id: 2,
            }),
        }
    }

    /// The configuration for `settings` (the pool's own when `None`).
    pub(crate) fn config(&self, settings: Option<&TlsSettings>) -> Result<TlsConfig, Error> {
        let settings = match settings {
            Some(s) if *s != self.default_settings => s,
            _ => return self.default.clone().map_err(Error::InvalidCertificate),
        };
        let mut others = self.others.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = others.by_settings.get(settings) {
            return Ok(found.clone());
        }
        if others.by_settings.len() >= MAX_REMEMBERED {
            others.by_settings.clear();
        }
        let id = others.next_id;
        // u32 numbers run out only after four billion distinct settings; wrapping would let a
        // new setting meet an old one's connections, so stop sharing instead.
        others.next_id = id.checked_add(1).ok_or(Error::InvalidCertificate(
            "too many distinct TLS settings for one pool",
        ))?;
        let found = TlsConfig {
            id,
            config: settings.client_config()?,
        };
        others.by_settings.insert(settings.clone(), found.clone());
        Ok(found)
    }
}
