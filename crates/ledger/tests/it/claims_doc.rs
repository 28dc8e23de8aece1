//! `CLAIMS.md` is the reference of every claim kind and field: its table of kinds must say what
//! the kinds' one definition (`claims.rs`) says, in both directions.

use greenlight_ledger::claims::{required_fields, rule, Dated, Need, KINDS, RULES};

const DOC: &str = include_str!("../../CLAIMS.md");

/// The rows of the `### Kinds` table: (kinds named in the first cell, subject, fields).
fn kind_rows() -> Vec<(Vec<String>, String, String)> {
    let section = DOC
        .split("### Kinds")
        .nth(1)
        .expect("CLAIMS.md has a ### Kinds section");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // header and separator
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 3, "a kinds row has three cells: {l}");
            let kinds = cells[0]
                .split(',')
                .map(|k| k.trim().trim_matches('`').to_string())
                .collect();
            (kinds, cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

#[test]
fn every_kind_is_documented_with_its_fields() {
    let rows = kind_rows();
    let documented: Vec<&String> = rows.iter().flat_map(|(k, _, _)| k).collect();
    let mut seen = Vec::new();
    for k in documented {
        assert!(
            rule(k).is_some(),
            "CLAIMS.md documents `{k}`, which is not a kind"
        );
        assert!(!seen.contains(&k), "`{k}` is documented twice");
        seen.push(k);
    }
    assert_eq!(seen.len(), KINDS.len(), "every kind has a row");
    for r in RULES {
        let (_, subject, fields) = rows
            .iter()
            .find(|(ks, _, _)| ks.iter().any(|k| k == r.name))
            .unwrap_or_else(|| panic!("`{}` has no row in CLAIMS.md", r.name));
        for f in r.fields {
            assert!(
                fields.contains(&format!("`{f}`")),
                "`{}`: field `{f}` is not in CLAIMS.md ({fields})",
                r.name
            );
        }
        for f in required_fields(r.name) {
            assert!(
                fields.contains(&format!("**`{f}`**")),
                "`{}`: required field `{f}` is not bold in CLAIMS.md ({fields})",
                r.name
            );
        }
        // Every field the row names, outside the parentheses that list values or explain, is
        // one of the kind's (or its event date).
        let mut depth = 0;
        let names: String = fields
            .chars()
            .filter(|c| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0 && *c != ')'
            })
            .collect();
        for quoted in names.split('`').skip(1).step_by(2) {
            assert!(
                r.fields.contains(&quoted) || quoted == "event_date",
                "`{}`: CLAIMS.md names `{quoted}`, which the kind does not take",
                r.name
            );
        }
        assert_eq!(
            subject.contains("**season**"),
            r.season == Need::Required,
            "`{}`: season ({subject})",
            r.name
        );
        assert_eq!(
            subject.contains("**person**"),
            r.person == Need::Required,
            "`{}`: person ({subject})",
            r.name
        );
        if r.season == Need::Forbidden {
            assert!(!subject.contains("season"), "`{}`: {subject}", r.name);
        }
        assert_eq!(
            fields.contains("**`event_date`**"),
            matches!(r.event_date, Dated::Required(_)),
            "`{}`: event_date ({fields})",
            r.name
        );
    }
}
