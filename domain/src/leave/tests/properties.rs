//! Properties of the engine.

use proptest::prelude::*;

use super::*;

fn any_earlier() -> impl Strategy<Value = EarlierRequest> {
    (
        proptest::sample::select(LeaveKind::ALL.to_vec()),
        0u64..330,
        0u64..15,
        proptest::sample::select(LeaveState::ALL.to_vec()),
        proptest::option::of(0u32..400),
    )
        .prop_map(|(kind, start, len, state, minutes)| {
            let first = date(2026, 8, 24) + Days::new(start);
            EarlierRequest {
                kind,
                first_day: first,
                last_day: first + Days::new(len),
                state,
                minutes_per_week: minutes,
            }
        })
}

proptest! {
    #[test]
    fn the_verdict_does_not_depend_on_the_order_of_earlier_requests(
        (list, shuffled) in proptest::collection::vec(any_earlier(), 0..8)
            .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        kind in proptest::sample::select(LeaveKind::ALL.to_vec()),
        start in 0u64..330,
        len in 0u64..20,
    ) {
        let first = date(2026, 8, 24) + Days::new(start);
        let mut r = request(kind, first, first + Days::new(len), first - Days::new(30));
        r.minutes_per_week = Some(200);
        let pupil = PupilFacts { birth_date: Some(date(2021, 6, 1)) };
        let settings = LeaveSettings::default();
        let calendars = [middle_2026()];
        let a = evaluate(&r, &calendars, &list, &pupil, &settings);
        let b = evaluate(&r, &calendars, &shuffled, &pupil, &settings);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn counted_days_never_exceed_calendar_days_across_years(start in 0u64..700, len in 0u64..366) {
        let first = date(2026, 1, 1) + Days::new(start);
        let last = first + Days::new(len);
        let (per_year, _) = school_days_per_year(&plain_years(), first, last);
        let counted: usize = per_year.values().map(Vec::len).sum();
        prop_assert!(counted as u64 <= len + 1);
    }
}
