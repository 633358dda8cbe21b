//! The e-mails of the notification engine: one message, or a person's daily overview for one
//! school (SPEC §6). One mail per person, not per child: the children it concerns are named
//! together. A school that keeps content in the portal gets mails that only say there is news.

use crate::mail::{Language, Rendered};

use super::plan::EmailContent;

/// One message as a mail shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// The person's children it concerns, already combined ([`combine_names`]); may be empty.
    pub children: &'a str,
    pub urgent: bool,
}

/// "Sanne", "Sanne en Daan", "Sanne, Daan en Mila" (or "and" in English); each name once.
pub fn combine_names(names: &[&str], language: Language) -> String {
    let mut unique: Vec<&str> = Vec::with_capacity(names.len());
    for name in names {
        if !unique.contains(name) {
            unique.push(name);
        }
    }
    let and = match language {
        Language::Dutch => "en",
        Language::English => "and",
    };
    match unique.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {and} {last}", rest.join(", ")),
    }
}

fn about(children: &str, language: Language) -> String {
    match (children.is_empty(), language) {
        (true, _) => String::new(),
        (false, Language::Dutch) => format!("Dit bericht gaat over {children}.\n\n"),
        (false, Language::English) => format!("This message concerns {children}.\n\n"),
    }
}

fn footer(language: Language) -> &'static str {
    match language {
        Language::Dutch => {
            "\n--\nU ontvangt dit bericht via het ouderportaal. Hoe en wanneer u berichten krijgt, \
             stelt u in de app in (Meldingen).\n"
        }
        Language::English => {
            "\n--\nYou receive this message through the parent portal. How and when you receive \
             messages is set in the app (Notifications).\n"
        }
    }
}

/// A mail about one message.
pub fn single(
    school: &str,
    item: &Item<'_>,
    content: EmailContent,
    language: Language,
) -> Rendered {
    let urgent = match (item.urgent, language) {
        (false, _) => "",
        (true, Language::Dutch) => "[Spoed] ",
        (true, Language::English) => "[Urgent] ",
    };
    let (subject, text) = match (content, language) {
        (EmailContent::Full, _) => (
            format!("{urgent}{}", item.title),
            format!(
                "{}{}\n\n{}\n",
                about(item.children, language),
                item.title,
                item.body
            ),
        ),
        (EmailContent::NoticeOnly, Language::Dutch) => (
            format!("{urgent}Nieuw bericht van {school}"),
            format!(
                "{}Er staat een nieuw bericht van {school} voor u klaar in het ouderportaal.\n",
                about(item.children, language)
            ),
        ),
        (EmailContent::NoticeOnly, Language::English) => (
            format!("{urgent}New message from {school}"),
            format!(
                "{}A new message from {school} is waiting for you in the parent portal.\n",
                about(item.children, language)
            ),
        ),
    };
    Rendered {
        kind: "notification",
        subject,
        body: format!("{text}{}", footer(language)),
    }
}

/// A person's daily overview of one school's messages, in the order given.
pub fn digest(
    school: &str,
    items: &[Item<'_>],
    content: EmailContent,
    language: Language,
) -> Rendered {
    let subject = match language {
        Language::Dutch => format!("Dagoverzicht van {school}: {} bericht(en)", items.len()),
        Language::English => format!("Daily overview from {school}: {} message(s)", items.len()),
    };
    let mut text = match language {
        Language::Dutch => format!("Nieuw in het ouderportaal van {school}:\n\n"),
        Language::English => format!("New in the parent portal of {school}:\n\n"),
    };
    for item in items {
        match content {
            EmailContent::Full => {
                text.push_str(&format!("- {}", item.title));
                if !item.children.is_empty() {
                    text.push_str(&format!(" ({})", item.children));
                }
                text.push('\n');
            }
            EmailContent::NoticeOnly => {}
        }
    }
    if content == EmailContent::NoticeOnly {
        text.push_str(match language {
            Language::Dutch => "Lees de berichten in de app.\n",
            Language::English => "Read the messages in the app.\n",
        });
    }
    Rendered {
        kind: "digest",
        subject,
        body: format!("{text}{}", footer(language)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item<'a>(title: &'a str, body: &'a str, children: &'a str) -> Item<'a> {
        Item {
            title,
            body,
            children,
            urgent: false,
        }
    }

    #[test]
    fn children_are_named_together_each_once() {
        let nl = Language::Dutch;
        assert_eq!(combine_names(&[], nl), "");
        assert_eq!(combine_names(&["Sanne"], nl), "Sanne");
        assert_eq!(combine_names(&["Sanne", "Daan"], nl), "Sanne en Daan");
        assert_eq!(
            combine_names(&["Sanne", "Daan", "Mila", "Daan"], nl),
            "Sanne, Daan en Mila"
        );
        assert_eq!(
            combine_names(&["Sanne", "Daan"], Language::English),
            "Sanne and Daan"
        );
    }

    #[test]
    fn a_full_mail_carries_the_message_and_names_the_children() {
        let mail = single(
            "De Regenboog",
            &item("Schoolreis", "Op 3 juni naar de Efteling.", "Sanne en Daan"),
            EmailContent::Full,
            Language::Dutch,
        );
        assert_eq!(mail.subject, "Schoolreis");
        assert!(mail.body.contains("Op 3 juni naar de Efteling."));
        assert!(mail.body.contains("gaat over Sanne en Daan"));
    }

    #[test]
    fn a_notice_only_mail_says_nothing_of_the_message() {
        let mail = single(
            "De Regenboog",
            &Item {
                urgent: true,
                ..item("Luizencontrole", "Er is hoofdluis in groep 5.", "Sanne")
            },
            EmailContent::NoticeOnly,
            Language::Dutch,
        );
        assert_eq!(mail.subject, "[Spoed] Nieuw bericht van De Regenboog");
        assert!(!mail.body.contains("hoofdluis"));
        assert!(!mail.subject.contains("Luizen"));
    }

    #[test]
    fn an_overview_lists_the_titles_in_order() {
        let items = [
            item("Schoolreis", "body one", "Sanne"),
            item("Studiedag", "body two", ""),
        ];
        let mail = digest("De Regenboog", &items, EmailContent::Full, Language::Dutch);
        assert_eq!(mail.kind, "digest");
        assert!(mail.subject.contains("2 bericht"));
        let first = mail.body.find("- Schoolreis (Sanne)").unwrap();
        let second = mail.body.find("- Studiedag\n").unwrap();
        assert!(first < second);
        assert!(!mail.body.contains("body one"));
        let notice = digest(
            "De Regenboog",
            &items,
            EmailContent::NoticeOnly,
            Language::English,
        );
        assert!(!notice.body.contains("Schoolreis"));
    }
}
