//! The life of a leave request: pending → approved / rejected / forwarded → (forwarded) decided by
//! the attendance officer. A notification (religious obligations, a five-year-old's first 5 hours)
//! needs no decision: it is noted. Pure: the service stores the state and checks it with
//! [`decide`] under a guarded update.

use crate::Invalid;

use super::LeaveKind;

/// Who decides a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decider {
    /// Nobody: a notification (art. 13; art. 11a up to 5 hours).
    Notification,
    /// The director (schoolleider), `StaffRole::Director`.
    Director,
    /// The attendance officer (leerplichtambtenaar), after hearing the director: art. 14 leave of
    /// more than 10 school days in a school year in total (art. 14 lid 3).
    AttendanceOfficer,
}

impl Decider {
    pub fn as_str(self) -> &'static str {
        match self {
            Decider::Notification => "notification",
            Decider::Director => "director",
            Decider::AttendanceOfficer => "attendance_officer",
        }
    }

    pub fn parse(value: &str) -> Option<Decider> {
        [
            Decider::Notification,
            Decider::Director,
            Decider::AttendanceOfficer,
        ]
        .into_iter()
        .find(|d| d.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LeaveState {
    Pending,
    /// A notification, taken note of.
    Noted,
    Approved,
    Rejected,
    /// Sent to the attendance officer, whose decision is awaited.
    Forwarded,
    OfficerApproved,
    OfficerRejected,
    /// Taken back by the guardian before a decision.
    Withdrawn,
}

impl LeaveState {
    pub const ALL: [LeaveState; 8] = [
        LeaveState::Pending,
        LeaveState::Noted,
        LeaveState::Approved,
        LeaveState::Rejected,
        LeaveState::Forwarded,
        LeaveState::OfficerApproved,
        LeaveState::OfficerRejected,
        LeaveState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeaveState::Pending => "pending",
            LeaveState::Noted => "noted",
            LeaveState::Approved => "approved",
            LeaveState::Rejected => "rejected",
            LeaveState::Forwarded => "forwarded",
            LeaveState::OfficerApproved => "officer_approved",
            LeaveState::OfficerRejected => "officer_rejected",
            LeaveState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(value: &str) -> Option<LeaveState> {
        LeaveState::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The state a new request starts in.
    pub fn initial(decider: Decider) -> LeaveState {
        match decider {
            Decider::Notification => LeaveState::Noted,
            _ => LeaveState::Pending,
        }
    }

    /// Leave the pupil has (it counts towards the limits of the law).
    pub fn is_granted(self) -> bool {
        matches!(
            self,
            LeaveState::Noted | LeaveState::Approved | LeaveState::OfficerApproved
        )
    }

    /// No further decision can change it.
    pub fn is_final(self) -> bool {
        !matches!(self, LeaveState::Pending | LeaveState::Forwarded)
    }
}

/// A decision on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The director grants it.
    Approved,
    /// The director refuses it; the reason is shown to the guardians.
    Rejected { reason: String },
    /// The director sends it to the attendance officer.
    Forwarded,
    /// The attendance officer's decision, recorded by the school.
    DecidedByOfficer {
        granted: bool,
        reason: Option<String>,
    },
    /// The guardian takes it back.
    Withdrawn,
}

/// The state after `outcome`, for a request of `kind` whose verdict named `decider` and
/// `breaks_law` (see `Verdict`). Refused: approving what the law forbids or what is the attendance
/// officer's to decide; a rejection without reason; forwarding other than art. 14 leave beyond the
/// director's 10 days (the director decides the rest: art. 14 lid 3 is for more); an
/// officer's decision on a request not forwarded; anything on a final state.
pub fn decide(
    state: LeaveState,
    kind: LeaveKind,
    decider: Decider,
    breaks_law: bool,
    outcome: &Outcome,
) -> Result<LeaveState, Invalid> {
    let wrong = || Invalid::new("invalid_transition", "not possible in the request's state");
    match (state, outcome) {
        (LeaveState::Pending, Outcome::Approved) if breaks_law => Err(Invalid::new(
            "violates_law",
            "the request breaks a rule of the Leerplichtwet and cannot be approved",
        )),
        (LeaveState::Pending, Outcome::Approved) if decider == Decider::AttendanceOfficer => {
            Err(Invalid::new(
                "attendance_officer_decides",
                "more than 10 school days this school year: forward it to the attendance officer",
            ))
        }
        (LeaveState::Pending, Outcome::Approved) => Ok(LeaveState::Approved),
        (LeaveState::Pending, Outcome::Rejected { reason }) if reason.trim().is_empty() => Err(
            Invalid::new("reason_required", "a rejection gives its reason"),
        ),
        (LeaveState::Pending, Outcome::Rejected { .. }) => Ok(LeaveState::Rejected),
        (LeaveState::Pending, Outcome::Forwarded)
            if kind == LeaveKind::ImportantCircumstances
                && decider == Decider::AttendanceOfficer =>
        {
            Ok(LeaveState::Forwarded)
        }
        (LeaveState::Forwarded, Outcome::DecidedByOfficer { granted, .. }) => Ok(if *granted {
            LeaveState::OfficerApproved
        } else {
            LeaveState::OfficerRejected
        }),
        (LeaveState::Pending | LeaveState::Noted, Outcome::Withdrawn) => Ok(LeaveState::Withdrawn),
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject() -> Outcome {
        Outcome::Rejected {
            reason: "geen werkgeversverklaring".to_owned(),
        }
    }

    #[test]
    fn a_request_goes_from_pending_to_a_decision() {
        let holiday = LeaveKind::Holiday;
        let d = Decider::Director;
        let pending = LeaveState::initial(d);
        assert_eq!(
            decide(pending, holiday, d, false, &Outcome::Approved),
            Ok(LeaveState::Approved)
        );
        assert_eq!(
            decide(pending, holiday, d, true, &reject()),
            Ok(LeaveState::Rejected)
        );
        assert_eq!(
            decide(pending, holiday, d, true, &Outcome::Approved)
                .unwrap_err()
                .code,
            "violates_law"
        );
        let empty = Outcome::Rejected {
            reason: " ".to_owned(),
        };
        assert_eq!(
            decide(pending, holiday, d, false, &empty).unwrap_err().code,
            "reason_required"
        );
        assert!(decide(pending, holiday, d, false, &Outcome::Forwarded).is_err());
        assert!(
            decide(LeaveState::Approved, holiday, d, false, &reject()).is_err(),
            "final"
        );
        assert_eq!(
            LeaveState::initial(Decider::Notification),
            LeaveState::Noted
        );
    }

    #[test]
    fn art_14_over_ten_days_goes_to_the_attendance_officer() {
        let kind = LeaveKind::ImportantCircumstances;
        let officer = Decider::AttendanceOfficer;
        let pending = LeaveState::Pending;
        assert_eq!(
            decide(pending, kind, officer, false, &Outcome::Approved)
                .unwrap_err()
                .code,
            "attendance_officer_decides"
        );
        let forwarded = decide(pending, kind, officer, false, &Outcome::Forwarded).unwrap();
        assert_eq!(forwarded, LeaveState::Forwarded);
        assert!(!forwarded.is_final());
        let by_officer = |granted| Outcome::DecidedByOfficer {
            granted,
            reason: None,
        };
        assert_eq!(
            decide(forwarded, kind, officer, false, &by_officer(true)),
            Ok(LeaveState::OfficerApproved)
        );
        assert_eq!(
            decide(forwarded, kind, officer, false, &by_officer(false)),
            Ok(LeaveState::OfficerRejected)
        );
        assert!(decide(pending, kind, officer, false, &by_officer(true)).is_err());
        assert!(
            LeaveState::OfficerApproved.is_granted() && !LeaveState::OfficerRejected.is_granted()
        );
        for s in LeaveState::ALL {
            assert_eq!(LeaveState::parse(s.as_str()), Some(s));
        }
    }
}
