//! E-mail: the messages the portal sends, in Dutch and English, and when a failed delivery is
//! retried. Rendering is pure; the outbox and SMTP live elsewhere.

use chrono::{Duration, NaiveDateTime};

/// The language of a message (SPEC §13: Dutch and English).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Dutch,
    English,
}

impl Language {
    /// The BCP 47 tag, for `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Dutch => "nl",
            Language::English => "en",
        }
    }

    /// The language of a stored tag (as `tag` gives it).
    pub fn parse(tag: &str) -> Option<Language> {
        [Language::Dutch, Language::English]
            .into_iter()
            .find(|l| l.tag() == tag)
    }

    /// The first supported language in an `Accept-Language` header, Dutch otherwise.
    pub fn from_accept_language(header: Option<&str>) -> Language {
        let Some(header) = header else {
            return Language::Dutch;
        };
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("nl") {
                return Language::Dutch;
            }
            if tag.starts_with("en") {
                return Language::English;
            }
        }
        Language::Dutch
    }
}

/// How long a link in an invitation stays valid.
pub const ACTIVATION_LINK_DAYS: i64 = 7;
/// How long a password-reset link stays valid (OWASP: short-lived, single use).
pub const RESET_LINK_MINUTES: i64 = 60;

/// Reset links per account per hour: enough for a mail that got lost, not a flood of mail and of
/// valid links (OWASP Forgot Password Cheat Sheet). A new link ends the earlier ones.
pub const RESET_LINKS_PER_HOUR: i64 = 3;

/// Activation and confirmation links per account per day: enough for a family at a few schools and a
/// re-sent invitation, not a way to flood someone's inbox through a school or a roster.
pub const ACCOUNT_LINKS_PER_DAY: i64 = 5;

/// Whether another activation or confirmation link may be sent, given how many of that kind were
/// sent to the account in the past day.
pub fn may_send_account_link(sent_in_last_day: i64) -> bool {
    sent_in_last_day < ACCOUNT_LINKS_PER_DAY
}

/// Whether another reset link may be sent, given how many were sent in the past hour.
pub fn may_send_reset_link(sent_in_last_hour: i64) -> bool {
    sent_in_last_hour < RESET_LINKS_PER_HOUR
}

/// A message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    /// An account was made for the person the school holds this address for.
    Invitation {
        school: &'a str,
        link: &'a str,
    },
    PasswordReset {
        link: &'a str,
    },
    /// To an address that has an account already: a school holds it for one of its guardians or
    /// staff. The school's records reach the account only when its holder confirms (seed 000).
    LinkConfirmation {
        school: &'a str,
        link: &'a str,
    },
    /// To the school's administration: a roster sync was held because it would deactivate much
    /// of the school; an admin confirms it in the portal. Counts only, no personal data.
    SyncHeld {
        school: &'a str,
        reason: crate::sync_hold::HoldReason,
    },
    /// To the school's administration: a guardian asked for a change. No personal data in the
    /// mail; staff read the request in the portal's queue.
    ChangeRequestReceived {
        school: &'a str,
    },
    /// To the guardian: what became of their request (SPEC §4).
    ChangeRequestDecided {
        school: &'a str,
        status: crate::change_request::Status,
    },
}

/// Subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
}

