//! Tests of the explicit patterns: subjects, coordination, passive agents, framings, and mentions
//! that are no speaker.

use super::*;

#[test]
fn subjects_of_reporting_verbs_with_modifiers_and_coordination() {
    let t = "Pakistan underlined the need for capacity-building. Ukraine also noted that norms matter. \
             Brazil and France underlined best practices. Canada, Chile, and Colombia agreed.";
    let got = attribute(t, &[]);
    assert_eq!(
        speakers(&got),
        [vec!["PAK"], vec!["UKR"], vec!["BRA", "FRA"], vec!["CAN", "CHL", "COL"]]
    );
}

#[test]
fn passive_agents_according_to_views_and_final_attribution() {
    let t = "The need for rules was highlighted by Iraq. This was echoed by Canada, Chile, and Colombia. \
             According to South Africa, capacity raises resilience. In Chile's view, the OEWG could study threats. \
             States should not harm vulnerable groups, Costa Rica emphasised.";
    let got = attribute(t, &[]);
    assert_eq!(
        speakers(&got),
        [
            vec!["IRQ"],
            vec!["CAN", "CHL", "COL"],
            vec!["ZAF"],
            vec!["CHL"],
            vec!["CRI"]
        ]
    );
}

#[test]
fn representatives_speak_for_their_state_and_pronouns_continue() {
    let t = "Ambassador Aamir Khan, deputy permanent representative of Pakistan, said a treaty was needed. \
             He continued that capacity mattered. The Pakistani envoy said more.\n\n\
             Ms. Izumi Nakamitsu warned of attacks. She urged caution.";
    let got = attribute(
        t,
        &[
            ("Aamir Khan", "PER"),
            ("Pakistan", "LOC"),
            ("Pakistani", "MISC"),
            ("Izumi Nakamitsu", "PER"),
        ],
    );
    assert_eq!(
        speakers(&got),
        [
            vec!["PAK"],
            vec!["PAK"],
            vec!["PAK"],
            vec!["izumi-nakamitsu"],
            vec!["izumi-nakamitsu"]
        ]
    );
}

#[test]
fn objects_of_prepositions_are_not_subjects_but_a_role_of_a_state_is() {
    let t = "Pakistan highlighted attacks by Russia on hospitals.\n\nTalks between the US and China continued. \
             The representative of Brazil said norms matter. In South Africa’s view, the OEWG could act.";
    let got = attribute(t, &[]);
    assert_eq!(speakers(&got), [vec!["PAK"], vec!["BRA"], vec!["ZAF"]]);
}

#[test]
fn mentioned_attacked_or_reported_actors_are_not_speakers() {
    let t = "Estonia was attacked in 2007. Talks with Georgia stalled. \
             Chile suggested that the OEWG could recognise the GFCE. \
             In a meeting at the UN Security Council, Pakistan highlighted the risks.";
    let got = attribute(t, &[("UN Security Council", "ORG")]);
    assert_eq!(speakers(&got), [vec!["CHL"], vec!["PAK"]]);
}

#[test]
fn agents_after_modifiers_lists_among_others_and_inverted_roles() {
    let t = "The need for a treaty was raised once again by Bolivia and Nepal. \
             The point was raised by Ghana, Fiji, Peru and Chad, among others. \
             Norms remain essential, said the permanent representative of Uruguay.";
    let got = attribute(t, &[]);
    assert_eq!(
        speakers(&got),
        [vec!["BOL", "NPL"], vec!["GHA", "FJI", "PER", "TCD"], vec!["URY"]],
        "{got:?}"
    );
}
