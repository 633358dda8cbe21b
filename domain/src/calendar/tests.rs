use chrono::NaiveDate;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 2026-2027 in regio midden with one study day (Monday 16 November 2026).
pub(crate) fn middle_2026() -> SchoolCalendar {
    let year = SchoolYear { start_year: 2026 };
    let mut closures = region_holidays(year, Region::Middle).unwrap();
    closures.push(Closure::study_day("Studiedag", date(2026, 11, 16)));
    SchoolCalendar::new(year, closures, LessonTable::default()).unwrap()
}

#[test]
fn days_have_their_kinds() {
    let c = middle_2026();
    assert_eq!(
        c.day_kind(date(2026, 8, 28)),
        Some(DayKind::Holiday),
        "summer"
    );
    assert_eq!(
        c.day_kind(date(2026, 8, 31)),
        Some(DayKind::SchoolDay),
        "first day"
    );
    assert_eq!(c.day_kind(date(2026, 9, 5)), Some(DayKind::Weekend));
    assert_eq!(c.day_kind(date(2026, 11, 16)), Some(DayKind::StudyDay));
    assert_eq!(
        c.day_kind(date(2027, 5, 6)),
        Some(DayKind::Holiday),
        "Ascension"
    );
    assert_eq!(c.day_kind(date(2027, 8, 2)), None, "next school year");
    assert_eq!(
        c.closure_on(date(2026, 12, 25)).map(|c| c.name.as_str()),
        Some("Kerstvakantie")
    );
}

#[test]
fn school_days_skip_weekends_holidays_and_study_days() {
    let c = middle_2026();
    // Monday 14 to Friday 25 December: the second week is the kerstvakantie.
    assert_eq!(
        c.count_school_days(date(2026, 12, 14), date(2026, 12, 25)),
        5
    );
    // The study day week: four school days.
    assert_eq!(
        c.count_school_days(date(2026, 11, 16), date(2026, 11, 22)),
        4
    );
    assert_eq!(
        c.count_school_days(date(2026, 11, 22), date(2026, 11, 16)),
        0
    );
    assert_eq!(
        c.next_school_day(date(2026, 12, 18)),
        Some(date(2027, 1, 4))
    );
    assert_eq!(
        c.previous_school_day(date(2027, 1, 4)),
        Some(date(2026, 12, 18))
    );
    assert_eq!(
        c.next_school_day(date(2027, 7, 9)),
        None,
        "summer until the year ends"
    );
}

#[test]
fn teaching_minutes_follow_the_group_or_the_school() {
    let group = Uuid::from_u128(5);
    let own = WeekMinutes::new([330, 330, 225, 330, 0, 0, 0]).unwrap();
    let c = SchoolCalendar::new(
        middle_2026().year(),
        middle_2026().closures().to_vec(),
        LessonTable::default().with_group(group, own),
    )
    .unwrap();
    let friday = date(2026, 9, 4);
    assert_eq!(c.teaching_minutes(None, friday), DEFAULT_FULL_DAY_MINUTES);
    assert_eq!(c.teaching_minutes(Some(group), friday), 0);
    assert_eq!(c.teaching_minutes(Some(Uuid::from_u128(6)), friday), 330);
    assert_eq!(
        c.teaching_minutes(None, date(2026, 9, 2)),
        DEFAULT_WEDNESDAY_MINUTES
    );
    assert_eq!(c.teaching_minutes(None, date(2026, 12, 22)), 0, "holiday");
    assert_eq!(
        c.teaching_minutes_between(None, date(2026, 8, 31), date(2026, 9, 6)),
        WeekMinutes::default().per_week()
    );
    assert_eq!(WeekMinutes::new([481, 0, 0, 0, 0, 0, 0]), None);
}

#[test]
fn weeks_without_school_days_are_no_school_weeks() {
    let c = middle_2026();
    assert_eq!(c.school_week_index(date(2026, 8, 31)), Some(1));
    assert_eq!(c.school_week_index(date(2026, 9, 6)), Some(1), "its Sunday");
    assert_eq!(c.school_week_index(date(2026, 9, 7)), Some(2));
    assert_eq!(c.school_week_index(date(2026, 9, 14)), Some(3));
    assert_eq!(
        c.school_week_index(date(2026, 10, 19)),
        None,
        "herfstvakantie"
    );
    let before = c.school_week_index(date(2026, 10, 16)).unwrap();
    assert_eq!(c.school_week_index(date(2026, 10, 26)), Some(before + 1));
    assert_eq!(
        c.first_two_school_weeks(),
        Some((date(2026, 8, 31), date(2026, 9, 13)))
    );
    assert!(c.in_first_two_school_weeks(date(2026, 9, 11)));
    assert!(!c.in_first_two_school_weeks(date(2026, 9, 14)));
    assert!(!c.in_first_two_school_weeks(date(2026, 8, 28)), "summer");
}

#[test]
fn holiday_breaks_include_their_weekends() {
    let breaks = middle_2026().holiday_breaks();
    assert!(breaks.contains(&(date(2026, 10, 17), date(2026, 10, 25))));
    assert!(breaks.contains(&(date(2026, 12, 19), date(2027, 1, 3))));
    // Liberation Day (Wednesday) and Ascension Day, with the Friday a school day: two days.
    assert!(breaks.contains(&(date(2027, 5, 5), date(2027, 5, 6))));
    // A weekend alone holds no holiday, so it is no break.
    assert!(!breaks.iter().any(|(first, _)| *first == date(2026, 9, 5)));
}

#[test]
fn closures_are_checked_per_field() {
    let year = SchoolYear { start_year: 2026 };
    let refused = SchoolCalendar::new(
        year,
        vec![
            Closure::holiday(" ", date(2026, 10, 1), date(2026, 10, 2)),
            Closure::holiday("Terug", date(2026, 10, 2), date(2026, 10, 1)),
            Closure::holiday("Vorig jaar", date(2025, 10, 1), date(2025, 10, 2)),
            Closure::holiday(&"x".repeat(101), date(2026, 10, 1), date(2026, 10, 2)),
        ],
        LessonTable::default(),
    )
    .unwrap_err();
    let fields: Vec<_> = refused.iter().map(|r| r.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "closures[0].name",
            "closures[1].last",
            "closures[2].first",
            "closures[3].name"
        ]
    );
}

proptest! {
    #[test]
    fn counted_school_days_never_exceed_calendar_days(from in 0u64..400, len in 0u64..400) {
        let c = middle_2026();
        let first = date(2026, 7, 15).checked_add_days(Days::new(from)).unwrap();
        let last = first.checked_add_days(Days::new(len)).unwrap();
        let counted = u64::from(c.count_school_days(first, last));
        prop_assert!(counted <= len + 1);
        prop_assert!(counted * 7 <= (len + 7) * 5, "at most five a week");
    }
}