impl Message<'_> {
    pub fn render(&self, language: Language) -> Rendered {
        match (self, language) {
            (Message::Invitation { school, link }, Language::Dutch) => Rendered {
                kind: "invitation",
                subject: format!("Uw account voor het ouderportaal van {school}"),
                body: format!(
                    "Beste ouder/verzorger,\n\n{school} heeft een account voor u aangemaakt in het ouderportaal.\n\
                     Kies uw wachtwoord via deze link (7 dagen geldig, één keer te gebruiken):\n\n{link}\n\n\
                     Kende u deze school niet? Dan kunt u dit bericht negeren.\n"
                ),
            },
            (Message::Invitation { school, link }, Language::English) => Rendered {
                kind: "invitation",
                subject: format!("Your account for the parent portal of {school}"),
                body: format!(
                    "Dear parent or guardian,\n\n{school} has created an account for you in the parent portal.\n\
                     Choose your password with this link (valid for 7 days, usable once):\n\n{link}\n\n\
                     If you do not know this school, you can ignore this message.\n"
                ),
            },
            (Message::LinkConfirmation { school, link }, Language::Dutch) => Rendered {
                kind: "link_confirmation",
                subject: format!("Bevestig uw koppeling met {school} in het ouderportaal"),
                body: format!(
                    "Beste ouder/verzorger,\n\n{school} heeft dit e-mailadres in zijn administratie staan.\n\
                     U heeft al een account in het ouderportaal. Bevestig via deze link dat u het bent; \
                     pas daarna ziet u de gegevens van {school} in uw account (7 dagen geldig, één keer \
                     te gebruiken):\n\n{link}\n\n\
                     Kent u deze school niet? Negeer dit bericht dan: er verandert niets.\n"
                ),
            },
            (Message::LinkConfirmation { school, link }, Language::English) => Rendered {
                kind: "link_confirmation",
                subject: format!("Confirm your link with {school} in the parent portal"),
                body: format!(
                    "Dear parent or guardian,\n\n{school} holds this e-mail address in its records.\n\
                     You already have an account in the parent portal. Confirm with this link that this \
                     is you; only then does your account show {school}'s information (valid for 7 days, \
                     usable once):\n\n{link}\n\n\
                     If you do not know this school, ignore this message: nothing changes.\n"
                ),
            },
            (Message::PasswordReset { link }, Language::Dutch) => Rendered {
                kind: "password_reset",
                subject: "Nieuw wachtwoord voor het ouderportaal".to_owned(),
                body: format!(
                    "Er is gevraagd om een nieuw wachtwoord voor uw account.\n\
                     Kies een nieuw wachtwoord via deze link (60 minuten geldig, één keer te gebruiken):\n\n{link}\n\n\
                     Heeft u dit niet gevraagd? Dan blijft uw wachtwoord ongewijzigd.\n"
                ),
            },
            (Message::PasswordReset { link }, Language::English) => Rendered {
                kind: "password_reset",
                subject: "New password for the parent portal".to_owned(),
                body: format!(
                    "Someone asked for a new password for your account.\n\
                     Choose a new password with this link (valid for 60 minutes, usable once):\n\n{link}\n\n\
                     If you did not ask for this, your password stays as it is.\n"
                ),
            },
            (Message::SyncHeld { school, reason }, Language::Dutch) => Rendered {
                kind: "sync_held",
                // Dutch words for the reason; counts only.
                subject: format!("Synchronisatie van {school} wacht op bevestiging"),
                body: format!(
                    "Een synchronisatie met de leerlingadministratie is niet uitgevoerd: {}.\n\
                     Er is niets gewijzigd. Controleer de koppeling; is de wijziging juist, bevestig \
                     de synchronisatie dan in het ouderportaal (Synchronisaties).\n",
                    match reason {
                        crate::sync_hold::HoldReason::ManyPupils { deactivated, of } => format!(
                            "daarmee zouden binnen een dag {deactivated} van de {of} leerlingen \
                             worden uitgeschreven"
                        ),
                        crate::sync_hold::HoldReason::ManyGuardians { changed, of } => format!(
                            "daarmee zouden {changed} van de {of} ouders/verzorgers vervallen of \
                             een ander e-mailadres krijgen"
                        ),
                        crate::sync_hold::HoldReason::NoAdminsLeft =>
                            "daarna zou geen van de huidige beheerders van de school overblijven"
                                .to_owned(),
                    }
                ),
            },
            (Message::SyncHeld { school, reason }, Language::English) => Rendered {
                kind: "sync_held",
                subject: format!("A sync of {school} awaits confirmation"),
                body: format!(
                    "A sync with the student administration was not applied: {}.\n\
                     Nothing was changed. Check the connection; if the change is right, confirm the \
                     sync in the parent portal (sync runs).\n",
                    reason.describe()
                ),
            },
            (Message::ChangeRequestReceived { school }, Language::Dutch) => Rendered {
                kind: "change_request_received",
                subject: format!("Nieuw wijzigingsverzoek voor {school}"),
                body: "Een ouder/verzorger heeft een wijzigingsverzoek ingediend.\n\
                     U vindt het in de wachtrij wijzigingsverzoeken van het ouderportaal. Verwerk de \
                     wijziging in de leerlingadministratie; de volgende synchronisatie neemt haar over.\n"
                    .to_owned(),
            },
            (Message::ChangeRequestReceived { school }, Language::English) => Rendered {
                kind: "change_request_received",
                subject: format!("New change request for {school}"),
                body: "A parent or guardian has submitted a change request.\n\
                     You find it in the portal's change request queue. Make the change in the student \
                     administration; the next sync brings it into the portal.\n"
                    .to_owned(),
            },
            (Message::ChangeRequestDecided { school, status }, Language::Dutch) => {
                use crate::change_request::Status;
                let outcome = match status {
                    Status::Processed | Status::Resolved => "is verwerkt",
                    Status::PartlyProcessed => "is gedeeltelijk verwerkt",
                    Status::Rejected => "is afgewezen",
                    Status::Open | Status::Replaced => "is bijgewerkt",
                };
                Rendered {
                    kind: "change_request_decided",
                    subject: format!("Uw wijzigingsverzoek bij {school} {outcome}"),
                    body: format!(
                        "Beste ouder/verzorger,\n\nUw wijzigingsverzoek bij {school} {outcome}.\n\
                         In het ouderportaal ziet u per gegeven wat de school heeft gedaan.\n"
                    ),
                }
            }
            (Message::ChangeRequestDecided { school, status }, Language::English) => {
                use crate::change_request::Status;
                let outcome = match status {
                    Status::Processed | Status::Resolved => "has been processed",
                    Status::PartlyProcessed => "has been partly processed",
                    Status::Rejected => "has been rejected",
                    Status::Open | Status::Replaced => "has been updated",
                };
                Rendered {
                    kind: "change_request_decided",
                    subject: format!("Your change request at {school} {outcome}"),
                    body: format!(
                        "Dear parent or guardian,\n\nYour change request at {school} {outcome}.\n\
                         The parent portal shows what the school did with each detail.\n"
                    ),
                }
            }
        }
    }
}

