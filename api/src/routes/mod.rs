//! The routing tree. Each module holds one resource; `configure` mounts them, and the OpenAPI
//! document is collected from the same tree, so a route cannot exist without its contract.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub mod auth;
pub mod boards;
pub mod health;
pub mod pagination;

/// Mounts every route of the service.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(scope("/health").configure(health::configure));
    cfg.service(
        scope("/api/v1")
            .configure(auth::configure)
            .configure(boards::configure),
    );
}
