//! Answers for requests no route takes: 405 with `Allow` when the path exists with other methods,
//! 404 otherwise. The known paths come from the contract, so the two cannot disagree.

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// The paths of the contract with the methods each accepts.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<String>)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
}

impl RouteTable {
    pub fn from_contract(contract: &OpenApi) -> RouteTable {
        let value = serde_json::to_value(&contract.paths).unwrap_or_default();
        let routes = value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let segments = path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            Segment::Parameter
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                let methods = item
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(method, _)| method.to_ascii_uppercase())
                    .filter(|m| ["GET", "PUT", "POST", "DELETE", "PATCH"].contains(&m.as_str()))
                    .collect();
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The methods the path accepts, or `None` when no route has this path.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.routes
            .iter()
            .find(|(segments, _)| {
                segments.len() == parts.len()
                    && segments
                        .iter()
                        .zip(&parts)
                        .all(|(segment, part)| match segment {
                            Segment::Parameter => true,
                            Segment::Literal(literal) => literal == part,
                        })
            })
            .map(|(_, methods)| methods.clone())
    }
}

/// The default service of the app.
pub async fn unknown_route(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    match table.allowed(req.path()) {
        Some(allow) if !allow.is_empty() => Err(ApiError::MethodNotAllowed { allow }),
        _ => Err(ApiError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_with_parameters_and_report_their_methods() {
        let table = RouteTable::from_contract(&crate::openapi::document());
        assert_eq!(
            table.allowed("/api/v1/boards"),
            Some(vec!["GET".to_owned(), "POST".to_owned()])
        );
        assert_eq!(
            table.allowed("/api/v1/boards/anything"),
            Some(vec!["GET".to_owned()])
        );
        assert_eq!(table.allowed("/api/v1/boards/a/b"), None);
        assert_eq!(table.allowed("/nothing"), None);
    }
}
