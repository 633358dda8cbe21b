//! Due e-mail deliveries into the outbox: one mail per message sent on its own, one overview per
//! person and school for those that waited for it. In one transaction with the claim, so a
//! delivery is written to the outbox exactly once; the outbox worker sends it over SMTP.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use domain::mail::Language;
use domain::notify::SchoolSettings;
use domain::notify::mail::{Item, digest, single};
use persistence::notify::{self, DueEmail};
use persistence::{AnyConnection, Database, RepoError, outbox, transaction};

/// Deliveries per round.
const BATCH: i64 = 500;

/// Hands the deliveries due at `now` to the outbox; returns how many mails were written.
pub fn hand_due_emails(db: &Database, now: DateTime<Utc>) -> Result<usize, RepoError> {
    let mut conn = db.get()?;
    transaction(&mut conn, |conn| {
        let due = notify::claim_due_emails(conn, now.naive_utc(), BATCH)?;
        let mut overviews: BTreeMap<(String, String), Vec<DueEmail>> = BTreeMap::new();
        let mut written = 0;
        // One settings read per school in the round, not per mail.
        let mut schools: HashMap<String, SchoolSettings> = HashMap::new();
        let mut settings_of =
            |conn: &mut AnyConnection, school: &str| -> Result<SchoolSettings, RepoError> {
                if let Some(found) = schools.get(school) {
                    return Ok(*found);
                }
                let read = notify::school_settings(conn, school)?;
                schools.insert(school.to_owned(), read);
                Ok(read)
            };
        for mail in due {
            if mail.in_digest {
                overviews
                    .entry((mail.account_id.clone(), mail.school_id.clone()))
                    .or_default()
                    .push(mail);
                continue;
            }
            let settings = settings_of(conn, &mail.school_id)?;
            let rendered = single(
                &mail.school_name,
                &item(&mail),
                settings.email_content,
                language(&mail),
            );
            outbox::enqueue(
                conn,
                rendered.kind,
                &mail.to,
                &rendered.subject,
                &rendered.body,
            )?;
            written += 1;
        }
        for ((_, school), mails) in overviews {
            let settings = settings_of(conn, &school)?;
            let items: Vec<Item<'_>> = mails.iter().map(item).collect();
            let first = &mails[0];
            let rendered = digest(
                &first.school_name,
                &items,
                settings.email_content,
                language(first),
            );
            outbox::enqueue(
                conn,
                rendered.kind,
                &first.to,
                &rendered.subject,
                &rendered.body,
            )?;
            written += 1;
        }
        Ok(written)
    })
}

fn item(mail: &DueEmail) -> Item<'_> {
    Item {
        title: &mail.title,
        body: &mail.body,
        children: &mail.children,
        urgent: mail.urgent,
    }
}

fn language(mail: &DueEmail) -> Language {
    Language::parse(&mail.language).unwrap_or_default()
}
