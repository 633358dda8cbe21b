//! The lawful bases for processing personal data (AVG art. 6 lid 1, a–f). The disclosure register
//! (seed 002, appendix 3) and the consent purposes (SPEC §10) each name one.

/// Why processing or a disclosure is lawful (AVG art. 6 lid 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegalBasis {
    /// a: the data subject (for a child, the parent with parental authority) consented.
    Consent,
    /// b: needed for a contract with the data subject.
    Contract,
    /// c: a legal obligation of the school (DUO, leerplicht, the inspectorate).
    LegalObligation,
    /// d: to protect someone's vital interests.
    VitalInterest,
    /// e: a task in the public interest (education itself).
    PublicTask,
    /// f: the school's legitimate interest, weighed against the subject's.
    LegitimateInterest,
}

impl LegalBasis {
    pub const ALL: [LegalBasis; 6] = [
        LegalBasis::Consent,
        LegalBasis::Contract,
        LegalBasis::LegalObligation,
        LegalBasis::VitalInterest,
        LegalBasis::PublicTask,
        LegalBasis::LegitimateInterest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal_obligation",
            LegalBasis::VitalInterest => "vital_interest",
            LegalBasis::PublicTask => "public_task",
            LegalBasis::LegitimateInterest => "legitimate_interest",
        }
    }

    pub fn parse(value: &str) -> Option<LegalBasis> {
        LegalBasis::ALL.into_iter().find(|b| b.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_basis_reads_back_from_its_name() {
        for basis in LegalBasis::ALL {
            assert_eq!(LegalBasis::parse(basis.as_str()), Some(basis));
        }
        assert_eq!(LegalBasis::parse("Consent"), None);
    }
}
