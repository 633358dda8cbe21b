//! Account life cycle: invitations with single-use links, confirmations that link a school's
//! record to an existing account, and password resets. Every link goes to the e-mail address the
//! school holds for that very person (seed 000: no more accounts that end up with the other
//! parent), and a record reaches an account only when the link is used.

use chrono::Duration;
use domain::email::EmailAddress;
use domain::mail::{
    ACTIVATION_LINK_DAYS, Language, Message, RESET_LINK_MINUTES, may_send_account_link,
    may_send_reset_link,
};
use persistence::account_tokens::{self, Record};
use persistence::accounts::AccountRow;
use persistence::ids::now;
use persistence::{AnyConnection, RepoError, accounts, outbox, roster};

use crate::auth::refresh;
use crate::error::ApiError;

/// Whom an invitation is for.
pub enum Invitee<'a> {
    Guardian { id: &'a str },
    Staff { id: &'a str },
}

impl<'a> Invitee<'a> {
    fn record(&self) -> Record<'a> {
        match self {
            Invitee::Guardian { id } => Record::Guardian(id),
            Invitee::Staff { id } => Record::Staff(id),
        }
    }
}

/// Mails the person a link for their record: to activate a new account (choosing a password), or,
/// when an account has this address already, to confirm that the record is theirs. Until the link
/// is used the record is linked to no account, so a roster that names someone's address gives
/// them nothing unasked. The caller's answer is the same either way (no account oracle). Runs in
/// the caller's transaction, so the mail is sent only if all of it commits. A disabled account
/// gets nothing.
pub fn invite(
    conn: &mut AnyConnection,
    invitee: Invitee<'_>,
    email: &str,
    school_name: &str,
    base_url: &str,
) -> Result<(), ApiError> {
    // An address the school holds that is not one gets no link (and no account).
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(());
    };
    let email = email.as_str();
    // The lock comes before any read: links are counted one request after another.
    accounts::lock_by_email(conn, email)?;
    let account = match accounts::find_by_email(conn, email)? {
        Some(account) if account.disabled_at.is_some() => return Ok(()),
        Some(account) => account,
        None => accounts::insert_person(conn, email, None)?,
    };
    let (purpose, path) = if account.password_hash.is_some() {
        (account_tokens::LINK, "confirm-link")
    } else {
        (account_tokens::ACTIVATION, "activate")
    };
    let day_ago = now() - Duration::days(1);
    if !may_send_account_link(account_tokens::count_since(
        conn,
        &account.id,
        purpose,
        day_ago,
    )?) {
        log::info!("invitation: daily limit of links for this account reached; no mail sent");
        return Ok(());
    }
    // A new link for this record replaces the earlier ones.
    account_tokens::expire_for_record(conn, &account.id, purpose, invitee.record())?;
    let (token, hash) = refresh::new_token().map_err(ApiError::internal)?;
    let expires_at = now() + Duration::days(ACTIVATION_LINK_DAYS);
    account_tokens::create(
        conn,
        &account.id,
        purpose,
        &hash,
        expires_at,
        Some(invitee.record()),
    )?;
    let link = format!("{base_url}/{path}#token={token}");
    // The recipient's language is not known yet: Dutch, the schools' language.
    let mail = if purpose == account_tokens::LINK {
        Message::LinkConfirmation {
            school: school_name,
            link: &link,
        }
    } else {
        Message::Invitation {
            school: school_name,
            link: &link,
        }
    }
    .render(Language::Dutch);
    outbox::enqueue(conn, mail.kind, email, &mail.subject, &mail.body)?;
    Ok(())
}

