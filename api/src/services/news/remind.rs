//! The resend of a read confirmation (SPEC §5): the author or an admin asks the guardians who
//! still owe one. The notification engine sends it to them only (an inbox item, and an e-mail
//! whatever their preference, after quiet hours: `EventKind::always_sent`).

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::mail::Language;
use domain::news::{self as domain_news, Confirmation};
use domain::notify::EventKind;
use persistence::notify::{self, NewEvent};
use persistence::{AnyConnection, news, transaction};

use crate::audit::Audit;

use super::{NewsError, StaffPost, author_of, object, refuse, staff_post};

/// Asks the guardians who have not confirmed the post to do so; answers how many people that is
/// now. 409 for a post that asks for none.
pub fn remind(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<usize, NewsError> {
    let StaffPost {
        school,
        at,
        post,
        audience,
        ..
    } = staff_post(conn, actor, audit, id, now)?;
    if !domain_news::may_edit(actor, author_of(&post), at, &audience) {
        return Err(refuse(conn, audit, "remind_news_confirmation", id, &school));
    }
    if post.confirmation()? == Confirmation::None {
        return Err(NewsError::Conflict(super::confirm::NOT_ASKED));
    }
    let language = Language::parse(&post.language).unwrap_or_default();
    let title = match language {
        Language::Dutch => format!("Herinnering: {}", post.title),
        Language::English => format!("Reminder: {}", post.title),
    };
    let body = match language {
        Language::Dutch => "De school vraagt u te bevestigen dat u dit bericht gelezen heeft. \
                            Dat doet u in de app bij het bericht."
            .to_owned(),
        Language::English => "The school asks you to confirm that you have read this message. \
                              You do so in the app, with the message."
            .to_owned(),
    };
    transaction(conn, |conn| {
        let owed = news::unconfirmed_accounts(conn, &post.id)?.len();
        let event = NewEvent {
            school_id: school.id(),
            kind: EventKind::NewsConfirmationRequested,
            object_id: &post.id,
            urgent: false,
            language,
            title: &title,
            body: &body,
        };
        notify::emit(conn, &event, now)?;
        audit.record(
            conn,
            "remind_news_confirmation",
            object(id, school.id()),
            "ok",
        )?;
        Ok(owed)
    })
}
