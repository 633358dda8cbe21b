use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::calendar::tests::middle_2026;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn absent(date: NaiveDate, minutes: u32) -> CountedAbsence {
    CountedAbsence { date, minutes }
}

#[test]
fn sixteen_hours_signal_and_fifteen_hours_fifty_nine_do_not() {
    // Art. 21a: reaching 16 hours within 4 school weeks. Weeks of 7, 14, 21 and 28 September.
    let c = [middle_2026()];
    let mut days = vec![
        absent(date(2026, 9, 7), 330),
        absent(date(2026, 9, 15), 330),
        absent(date(2026, 9, 28), 299),
    ];
    assert!(duo_signals(&c, &days, None).is_empty(), "959 minutes");
    days[2].minutes = 300;
    let signals = duo_signals(&c, &days, None);
    assert_eq!(signals.len(), 1);
    let s = &signals[0];
    assert_eq!((s.total_minutes, s.reached_on), (960, date(2026, 9, 28)));
    assert_eq!(
        (s.window_first, s.window_last),
        (date(2026, 9, 7), date(2026, 10, 4))
    );
    assert_eq!(s.days.len(), 3);
    // A fifth school week is outside the window: 7 September and 5 October are 5 weeks apart.
    let apart = [
        absent(date(2026, 9, 7), 480),
        absent(date(2026, 10, 5), 480),
    ];
    assert!(duo_signals(&c, &apart, None).is_empty());
}

#[test]
fn a_holiday_week_inside_the_window_is_skipped() {
    // Regio midden: herfstvakantie 17–25 October. School weeks: 28 Sep, 5 Oct, 12 Oct, 26 Oct,
    // 2 Nov. 5 October and 2 November are 4 school weeks (5 calendar weeks) apart.
    let c = [middle_2026()];
    let within = [
        absent(date(2026, 10, 5), 480),
        absent(date(2026, 11, 2), 480),
    ];
    let signals = duo_signals(&c, &within, None);
    assert_eq!(signals.len(), 1);
    assert_eq!(signals[0].window_first, date(2026, 10, 5));
    // 28 September and 2 November are 5 school weeks apart.
    let beyond = [
        absent(date(2026, 9, 28), 480),
        absent(date(2026, 11, 2), 480),
    ];
    assert!(duo_signals(&c, &beyond, None).is_empty());
    // Absence on a holiday (registered by mistake) counts for nothing.
    let holiday = [absent(date(2026, 10, 20), 960)];
    assert!(duo_signals(&c, &holiday, None).is_empty());
}

#[test]
fn counting_starts_again_after_a_report_and_a_signal_is_raised_anew() {
    let c = [middle_2026()];
    let first = [absent(date(2026, 9, 7), 480), absent(date(2026, 9, 8), 480)];
    let mut all = first.to_vec();
    // The next week: 8 more hours, then 8 more the week after.
    all.extend([
        absent(date(2026, 9, 14), 480),
        absent(date(2026, 9, 21), 480),
    ]);
    let signals = duo_signals(&c, &all, None);
    let reached: Vec<_> = signals.iter().map(|s| s.reached_on).collect();
    assert_eq!(
        reached,
        [date(2026, 9, 8), date(2026, 9, 21)],
        "16 new hours each"
    );
    // Reported on 8 September: the first 16 hours never count again.
    let after_report = duo_signals(&c, &all, Some(date(2026, 9, 8)));
    assert_eq!(after_report.len(), 1);
    assert_eq!(after_report[0].reached_on, date(2026, 9, 21));
    assert_eq!(after_report[0].total_minutes, 960);
    // Reported on 14 September: 8 hours left, no signal.
    assert!(duo_signals(&c, &all, Some(date(2026, 9, 14))).is_empty());
}

#[test]
fn more_than_four_school_weeks_absent_is_long_absence() {
    let c = [middle_2026()];
    let every_day =
        |from: NaiveDate, to: NaiveDate| -> Vec<NaiveDate> { c[0].school_days(from, to).collect() };
    // From Monday 7 September: on Monday 5 October it is four weeks and a day.
    let found = long_absences(&c, &every_day(date(2026, 9, 7), date(2026, 10, 9)));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].reached_on, date(2026, 10, 5));
    assert_eq!(found[0].last_day, date(2026, 10, 9));
    // Until Friday 2 October: exactly four weeks, not more.
    assert!(long_absences(&c, &every_day(date(2026, 9, 7), date(2026, 10, 2))).is_empty());
    // Over the herfstvakantie the holiday week is skipped: from 5 October it is reached on 9 November.
    let found = long_absences(&c, &every_day(date(2026, 10, 5), date(2026, 11, 13)));
    assert_eq!(found[0].reached_on, date(2026, 11, 9));
    // A day present breaks the run.
    let mut gap = every_day(date(2026, 9, 7), date(2026, 10, 9));
    gap.retain(|d| *d != date(2026, 9, 23));
    assert!(long_absences(&c, &gap).is_empty());
}

#[test]
fn absence_next_to_a_holiday_of_a_week_is_suspected_luxury_absence() {
    let c = [middle_2026()];
    let days = [
        date(2026, 10, 16), // Friday before the herfstvakantie
        date(2026, 10, 26), // Monday after it
        date(2026, 10, 9),  // an ordinary Friday
        date(2027, 5, 4),   // before Liberation Day and Ascension: two days, no week
        date(2027, 5, 3),   // Monday after the meivakantie
    ];
    assert_eq!(
        suspected_luxury_absence(&c, &days),
        [date(2026, 10, 16), date(2026, 10, 26), date(2027, 5, 3)]
    );
}

proptest! {
    #[test]
    fn the_duo_signal_never_fires_below_960_minutes_in_a_window(
        raw in proptest::collection::vec((0u64..330, 0u32..481), 0..40),
        reported in proptest::option::of(0u64..330),
    ) {
        let c = [middle_2026()];
        let start = date(2026, 8, 24);
        let absences: Vec<_> = raw
            .iter()
            .map(|(day, minutes)| absent(start + Days::new(*day), *minutes))
            .collect();
        let reported = reported.map(|d| start + Days::new(d));
        let signals = duo_signals(&c, &absences, reported);
        let weeks = c[0].school_weeks();
        for s in &signals {
            prop_assert!(s.total_minutes >= DUO_THRESHOLD_MINUTES);
            prop_assert_eq!(s.total_minutes, s.days.iter().map(|d| d.minutes).sum::<u32>());
            let spanned = weeks
                .iter()
                .filter(|w| w.monday >= s.window_first && w.monday <= s.window_last)
                .count();
            prop_assert!(spanned <= DUO_WINDOW_SCHOOL_WEEKS);
            prop_assert!(s.days.iter().all(|d| reported.is_none_or(|r| d.date > r)));
        }
        // The same input in another order gives the same signals.
        let mut reversed = absences.clone();
        reversed.reverse();
        prop_assert_eq!(&duo_signals(&c, &reversed, reported), &signals);
        // With no report and no signal, no window of 4 school weeks reaches 960.
        if reported.is_none() && signals.is_empty() {
            for window in weeks.windows(DUO_WINDOW_SCHOOL_WEEKS) {
                let (from, to) = (window[0].monday, window[window.len() - 1].sunday());
                let total: u32 = absences
                    .iter()
                    .filter(|a| a.date >= from && a.date <= to && c[0].school_week_index(a.date).is_some())
                    .map(|a| a.minutes)
                    .sum();
                prop_assert!(total < DUO_THRESHOLD_MINUTES);
            }
        }
    }
}
