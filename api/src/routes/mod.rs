//! The routing tree. Each module holds one resource; `configure` mounts them, and the OpenAPI
//! document is collected from the same tree, so a route cannot exist without its contract.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Maps a contract enum one to one onto the domain's, both ways.
macro_rules! same_enum {
    ($dto:ident, $domain:ident, [$($variant:ident),+ $(,)?]) => {
        impl From<$dto> for $domain {
            fn from(value: $dto) -> $domain {
                match value {
                    $($dto::$variant => $domain::$variant,)+
                }
            }
        }

        impl From<$domain> for $dto {
            fn from(value: $domain) -> $dto {
                match value {
                    $($domain::$variant => $dto::$variant,)+
                }
            }
        }
    };
}

pub mod absence;
pub mod audit_events;
pub mod auth;
pub mod boards;
pub mod breach;
pub mod calendar;
pub mod change_requests;
pub mod clients;
pub mod consent;
pub mod disclosures;
pub mod erasure;
pub mod export;
pub mod fields;
pub mod forms;
pub mod groups;
pub mod guardians;
pub mod health;
pub mod invitations;
pub mod leave;
pub mod me;
pub mod modules;
pub mod news;
pub mod notifications;
pub mod oauth;
pub mod pagination;
pub mod passwords;
pub mod people;
pub mod planner;
pub mod pupils;
pub mod retention;
pub mod retention_settings;
pub mod roster;
pub mod roster_sources;
pub mod schools;
pub mod staff;
pub mod sync_runs;
pub mod webhooks;

/// Mounts every route of the service.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(scope("/health").configure(health::configure));
    cfg.service(scope("/oauth").configure(oauth::configure));
    cfg.service(
        scope("/api/v1")
            .configure(auth::configure)
            .configure(passwords::configure)
            .configure(me::configure)
            .configure(export::configure)
            .configure(boards::configure)
            .configure(disclosures::configure)
            .configure(schools::configure)
            .configure(absence::configure)
            .configure(calendar::configure)
            .configure(leave::configure)
            .configure(planner::configure)
            .configure(forms::configure)
            .configure(consent::configure)
            .configure(erasure::configure)
            .configure(retention::configure)
            .configure(retention_settings::configure)
            .configure(news::configure)
            .configure(notifications::configure)
            .configure(groups::configure)
            .configure(staff::configure)
            .configure(pupils::configure)
            .configure(guardians::configure)
            .configure(audit_events::configure)
            .configure(breach::configure)
            .configure(invitations::configure)
            .configure(clients::configure)
            .configure(modules::configure)
            .configure(roster::configure)
            .configure(change_requests::configure)
            .configure(roster_sources::configure)
            .configure(sync_runs::configure)
            .configure(webhooks::configure)
            .configure(oauth::configure_api),
    );
}