/// When to try again after `attempts` failed deliveries: doubling from `base`, at most `max`.
pub fn retry_at(now: NaiveDateTime, attempts: u32, base: Duration, max: Duration) -> NaiveDateTime {
    let factor = 1i32.checked_shl(attempts.min(20)).unwrap_or(i32::MAX);
    let delay = base.checked_mul(factor).unwrap_or(max).min(max);
    now + delay
}

/// Default first retry delay and the longest wait between tries: a mail server that is down for
/// maintenance gets its messages within an hour of coming back (SPEC §6: never lost).
pub const RETRY_BASE_SECONDS: i64 = 30;
pub const RETRY_MAX_SECONDS: i64 = 3600;

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn retries_double_until_the_maximum() {
        let base = Duration::seconds(RETRY_BASE_SECONDS);
        let max = Duration::seconds(RETRY_MAX_SECONDS);
        let delays: Vec<i64> = (0..9)
            .map(|n| (retry_at(now(), n, base, max) - now()).num_seconds())
            .collect();
        assert_eq!(delays, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(
            (retry_at(now(), 1000, base, max) - now()).num_seconds(),
            3600
        );
    }

    #[test]
    fn messages_come_in_dutch_unless_english_is_preferred() {
        assert_eq!(Language::from_accept_language(None), Language::Dutch);
        assert_eq!(
            Language::from_accept_language(Some("en-GB,en;q=0.9")),
            Language::English
        );
        assert_eq!(
            Language::from_accept_language(Some("nl-NL,en;q=0.5")),
            Language::Dutch
        );
        assert_eq!(
            Language::from_accept_language(Some("fr, de")),
            Language::Dutch
        );
    }

    #[test]
    fn an_invitation_names_the_school_and_carries_the_link_in_either_language() {
        let message = Message::Invitation {
            school: "OBS De Linde",
            link: "https://x/activate#t",
        };
        for language in [Language::Dutch, Language::English] {
            let rendered = message.render(language);
            assert!(rendered.subject.contains("OBS De Linde"));
            assert!(rendered.body.contains("https://x/activate#t"));
        }
        assert!(message.render(Language::Dutch).body.contains("7 dagen"));
        assert!(message.render(Language::English).body.contains("7 days"));
    }

    #[test]
    fn a_link_confirmation_names_the_school_and_the_link() {
        let message = Message::LinkConfirmation {
            school: "OBS De Linde",
            link: "https://x/confirm#t",
        };
        for language in [Language::Dutch, Language::English] {
            let rendered = message.render(language);
            assert!(rendered.subject.contains("OBS De Linde"));
            assert!(rendered.body.contains("https://x/confirm#t"));
        }
    }

    #[test]
    fn five_account_links_a_day() {
        assert!(may_send_account_link(4));
        assert!(!may_send_account_link(5));
    }

    #[test]
    fn three_reset_links_an_hour() {
        assert!(may_send_reset_link(0));
        assert!(may_send_reset_link(2));
        assert!(!may_send_reset_link(3));
    }
}
