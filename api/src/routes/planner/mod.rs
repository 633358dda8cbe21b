//! The conversation planner (issue #12) over HTTP: the handlers extract, convert, call one
//! function of [`crate::services::planner`] and answer. The contract's shapes are in [`dto`].

mod booking_dto;
mod bookings;
mod desks;
mod dto;
mod feeds;
mod overview;
mod rounds;

use utoipa_actix_web::service_config::ServiceConfig;

pub use booking_dto::*;
pub use dto::*;
pub use overview::{PlannerProgress, PlannerSchedule};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(rounds::create_planner_round)
        .service(rounds::list_planner_rounds)
        .service(rounds::get_planner_round)
        .service(rounds::publish_planner_round)
        .service(rounds::list_planner_desk_slots)
        .service(rounds::create_planner_slot)
        .service(rounds::update_planner_slot)
        .service(rounds::cancel_planner_day)
        .service(bookings::get_planner_offer)
        .service(bookings::create_planner_booking)
        .service(bookings::withdraw_planner_booking)
        .service(bookings::list_my_planner_bookings)
        .service(overview::get_planner_schedule)
        .service(overview::get_planner_progress)
        .service(overview::remind_planner_round)
        .service(desks::set_planner_preparation)
        .service(desks::set_planner_desk_day)
        .service(feeds::create_planner_feed)
        .service(feeds::list_planner_feeds)
        .service(feeds::revoke_planner_feed)
        .service(feeds::get_planner_feed_ics);
}
