//! The live stream of the caller's notifications (server-sent events).

use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use tokio::time::Instant;

use crate::auth::Authenticated;
use crate::state::AppState;

/// A comment this often keeps proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(20);

/// My live notifications
///
/// A `text/event-stream` that carries, for each new item of the caller's inbox, an event
/// `notification` whose `data` is a `LiveNotification`: the item's id, the event type and the
/// object's kind and id, never names or content; the app fetches what it needs with its token.
/// Comment lines keep the connection alive. The stream ends when the access token would expire:
/// reconnect with a fresh token, and read the inbox for what came meanwhile.
#[utoipa::path(
    tag = "notifications",
    operation_id = "stream_notifications",
    responses((
        status = 200,
        description = "The stream; each event's `data` is a `LiveNotification`.",
        content_type = "text/event-stream",
        body = crate::live::LiveNotification
    )),
    security(("bearer" = []))
)]
#[get("/me/notifications/stream")]
pub async fn notification_stream(auth: Authenticated, state: web::Data<AppState>) -> HttpResponse {
    let receiver = state.live.subscribe(&auth.0.account_id.to_string());
    let until = Instant::now() + state.config.access_token_ttl;
    let opened = futures_util::stream::once(async { Ok(Bytes::from_static(b": open\n\n")) });
    let frames = futures_util::stream::unfold(receiver, move |mut receiver| async move {
        loop {
            let now = Instant::now();
            if now >= until {
                return None;
            }
            let wait = HEARTBEAT.min(until - now);
            tokio::select! {
                frame = receiver.recv() => {
                    return frame.map(|frame| (Ok::<_, actix_web::Error>(frame), receiver));
                }
                () = tokio::time::sleep(wait) => {
                    if Instant::now() < until {
                        return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), receiver));
                    }
                }
            }
        }
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(futures_util::StreamExt::chain(opened, frames))
}