/// Enqueues a password-reset link for the active account with this address, if there is one and
/// fewer than a few were sent in the past hour; a new link ends the earlier ones. The caller
/// answers the same either way. Call it in a transaction: the account's row is locked first, so
/// parallel requests are counted one after another.
pub fn request_reset(
    conn: &mut AnyConnection,
    email: &str,
    base_url: &str,
    language: Language,
) -> Result<(), ApiError> {
    // The lock comes before any read: on SQLite a transaction that read first cannot take the
    // write lock while another one commits.
    accounts::lock_by_email(conn, email)?;
    let Some(account) = accounts::find_active_by_email(conn, email)? else {
        return Ok(());
    };
    let hour_ago = now() - Duration::hours(1);
    let sent =
        account_tokens::count_since(conn, &account.id, account_tokens::PASSWORD_RESET, hour_ago)?;
    if !may_send_reset_link(sent) {
        log::info!("password reset: hourly limit reached; no mail sent");
        return Ok(());
    }
    account_tokens::expire_unused(conn, &account.id, account_tokens::PASSWORD_RESET)?;
    let (token, hash) = refresh::new_token().map_err(ApiError::internal)?;
    let expires_at = now() + Duration::minutes(RESET_LINK_MINUTES);
    account_tokens::create(
        conn,
        &account.id,
        account_tokens::PASSWORD_RESET,
        &hash,
        expires_at,
        None,
    )?;
    let link = format!("{base_url}/reset-password#token={token}");
    let mail = Message::PasswordReset { link: &link }.render(language);
    outbox::enqueue(conn, mail.kind, &account.email, &mail.subject, &mail.body)?;
    Ok(())
}

/// What using a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkUse {
    /// The link is unknown, used or expired (or its account was disabled).
    Invalid,
    /// The password was set; every session of the account ended.
    PasswordSet { account_id: String },
    /// An activation link of an account that was activated since (with another link): its record
    /// is linked, the password stays as the holder chose it.
    AlreadyActive,
    /// A confirmation link: its record is linked.
    Confirmed,
}

/// Uses up a single-use link and links the record it names to the account (if the record still
/// holds the account's address). The link is taken first (a write), then read.
fn use_token(
    conn: &mut AnyConnection,
    purpose: &str,
    token: &str,
) -> Result<Option<AccountRow>, ApiError> {
    let Some(row) = account_tokens::take_valid(conn, purpose, &refresh::hash(token))? else {
        return Ok(None);
    };
    let account = match accounts::find_active(conn, &row.account_id) {
        Ok(account) => account,
        Err(RepoError::NotFound) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    if let Some(record) = row.record()
        && !roster::link_if_addressed(conn, record, &account.id, &account.email)?
    {
        // The school changed the address since, or another account holds the record.
        log::info!("link used, but its record no longer holds the account's address");
    }
    Ok(Some(account))
}

/// Whether a link of this purpose is valid now (checked before a password is hashed for it).
pub fn link_is_valid(
    conn: &mut AnyConnection,
    purpose: &str,
    token: &str,
) -> Result<bool, ApiError> {
    Ok(account_tokens::find_valid(conn, purpose, &refresh::hash(token))?.is_some())
}

/// Uses an activation or reset link to set the password; every session of the account ends. An
/// activation link of an account that is active already only links its record: an old invitation
/// in a mailbox is no second, week-long reset link.
pub fn use_link(
    conn: &mut AnyConnection,
    purpose: &str,
    token: &str,
    password_hash: &str,
) -> Result<LinkUse, ApiError> {
    let Some(account) = use_token(conn, purpose, token)? else {
        return Ok(LinkUse::Invalid);
    };
    if purpose == account_tokens::ACTIVATION && account.password_hash.is_some() {
        return Ok(LinkUse::AlreadyActive);
    }
    accounts::set_password(conn, &account.id, password_hash)?;
    persistence::sessions::revoke_all(conn, &account.id)?;
    Ok(LinkUse::PasswordSet {
        account_id: account.id,
    })
}

/// Uses a confirmation link: the school's record joins the account.
pub fn confirm_link(conn: &mut AnyConnection, token: &str) -> Result<LinkUse, ApiError> {
    Ok(match use_token(conn, account_tokens::LINK, token)? {
        Some(_) => LinkUse::Confirmed,
        None => LinkUse::Invalid,
    })
}
