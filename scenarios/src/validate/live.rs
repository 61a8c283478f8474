//! The live service's part of the file: its bearer tokens and memory.

use super::checker::Checker;
use crate::schema::Scenario;

/// Bearer tokens: long enough, each once, held by exactly one associate of
/// the roster or one named integration.
pub(super) fn check_tokens(c: &mut Checker, s: &Scenario) {
    let heads: u32 = s.associates.shifts.iter().map(|sh| sh.headcount).sum();
    let mut seen = std::collections::HashSet::new();
    for (i, t) in s.live.tokens.iter().enumerate() {
        let at = |f: &str| format!("live.tokens[{i}].{f}");
        let given = [
            t.token.is_some(),
            t.token_env.is_some(),
            t.token_file.is_some(),
        ];
        c.check(
            given.iter().filter(|&&g| g).count() == 1,
            &format!("live.tokens[{i}]"),
            || "give exactly one of `token`, `token_env` or `token_file`".into(),
        );
        // Secrets from the environment or a file are checked when `paklog
        // serve` reads them.
        if let Some(token) = &t.token {
            c.check(token.chars().count() >= 16, &at("token"), || {
                "must be at least 16 characters".into()
            });
            c.check(seen.insert(token.as_str()), &at("token"), || {
                "is given twice: every device and integration needs its own".into()
            });
        }
        for (field, name) in [("token_env", &t.token_env), ("token_file", &t.token_file)] {
            if let Some(name) = name {
                c.check(!name.trim().is_empty(), &at(field), || {
                    "must not be empty".into()
                });
            }
        }
        match (t.associate, &t.integration) {
            (Some(a), None) => c.check(a < heads, &at("associate"), || {
                format!("the roster has associates 0 to {}", heads.saturating_sub(1))
            }),
            (None, Some(name)) => c.check(!name.trim().is_empty(), &at("integration"), || {
                "must name the integration".into()
            }),
            _ => c.fail(
                &format!("live.tokens[{i}]"),
                "give either `associate` (a device) or `integration`, not both or neither".into(),
            ),
        }
    }
}

/// The events kept in memory: enough for a subscriber to resume.
pub(super) fn check_retention(c: &mut Checker, s: &Scenario) {
    c.check(
        s.live.retained_events >= 1024,
        "live.retained_events",
        || format!("must be at least 1024, got {}", s.live.retained_events),
    );
    c.check(
        s.live.retained_finished_hours >= 1,
        "live.retained_finished_hours",
        || "must be at least 1".into(),
    );
}
