//! Account life cycle: invitations with single-use activation links, and password resets. The
//! link goes to the e-mail address the school holds for that very person (seed 000: no more
//! accounts that end up with the other parent).

use chrono::Duration;
use domain::mail::{ACTIVATION_LINK_DAYS, Language, Message, RESET_LINK_MINUTES};
use persistence::ids::now;
use persistence::{AnyConnection, account_tokens, accounts, outbox, roster};

use crate::auth::refresh;
use crate::error::ApiError;

/// Whom an invitation is for.
pub enum Invitee<'a> {
    Guardian { id: &'a str },
    Staff { id: &'a str },
}

/// What an invitation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invited {
    /// A link to choose a password was sent.
    LinkSent,
    /// The person already has an active account (e.g. at another school): the record was linked
    /// to it and no link was needed.
    Linked,
}

/// Links the person's record to the account of their e-mail address (creating it without a
/// password if need be) and, for an account not yet active, enqueues an activation link. Runs in
/// the caller's transaction, so the mail is sent only if all of it commits.
pub fn invite(
    conn: &mut AnyConnection,
    invitee: Invitee<'_>,
    email: &str,
    school_name: &str,
    base_url: &str,
) -> Result<Invited, ApiError> {
    let account = match accounts::find_active_by_email(conn, email)? {
        Some(account) => account,
        None => accounts::insert_person(conn, email, None)?,
    };
    match invitee {
        Invitee::Guardian { id } => roster::link_guardian_account(conn, id, &account.id)?,
        Invitee::Staff { id } => roster::link_staff_account(conn, id, &account.id)?,
    }
    if account.password_hash.is_some() {
        return Ok(Invited::Linked);
    }
    let (token, hash) = refresh::new_token().map_err(ApiError::internal)?;
    let expires_at = now() + Duration::days(ACTIVATION_LINK_DAYS);
    account_tokens::create(
        conn,
        &account.id,
        account_tokens::ACTIVATION,
        &hash,
        expires_at,
    )?;
    let link = format!("{base_url}/activate#token={token}");
    // The recipient's language is not known yet: Dutch, the schools' language.
    let mail = Message::Invitation {
        school: school_name,
        link: &link,
    }
    .render(Language::Dutch);
    outbox::enqueue(conn, mail.kind, email, &mail.subject, &mail.body)?;
    Ok(Invited::LinkSent)
}

/// Enqueues a password-reset link for the active account with this address, if there is one.
/// The caller answers the same either way.
pub fn request_reset(
    conn: &mut AnyConnection,
    email: &str,
    base_url: &str,
    language: Language,
) -> Result<(), ApiError> {
    let Some(account) = accounts::find_active_by_email(conn, email)? else {
        return Ok(());
    };
    let (token, hash) = refresh::new_token().map_err(ApiError::internal)?;
    let expires_at = now() + Duration::minutes(RESET_LINK_MINUTES);
    account_tokens::create(
        conn,
        &account.id,
        account_tokens::PASSWORD_RESET,
        &hash,
        expires_at,
    )?;
    let link = format!("{base_url}/reset-password#token={token}");
    let mail = Message::PasswordReset { link: &link }.render(language);
    outbox::enqueue(conn, mail.kind, &account.email, &mail.subject, &mail.body)?;
    Ok(())
}

/// Uses a single-use link to set the password; returns the account id. Every session of the
/// account ends. `None` when the link is unknown, used or expired.
pub fn use_link(
    conn: &mut AnyConnection,
    purpose: &str,
    token: &str,
    password_hash: &str,
) -> Result<Option<String>, ApiError> {
    let Some(row) = account_tokens::find_valid(conn, purpose, &refresh::hash(token))? else {
        return Ok(None);
    };
    if !account_tokens::mark_used(conn, &row.id)? {
        return Ok(None);
    }
    accounts::set_password(conn, &row.account_id, password_hash)?;
    persistence::sessions::revoke_all(conn, &row.account_id)?;
    Ok(Some(row.account_id))
}
